/**
 * Constraints and sort keys as requests carry them: Filter Encoding 1.1 (ogc:Filter) or 2.0
 * (fes:Filter) XML, inline or as the KVP CONSTRAINT value, and OGC CQL text (CQL_TEXT, CqlText).
 * core/filter parses them; here property names get their canonical prefix from the request's
 * namespaces, and GML without srsName is read as urn:ogc:def:crs:EPSG::4326 (latitude first),
 * the CSW convention that OWSLib, QGIS MetaSearch and pycsw share.
 */
import { parseFesFilter, parseOgcCql, type Filter } from '../../core/filter/index.js';
import { invalidParameterValue, parseXmlElementTree, type XmlTreeNode } from '../../core/ows/index.js';
import { canonicalName, type NamespaceScope } from './names.js';
import type { SortProperty } from './requests.js';

/** GML geometries without srsName in CSW filters. */
export const DEFAULT_FILTER_CRS = 'urn:ogc:def:crs:EPSG::4326';

const PROPERTY_ELEMENTS = new Set(['PropertyName', 'ValueReference']);

/** The filter element with every property name's prefix canonicalised through its own scope. */
function canonicalFilterTree(node: XmlTreeNode): XmlTreeNode {
  if (PROPERTY_ELEMENTS.has(node.name)) return { ...node, text: canonicalName(node.text, node.scope) };
  return { ...node, children: node.children.map(canonicalFilterTree) };
}

/** An ogc:Filter / fes:Filter element (from an XML request or a KVP CONSTRAINT). */
export function filterOfElement(node: XmlTreeNode, locator = 'Constraint'): Filter {
  return parseFesFilter(canonicalFilterTree(node), { locator, defaultGeometry: 'ows:BoundingBox', defaultCrs: DEFAULT_FILTER_CRS, axisOrder: 'by-identifier' });
}

/** OGC CQL text; property prefixes resolve through `scope` (KVP NAMESPACE or the XML declarations). */
export function filterOfCql(text: string, scope: NamespaceScope, locator = 'Constraint'): Filter {
  return canonicalProperties(parseOgcCql(text, { locator }), scope);
}

/** The KVP CONSTRAINT in its CONSTRAINTLANGUAGE (FILTER or CQL_TEXT). */
export function filterOfKvp(text: string, language: string | undefined, scope: NamespaceScope): Filter {
  const lang = (language ?? (text.trimStart().startsWith('<') ? 'FILTER' : 'CQL_TEXT')).toUpperCase();
  if (lang === 'CQL_TEXT' || lang === 'CQL') return filterOfCql(text, scope, 'CONSTRAINT');
  if (lang !== 'FILTER') throw invalidParameterValue('CONSTRAINTLANGUAGE', `CONSTRAINTLANGUAGE must be FILTER or CQL_TEXT; got '${language}'`);
  const root = parseXmlElementTree(text, { code: 'InvalidParameterValue', locator: 'CONSTRAINT' });
  if (root.name !== 'Filter') throw invalidParameterValue('CONSTRAINT', `CONSTRAINT must be an ogc:Filter or fes:Filter element; got '${root.name}'`);
  return filterOfElement(root, 'CONSTRAINT');
}

/** A csw:Constraint element: its Filter or CqlText child. */
export function filterOfConstraintElement(constraint: XmlTreeNode): Filter {
  const filter = constraint.children.find((c) => c.name === 'Filter');
  if (filter) return filterOfElement(filter);
  const cql = constraint.children.find((c) => c.name === 'CqlText');
  if (cql) return filterOfCql(cql.text, cql.scope);
  throw invalidParameterValue('Constraint', 'Constraint needs an ogc:Filter (fes:Filter) or a CqlText');
}

function canonicalProperties(filter: Filter, scope: NamespaceScope): Filter {
  // Walks the whole tree: property references sit in any expression position.
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (value === null || typeof value !== 'object') return value;
    const o = value as Record<string, unknown>;
    if (o.kind === 'property' && typeof o.name === 'string') {
      const name = canonicalName(o.name, scope);
      return { ...o, name, path: name.split('.') };
    }
    if (o.kind === 'geometry') return o;
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, visit(v)]));
  };
  return visit(filter) as Filter;
}

function direction(text: string | undefined, locator: string): 'asc' | 'desc' {
  const d = (text ?? 'ASC').trim().toUpperCase();
  if (d === 'A' || d === 'ASC') return 'asc';
  if (d === 'D' || d === 'DESC') return 'desc';
  throw invalidParameterValue(locator, `Sort order must be ASC or DESC (A or D); got '${text}'`);
}

/** KVP SORTBY: `dc:title:A,dct:modified:D` (CSW 2.0.2) or `dc:title ASC,dct:modified DESC` (FES 2.0). */
export function sortOfKvp(value: string, scope: NamespaceScope): SortProperty[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '')
    .map((item) => {
      const spaced = /^(\S+)\s+(\S+)$/.exec(item);
      const coloned = /^(.+):(A|D|ASC|DESC)$/i.exec(item);
      const [name, order] = spaced ? [spaced[1]!, spaced[2]] : coloned ? [coloned[1]!, coloned[2]] : [item, undefined];
      return { property: canonicalName(name, scope), direction: direction(order, 'SORTBY') };
    });
}

/** ogc:SortBy / fes:SortBy. */
export function sortOfElement(sortBy: XmlTreeNode): SortProperty[] {
  const keys = sortBy.children.filter((c) => c.name === 'SortProperty');
  if (keys.length === 0) throw invalidParameterValue('SortBy', 'SortBy needs at least one SortProperty');
  return keys.map((key) => {
    const name = key.children.find((c) => PROPERTY_ELEMENTS.has(c.name));
    if (!name || name.text === '') throw invalidParameterValue('SortBy', 'SortProperty needs a PropertyName (ValueReference)');
    return { property: canonicalName(name.text, name.scope), direction: direction(key.children.find((c) => c.name === 'SortOrder')?.text, 'SortBy') };
  });
}
