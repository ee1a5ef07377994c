/** STAC 1.0.0 Collections and Catalogs <-> collection records (a Catalog is a collection without extents). */
import type { CatalogueRecord, CatalogueRecordInput } from '../types.js';
import { JsonReader, compact, invalidRecord, isObject, type JsonObject } from './json-document.js';
import { bboxGeometry } from './output-geometry.js';
import { collapseSummaries, FLAT_TO_STAC, isFlatMapped, providersOf, readStacFields, stacExtensions, summariesOf } from './stac-fields.js';
import { finishStacRecord, STAC_ONLY_KEYS, STAC_VERSION } from './stac-document.js';
import { stacLinksOf } from './stac-links.js';
import type { DecodeOptions, EncodeOptions } from './types.js';

/** Top-level members read into the model or rebuilt on output; any other member goes to `properties`. */
const MODEL_MEMBERS = new Set(['type', 'stac_version', 'stac_extensions', 'id', 'title', 'description', 'keywords', 'sci:doi', 'processing:lineage', 'extent', 'links', 'assets']);
/** Flat names a Collection writes as its own members (sci:doi, processing:lineage, providers). */
const TOP_LEVEL_FLAT = new Set(['doi', 'lineage', 'organisationName', 'organisationRole']);
/** Members kept in `properties` that the encoder places itself. */
const PLACED_MEMBERS = new Set(['license', 'providers', 'summaries', 'extent']);

/** One Collection or Catalog (at `path`, for locators) as a collection record. */
export function decodeStacCollection(value: unknown, path: string, content: string, options: DecodeOptions & { source?: string }): CatalogueRecordInput {
  const r = JsonReader.of(value, path, 'A STAC Collection');
  const record: CatalogueRecordInput = { identifier: r.requiredString('id'), type: 'collection' };
  const extras: JsonObject = {};
  const summaries = r.object('summaries');
  // Summaries give the model its fields; the collection's own title, description and keywords win.
  if (summaries) readStacFields(new JsonReader(collapseSummaries(summaries.value), summaries.path), record, extras);
  const own = { title: r.value.title, description: r.value.description, keywords: r.value.keywords, 'sci:doi': r.value['sci:doi'], 'processing:lineage': r.value['processing:lineage'], providers: r.value.providers };
  readStacFields(new JsonReader(own, r.path), record, extras);
  if (r.value.type === 'Catalog') extras.stac_type = 'Catalog';
  else readExtent(r, record, extras);
  for (const [key, v] of Object.entries(r.value)) if (!MODEL_MEMBERS.has(key)) extras[key] = v;
  return finishStacRecord(r, record, extras, content, options);
}

/** The first (overall) bbox and interval into the model; further ones stay in `properties.extent`. */
function readExtent(r: JsonReader, record: CatalogueRecordInput, extras: JsonObject): void {
  const extent = r.object('extent');
  if (!extent) throw invalidRecord(`${r.locator('extent')} is required`, r.locator('extent'));
  const bboxes = extent.object('spatial')?.array('bbox') ?? [];
  const intervals = extent.object('temporal')?.array('interval') ?? [];
  const bbox = bboxes[0];
  if (bbox !== undefined) {
    if (!Array.isArray(bbox) || (bbox.length !== 4 && bbox.length !== 6) || bbox.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
      throw invalidRecord(`${extent.locator('spatial.bbox[0]')} must be 4 or 6 numbers`, extent.locator('spatial.bbox'));
    }
    const b = bbox as number[];
    record.geometry = bboxGeometry(b.length === 6 ? [b[0]!, b[1]!, b[3]!, b[4]!] : b);
  }
  const interval = intervals[0];
  if (interval !== undefined) {
    const locator = extent.locator('temporal.interval');
    if (!Array.isArray(interval) || interval.length !== 2 || interval.some((v) => v !== null && (typeof v !== 'string' || !Number.isFinite(Date.parse(v))))) {
      throw invalidRecord(`${locator}[0] must be two ISO 8601 date-times or nulls`, locator);
    }
    const [start, end] = interval as Array<string | null>;
    if (start !== null) record.start = start;
    if (end !== null) record.end = end;
    else if (start !== null) record.openEnd = true;
  }
  if (bboxes.length > 1 || intervals.length > 1) extras.extent = { spatial: { bbox: bboxes.slice(1) }, temporal: { interval: intervals.slice(1) } };
}

/** A collection record as a STAC Collection (or Catalog, when it was received as one). */
export function encodeStacCollection(record: CatalogueRecord, options: EncodeOptions): JsonObject {
  const extras = record.properties ?? {};
  const summaries = isObject(extras.summaries) ? extras.summaries : summariesOf(record);
  // A flat value STAC names is written where the Collection has it: a member of its own, or its
  // summaries (received ones hold what was read from them); otherwise under its flat name.
  const placed = (key: string) =>
    isFlatMapped(key, record) && (TOP_LEVEL_FLAT.has(key) || isObject(extras.summaries) || (FLAT_TO_STAC[key] !== undefined && FLAT_TO_STAC[key]! in summaries));
  const others: JsonObject = {};
  for (const [key, v] of Object.entries(extras)) {
    if (!STAC_ONLY_KEYS.has(key) && !PLACED_MEMBERS.has(key) && !MODEL_MEMBERS.has(key) && !placed(key)) others[key] = v;
  }
  const links = stacLinksOf(record, options);
  const description = record.abstract ?? record.title ?? record.identifier;
  if (extras.stac_type === 'Catalog') {
    return compact({ type: 'Catalog', stac_version: STAC_VERSION, stac_extensions: stacExtensions(extras.stac_extensions, []), id: record.identifier, title: record.title, description, ...others, links });
  }
  const more = isObject(extras.extent) ? extras.extent : {};
  const moreBoxes = isObject(more.spatial) && Array.isArray(more.spatial.bbox) ? more.spatial.bbox : [];
  const moreIntervals = isObject(more.temporal) && Array.isArray(more.temporal.interval) ? more.temporal.interval : [];
  return compact({
    type: 'Collection',
    stac_version: STAC_VERSION,
    stac_extensions: stacExtensions(extras.stac_extensions, [...Object.keys(summaries), ...(typeof extras.doi === 'string' ? ['sci:doi'] : []), ...(typeof extras.lineage === 'string' ? ['processing:lineage'] : [])]),
    id: record.identifier,
    title: record.title,
    description,
    keywords: record.keywords && record.keywords.length > 0 ? record.keywords : undefined,
    'sci:doi': typeof extras.doi === 'string' ? extras.doi : undefined,
    'processing:lineage': typeof extras.lineage === 'string' ? extras.lineage : undefined,
    license: typeof extras.license === 'string' ? extras.license : 'proprietary',
    providers: Array.isArray(extras.providers) ? extras.providers : providersOf(record),
    extent: {
      // STAC requires an extent: a record without a footprint covers the globe.
      spatial: { bbox: [record.bbox ?? [-180, -90, 180, 90], ...moreBoxes] },
      temporal: { interval: [[record.start ?? null, record.openEnd ? null : (record.end ?? null)], ...moreIntervals] },
    },
    summaries: Object.keys(summaries).length > 0 ? summaries : undefined,
    ...others,
    assets: record.assets && Object.keys(record.assets).length > 0 ? record.assets : undefined,
    links,
  });
}
