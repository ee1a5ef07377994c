/**
 * GeoJSON responses (OGC 17-047): a FeatureCollection with the OpenSearch response members
 * (totalResults, startIndex, itemsPerPage, queries.request) and its links grouped by relation in
 * `properties.links`, with its JSON-LD @context (GeoJSON-LD); each feature is the record in the
 * catalogue's `ogc17-003` encoding, with this service's links added. Features are written as the
 * encoder gives them, one chunk each.
 */
import type { CatalogueRecord } from '../catalogue/types.js';
import type { MetadataFormat } from '../catalogue/formats/types.js';
import { formatUnavailable } from './errors.js';
import type { Link } from './links.js';
import type { SearchResponseHead } from './response.js';

/** 17-047 link groups by Atom relation. */
const GROUP: Record<string, string> = {
  first: 'first',
  previous: 'previous',
  next: 'next',
  last: 'last',
  search: 'search',
  alternate: 'alternates',
  profile: 'profiles',
};

/**
 * The JSON-LD contexts 17-047 and 17-003 publish for their encodings (the GeoJSON is the
 * compaction of the JSON-LD through them): the response's, at schemas.opengis.net/os-geojson/1.0/
 * as deployed 17-047 services (VITO Terrascope) name it, and a lone feature's, 17-003's at
 * schemas.opengis.net/eo-geojson/1.0/ (ESA's EO GeoJSON examples).
 */
export const OS_GEOJSON_CONTEXT = 'http://schemas.opengis.net/os-geojson/1.0/os-geojson.jsonld';
export const EO_GEOJSON_CONTEXT = 'https://schemas.opengis.net/eo-geojson/1.0/eo-geojson.jsonld';
/** 17-047's requirements class, which responses name as a profile (with OWS Context's). */
export const OS_GEOJSON_PROFILE = 'http://www.opengis.net/spec/os-geojson/1.0/req/core';

export interface GeoJsonCollectionInput extends SearchResponseHead {
  /** The features, each already JSON text. */
  features: string[];
}

/** Links grouped by relation, as 17-003/17-047 `links` objects hold them. */
export function groupLinks(links: readonly Link[]): Record<string, Array<{ href: string; type?: string; title?: string }>> {
  const out: Record<string, Array<{ href: string; type?: string; title?: string }>> = {};
  for (const l of links) {
    const group = GROUP[l.rel];
    if (!group) continue;
    (out[group] ??= []).push({ href: l.href, ...(l.type ? { type: l.type } : {}), ...(l.title ? { title: l.title } : {}) });
  }
  return out;
}

export function geojsonChunks(input: GeoJsonCollectionInput): string[] {
  const request: Record<string, string | number> = { count: input.itemsPerPage, startIndex: input.startIndex };
  for (const [name, value] of input.query) request[name] = value;
  const head = {
    '@context': OS_GEOJSON_CONTEXT,
    type: 'FeatureCollection',
    id: input.id,
    totalResults: input.totalResults,
    startIndex: input.startIndex,
    itemsPerPage: input.itemsPerPage,
    queries: { request: [request] },
    properties: {
      title: input.title,
      creator: input.author,
      updated: input.updated,
      lang: 'en',
      links: {
        profiles: [
          { href: 'http://www.opengis.net/spec/owc-geojson/1.0/req/core', title: 'This document is compliant with version 1.0 of OGC Context' },
          { href: OS_GEOJSON_PROFILE, title: 'This document is an OpenSearch-EO GeoJSON(-LD) response (OGC 17-047)' },
        ],
        ...groupLinks(input.links),
      },
    },
  };
  const text = JSON.stringify(head);
  const chunks = [`${text.slice(0, -1)},"features":[`];
  input.features.forEach((f, i) => chunks.push(i === 0 ? f : `,${f}`));
  chunks.push(']}');
  return chunks;
}

/**
 * One record as a 17-003 GeoJSON feature: the engine's `ogc17-003` format with this service's
 * links. 501 while no such format is registered.
 */
export function recordFeature(format: MetadataFormat | undefined, record: CatalogueRecord, selfUrl: string, links: Link[], alone = false): string {
  if (!format?.toJson) throw formatUnavailable('ogc17-003', 'httpAccept');
  const feature = format.toJson(record, { selfUrl, links }) as Record<string, unknown>;
  // A feature in a response has the response's context; one served alone names 17-003's.
  return JSON.stringify(alone ? { '@context': EO_GEOJSON_CONTEXT, ...feature } : feature);
}
