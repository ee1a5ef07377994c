/**
 * Features as GeoJSON (RFC 7946): coordinates in x/y order of the output CRS (CRS:84 unless
 * SRSNAME names another, which the collection then names in a `crs` member, as GDAL reads it),
 * ids the same `collection.id` gml:ids the XML has, so RESOURCEID takes them back.
 */
import type { Feature } from '../../features/types.js';
import { gmlId } from '../feature-types.js';
import type { PlannedQuery } from '../query-plan.js';
import { jsonValue } from './values.js';

export function featureJson(feature: Feature, plan: PlannedQuery): string {
  const properties: Record<string, unknown> = {};
  for (const p of plan.properties) {
    const v = feature.properties[p.name];
    if (v !== undefined) properties[p.name] = jsonValue(v);
  }
  return JSON.stringify({ type: 'Feature', id: gmlId(plan.collection.id, feature.id), geometry: plan.includeGeometry ? feature.geometry : null, properties });
}

/** The `crs` member for an output other than longitude/latitude WGS 84, or undefined. */
export function crsMember(plan: PlannedQuery): Record<string, unknown> | undefined {
  const id = plan.output.ref.crs.id;
  if (id === 'OGC:CRS84' || id === 'EPSG:4326') return undefined;
  return { type: 'name', properties: { name: plan.output.ref.crs.urn } };
}
