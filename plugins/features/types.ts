/**
 * The `features` service: vector feature collections stored in the database, what the WFS,
 * OGC API - Features and WMS (vector layers) plugins call. Geometries are GeoJSON objects in x/y
 * (easting/longitude first) order in whatever CRS a call names; protocols convert axis order at
 * their edge (core/ows/crs/axis.ts).
 */
import type { Subject } from '../../core/auth/types.js';
import type { Knex } from 'knex';
import type { Filter, GeoJSONGeometry } from '../../core/filter/index.js';

export type PropertyType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'datetime' | 'json';

export interface PropertyDefinition {
  /** Column name: letters, digits and '_', not starting with a digit (an NCName and a SQL identifier). */
  name: string;
  type: PropertyType;
  title?: string;
  description?: string;
  /** Default true. */
  nullable?: boolean;
}

export type GeometryType = 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon' | 'GeometryCollection' | 'Geometry';

/** [minx, miny, maxx, maxy] in x/y order. */
export type Bbox = [number, number, number, number];

export interface CollectionDefinition {
  /** Unique id: the WFS feature type name and the OGC API collection id. NCName. */
  id: string;
  title?: string;
  description?: string;
  keywords?: string[];
  /** Declared geometry type ('Geometry': any). */
  geometryType: GeometryType;
  /** The CRS geometries are stored in (x/y order); default 'OGC:CRS84'. */
  crs?: string;
  properties: PropertyDefinition[];
  /** A date/datetime property that `datetime` queries use (OGC API) and the WMS time dimension. */
  temporalProperty?: string;
  /** Default 'public'. */
  visibility?: 'public' | 'private';
  owner?: string;
}

export interface CollectionDescription extends Required<Pick<CollectionDefinition, 'id' | 'geometryType' | 'properties' | 'crs' | 'visibility'>> {
  title: string;
  description?: string;
  keywords: string[];
  temporalProperty?: string;
  owner?: string;
  /** Number of features. */
  count: number;
  /** Extent of the geometries in CRS:84 (null when the collection is empty), and of the temporal property. */
  bbox: Bbox | null;
  /** The same extent in the storage CRS. */
  nativeBbox: Bbox | null;
  temporal?: { start: string | null; end: string | null };
  created: string;
  updated: string;
  /** Changes with every write (caches and WMS tiles key on it). */
  version: string;
}

/** A feature as returned: `id` is stable (assigned at insert, never reused). */
export interface Feature {
  id: string;
  geometry: GeoJSONGeometry | null;
  properties: Record<string, unknown>;
}

/** A feature to write; `id` optional on insert (assigned when absent, refused when taken). */
export interface FeatureInput {
  id?: string;
  geometry: GeoJSONGeometry | null;
  properties: Record<string, unknown>;
}

export interface SortKey {
  property: string;
  direction?: 'asc' | 'desc';
}

export interface FeatureQuery {
  /** Features whose geometry intersects the box, given in `bboxCrs` (x/y order; default CRS:84). */
  bbox?: Bbox;
  bboxCrs?: string;
  /** A core/filter AST over the collection's properties (and `id`); spatial literals carry their CRS. */
  filter?: Filter;
  /** Only these feature ids (WFS RESOURCEID, OGC API items/{id}). */
  ids?: string[];
  /** On the temporal property: an instant or interval, open ends as null. */
  datetime?: { start: string | null; end: string | null };
  /** Properties to return (all when absent); the geometry is always returned unless skipGeometry. */
  properties?: string[];
  skipGeometry?: boolean;
  /** Sort keys; results are always also ordered by id, so paging is stable. */
  sortBy?: SortKey[];
  /** Page size (required by protocols; the engine caps it at its maxLimit) and offset. */
  limit?: number;
  offset?: number;
  /** CRS of returned geometries (x/y order); default the storage CRS. */
  crs?: string;
}

export interface QueryOptions {
  /** Also count the matches (numberMatched). */
  count?: boolean;
  /**
   * 'update': only features the subject may also update (the update permission is required,
   * Unauthenticated/Forbidden otherwise, and its filter obligations apply), for locking them.
   * Default 'read'.
   */
  access?: 'read' | 'update';
}

