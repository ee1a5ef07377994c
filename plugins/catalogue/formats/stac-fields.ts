/**
 * The STAC fields the record model has a place for, both ways: Item properties and (as lists)
 * Collection summaries. Common metadata (platform, constellation, instruments, gsd) and the eo,
 * sat, sar, view and processing extensions; anything else stays in `properties` as given.
 */
import type { CatalogueRecord, CatalogueRecordInput } from '../types.js';
import { FLAT_TO_STAC, STAC_TO_FLAT } from './eo-properties.js';
import { put, type JsonObject, type JsonReader } from './json-document.js';

/** Fields read into the model (not copied into `properties`). */
export const MAPPED_STAC_FIELDS: ReadonlySet<string> = new Set([
  'title', 'description', 'keywords', 'datetime', 'start_datetime', 'end_datetime', 'created', 'updated',
  'platform', 'constellation', 'instruments', 'gsd', 'eo:cloud_cover', 'eo:snow_cover', 'sat:orbit_state',
  'sat:absolute_orbit', 'sar:polarizations', 'sar:product_type', 'processing:level', ...Object.keys(STAC_TO_FLAT),
]);

/** Extension schema of each field prefix, added to `stac_extensions` when an output uses the prefix. */
const EXTENSION_SCHEMAS: Record<string, string> = {
  eo: 'https://stac-extensions.github.io/eo/v1.0.0/schema.json',
  sat: 'https://stac-extensions.github.io/sat/v1.0.0/schema.json',
  sar: 'https://stac-extensions.github.io/sar/v1.0.0/schema.json',
  view: 'https://stac-extensions.github.io/view/v1.0.0/schema.json',
  processing: 'https://stac-extensions.github.io/processing/v1.0.0/schema.json',
  proj: 'https://stac-extensions.github.io/projection/v1.0.0/schema.json',
};
const EXTENSION_FOLDER: Record<string, string> = { proj: 'projection' };

/** A STAC platform (a serial identifier of one or two characters is a suffix: 'Sentinel-2' + 'A'). */
function stacPlatform(platform: string, serial: string): string {
  return /^[A-Za-z0-9]{1,2}$/.test(serial) ? `${platform}${serial}` : serial;
}

/**
 * Model fields from STAC item properties or collapsed summaries (`r`), into `record`; the flat
 * 17-003 names of view/sat/sar fields into `extras`.
 */
export function readStacFields(r: JsonReader, record: CatalogueRecordInput, extras: JsonObject): void {
  put(record, 'title', r.string('title'));
  put(record, 'abstract', r.string('description'));
  put(record, 'keywords', r.strings('keywords'));
  put(record, 'creationDate', r.instant('created'));
  put(record, 'modificationDate', r.instant('updated'));
  const platform = r.string('platform');
  const constellation = r.string('constellation');
  if (constellation !== undefined) {
    record.platform = constellation;
    put(record, 'platformSerialIdentifier', platform);
  } else {
    put(record, 'platform', platform);
  }
  const instruments = r.strings('instruments');
  if (instruments && instruments.length > 0) record.instrument = instruments.join(',');
  put(record, 'resolution', r.number('gsd'));
  put(record, 'cloudCover', r.number('eo:cloud_cover'));
  put(record, 'snowCover', r.number('eo:snow_cover'));
  const orbitState = r.string('sat:orbit_state');
  if (orbitState !== undefined) record.orbitDirection = orbitState.toUpperCase();
  put(record, 'orbitNumber', r.number('sat:absolute_orbit'));
  const polarizations = r.strings('sar:polarizations');
  if (polarizations && polarizations.length > 0) record.polarisationChannels = polarizations.join(', ');
  put(record, 'productType', r.string('sar:product_type'));
  put(record, 'processingLevel', r.string('processing:level'));
  for (const [stac, flat] of Object.entries(STAC_TO_FLAT)) if (r.value[stac] !== undefined) extras[flat] = r.value[stac];
}

/** Flat 17-003 names that stacFieldsOf writes under their STAC names. */
export function isFlatMapped(key: string): boolean {
  return Object.prototype.hasOwnProperty.call(FLAT_TO_STAC, key);
}

/** STAC fields of a record, as Item property values. */
export function stacFieldsOf(record: CatalogueRecord): JsonObject {
  const out: JsonObject = {};
  const put = (key: string, value: unknown) => {
    if (value !== undefined && value !== null) out[key] = value;
  };
  put('title', record.title);
  put('description', record.abstract);
  if (record.keywords && record.keywords.length > 0) out.keywords = record.keywords;
  put('created', record.creationDate);
  put('updated', record.modificationDate);
  if (record.platform !== undefined && record.platformSerialIdentifier !== undefined) {
    out.platform = stacPlatform(record.platform, record.platformSerialIdentifier);
    out.constellation = record.platform;
  } else {
    put('platform', record.platform);
  }
  if (record.instrument) out.instruments = record.instrument.split(',').map((s) => s.trim()).filter((s) => s !== '');
  put('gsd', record.resolution);
  put('eo:cloud_cover', record.cloudCover);
  put('eo:snow_cover', record.snowCover);
  put('sat:orbit_state', record.orbitDirection?.toLowerCase());
  put('sat:absolute_orbit', record.orbitNumber);
  if (record.polarisationChannels) out['sar:polarizations'] = record.polarisationChannels.split(/[\s,]+/).filter((s) => s !== '');
  // STAC has a product type field only in the SAR extension.
  if (record.productType !== undefined && (record.sensorType === 'RADAR' || record.polarisationChannels !== undefined)) out['sar:product_type'] = record.productType;
  put('processing:level', record.processingLevel);
  for (const [flat, stac] of Object.entries(FLAT_TO_STAC)) put(stac, record.properties?.[flat]);
  return out;
}

/** The stored `stac_extensions` plus the schema of every extension prefix `fields` use. */
export function stacExtensions(stored: unknown, fields: Iterable<string>): string[] | undefined {
  const list = Array.isArray(stored) ? stored.filter((s): s is string => typeof s === 'string') : [];
  for (const field of fields) {
    const prefix = field.includes(':') ? field.slice(0, field.indexOf(':')) : undefined;
    const schema = prefix !== undefined ? EXTENSION_SCHEMAS[prefix] : undefined;
    if (!schema) continue;
    const folder = `/${EXTENSION_FOLDER[prefix!] ?? prefix}/`;
    if (!list.some((url) => url.includes(folder))) list.push(schema);
  }
  return list.length > 0 || Array.isArray(stored) ? [...new Set(list)] : undefined;
}

/** Summaries with single-valued lists as scalars, as readStacFields reads item properties (gsd: the finest). */
export function collapseSummaries(summaries: JsonObject): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(summaries)) {
    if (!Array.isArray(value)) continue;
    if (key === 'instruments' || key === 'sar:polarizations' || key === 'keywords') out[key] = value;
    else if (key === 'gsd' && value.length > 0 && value.every((v) => typeof v === 'number')) out[key] = Math.min(...(value as number[]));
    else if (value.length === 1) out[key] = value[0];
  }
  return out;
}

/** Collection summaries from the model, for a collection received in another format. */
export function summariesOf(record: CatalogueRecord): JsonObject {
  const fields = stacFieldsOf(record);
  const out: JsonObject = {};
  for (const key of ['constellation', 'platform', 'instruments', 'gsd', 'sat:orbit_state', 'sar:polarizations', 'sar:product_type', 'processing:level']) {
    const v = fields[key];
    if (v !== undefined) out[key] = Array.isArray(v) ? v : [v];
  }
  return out;
}
