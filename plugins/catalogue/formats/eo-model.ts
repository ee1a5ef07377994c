/**
 * The record model's EO fields and the flat names the formats speak. The formats read and write
 * EO properties under their flat OGC 17-003 names (eo-properties.ts) in `record.properties`; the
 * engine keeps the OpenSearch EO (13-026r9) ones as record fields with a column each
 * (eo-fields.ts). `liftEoProperties` moves a decoded record's flat values to those fields,
 * `flatEoProperties` puts them back for an encoder, so each format keeps one vocabulary and a
 * round trip returns what it read. Every format is wrapped once (`withEoModel`).
 */
import { ADDED_EO_FIELDS, fitsEoField, type EoFieldSpec } from '../eo-fields.js';
import type { CatalogueRecord, CatalogueRecordInput } from '../types.js';
import { isObject, type JsonObject } from './json-document.js';
import type { MetadataFormat } from './types.js';

/** Flat 17-003 names of fields 13-026r9 names otherwise (wrsLongitude is the track...). */
const FLAT_NAME: Readonly<Record<string, string>> = { track: 'wrsLongitude', frame: 'wrsLatitude', sensorMode: 'operationalMode' };
const FIELD_OF_FLAT: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(FLAT_NAME).map(([field, flat]) => [flat, field]));

/** 17-003 qualityInformation members that are model fields. */
const QUALITY_MEMBERS = { qualityStatus: 'productQualityStatus', qualityDegradationTag: 'productQualityDegradationTag' } as const;

/** 17-003 WavelengthInformation spectral ranges. */
const SPECTRAL_RANGES = ['INFRARED', 'NIR', 'SWIR', 'MWIR', 'LWIR', 'FIR', 'UV', 'VISIBLE', 'MICROWAVE', 'OTHER'];

/** The model fields that moved out of `properties` (not those the formats map themselves). */
const LIFTED: ReadonlyMap<string, EoFieldSpec> = new Map(ADDED_EO_FIELDS.filter((s) => s.name !== 'platformSerialIdentifier').map((s) => [s.name, s]));
/** Fields derived from 17-003 waveLengths / qualityInformation / topicCategories rather than copied. */
const STRUCTURED = new Set(['minimumWavelength', 'maximumWavelength', 'spectralRange', 'productQualityStatus', 'productQualityDegradationTag', 'topicCategory']);

type Fields = Record<string, unknown>;

/** A flat value as its field stores it: heights are text in 17-003 and numbers here (when the text is exactly a number). */
function fieldValue(spec: EoFieldSpec, value: unknown): unknown {
  if (spec.type === 'number' && typeof value === 'string' && value.trim() !== '' && String(Number(value)) === value) return Number(value);
  return value;
}

interface Wavelengths {
  minimumWavelength?: number;
  maximumWavelength?: number;
  spectralRange?: string;
}

/** The range and spectral ranges 17-003 WavelengthInformation objects describe. */
function wavelengthsOf(list: unknown): Wavelengths {
  if (!Array.isArray(list)) return {};
  const values: number[] = [];
  const ranges: string[] = [];
  for (const w of list) {
    if (!isObject(w)) continue;
    for (const v of [w.startWavelength, w.endWavelength, ...(Array.isArray(w.discreteWavelengths) ? w.discreteWavelengths : [])]) {
      if (typeof v === 'number' && Number.isFinite(v) && v >= 0) values.push(v);
    }
    if (typeof w.spectralRange === 'string' && w.spectralRange !== '' && !ranges.includes(w.spectralRange)) ranges.push(w.spectralRange);
  }
  const out: Wavelengths = {};
  if (values.length > 0) {
    out.minimumWavelength = Math.min(...values);
    out.maximumWavelength = Math.max(...values);
  }
  if (ranges.length > 0) out.spectralRange = ranges.join(', ');
  return out;
}

/** The one WavelengthInformation a record's wavelength fields are written as (17-003 takes one spectral range per object). */
function wavelengthObject(w: Wavelengths): JsonObject | undefined {
  const o: JsonObject = {};
  if (w.minimumWavelength !== undefined) o.startWavelength = w.minimumWavelength;
  if (w.maximumWavelength !== undefined) o.endWavelength = w.maximumWavelength;
  if (w.spectralRange !== undefined && SPECTRAL_RANGES.includes(w.spectralRange)) o.spectralRange = w.spectralRange;
  return Object.keys(o).length > 0 ? o : undefined;
}

