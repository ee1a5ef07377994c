/** The catalogue record model and the engine's interface (what `provide.catalogue` returns). */
import type { Subject } from '../../core/auth/types.js';
import type { Filter } from '../../core/filter/index.js';
import type { QueryableType } from '../../core/filter/index.js';
import type { GeoJSONGeometry } from '../../core/storage/db/types.js';
import type { MetadataFormats } from './formats/types.js';

export type RecordType = 'collection' | 'product' | 'service' | 'application';
export const RECORD_TYPES: readonly RecordType[] = ['collection', 'product', 'service', 'application'];

/** 'public', 'private' (owner and admins), or the groups that may read the record. */
export type Visibility = 'public' | 'private' | string[];

export interface RecordLink {
  href: string;
  rel: string;
  type?: string;
  title?: string;
  /** Further link attributes a format carries (hreflang, length, STAC method/body...), kept as given. */
  [attribute: string]: unknown;
}

/** An OWS Context offering: how a record is served (WMS, WMTS, WCS, download, S3...). */
export interface Offering {
  /** The offering code URI (http://www.opengis.net/spec/owc-geojson/1.0/req/wms). */
  code: string;
  operations?: Array<{ code: string; method: string; href: string; type?: string }>;
  contents?: Array<{ type: string; href?: string; content?: string }>;
}

export interface Asset {
  href: string;
  type?: string;
  title?: string;
  description?: string;
  roles?: string[];
  /** Further asset fields (STAC eo:bands, file:size...), kept as given. */
  [field: string]: unknown;
}

/** The EO properties the engine indexes, by their OGC 13-026r9 / 17-003 names (others may go in `properties`). */
export interface EoProperties {
  platform?: string;
  platformSerialIdentifier?: string;
  instrument?: string;
  sensorType?: string;
  productType?: string;
  processingLevel?: string;
  orbitNumber?: number;
  orbitDirection?: string;
  cloudCover?: number;
  snowCover?: number;
  resolution?: number;
  polarisationChannels?: string;
  acquisitionType?: string;
  status?: string;
  creationDate?: string;
  modificationDate?: string;
  // The other OpenSearch EO (OGC 13-026r9) collection and product parameters, by its names
  // (eo-fields.ts gives each one's column, type and meaning).
  doi?: string;
  compositeType?: string;
  orbitType?: string;
  spectralRange?: string;
  /** Nanometres. */
  minimumWavelength?: number;
  maximumWavelength?: number;
  hasSecurityConstraints?: boolean;
  dissemination?: string;
  topicCategory?: string;
  organisationName?: string;
  organisationRole?: string;
  publicationDate?: string;
  lineage?: string;
  useLimitation?: string;
  accessConstraint?: string;
  otherConstraint?: string;
  classification?: string;
  language?: string;
  specification?: string;
  track?: string;
  frame?: string;
  swathIdentifier?: string;
  lowestLocation?: number;
  highestLocation?: number;
  productVersion?: string;
  productQualityStatus?: string;
  productQualityDegradationTag?: string;
  processorName?: string;
  processingCenter?: string;
  processingDate?: string;
  sensorMode?: string;
  archivingCenter?: string;
  processingMode?: string;
  availabilityTime?: string;
  acquisitionStation?: string;
  acquisitionSubType?: string;
  /** Milliseconds from the ascending node. */
  startTimeFromAscendingNode?: number;
  completionTimeFromAscendingNode?: number;
  /** Degrees. */
  illuminationAzimuthAngle?: number;
  illuminationZenithAngle?: number;
  illuminationElevationAngle?: number;
  polarisationMode?: string;
  antennaLookDirection?: string;
  minimumIncidenceAngle?: number;
  maximumIncidenceAngle?: number;
  incidenceAngleVariation?: number;
  /** Hertz. */
  dopplerFrequency?: number;
}

/** The original metadata document, kept as received so it can be returned unchanged. */
export interface OriginalMetadata {
  /** 'iso19139', 'iso19115-3', 'ogc17-003', 'stac', ... or a media type. */
  format: string;
  content: string;
}

/** A record as written by upsert. */
export interface CatalogueRecordInput extends EoProperties {
  identifier: string;
  type: RecordType;
  title?: string;
  abstract?: string;
  keywords?: string[];
  /** Footprint, any GeoJSON geometry in CRS:84. */
  geometry?: GeoJSONGeometry | null;
  /** Temporal extent, ISO 8601 instants; `end` defaults to `start`. */
  start?: string;
  end?: string;
  /**
   * True: the extent has a start and no end yet (an ongoing collection); `end` is then absent
   * and searches treat the end as open.
   */
  openEnd?: boolean;
  /** The collection of a product. */
  parentIdentifier?: string;
  links?: RecordLink[];
  offerings?: Offering[];
  assets?: Record<string, Asset>;
  owner?: string;
  visibility?: Visibility;
  metadata?: OriginalMetadata;
  /** Further properties, returned as given, not indexed. */
  properties?: Record<string, unknown>;
}

/** Fields to change in a stored record; null removes a field. */
export type RecordPatch = { [K in keyof CatalogueRecordInput]?: CatalogueRecordInput[K] | null };

/** A stored record: the input plus what the engine computes. */
export interface CatalogueRecord extends CatalogueRecordInput {
  /** [minx, miny, maxx, maxy] of the geometry in CRS:84. */
  bbox?: [number, number, number, number];
  created: string;
  updated: string;
}

export type SpatialRelationName = 'intersects' | 'within' | 'contains' | 'disjoint';
export type TimeRelationName = 'intersects' | 'during' | 'contains' | 'equals' | 'before' | 'after' | 'disjoint';

export interface SortKey {
  /** A queryable name (see queryables()). */
  field: string;
  direction?: 'asc' | 'desc';
}