export interface FeatureResult {
  /** How many features match the query ignoring limit/offset (computed only when asked). */
  numberMatched?: number;
  /** The page, streamed row by row: a large export never holds its features in memory. */
  features: AsyncIterable<Feature>;
}

export type TransactionOperation =
  /** `crs`: the CRS of the geometries (x/y order); default the storage CRS. */
  | { op: 'insert'; collection: string; features: FeatureInput[]; crs?: string }
  /** Sets the given properties (and the geometry when given) on every feature the filter matches. */
  | { op: 'update'; collection: string; filter: FeatureQuery; properties?: Record<string, unknown>; geometry?: GeoJSONGeometry | null; crs?: string }
  | { op: 'replace'; collection: string; id: string; feature: FeatureInput; crs?: string }
  | { op: 'delete'; collection: string; filter: FeatureQuery };

export interface TransactionResult {
  /** Ids of inserted features, in input order (per insert operation, in order). */
  inserted: string[];
  updated: number;
  replaced: number;
  deleted: number;
}

/**
 * What a transaction passes to the write guards: the lock a protocol's client holds (WFS lockId)
 * and what to do with it after the write. The engine does not read it.
 */
export interface TransactionOptions {
  lock?: { id: string; release: 'all' | 'some' };
}

/** Existing features a transaction changed (updated, replaced, deleted), by collection id. */
export type TouchedFeatures = Map<string, string[]>;

/**
 * Called inside a write's database transaction, after its operations ran and before it commits
 * (WFS feature locks): throwing rolls the whole write back. `trx` is the write's own transaction.
 */
export type WriteGuard = (trx: Knex.Transaction, touched: TouchedFeatures, subject: Subject, options: TransactionOptions) => Promise<void>;

export interface FeaturesChange {
  collection: string;
  /** The collection itself was created or removed. */
  created?: boolean;
  removed?: boolean;
}

export interface FeaturesService {
  /** Collections the subject may read. */
  collections(subject: Subject): Promise<CollectionDescription[]>;
  /**
   * A collection, or undefined when it does not exist or the subject may not read it.
   * `extent: false` is for a caller that uses only what a collection keeps for its life (id,
   * title, properties, geometry type, CRS, owner, visibility) and then reads its features: the
   * description may then come from a registry row read by this process up to 2 s before, so its
   * count, extent and stamps may be that old, and a collection another process deleted in that
   * time is still described (its features are not: the read finds it gone).
   */
  collection(id: string, subject: Subject, options?: { extent?: boolean }): Promise<CollectionDescription | undefined>;
  /** Creates a collection (its table and indexes). */
  createCollection(definition: CollectionDefinition, subject: Subject): Promise<CollectionDescription>;
  deleteCollection(id: string, subject: Subject): Promise<void>;
  /**
   * Reads features. Throws FeaturesError('NoSuchCollection') for a collection the subject may
   * not read, 'UnknownProperty' (with the name as locator) for a filter, sort or selection on a
   * property the collection lacks, 'InvalidQuery' for the rest. `collection` is an id, or a
   * description `collection()` gave: then its registry row is not read again (a collection
   * deleted since is NoSuchCollection).
   */
  query(collection: string | CollectionDescription, query: FeatureQuery, subject: Subject, options?: QueryOptions): Promise<FeatureResult>;
  /** Number of features matching, without reading them (WFS resultType=hits). */
  count(collection: string, query: FeatureQuery, subject: Subject): Promise<number>;
  /**
   * All operations in one database transaction: all applied or none (a failure throws and writes
   * nothing). Every write guard runs inside it; `options` is handed to them.
   */
  transaction(operations: TransactionOperation[], subject: Subject, options?: TransactionOptions): Promise<TransactionResult>;
  /** Adds a guard every later transaction runs before it commits; returns its removal. */
  addWriteGuard(guard: WriteGuard): () => void;
  /** Queryable properties of a collection (OGC API queryables, WFS filter capabilities). */
  queryables(collection: string, subject: Subject): Promise<PropertyDefinition[]>;
  /** Called after writes commit in this process; returns an unsubscribe. */
  onChange(listener: (change: FeaturesChange) => void): () => void;
  readonly limits: { defaultLimit: number; maxLimit: number };
}
