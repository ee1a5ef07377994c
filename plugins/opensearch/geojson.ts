/**
 * GeoJSON responses (OGC 17-047): a FeatureCollection with the OpenSearch response members
 * (totalResults, startIndex, itemsPerPage, queries.request) and its links grouped by relation in
 * `properties.links`; each feature is the record in the catalogue's `ogc17-003` encoding, with
 * this service's links added. Features are written as the encoder gives them, one chunk each.
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
        profiles: [{ href: 'http://www.opengis.net/spec/owc-geojson/1.0/req/core', title: 'This document is compliant with version 1.0 of OGC Context' }],
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
export function recordFeature(format: MetadataFormat | undefined, record: CatalogueRecord, selfUrl: string, links: Link[]): string {
  if (!format?.toJson) throw formatUnavailable('ogc17-003', 'httpAccept');
  return JSON.stringify(format.toJson(record, { selfUrl, links }));
}
