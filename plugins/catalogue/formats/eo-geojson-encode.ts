/**
 * A record as an OGC 17-003r2 EO Dataset feature (products) or 17-084 EO Collection feature
 * (collections; service and application records alike, told apart by `kind`). Every output
 * validates against the 17-003 JSON schema: values the schema would refuse go to
 * `additionalAttributes`, where the decoder finds them again.
 */
import type { CatalogueRecord, RecordType } from '../types.js';
import { ACQUISITION_ANGLE_KEYS, ACQUISITION_PARAMETER_KEYS, INSTRUMENT_KEYS, NESTED_KEYS, PLATFORM_KEYS, PRODUCT_INFORMATION_KEYS } from './eo-properties.js';
import { VALID, isUri, validFor } from './eo-geojson-schema.js';
import { linksObject } from './eo-geojson-links.js';
import { compact, isObject, type JsonObject } from './json-document.js';
import { twoDimensional, withoutCollections } from './output-geometry.js';
import { STAC_ONLY_KEYS } from './stac-document.js';
import type { EncodeOptions } from './types.js';

/** `properties.kind` per record type (Dublin Core types, as 17-084 gives collections theirs). */
export const KIND_OF_TYPE: Record<RecordType, string> = {
  product: 'http://purl.org/dc/dcmitype/Dataset',
  collection: 'http://purl.org/dc/dcmitype/Collection',
  service: 'http://purl.org/dc/dcmitype/Service',
  application: 'http://purl.org/dc/dcmitype/Software',
};

/** Property names the encoder writes itself; extras by these names go to additionalAttributes. */
export const STRUCTURAL_PROPERTIES = new Set([
  'type', 'kind', 'identifier', 'title', 'abstract', 'parentIdentifier', 'date', 'updated', 'creationDate', 'keyword', 'status',
  'acquisitionInformation', 'productInformation', 'links', 'assets', 'offerings', 'additionalAttributes',
]);

/** Extras the encoder puts back where they came from (see keepMembers in eo-geojson-decode.ts). */
const KEPT_IN_PLACE = new Set(['additionalAttributes', 'acquisitionInformation', 'acquisitionParameters', 'productInformation']);

/** A feature id is a URI: the caller's URL of the record, the identifier when it is one, else a URN. */
function featureId(record: CatalogueRecord, options: EncodeOptions): string {
  if (options.selfUrl) return options.selfUrl;
  return isUri(record.identifier) ? record.identifier : `urn:meridian:catalogue:${encodeURIComponent(record.identifier)}`;
}

/** ISO 8601 interval of the record's time; '..' for an open or unknown end. */
function dateOf(record: CatalogueRecord): string {
  const end = record.openEnd ? '..' : (record.end ?? record.start ?? '..');
  return `${record.start ?? '..'}/${end}`;
}

/** Where each value goes: its place in the document when the schema allows it, else additionalAttributes. */
class Placement {
  readonly additional: JsonObject;

  constructor(readonly extras: JsonObject) {
    this.additional = isObject(extras.additionalAttributes) ? { ...extras.additionalAttributes } : {};
  }

  placed(name: string, value: unknown): unknown {
    if (value === undefined || value === null) return undefined;
    if (validFor(name, value)) return value;
    this.additional[name] = value;
    return undefined;
  }

  aside(name: string, value: unknown): void {
    if (value !== undefined && value !== null) this.additional[name] = value;
  }

  /** The extras named `keys` into `into` (flat 17-003 names, see eo-properties.ts). */
  flat(keys: readonly string[], into: JsonObject): void {
    for (const key of keys) {
      const v = this.placed(key, this.extras[key]);
      if (v !== undefined) into[key] = v;
    }
  }

  /**
   * A nested 17-003 object (productInformation, acquisitionParameters): the model's `fields` where
   * the schema allows them, the extras of its flat `keys`, then the members kept under its own
   * `name` (keepMembers in eo-geojson-decode.ts) where neither took their place.
   */
  nested(name: string, fields: JsonObject, keys: readonly string[]): JsonObject {
    const out: JsonObject = {};
    for (const [key, value] of Object.entries(fields)) {
      const v = this.placed(key, value);
      if (v !== undefined) out[key] = v;
    }
    this.flat(keys, out);
    const kept = this.extras[name];
    if (isObject(kept)) for (const [k, v] of Object.entries(kept)) out[k] ??= v;
    return out;
  }
}

