/** An OGC 17-003r2 / 17-084 GeoJSON feature into a record (the inverse of eo-geojson-encode.ts). */
import type { CatalogueRecordInput, EoProperties, RecordType } from '../types.js';
import { ACQUISITION_ANGLE_KEYS, INSTRUMENT_KEYS, NESTED_KEYS, PLATFORM_KEYS } from './eo-properties.js';
import { KIND_OF_TYPE, STRUCTURAL_PROPERTIES } from './eo-geojson-encode.js';
import { readAssets, readLinks, readOfferings } from './eo-geojson-links.js';
import { VALID } from './eo-geojson-schema.js';
import { JsonReader, invalidRecord, isObject, parseInterval, put, sameInstant, type JsonObject } from './json-document.js';
import type { DecodeOptions } from './types.js';

const TYPE_OF_KIND = new Map<string, RecordType>(Object.entries(KIND_OF_TYPE).map(([type, kind]) => [kind.slice(kind.lastIndexOf('/') + 1).toLowerCase(), type as RecordType]));
/** Model fields the encoder may set aside in additionalAttributes. */
const MODEL_FIELDS = new Set<keyof EoProperties>([
  'platformSerialIdentifier', 'sensorType', 'productType', 'processingLevel', 'orbitNumber', 'orbitDirection', 'cloudCover',
  'snowCover', 'resolution', 'polarisationChannels', 'acquisitionType', 'status',
]);
/** Properties read into the model; any other member of `properties` is kept in record.properties. */
const READ_PROPERTIES = new Set([...STRUCTURAL_PROPERTIES, 'keyword', 'categories']);

/** The record type of a `kind` URI or name ('.../dcmitype/Collection', 'Collection'). */
function typeOfKind(kind: string | undefined): RecordType | undefined {
  if (kind === undefined) return undefined;
  const name = kind.slice(Math.max(kind.lastIndexOf('/'), kind.lastIndexOf('#')) + 1).toLowerCase();
  return TYPE_OF_KIND.get(name);
}

/** 17-084 allows the abstract as text or as text per media type ({ "text/plain": "..." }). */
function abstractOf(p: JsonReader): string | undefined {
  const v = p.value.abstract;
  if (v === undefined || v === null || typeof v === 'string') return p.string('abstract');
  if (isObject(v)) {
    const text = v['text/plain'] ?? Object.values(v).find((x) => typeof x === 'string');
    if (typeof text === 'string') return text;
  }
  throw invalidRecord(`${p.locator('abstract')} must be a string`, p.locator('abstract'));
}

/** Free keywords and the labels (or terms) of categories. */
function keywordsOf(p: JsonReader): string[] | undefined {
  const words = [...(p.strings('keyword') ?? [])];
  (p.array('categories') ?? []).forEach((c, i) => {
    const r = JsonReader.of(c, `${p.locator('categories')}[${i}]`, 'A category');
    const word = r.string('label') ?? r.string('term');
    if (word !== undefined) words.push(word);
  });
  const unique = [...new Set(words)];
  return unique.length > 0 ? unique : undefined;
}

export function decodeEoFeature(value: unknown, path: string, content: string, options: DecodeOptions): CatalogueRecordInput {
  const r = JsonReader.of(value, path, 'A GeoJSON Feature');
  if (r.value.type !== 'Feature') throw invalidRecord(`${r.locator('type')} must be 'Feature'`, r.locator('type'));
  const p = r.object('properties');
  if (!p) throw invalidRecord(`${r.locator('properties')} is required (an object)`, r.locator('properties'));
  const identifier = p.string('identifier') ?? (typeof r.value.id === 'string' && r.value.id.trim() !== '' ? r.value.id : undefined);
  if (identifier === undefined) throw invalidRecord(`${p.locator('identifier')} is required`, p.locator('identifier'));
  const type = typeOfKind(p.string('kind')) ?? options.defaultType ?? 'product';
  const record: CatalogueRecordInput = { identifier, type };
  const extras: JsonObject = {};

  const geometry = r.geometry('geometry');
  if (geometry) record.geometry = geometry;
  put(record, 'title', p.string('title'));
  put(record, 'abstract', abstractOf(p));
  put(record, 'keywords', keywordsOf(p));
  if (p.has('categories')) extras.categories = p.value.categories;
  put(record, 'parentIdentifier', p.string('parentIdentifier') ?? (type === 'product' ? options.parentIdentifier : undefined));
  const date = p.string('date');
  if (date !== undefined) {
    const t = parseInterval(date, p.locator('date'));
    put(record, 'start', t.start);
    if (t.openEnd && t.start !== undefined) record.openEnd = true;
    else put(record, 'end', t.end);
  }
  put(record, 'modificationDate', p.instant('updated'));
  put(record, 'creationDate', p.instant('creationDate'));
  put(record, 'status', p.string('status'));
  readAcquisition(p, record, extras);
  readProductInformation(p, record, extras);
  const assets = readAssets(p);
  if (assets && Object.keys(assets).length > 0) record.assets = assets;
  const links = readLinks(p, assets);
  if (links && links.length > 0) record.links = links;
  const offerings = readOfferings(p);
  if (offerings && offerings.length > 0) record.offerings = offerings;
  for (const [key, v] of Object.entries(p.value)) if (!READ_PROPERTIES.has(key) && v !== undefined) extras[key] = v;
  readAdditionalAttributes(p, record, extras);
  if (Object.keys(extras).length > 0) record.properties = extras;
  if (options.owner !== undefined) record.owner = options.owner;
  record.metadata = { format: 'ogc17-003', content };
  return record;
}

