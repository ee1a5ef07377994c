/**
 * Features as GML 3.2 (WFS 2.0) or 3.1.1 (WFS 1.1.0) elements of the application schema
 * describe-feature-type.ts writes: one element per feature type, `gml:id` its identifier, one
 * child per non-null property in schema order, then the geometry property. Written as text per
 * feature so a response streams. The `gml` and application prefixes are declared by the caller.
 */
import { gmlGeometryTextWriter } from '../../../core/filter/index.js';
import { escapeXmlAttr, escapeXmlText } from '../../../core/ows/index.js';
import type { Feature } from '../../features/types.js';
import { gmlId } from '../feature-types.js';
import { GEOMETRY_PROPERTY, type PlannedQuery } from '../query-plan.js';
import { valueText } from './values.js';

/** A geometry writer per output (srsName and axis order): set up once, not per feature. */
const geometryWriters = new WeakMap<PlannedQuery['output'], ReturnType<typeof gmlGeometryTextWriter>>();

export function geometryXml(geometry: NonNullable<Feature['geometry']>, id: string, plan: Pick<PlannedQuery, 'output'>): string {
  let write = geometryWriters.get(plan.output);
  if (!write) {
    write = gmlGeometryTextWriter({ srsName: plan.output.srsName, latLon: plan.output.swap });
    geometryWriters.set(plan.output, write);
  }
  return write(geometry, id);
}

/** One feature element; `prefix` is the application namespace's. */
export function featureXml(feature: Feature, plan: PlannedQuery, prefix: string): string {
  const type = `${prefix}:${plan.collection.id}`;
  const id = gmlId(plan.collection.id, feature.id);
  let out = `<${type} gml:id="${escapeXmlAttr(id)}">`;
  for (const p of plan.properties) {
    const text = valueText(feature.properties[p.name], p.type);
    if (text !== undefined) out += `<${prefix}:${p.name}>${escapeXmlText(text)}</${prefix}:${p.name}>`;
  }
  if (plan.includeGeometry && feature.geometry) {
    out += `<${prefix}:${GEOMETRY_PROPERTY}>${geometryXml(feature.geometry, `${id}.geom`, plan)}</${prefix}:${GEOMETRY_PROPERTY}>`;
  }
  return `${out}</${type}>`;
}

/** One property of a feature as GetPropertyValue writes it: the property element, or nothing when null. */
export function propertyValueXml(feature: Feature, plan: PlannedQuery, property: string, prefix: string): string | undefined {
  if (property === GEOMETRY_PROPERTY) {
    if (!feature.geometry) return undefined;
    return `<${prefix}:${property}>${geometryXml(feature.geometry, `${gmlId(plan.collection.id, feature.id)}.geom`, plan)}</${prefix}:${property}>`;
  }
  if (property === 'id') return `<${prefix}:id>${escapeXmlText(gmlId(plan.collection.id, feature.id))}</${prefix}:id>`;
  const definition = plan.collection.properties.find((p) => p.name === property);
  const text = definition ? valueText(feature.properties[property], definition.type) : undefined;
  return text === undefined ? undefined : `<${prefix}:${property}>${escapeXmlText(text)}</${prefix}:${property}>`;
}