export interface CatalogueQuery {
  type?: RecordType | RecordType[];
  parentIdentifier?: string;
  identifiers?: string[];
  /** [minx, miny, maxx, maxy] CRS:84; minx > maxx crosses the antimeridian. */
  bbox?: [number, number, number, number];
  /** A geometry and its relation to the record's footprint ('intersects' by default). */
  geometry?: GeoJSONGeometry;
  relation?: SpatialRelationName;
  /** Time range (ISO 8601 instants; either end may be open) and its relation ('intersects'). */
  start?: string;
  end?: string;
  timeRelation?: TimeRelationName;
  /** Full-text terms, all of which must occur (title, abstract, keywords, identifier). */
  q?: string;
  /** A filter AST over the queryables (from CQL2, FES, OGC CQL...). */
  filter?: Filter;
  /**
   * A filter over one keyword at a time (its only queryable is `keyword`, a string): a record
   * matches when one of its keywords passes it (OpenSearch eo:keyword). Each filter of the list
   * must be met, by the same keyword or another.
   */
  keywordFilters?: Filter[];
  sortBy?: SortKey[];
  /** Page size (default 10, at most the configured maximum) and offset (default 0). */
  limit?: number;
  offset?: number;
}

export interface SearchResult {
  records: CatalogueRecord[];
  numberMatched: number;
  numberReturned: number;
}

export interface FacetValue {
  value: string;
  count: number;
}

/** Numbers as numbers, times as ISO 8601 text. */
export interface ValueRange {
  min: number | string | null;
  max: number | string | null;
}

export interface QueryableDescription {
  name: string;
  type: QueryableType;
  description: string;
  /** True when facets() can count its values. */
  facet: boolean;
}

/**
 * What a write checks inside its transaction, so a check and the write it guards cannot be split
 * by another writer (HTTP If-Match, create-only POST).
 */
export interface WriteConditions {
  /**
   * Identifier -> the version the stored record must have (412 PreconditionFailed otherwise,
   * also when it does not exist), or null: no record with that identifier may exist yet
   * (409 RecordExists otherwise). A failed condition fails the whole call.
   */
  expect?: Record<string, string | null>;
}

/** Records to upsert and identifiers to delete in one transaction (CatalogueService.write). */
export interface WriteBatch {
  upsert?: CatalogueRecordInput[];
  delete?: string[];
}

/** What a committed write touched. */
export interface CatalogueChange {
  /** Records upserted, patched or deleted. */
  identifiers: string[];
  /** Collections written, and the parents of products written (deleted records' parents are unknown). */
  collections: string[];
  /** The identifiers of the write that were deletions. */
  deleted: string[];
}

export interface WriteBatchResult {
  /** The upserted records as stored. */
  stored: CatalogueRecord[];
  /** How many of the identifiers to delete existed. */
  deleted: number;
}

/** Facts about a stored record that writes authorize and condition on (see CatalogueService.stamps). */
export interface RecordStamp {
  identifier: string;
  type: RecordType;
  parentIdentifier?: string;
  owner?: string;
  visibility?: Visibility;
  /** Changes whenever the stored record does: recordVersion() of the record (an entity tag's value). */
  version: string;
}

/** The catalogue engine: writes are atomic, reads see only what the subject may read. */
export interface CatalogueService {
  /** Inserts or replaces records by identifier, all in one transaction; returns them as stored. */
  upsert(records: CatalogueRecordInput[], conditions?: WriteConditions): Promise<CatalogueRecord[]>;
  /**
   * Changes some fields of one record atomically: null removes a field, other values replace it;
   * NotFound when there is no such record. Returns the record as stored.
   */
  patch(identifier: string, changes: RecordPatch, conditions?: WriteConditions): Promise<CatalogueRecord>;
  /** Deletes records by identifier in one transaction; returns how many existed. */
  delete(identifiers: string[], conditions?: WriteConditions): Promise<number>;
  /**
   * Upserts then deletes, all in one transaction, for a request that does both (a CSW
   * Transaction): a failure in either part writes nothing. Conditions as for upsert and delete,
   * each applying to the part that names its identifier.
   */
  write(batch: WriteBatch, conditions?: WriteConditions): Promise<WriteBatchResult>;
  /**
   * Type, parent, owner, visibility and version of stored records, read WITHOUT any subject's
   * read filter: for a protocol plugin to authorize a write against the stored owner (and to
   * condition the write on the version it authorized). Never return it to a client as a read.
   */
  stamps(identifiers: string[]): Promise<Map<string, RecordStamp>>;
  /** The record, or undefined when it does not exist or the subject may not read it. */
  get(identifier: string, subject: Subject): Promise<CatalogueRecord | undefined>;
  search(query: CatalogueQuery, subject: Subject): Promise<SearchResult>;
  /** Value counts of enumerable properties over the records the query matches. */
  facets(query: CatalogueQuery, subject: Subject, properties: string[]): Promise<Record<string, FacetValue[]>>;
  /** Least and greatest value of number and time queryables over the matched records (null when none has one). */
  ranges(query: CatalogueQuery, subject: Subject, properties: string[]): Promise<Record<string, ValueRange>>;
  queryables(): QueryableDescription[];
  /** The metadata formats records are read from and written in (formats/types.ts). */
  readonly formats: MetadataFormats;
  /**
   * Called after writes through this engine commit (upsert, patch, delete, write); returns an
   * unsubscribe. Other processes' writes are not announced: readers that must see them poll.
   */
  onChange(listener: (change: CatalogueChange) => void): () => void;
  /** Page sizes a search takes: `limit` defaults to defaultLimit and may not exceed maxLimit (protocols advertise their maxima within it). */
  readonly limits: { defaultLimit: number; maxLimit: number };
}