function readAcquisition(p: JsonReader, record: CatalogueRecordInput, extras: JsonObject): void {
  const list = p.array('acquisitionInformation');
  if (!list || list.length === 0) return;
  const a = JsonReader.of(list[0], `${p.locator('acquisitionInformation')}[0]`, 'acquisitionInformation');
  const platform = a.object('platform');
  if (platform) {
    if (platform.has('platformShortName')) record.platform = platform.requiredString('platformShortName');
    put(record, 'platformSerialIdentifier', platform.string('platformSerialIdentifier'));
    for (const [member, flat] of Object.entries(PLATFORM_KEYS)) if (platform.has(member)) extras[flat] = platform.value[member];
  }
  const instrument = a.object('instrument');
  if (instrument) {
    if (instrument.has('instrumentShortName')) record.instrument = instrument.requiredString('instrumentShortName');
    put(record, 'sensorType', instrument.string('sensorType'));
    for (const [member, flat] of Object.entries(INSTRUMENT_KEYS)) if (instrument.has(member)) extras[flat] = instrument.value[member];
  }
  const params = a.object('acquisitionParameters');
  if (params) {
    put(record, 'acquisitionType', params.string('acquisitionType'));
    put(record, 'orbitNumber', params.number('orbitNumber'));
    put(record, 'orbitDirection', params.string('orbitDirection'));
    put(record, 'polarisationChannels', params.string('polarisationChannels'));
    put(record, 'resolution', params.number('resolution'));
    // The acquisition times stand for the record's time when `date` gives none; times that
    // differ from `date` are kept, to be written back.
    const begin = params.instant('beginningDateTime');
    const end = params.instant('endingDateTime');
    if (record.start === undefined && !record.openEnd) {
      if (begin !== undefined) record.start = begin;
      if (end !== undefined) record.end = end;
    } else {
      if (begin !== undefined && !sameInstant(begin, record.start)) extras.beginningDateTime = begin;
      if (end !== undefined && !sameInstant(end, record.openEnd ? record.start : (record.end ?? record.start))) extras.endingDateTime = end;
    }
    const angles = params.object('acquisitionAngles');
    for (const key of ACQUISITION_ANGLE_KEYS) if (angles?.has(key)) extras[key] = angles.value[key];
    const read = new Set(['acquisitionType', 'orbitNumber', 'orbitDirection', 'polarisationChannels', 'resolution', 'beginningDateTime', 'endingDateTime', 'acquisitionAngles']);
    keepMembers(params.value, read, extras, 'acquisitionParameters');
  }
  if (list.length > 1) extras.acquisitionInformation = list.slice(1);
}

function readProductInformation(p: JsonReader, record: CatalogueRecordInput, extras: JsonObject): void {
  const pi = p.object('productInformation');
  if (!pi) return;
  put(record, 'productType', pi.string('productType'));
  put(record, 'processingLevel', pi.string('processingLevel'));
  put(record, 'cloudCover', pi.number('cloudCover'));
  put(record, 'snowCover', pi.number('snowCover'));
  keepMembers(pi.value, new Set(['type', 'productType', 'processingLevel', 'cloudCover', 'snowCover']), extras, 'productInformation');
}

/**
 * Members of a 17-003 object not read into the model: known ones flat (eo-properties.ts), others
 * under the object's name in `extras` (`extras.productInformation.version`), to go back in place.
 */
function keepMembers(members: JsonObject, read: Set<string>, extras: JsonObject, parent: string): void {
  const unknown: JsonObject = {};
  for (const [key, v] of Object.entries(members)) {
    if (read.has(key) || v === undefined) continue;
    if (NESTED_KEYS.has(key)) extras[key] = v;
    else unknown[key] = v;
  }
  if (Object.keys(unknown).length > 0) extras[parent] = unknown;
}

/**
 * additionalAttributes: what the encoder set aside (model fields and the flat names of
 * eo-properties.ts, which win over their place in the document) returns there; the rest is kept.
 */
function readAdditionalAttributes(p: JsonReader, record: CatalogueRecordInput, extras: JsonObject): void {
  const additional = p.object('additionalAttributes');
  if (!additional) return;
  const rest: JsonObject = {};
  for (const [key, v] of Object.entries(additional.value)) {
    if (MODEL_FIELDS.has(key as keyof EoProperties)) (record as unknown as JsonObject)[key] = v;
    else if (NESTED_KEYS.has(key) || STRUCTURAL_PROPERTIES.has(key) || VALID[key] !== undefined) extras[key] = v;
    else rest[key] = v;
  }
  if (Object.keys(rest).length > 0) extras.additionalAttributes = rest;
}
