/**
 * An OpenSearch Atom entry as a record, for Harvest when the entry links to no metadata document
 * a catalogue format reads: identifier (dc:identifier, else atom:id), title, summary, categories
 * as keywords, GeoRSS footprint (simple or GML, latitude first as GeoRSS writes it), dc:date as the
 * temporal extent, and the entry's links. An entry offering its own OpenSearch description (CEOS
 * two-step search) is a collection.
 */
import { readGmlGeometry } from '../../core/filter/index.js';
import { invalidParameterValue, serializeXmlTreeNode, type XmlTreeNode } from '../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../core/storage/db/types.js';
import type { CatalogueRecordInput, RecordLink } from '../catalogue/types.js';
import { CSW_NS } from './namespaces.js';

const GEORSS = 'http://www.georss.org/georss';

const childNs = (node: XmlTreeNode, namespace: string, name: string) => node.children.find((c) => c.namespace === namespace && c.name === name);

/** "lat lon lat lon ..." → [[lon, lat], ...]. */
function latLonPairs(text: string, locator: string): Array<[number, number]> {
  const n = text.trim().split(/[\s,]+/).map(Number);
  if (n.length < 2 || n.length % 2 !== 0 || n.some((v) => !Number.isFinite(v))) throw invalidParameterValue(locator, `GeoRSS coordinates '${text}' are not latitude/longitude pairs`);
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n.length; i += 2) out.push([n[i + 1]!, n[i]!]);
  return out;
}

function footprint(entry: XmlTreeNode, locator: string): GeoJSONGeometry | undefined {
  const polygon = childNs(entry, GEORSS, 'polygon');
  if (polygon) return { type: 'Polygon', coordinates: [latLonPairs(polygon.text, locator)] };
  const box = childNs(entry, GEORSS, 'box');
  if (box) {
    const [[w, s], [e, n]] = latLonPairs(box.text, locator) as [[number, number], [number, number]];
    return { type: 'Polygon', coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] };
  }
  const point = childNs(entry, GEORSS, 'point');
  if (point) return { type: 'Point', coordinates: latLonPairs(point.text, locator)[0]! };
  const where = childNs(entry, GEORSS, 'where');
  if (where?.children[0]) return readGmlGeometry(where.children[0], { defaultCrs: 'urn:ogc:def:crs:EPSG::4326', axisOrder: 'by-identifier', locator });
  return undefined;
}

export function atomLinks(entry: XmlTreeNode): RecordLink[] {
  return entry.children
    .filter((c) => c.namespace === CSW_NS.atom && c.name === 'link' && c.attrs.href)
    .map((l) => ({ href: l.attrs.href!, rel: l.attrs.rel ?? 'alternate', ...(l.attrs.type ? { type: l.attrs.type } : {}), ...(l.attrs.title ? { title: l.attrs.title } : {}) }));
}

export function atomEntryRecord(entry: XmlTreeNode, owner: string | undefined, locator: string): CatalogueRecordInput {
  const text = (ns: string, name: string) => childNs(entry, ns, name)?.text.trim() || undefined;
  const identifier = text(CSW_NS.dc, 'identifier') ?? text(CSW_NS.atom, 'id');
  if (!identifier) throw invalidParameterValue(locator, 'An Atom entry has neither dc:identifier nor atom:id');
  const links = atomLinks(entry);
  const record: CatalogueRecordInput = {
    identifier,
    type: links.some((l) => l.rel === 'search' && l.type === 'application/opensearchdescription+xml') ? 'collection' : 'product',
    links,
    metadata: { format: 'application/atom+xml', content: serializeXmlTreeNode(entry) },
  };
  const title = text(CSW_NS.atom, 'title');
  if (title) record.title = title;
  const abstract = text(CSW_NS.atom, 'summary') ?? text(CSW_NS.atom, 'content');
  if (abstract) record.abstract = abstract;
  const keywords = entry.children.filter((c) => c.namespace === CSW_NS.atom && c.name === 'category' && c.attrs.term).map((c) => c.attrs.term!);
  if (keywords.length > 0) record.keywords = [...new Set(keywords)];
  const geometry = footprint(entry, locator);
  if (geometry) record.geometry = geometry;
  const date = text(CSW_NS.dc, 'date');
  if (date) {
    const [start, end] = date.split('/');
    if (start && start !== '..') record.start = start;
    if (end && end !== '..') record.end = end;
  }
  const updated = text(CSW_NS.atom, 'updated');
  if (updated) record.modificationDate = updated;
  if (owner) record.owner = owner;
  return record;
}
