/**
 * Features and values in Transaction requests, read back from the application schema's GML
 * (describe-feature-type.ts): a feature element names its type, its children its properties
 * (typed by encoders/values.ts; xsi:nil or an empty non-string element is null), the geometry
 * property holds a GML geometry, read into CRS:84 by core/filter with the action's srsName (else
 * the type's DefaultCRS) for geometries without one. GML's own properties (boundedBy, name,
 * description, identifier) are ignored.
 */
import { readGmlGeometry, type GeoJSONGeometry } from '../../core/filter/index.js';
import type { AxisOrderContext } from '../../core/ows/crs/axis.js';
import type { XmlTreeNode } from '../../core/ows/index.js';
import type { CollectionDescription, FeatureInput, PropertyDefinition } from '../features/types.js';
import { AXIS_CONTEXT } from './crs.js';
import { wfsException } from './exceptions.js';
import { parseValue } from './encoders/values.js';
import type { FeatureTypes } from './feature-types.js';
import { GEOMETRY_PROPERTY } from './query-plan.js';
import { NS } from './versions.js';

const GEOMETRY_ELEMENTS = new Set(['Point', 'LineString', 'LinearRing', 'Polygon', 'Envelope', 'Box', 'MultiPoint', 'MultiLineString', 'MultiCurve', 'MultiPolygon', 'MultiSurface', 'MultiGeometry']);
const GML_NAMESPACES = new Set<string>([NS.gml32, NS.gml]);

export function isGeometryElement(node: XmlTreeNode): boolean {
  return GEOMETRY_ELEMENTS.has(node.name) && (node.namespace === '' || GML_NAMESPACES.has(node.namespace));
}

/**
 * A GML geometry element as GeoJSON in CRS:84; a bad one is an InvalidValue at `locator`.
 * `axisOrder` 'xy' for WFS 1.0.0 Transactions (GML 2 is x/y whatever its srsName says).
 */
export function readGeometry(node: XmlTreeNode, defaultCrs: string, locator: string, axisOrder: AxisOrderContext = AXIS_CONTEXT): GeoJSONGeometry {
  try {
    return readGmlGeometry(node, { defaultCrs, axisOrder, locator });
  } catch (err) {
    throw wfsException('InvalidValue', (err as Error).message, locator);
  }
}

/** The value of a property element (or a wfs:Value) for the property's type. */
export function readValue(node: XmlTreeNode | undefined, property: PropertyDefinition, locator: string): unknown {
  if (!node || node.attrs.nil === 'true') return null;
  if (node.children.length > 0) throw wfsException('InvalidValue', `Property '${property.name}' takes a ${property.type} value, not elements`, locator);
  if (node.text === '' && property.type !== 'string' && property.type !== 'json') return null;
  const value = parseValue(property.type === 'string' ? rawText(node) : node.text, property.type);
  if (value === undefined) throw wfsException('InvalidValue', `'${node.text}' is not a ${property.type} value for property '${property.name}'`, locator);
  return value;
}

/** A string's text as written (leading and trailing spaces are the value's). */
function rawText(node: XmlTreeNode): string {
  return node.content.filter((c): c is string => typeof c === 'string').join('');
}

export interface ReadFeature {
  collection: CollectionDescription;
  feature: FeatureInput;
  /** The gml:id (or fid) written on the element. */
  writtenId?: string;
}

export async function readFeature(
  node: XmlTreeNode,
  types: FeatureTypes,
  defaultSrs: string | undefined,
  locator: string,
  defaultCrsOf: (c: CollectionDescription) => string,
  axisOrder: AxisOrderContext = AXIS_CONTEXT,
): Promise<ReadFeature> {
  const collection = await types.resolve({ written: node.prefix ? `${node.prefix}:${node.name}` : node.name, prefix: node.prefix, local: node.name, namespace: node.namespace || undefined }, locator);
  const crs = defaultSrs ?? defaultCrsOf(collection);
  const properties: Record<string, unknown> = {};
  let geometry: GeoJSONGeometry | null = null;
  const byName = new Map(collection.properties.map((p) => [p.name, p]));
  for (const child of node.children) {
    if (GML_NAMESPACES.has(child.namespace)) continue;
    const definition = byName.get(child.name);
    if (child.name === GEOMETRY_PROPERTY || (!definition && child.children.some(isGeometryElement))) {
      const g = child.children.find(isGeometryElement);
      geometry = g ? readGeometry(g, crs, child.name, axisOrder) : null;
      continue;
    }
    if (!definition) throw wfsException('InvalidValue', `Feature type '${collection.id}' has no property '${child.name}'`, child.name);
    properties[child.name] = readValue(child, definition, child.name);
  }
  return { collection, feature: { geometry, properties }, writtenId: node.attrs.id ?? node.attrs.fid };
}
