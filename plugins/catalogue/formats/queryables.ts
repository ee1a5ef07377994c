/**
 * CSW queryables and the engine queryables they stand for: the Dublin Core / CSW core queryables
 * (OGC 07-006r1 table 6 and the DCMI elements of csw:Record), the ISO Application Profile ones
 * (OGC 07-045 tables 9 and 10, `apiso:`), and record-type values (dc:type, apiso:Type) both ways.
 * A CSW plugin turns a constraint's property names and literals into the engine's with these.
 */
import type { RecordType } from '../types.js';
import { scopeOfRecordType } from './iso-common.js';

/** Stands for a full-text match (csw:AnyText, apiso:AnyText): the engine's `q`, not a queryable. */
export const ANY_TEXT = '*anyText*';

/**
 * Dublin Core and CSW core queryables → engine queryable names (CatalogueService.queryables();
 * 'keywords' is the keyword list, ANY_TEXT the full-text search). Outputs agree: dct:modified is
 * written from `updated`, dc:type from the record type, ows:BoundingBox from the footprint.
 */
export const DUBLIN_CORE_QUERYABLES: Readonly<Record<string, string>> = {
  'dc:identifier': 'identifier',
  'dc:title': 'title',
  'dct:abstract': 'abstract',
  'dc:description': 'abstract',
  'dc:subject': 'keywords',
  'dc:type': 'type',
  'dct:modified': 'updated',
  'dct:created': 'creationDate',
  'dct:isPartOf': 'parentIdentifier',
  'csw:AnyText': ANY_TEXT,
  'ows:BoundingBox': 'geometry',
  'dct:spatial': 'geometry',
};

/**
 * ISO Application Profile queryables → engine queryable names. The profile's other queryables
 * (Format, CRS, OrganisationName, Language, TopicCategory, ServiceType...) are kept in the
 * record's properties and its original document but not indexed, so they have no entry here.
 */
export const APISO_QUERYABLES: Readonly<Record<string, string>> = {
  'apiso:Identifier': 'identifier',
  'apiso:Title': 'title',
  'apiso:Abstract': 'abstract',
  'apiso:Subject': 'keywords',
  'apiso:Type': 'type',
  'apiso:Modified': 'updated',
  'apiso:AnyText': ANY_TEXT,
  'apiso:BoundingBox': 'geometry',
  'apiso:ParentIdentifier': 'parentIdentifier',
  'apiso:CreationDate': 'creationDate',
  'apiso:RevisionDate': 'modificationDate',
  'apiso:TempExtent_begin': 'start',
  'apiso:TempExtent_end': 'end',
  'apiso:DistanceValue': 'resolution',
  // EO extensions as OpenSearch EO and pycsw name them in the apiso namespace.
  'apiso:Platform': 'platform',
  'apiso:Instrument': 'instrument',
  'apiso:SensorType': 'sensorType',
  'apiso:CloudCover': 'cloudCover',
  'apiso:ProductType': 'productType',
  'apiso:ProcessingLevel': 'processingLevel',
  'apiso:OrbitNumber': 'orbitNumber',
  'apiso:OrbitDirection': 'orbitDirection',
};

const BY_LOCAL_NAME = new Map<string, string>();
for (const table of [DUBLIN_CORE_QUERYABLES, APISO_QUERYABLES]) {
  for (const [name, queryable] of Object.entries(table)) {
    const local = name.slice(name.indexOf(':') + 1).toLowerCase();
    if (!BY_LOCAL_NAME.has(local)) BY_LOCAL_NAME.set(local, queryable);
  }
}

/**
 * The engine queryable a CSW property name stands for: 'dc:title', 'apiso:Title', 'Title',
 * '{http://purl.org/dc/elements/1.1/}title' or a prefix the request bound differently. Names
 * compare by local name, case-insensitively, as pycsw and GeoNetwork do (Dublin Core first).
 * Undefined when the name is not a CSW queryable.
 */
export function cswQueryable(name: string): string | undefined {
  const exact = DUBLIN_CORE_QUERYABLES[name] ?? APISO_QUERYABLES[name];
  if (exact) return exact;
  const local = name.replace(/^\{[^}]*\}/, '').replace(/^[^:]*:/, '').replace(/^.*\//, '').toLowerCase();
  return BY_LOCAL_NAME.get(local);
}

/** dc:type / apiso:Type values (ISO scope codes, DCMI types, their URIs) → record type. */
const DC_TYPES: Record<string, RecordType> = {
  series: 'collection',
  collection: 'collection',
  dataset: 'product',
  nongeographicdataset: 'product',
  tile: 'product',
  product: 'product',
  image: 'product',
  service: 'service',
  application: 'application',
  software: 'application',
};

/** The record type a dc:type value names, or undefined for one that names none. */
export function recordTypeOfDcType(value: string | undefined): RecordType | undefined {
  if (!value) return undefined;
  const local = value.trim().replace(/^.*[/#]/, '').toLowerCase();
  return DC_TYPES[local];
}

/** The dc:type written for a record type: the ISO scope code (series, dataset, service, application). */
export function dcTypeOf(type: RecordType): string {
  return scopeOfRecordType(type);
}
