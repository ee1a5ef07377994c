/**
 * The STAC fields the record model has a place for, both ways: Item properties and (as lists)
 * Collection summaries. Common metadata (platform, constellation, instruments, gsd) and the eo,
 * sat, sar, view and processing extensions; anything else stays in `properties` as given.
 */
import type { CatalogueRecord, CatalogueRecordInput } from '../types.js';
import { FLAT_TO_STAC, STAC_TO_FLAT } from './eo-properties.js';
export { FLAT_TO_STAC };
import { isObject, put, type JsonObject, type JsonReader } from './json-document.js';

/** Fields read into the model (not copied into `properties`). */
export const MAPPED_STAC_FIELDS: ReadonlySet<string> = new Set([
  'title', 'description', 'keywords', 'datetime', 'start_datetime', 'end_datetime', 'created', 'updated',
  'platform', 'constellation', 'instruments', 'gsd', 'eo:cloud_cover', 'eo:snow_cover', 'sat:orbit_state',
  'sat:absolute_orbit', 'sar:polarizations', 'sar:product_type', 'sar:observation_direction', 'processing:level', ...Object.keys(STAC_TO_FLAT),
]);

/** STAC provider roles (common metadata); an organisation's other roles have no STAC word. */
const PROVIDER_ROLES = ['licensor', 'producer', 'processor', 'host'];

/** Extension schema of each field prefix, added to `stac_extensions` when an output uses the prefix. */
const EXTENSION_SCHEMAS: Record<string, string> = {
  eo: 'https://stac-extensions.github.io/eo/v1.0.0/schema.json',
  sat: 'https://stac-extensions.github.io/sat/v1.0.0/schema.json',
  sar: 'https://stac-extensions.github.io/sar/v1.0.0/schema.json',
  view: 'https://stac-extensions.github.io/view/v1.0.0/schema.json',
  processing: 'https://stac-extensions.github.io/processing/v1.0.0/schema.json',
  sci: 'https://stac-extensions.github.io/scientific/v1.0.0/schema.json',
  proj: 'https://stac-extensions.github.io/projection/v1.0.0/schema.json',
};
const EXTENSION_FOLDER: Record<string, string> = { proj: 'projection', sci: 'scientific' };

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
  const look = r.string('sar:observation_direction');
  if (look !== undefined) extras.antennaLookDirection = look.toUpperCase();
  for (const [stac, flat] of Object.entries(STAC_TO_FLAT)) if (r.value[stac] !== undefined) extras[flat] = r.value[stac];
  readProviders(r, extras);
}

/** The first provider as the organisation responsible (its first role, if any); `providers` itself is kept. */
function readProviders(r: JsonReader, extras: JsonObject): void {
  const first = r.array('providers')?.[0];
  if (!isObject(first) || typeof first.name !== 'string' || first.name === '') return;
  extras.organisationName = first.name;
  const role = Array.isArray(first.roles) ? first.roles.find((x): x is string => typeof x === 'string') : undefined;
  if (role !== undefined) extras.organisationRole = role;
}

/** The record's organisation as STAC providers, when it was not received with some. */
export function providersOf(record: CatalogueRecord): JsonObject[] | undefined {
  if (Array.isArray(record.properties?.providers) || !record.organisationName) return undefined;
  const role = record.organisationRole;
  return [{ name: record.organisationName, ...(role && PROVIDER_ROLES.includes(role) ? { roles: [role] } : {}) }];
}

/** Whether a record is a SAR one, whose mode and look direction STAC's sar extension holds. */
function isSar(record: CatalogueRecord): boolean {
  return record.sensorType === 'RADAR' || record.polarisationChannels !== undefined;
}

/** Flat 17-003 names that stacFieldsOf writes under their STAC names (sar: ones for SAR records only). */
export function isFlatMapped(key: string, record: CatalogueRecord): boolean {
  // The organisation is the first provider (as received, or providersOf).
  if (key === 'organisationName') return record.organisationName !== undefined;
  // A role STAC has no word for is written under its own name.
  if (key === 'organisationRole') return Array.isArray(record.properties?.providers) || PROVIDER_ROLES.includes(record.organisationRole ?? '');
  if (key === 'antennaLookDirection') return isSar(record) && typeof record.properties?.antennaLookDirection === 'string';
  const stac = FLAT_TO_STAC[key];
  return stac !== undefined && (!stac.startsWith('sar:') || isSar(record));
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
  for (const [flat, stac] of Object.entries(FLAT_TO_STAC)) if (isFlatMapped(flat, record)) put(stac, record.properties?.[flat]);
  const look = record.properties?.antennaLookDirection;
  if (isFlatMapped('antennaLookDirection', record)) out['sar:observation_direction'] = String(look).toLowerCase();
  const providers = providersOf(record);
  if (providers) out.providers = providers;
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
  for (const key of ['constellation', 'platform', 'instruments', 'gsd', 'sat:orbit_state', 'sar:polarizations', 'sar:product_type', 'sar:instrument_mode', 'sar:observation_direction', 'processing:level']) {
    const v = fields[key];
    if (v !== undefined) out[key] = Array.isArray(v) ? v : [v];
  }
  return out;
}
