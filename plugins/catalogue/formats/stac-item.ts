/** STAC 1.0.0 Items <-> product records. */
import type { CatalogueRecord, CatalogueRecordInput } from '../types.js';
import { JsonReader, compact, invalidRecord, sameInstant, type JsonObject } from './json-document.js';
import { withoutCollections } from './output-geometry.js';
import { isFlatMapped, MAPPED_STAC_FIELDS, readStacFields, stacExtensions, stacFieldsOf } from './stac-fields.js';
import { finishStacRecord, STAC_ONLY_KEYS, STAC_VERSION } from './stac-document.js';
import { stacLinksOf } from './stac-links.js';
import type { DecodeOptions, EncodeOptions } from './types.js';

/** One Item (at `path` in the document, for error locators) as a product record. */
export function decodeStacItem(value: unknown, path: string, content: string, options: DecodeOptions & { source?: string }): CatalogueRecordInput {
  const r = JsonReader.of(value, path, 'A STAC Item');
  const identifier = r.requiredString('id');
  if (!('geometry' in r.value)) throw invalidRecord(`${r.locator('geometry')} is required (a geometry or null)`, r.locator('geometry'));
  const p = r.object('properties');
  if (!p) throw invalidRecord(`${r.locator('properties')} is required`, r.locator('properties'));
  const record: CatalogueRecordInput = { identifier, type: 'product' };
  const extras: JsonObject = {};
  const geometry = r.geometry('geometry');
  if (geometry) record.geometry = geometry;
  const parent = r.string('collection') ?? options.parentIdentifier;
  if (parent !== undefined) record.parentIdentifier = parent;
  readStacFields(p, record, extras);
  readTime(p, record, extras);
  for (const [key, v] of Object.entries(p.value)) if (!MAPPED_STAC_FIELDS.has(key)) extras[key] = v;
  // The link to the collection the record names is made anew on output.
  return finishStacRecord(r, record, extras, content, options, (l) => !(l.rel === 'collection' && parent !== undefined && l.href === encodeURIComponent(parent)));
}

/**
 * datetime / start_datetime / end_datetime -> start, end. A range's datetime is kept in extras
 * when it is not the start (null included), so the Item is written back as received.
 */
function readTime(p: JsonReader, record: CatalogueRecordInput, extras: JsonObject): void {
  const datetime = p.instant('datetime');
  const start = p.instant('start_datetime');
  const end = p.instant('end_datetime');
  if (datetime === undefined && start === undefined && end === undefined) {
    throw invalidRecord(`${p.locator('datetime')} is required (or start_datetime and end_datetime with a null datetime)`, p.locator('datetime'));
  }
  if (start === undefined && end === undefined) {
    record.start = datetime;
    return;
  }
  record.start = start ?? datetime ?? end;
  record.end = end ?? datetime ?? start;
  if (p.value.datetime === null) extras.datetime = null;
  else if (!sameInstant(datetime, record.start)) extras.datetime = datetime;
}

/** A product record as a STAC Item: its fields, `properties` as given, the caller's links. */
export function encodeStacItem(record: CatalogueRecord, options: EncodeOptions): JsonObject {
  const properties: JsonObject = stacFieldsOf(record);
  const extras = record.properties ?? {};
  for (const [key, v] of Object.entries(extras)) if (!STAC_ONLY_KEYS.has(key) && !(key in properties) && !isFlatMapped(key, record)) properties[key] = v;
  Object.assign(properties, timeOf(record));
  const geometry = withoutCollections(record.geometry);
  return compact({
    type: 'Feature',
    stac_version: STAC_VERSION,
    stac_extensions: stacExtensions(extras.stac_extensions, Object.keys(properties)),
    id: record.identifier,
    geometry,
    bbox: geometry && record.bbox ? record.bbox : undefined,
    properties,
    links: stacLinksOf(record, options),
    assets: record.assets ?? {},
    collection: record.parentIdentifier,
  });
}

/** The record's time as STAC: one datetime, or a range (whose datetime is the start unless kept). A timeless record is dated by its metadata. */
function timeOf(record: CatalogueRecord): JsonObject {
  const start = record.start;
  if (start === undefined) return { datetime: record.creationDate ?? record.created };
  const end = record.openEnd ? undefined : record.end;
  if (end === undefined || sameInstant(start, end)) return { datetime: start };
  const kept = record.properties && 'datetime' in record.properties ? record.properties.datetime : start;
  return { datetime: kept, start_datetime: start, end_datetime: end };
}
