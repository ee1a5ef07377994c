/**
 * Transaction Update by RecordProperty (CSW 2.0.2 §10.11.3.3): each Name is a queryable name
 * (dc:title, apiso:Abstract, ows:BoundingBox, cloudCover...), each Value its new value (text, or
 * an ows:BoundingBox / GML geometry element); a RecordProperty without Value removes the
 * property. Values are typed as the engine queryable they set.
 */
import { CRS84, readGmlEnvelope, readGmlGeometry, type XmlNode } from '../../core/filter/index.js';
import { invalidParameterValue, type XmlTreeNode } from '../../core/ows/index.js';
import type { GeoJSONGeometry } from '../../core/storage/db/types.js';
import type { RecordPatch } from '../catalogue/types.js';
import { DEFAULT_FILTER_CRS } from './constraint.js';
import { ANY_TEXT, type QueryableMap } from './queryables.js';
import type { RecordPropertyUpdate } from './requests.js';

const LOCATOR = 'RecordProperty';

/** Properties the catalogue keeps itself: a client cannot set them. */
const MANAGED = new Set(['identifier', 'created', 'updated', 'owner']);

function envelopePolygon([minx, miny, maxx, maxy]: [number, number, number, number]): GeoJSONGeometry {
  return { type: 'Polygon', coordinates: [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]] };
}

/** ows:BoundingBox (LowerCorner/UpperCorner, crs) read as the gml:Envelope it mirrors. */
function asEnvelope(node: XmlTreeNode): XmlNode {
  const corner = (n: XmlTreeNode) => ({ ...n, name: n.name === 'LowerCorner' ? 'lowerCorner' : 'upperCorner' });
  const srsName = node.attrs.crs ?? node.attrs.srsName;
  return { name: 'Envelope', attrs: srsName ? { srsName } : {}, children: node.children.filter((c) => c.name === 'LowerCorner' || c.name === 'UpperCorner').map(corner), text: '' };
}

function geometryOf(update: RecordPropertyUpdate): GeoJSONGeometry {
  const element = update.value?.element;
  if (!element) throw invalidParameterValue(LOCATOR, `${update.name} needs an ows:BoundingBox or a GML geometry as its Value`);
  const options = { defaultCrs: DEFAULT_FILTER_CRS, axisOrder: 'by-identifier' as const, locator: LOCATOR };
  if (element.name === 'BoundingBox' || element.name === 'WGS84BoundingBox') {
    const node = element.name === 'WGS84BoundingBox' ? { ...asEnvelope(element), attrs: { srsName: CRS84 } } : asEnvelope(element);
    return envelopePolygon(readGmlEnvelope(node, options));
  }
  if (element.name === 'Envelope' || element.name === 'Box') return envelopePolygon(readGmlEnvelope(element, options));
  return readGmlGeometry(element, options);
}

/** The patch one RecordProperty makes (null removes). */
function patchOf(update: RecordPropertyUpdate, map: QueryableMap): RecordPatch {
  const field = map.resolve(update.name);
  if (field === undefined || field === ANY_TEXT) throw invalidParameterValue(LOCATOR, `'${update.name}' is not a property an Update can set`);
  if (MANAGED.has(field)) throw invalidParameterValue(LOCATOR, `'${update.name}' is kept by the catalogue and cannot be set`);
  const type = map.describe(field)?.type;
  const text = update.value?.text.trim();
  if (update.value === undefined || (text === '' && !update.value.element)) {
    if (field === 'type') throw invalidParameterValue(LOCATOR, 'A record keeps its type; give dc:type a value');
    return { [field]: null } as RecordPatch;
  }
  if (type === 'geometry') return { geometry: geometryOf(update) };
  if (field === 'type') {
    const recordType = map.recordType(text!);
    if (!recordType) throw invalidParameterValue(LOCATOR, `Unknown record type '${text}' (dataset, series, service, application)`);
    return { type: recordType };
  }
  if (field === 'keywords') return { keywords: text!.split(/\s*,\s*/).filter((k) => k !== '') };
  if (field === 'visibility') {
    if (text === 'public' || text === 'private') return { visibility: text };
    return { visibility: text!.split(/\s*,\s*/).filter((g) => g !== '') };
  }
  if (type === 'number') {
    const n = Number(text);
    if (!Number.isFinite(n)) throw invalidParameterValue(LOCATOR, `${update.name} must be a number; got '${text}'`);
    return { [field]: n } as RecordPatch;
  }
  return { [field]: text } as RecordPatch;
}

/**
 * The patch a list of RecordProperty updates makes. The stored original document no longer
 * describes the record once it changes, so it is dropped (metadata: null).
 */
export function recordPropertyPatch(updates: readonly RecordPropertyUpdate[], map: QueryableMap): RecordPatch {
  const patch: RecordPatch = { metadata: null };
  for (const update of updates) Object.assign(patch, patchOf(update, map));
  return patch;
}

/** The record with a patch applied (null removes a field), as the engine's patch would. */
export function applyPatch<T extends object>(record: T, patch: RecordPatch): T {
  const out: Record<string, unknown> = { ...(record as Record<string, unknown>) };
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete out[key];
    else if (value !== undefined) out[key] = value;
  }
  return out as T;
}
