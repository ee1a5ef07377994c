/**
 * Features as GeoJSON (RFC 7946): coordinates in x/y order of the output CRS (CRS:84 unless
 * SRSNAME names another, which the collection then names in a `crs` member, as GDAL reads it),
 * ids the same `collection.id` gml:ids the XML has, so RESOURCEID takes them back.
 */
import type { Feature } from '../../features/types.js';
import { gmlId } from '../feature-types.js';
import type { PlannedQuery } from '../query-plan.js';
import { jsonValue } from './values.js';

/** `"name":` of each written property, quoted once per plan. */
const keysOf = new WeakMap<PlannedQuery, string[]>();

/** One feature as JSON text, written directly (the same text as JSON.stringify of the feature object, without building it). */
export function featureJson(feature: Feature, plan: PlannedQuery): string {
  let keys = keysOf.get(plan);
  if (!keys) {
    keys = plan.properties.map((p) => `${JSON.stringify(p.name)}:`);
    keysOf.set(plan, keys);
  }
  let properties = '';
  const values = feature.properties;
  for (let i = 0; i < keys.length; i++) {
    const v = values[plan.properties[i]!.name];
    if (v === undefined) continue;
    // JSON.stringify writes a non-finite number as null. A number's text comes from JSON.stringify rather than
    // '' + v: the same digits, but V8 keeps the strings '' + v makes in its number-string cache, an old-space
    // table, so each one outlives two scavenges and is promoted; an export then filled the old generation with
    // dead strings at some 50 KB per thousand features until the next full collection (the RSS growth of a
    // large export), where JSON.stringify's strings die young.
    const text = typeof v === 'number' ? JSON.stringify(v) : JSON.stringify(jsonValue(v));
    // A value JSON has no text for (a function, a symbol) is left out, as JSON.stringify leaves it out of an object.
    if (text === undefined) continue;
    properties += (properties === '' ? '' : ',') + keys[i] + text;
  }
  const geometry = plan.includeGeometry && feature.geometry ? JSON.stringify(feature.geometry) : 'null';
  return `{"type":"Feature","id":${JSON.stringify(gmlId(plan.collection.id, feature.id))},"geometry":${geometry},"properties":{${properties}}}`;
}

/** The `crs` member for an output other than longitude/latitude WGS 84, or undefined. */
export function crsMember(plan: PlannedQuery): Record<string, unknown> | undefined {
  const id = plan.output.ref.crs.id;
  if (id === 'OGC:CRS84' || id === 'EPSG:4326') return undefined;
  return { type: 'name', properties: { name: plan.output.ref.crs.urn } };
}
