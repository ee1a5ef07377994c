/**
 * The query vocabulary of the Dublin Core and ISO formats: the Dublin Core / CSW core queryables
 * (OGC 07-006r1 table 6 and the DCMI elements of csw:Record), the ISO Application Profile ones
 * (OGC 07-045 tables 9 and 10, `apiso:`), and record-type words (dc:type, apiso:Type) both ways.
 * The formats publish them (MetadataFormat.queryables, typeNames, recordTypeOf), so a CSW plugin
 * turns a constraint's names and literals into the engine's through `catalogue.formats`.
 */
import type { RecordType } from '../types.js';
import { scopeOfRecordType } from './iso-common.js';

/**
 * Dublin Core and CSW core queryables → engine queryable names (CatalogueService.queryables();
 * 'keywords' is the keyword list, null the full-text search). Outputs agree: dct:modified is
 * written from `updated`, dc:type from the record type, ows:BoundingBox from the footprint.
 */
export const DUBLIN_CORE_QUERYABLES: Readonly<Record<string, string | null>> = {
  'dc:identifier': 'identifier',
  'dc:title': 'title',
  'dct:abstract': 'abstract',
  'dc:description': 'abstract',
  'dc:subject': 'keywords',
  'dc:type': 'type',
  'dct:modified': 'updated',
  'dct:created': 'creationDate',
  'dct:isPartOf': 'parentIdentifier',
  'csw:AnyText': null,
  'ows:BoundingBox': 'geometry',
  'dct:spatial': 'geometry',
};

/**
 * ISO Application Profile queryables → engine queryable names: OGC 07-045's supported and
 * additional queryables that the engine indexes (the OpenSearch EO fields of the same meaning,
 * as pycsw maps them). The others (Format, CRS, ServiceType...) are kept in the record's
 * properties and its original document but not indexed, so they have no entry here.
 */
export const APISO_QUERYABLES: Readonly<Record<string, string | null>> = {
  'apiso:Identifier': 'identifier',
  'apiso:Title': 'title',
  'apiso:Abstract': 'abstract',
  'apiso:Subject': 'keywords',
  'apiso:Type': 'type',
  'apiso:Modified': 'updated',
  'apiso:AnyText': null,
  'apiso:BoundingBox': 'geometry',
  'apiso:ParentIdentifier': 'parentIdentifier',
  'apiso:CreationDate': 'creationDate',
  'apiso:RevisionDate': 'modificationDate',
  'apiso:TempExtent_begin': 'start',
  'apiso:TempExtent_end': 'end',
  'apiso:DistanceValue': 'resolution',
  'apiso:PublicationDate': 'publicationDate',
  'apiso:OrganisationName': 'organisationName',
  'apiso:HasSecurityConstraints': 'hasSecurityConstraints',
  'apiso:Language': 'language',
  'apiso:TopicCategory': 'topicCategory',
  // 07-045 table 10 (additional queryables).
  'apiso:AccessConstraints': 'accessConstraint',
  'apiso:OtherConstraints': 'otherConstraint',
  'apiso:Classification': 'classification',
  'apiso:ConditionApplyingToAccessAndUse': 'useLimitation',
  'apiso:Lineage': 'lineage',
  'apiso:ResponsiblePartyRole': 'organisationRole',
  'apiso:SpecificationTitle': 'specification',
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

/** dc:type (and apiso:Type) words of each record type, as the formats write them. */
export const DC_TYPE_NAMES: Readonly<Record<RecordType, string>> = {
  collection: dcTypeOf('collection'),
  product: dcTypeOf('product'),
  service: dcTypeOf('service'),
  application: dcTypeOf('application'),
};