function sameWavelengths(a: Wavelengths, b: Wavelengths): boolean {
  return a.minimumWavelength === b.minimumWavelength && a.maximumWavelength === b.maximumWavelength && a.spectralRange === b.spectralRange;
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The record with the EO fields its `properties` hold under their flat names moved to the
 * record: valid values only (others stay where they are), a field the record already has wins.
 * Structured 17-003 members give theirs: qualityInformation's status and degradation tag,
 * waveLengths' range and spectral ranges (waveLengths is kept, unless the fields say all it did),
 * the first of topicCategories (the list is kept). Idempotent; a record without properties is
 * returned as it is.
 */
export function liftEoProperties<T extends CatalogueRecordInput>(record: T): T {
  const props = record.properties;
  if (!isObject(props) || Object.keys(props).length === 0) return record;
  const out = { ...record } as unknown as Fields;
  const rest: JsonObject = { ...props };
  const set = (name: string, value: unknown) => {
    if (out[name] === undefined) out[name] = value;
  };
  for (const [key, raw] of Object.entries(props)) {
    const name = FIELD_OF_FLAT[key] ?? key;
    const spec = LIFTED.get(name);
    if (!spec || STRUCTURED.has(name)) continue;
    const value = fieldValue(spec, raw);
    if (!fitsEoField(spec, value)) continue;
    set(name, value);
    delete rest[key];
  }
  const quality = rest.qualityInformation;
  if (isObject(quality)) {
    const left: JsonObject = { ...quality };
    for (const [member, name] of Object.entries(QUALITY_MEMBERS)) {
      if (fitsEoField(LIFTED.get(name)!, quality[member])) {
        set(name, quality[member]);
        delete left[member];
      }
    }
    if (Object.keys(left).length > 0) rest.qualityInformation = left;
    else delete rest.qualityInformation;
  }
  if (rest.waveLengths !== undefined) {
    const w = wavelengthsOf(rest.waveLengths);
    for (const [name, value] of Object.entries(w)) set(name, value);
    const own = wavelengthObject(w);
    if (own && sameWavelengths(w, wavelengthsOf([own])) && sameJson(rest.waveLengths, [own])) delete rest.waveLengths;
  }
  if (typeof rest.spectralRange === 'string' && rest.spectralRange !== '') {
    set('spectralRange', rest.spectralRange);
    delete rest.spectralRange;
  }
  const topics = rest.topicCategories;
  if (Array.isArray(topics) && typeof topics[0] === 'string' && topics[0] !== '') set('topicCategory', topics[0]);
  else if (typeof rest.topicCategory === 'string' && rest.topicCategory !== '') {
    set('topicCategory', rest.topicCategory);
    delete rest.topicCategory;
  }
  if (Object.keys(rest).length > 0) out.properties = rest;
  else delete out.properties;
  return out as unknown as T;
}

/**
 * The record with its EO fields also in `properties` under their flat names, as the formats
 * read them (the inverse of liftEoProperties); the record itself is not changed.
 */
export function flatEoProperties(record: CatalogueRecord): CatalogueRecord {
  const r = record as CatalogueRecord & Fields;
  let props: JsonObject | undefined;
  const put = (key: string, value: unknown) => {
    props ??= { ...(record.properties ?? {}) };
    props[key] = value;
  };
  for (const spec of LIFTED.values()) {
    const value = r[spec.name];
    if (value === undefined || value === null || STRUCTURED.has(spec.name)) continue;
    // 17-003 writes heights as text.
    put(FLAT_NAME[spec.name] ?? spec.name, spec.type === 'number' && (spec.name === 'lowestLocation' || spec.name === 'highestLocation') ? String(value) : value);
  }
  if (r.productQualityStatus !== undefined || r.productQualityDegradationTag !== undefined) {
    const kept = record.properties?.qualityInformation;
    const quality: JsonObject = isObject(kept) ? { ...kept } : {};
    if (r.productQualityStatus !== undefined) quality.qualityStatus = r.productQualityStatus;
    if (r.productQualityDegradationTag !== undefined) quality.qualityDegradationTag = r.productQualityDegradationTag;
    put('qualityInformation', quality);
  }
  const w: Wavelengths = { minimumWavelength: r.minimumWavelength, maximumWavelength: r.maximumWavelength, spectralRange: r.spectralRange };
  if (w.minimumWavelength !== undefined || w.maximumWavelength !== undefined || w.spectralRange !== undefined) {
    const kept = record.properties?.waveLengths;
    // The waveLengths received say more (several bands); written as they are while the fields still match them.
    if (!(kept !== undefined && sameWavelengths(wavelengthsOf(kept), w))) {
      const own = wavelengthObject(w);
      if (own && (w.minimumWavelength !== undefined || w.maximumWavelength !== undefined || own.spectralRange !== undefined)) put('waveLengths', [own]);
      if (w.spectralRange !== undefined && own?.spectralRange === undefined) put('spectralRange', w.spectralRange);
    }
  }
  if (r.topicCategory !== undefined) {
    const kept = record.properties?.topicCategories;
    const list = Array.isArray(kept) ? [...kept] : [];
    if (list[0] !== r.topicCategory) list.splice(0, list.length > 0 ? 1 : 0, r.topicCategory);
    put('topicCategories', list);
  }
  return props ? { ...record, properties: props } : record;
}

/** A format that reads into and writes from the model's EO fields (see above). */
export function withEoModel(format: MetadataFormat): MetadataFormat {
  const { decode, toJson, toXml } = format;
  return {
    ...format,
    ...(decode ? { decode: (doc, options) => decode.call(format, doc, options).map(liftEoProperties) } : {}),
    ...(toJson ? { toJson: (record, options) => toJson.call(format, flatEoProperties(record), options) } : {}),
    ...(toXml ? { toXml: (record, options) => toXml.call(format, flatEoProperties(record), options) } : {}),
  };
}
