import type { Knex } from 'knex';

export type DatabaseDialect = 'sqlite' | 'postgres';

/** One step of a plugin's schema history. Names sort in the order they apply ('001-records'). */
export interface Migration {
  name: string;
  up(knex: Knex, db: Database): Promise<void>;
}

/** [minx, miny, maxx, maxy] in the index's CRS (CRS:84 unless a table says otherwise). */
export type BBox = [number, number, number, number];

/**
 * A spatial index on one table, the same API on SQLite (R*Tree virtual table) and PostGIS (GiST).
 * The index answers bbox prefilters; the exact geometry test runs after it (in SQL on PostGIS,
 * in JS on SQLite).
 */
/** A time window of a prefilter: epoch milliseconds, null for an open end. */
export type TimeWindow = [number | null, number | null];

export interface SpatialIndexOptions {
  /**
   * Index each row's time extent with its bbox, as a third dimension: the table's columns of its
   * start and end instants (ISO 8601 text on SQLite, timestamptz on PostgreSQL). A search by
   * place and time then narrows by both at once.
   */
  time?: { start: string; end: string };
  /**
   * How column `geometry` keeps geometries where the database has no geometry type: GeoJSON text
   * (the default) or WKB bytes ('wkb': smaller, and read without parsing text). SQLite honours
   * it; PostGIS keeps its own type and PostgreSQL without PostGIS GeoJSON text.
   */
  encoding?: 'geojson' | 'wkb';
}

/** What column `geometry` of an indexed table holds. */
export type GeometryStorage = 'postgis' | 'geojson' | 'wkb';

export interface SpatialIndex {
  readonly table: string;
  /** The time columns indexed with the bbox, when the index has them. */
  readonly time?: { start: string; end: string };
  /** What column `geometry` holds: PostGIS geometry, GeoJSON text or WKB bytes. */
  readonly storage: GeometryStorage;
  /** Creates the index structures; call from a migration. */
  create(knex?: Knex): Promise<void>;
  /** Sets (or clears, with null) the geometry of row `id`. Runs inside `trx` when given. */
  set(id: number, geometry: GeoJSONGeometry | null, trx?: Knex.Transaction): Promise<void>;
  remove(id: number, trx?: Knex.Transaction): Promise<void>;
  /**
   * For bulk writes, so each row is written once: the values of the index's own columns for a row
   * with this geometry (null clears them), to put in the row's INSERT or UPDATE; then `written`
   * with the rows' ids completes what lives outside the row (SQLite's R*Tree entries). Throws for
   * an invalid geometry, as `set` does.
   */
  rowValues(geometry: GeoJSONGeometry | null): Record<string, unknown>;
  written(rows: Array<{ id: number; geometry: GeoJSONGeometry | null }>, trx?: Knex.Transaction): Promise<void>;
  /**
   * Restricts `qb` (selecting from `table`) to rows whose bbox intersects `bbox` and, when the
   * index has a time dimension and `time` is given, whose time extent meets the window (a row
   * without a time is never excluded by it).
   */
  whereBBoxIntersects(qb: Knex.QueryBuilder, bbox: BBox, idColumn?: string, time?: TimeWindow): Knex.QueryBuilder;
  /**
   * Narrows `qb` to rows whose time extent meets the window where the index answers that alone
   * (PostGIS: its range column); elsewhere leaves `qb` as it is. A prefilter: add the exact
   * time condition too.
   */
  whereTimeMeets(qb: Knex.QueryBuilder, time: TimeWindow): Knex.QueryBuilder;
  /** Row ids whose geometry intersects `geometry` exactly (prefilter then exact test). */
  intersecting(geometry: GeoJSONGeometry, options?: { limit?: number }): Promise<number[]>;
}

export interface GeoJSONGeometry {
  type: 'Point' | 'MultiPoint' | 'LineString' | 'MultiLineString' | 'Polygon' | 'MultiPolygon' | 'GeometryCollection';
  coordinates?: unknown;
  geometries?: GeoJSONGeometry[];
}

/** The part of a better-sqlite3 connection that user functions are registered on. */
export interface SqliteFunctionHost {
  function(name: string, options: { deterministic?: boolean; varargs?: boolean }, fn: (...args: unknown[]) => unknown): unknown;
}

export interface Database {
  readonly knex: Knex;
  readonly dialect: DatabaseDialect;
  /** True on PostgreSQL when the postgis extension is installed in the database. */
  readonly postgis: boolean;
  /** Applies, in order, the migrations of `owner` not yet recorded; idempotent and locked. */
  migrate(owner: string, migrations: Migration[]): Promise<string[]>;
  /**
   * The spatial index helper for `table` (its integer primary key column is `id`). Options are
   * fixed by the first call for a table; a later call with other options throws.
   */
  spatialIndex(table: string, options?: SpatialIndexOptions): SpatialIndex;
  /**
   * SQLite: adds user functions (SQL functions written in JS) to every connection, open and
   * future, e.g. a plugin's own exact spatial tests (core/filter translateFilter's
   * sqliteFunctions). Resolves once the open connections have them. Absent on PostgreSQL.
   */
  addSqliteFunctions?(register: (conn: SqliteFunctionHost) => void): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