export function encodeEoFeature(record: CatalogueRecord, options: EncodeOptions): JsonObject {
  const extras: JsonObject = record.properties ?? {};
  const place = new Placement(extras);
  const acquisition = acquisitionInformation(record, place);
  const productInformation = place.nested(
    'productInformation',
    { productType: record.productType, processingLevel: record.processingLevel, cloudCover: record.cloudCover, snowCover: record.snowCover },
    PRODUCT_INFORMATION_KEYS,
  );
  // The schema requires availabilityTime: when the catalogue made the record available.
  if (Object.keys(productInformation).length > 0) productInformation.availabilityTime ??= record.created;

  const properties = compact<JsonObject>({
    kind: KIND_OF_TYPE[record.type],
    identifier: record.identifier,
    title: record.title ?? record.identifier,
    abstract: record.abstract,
    parentIdentifier: record.parentIdentifier,
    date: dateOf(record),
    updated: record.modificationDate ?? record.updated,
    creationDate: record.creationDate,
    keyword: record.keywords && record.keywords.length > 0 ? record.keywords : undefined,
    // Required by the schema; a catalogued record without one is in the archive.
    status: (place.placed('status', record.status) as string | undefined) ?? 'ARCHIVED',
    acquisitionInformation: acquisition,
    productInformation: Object.keys(productInformation).length > 0 ? productInformation : undefined,
    links: linksObject(record, options),
    assets: record.assets && Object.keys(record.assets).length > 0 ? record.assets : undefined,
    offerings: record.offerings && record.offerings.length > 0 ? record.offerings : undefined,
  });
  for (const [key, v] of Object.entries(extras)) {
    if (NESTED_KEYS.has(key) || STAC_ONLY_KEYS.has(key) || KEPT_IN_PLACE.has(key)) continue;
    if (STRUCTURAL_PROPERTIES.has(key) || (VALID[key] && !VALID[key]!(v))) place.aside(key, v);
    else properties[key] = v;
  }
  if (Object.keys(place.additional).length > 0) properties.additionalAttributes = place.additional;

  const geometry = twoDimensional(withoutCollections(record.geometry));
  return compact({
    type: 'Feature',
    id: featureId(record, options),
    bbox: geometry && record.bbox ? record.bbox.slice(0, 4) : undefined,
    geometry,
    properties,
  });
}

/** acquisitionInformation: platform, instrument and acquisition parameters, then any further entries kept. */
function acquisitionInformation(record: CatalogueRecord, place: Placement): JsonObject[] {
  const extras = place.extras;
  const entry: JsonObject = {};
  // Platform and instrument objects need their short names; without one their parts wait aside.
  if (record.platform !== undefined) {
    entry.platform = compact<JsonObject>({
      platformShortName: record.platform,
      platformSerialIdentifier: record.platformSerialIdentifier,
      id: place.placed(PLATFORM_KEYS.id, extras[PLATFORM_KEYS.id]),
      orbitType: place.placed(PLATFORM_KEYS.orbitType, extras[PLATFORM_KEYS.orbitType]),
    });
  } else {
    place.aside('platformSerialIdentifier', record.platformSerialIdentifier);
    place.aside(PLATFORM_KEYS.id, extras[PLATFORM_KEYS.id]);
    place.aside(PLATFORM_KEYS.orbitType, extras[PLATFORM_KEYS.orbitType]);
  }
  if (record.instrument !== undefined) {
    entry.instrument = compact<JsonObject>({
      instrumentShortName: record.instrument,
      sensorType: place.placed('sensorType', record.sensorType),
      id: place.placed(INSTRUMENT_KEYS.id, extras[INSTRUMENT_KEYS.id]),
      description: place.placed(INSTRUMENT_KEYS.description, extras[INSTRUMENT_KEYS.description]),
    });
  } else {
    place.aside('sensorType', record.sensorType);
    place.aside(INSTRUMENT_KEYS.id, extras[INSTRUMENT_KEYS.id]);
    place.aside(INSTRUMENT_KEYS.description, extras[INSTRUMENT_KEYS.description]);
  }
  const parameters = place.nested(
    'acquisitionParameters',
    {
      acquisitionType: record.acquisitionType,
      orbitNumber: record.orbitNumber,
      orbitDirection: record.orbitDirection,
      polarisationChannels: record.polarisationChannels,
      resolution: record.resolution,
    },
    ACQUISITION_PARAMETER_KEYS,
  );
  const angles: JsonObject = {};
  place.flat(ACQUISITION_ANGLE_KEYS, angles);
  if (Object.keys(angles).length > 0) parameters.acquisitionAngles = angles;
  if (Object.keys(parameters).length > 0) {
    if (record.start !== undefined) {
      // The schema requires an acquisition type and the acquisition times.
      parameters.acquisitionType ??= 'NOMINAL';
      parameters.beginningDateTime = place.placed('beginningDateTime', extras.beginningDateTime) ?? record.start;
      parameters.endingDateTime = place.placed('endingDateTime', extras.endingDateTime) ?? (record.openEnd ? record.start : (record.end ?? record.start));
      entry.acquisitionParameters = parameters;
    } else {
      for (const [k, v] of Object.entries(parameters)) {
        if (k === 'acquisitionAngles') for (const [a, x] of Object.entries(v as JsonObject)) place.aside(a, x);
        else place.aside(k, v);
      }
    }
  }
  const entries: JsonObject[] = Object.keys(entry).length > 0 ? [entry] : [];
  if (Array.isArray(extras.acquisitionInformation)) entries.push(...(extras.acquisitionInformation as JsonObject[]));
  return entries;
}
