import type { Knex } from 'knex';
import type { Database, SpatialIndex, SpatialIndexOptions } from './types.js';
import { assertTableName, GEOMETRY_COLUMN } from './spatial/common.js';
import { PgBBoxIndex } from './spatial/pg-bbox.js';
import { PostgisIndex } from './spatial/postgis.js';
import { SqliteRTreeIndex } from './spatial/sqlite-rtree.js';
import { SQLITE_GEOJSON_FUNCTION } from '../../filter/sqlite-functions.js';

export { GEOMETRY_COLUMN } from './spatial/common.js';

/**
 * The spatial index of `table` (integer primary key `id`) on this database: SQLite R*Tree,
 * PostGIS GiST, or on PostgreSQL without PostGIS four bbox columns with btree indexes. Each
 * adds column `geometry` to the table in `create()`; don't define that column yourself.
 * Which kind a table has is fixed by the migration that ran `create()`: installing PostGIS
 * later needs a migration that moves the data.
 */
export function createSpatialIndex(db: Database, table: string, options: SpatialIndexOptions = {}): SpatialIndex {
  if (db.dialect === 'sqlite') return new SqliteRTreeIndex(db, table, options);
  return db.postgis ? new PostgisIndex(db, table, options) : new PgBBoxIndex(db, table);
}

/**
 * A select expression giving the `geometry` column of `table` as GeoJSON text on every kind of
 * index (PostGIS stores geometry, SQLite GeoJSON text or WKB, PostgreSQL without PostGIS
 * GeoJSON text), named `alias`.
 */
export function selectGeometryAsGeoJSON(db: Database, table: string, alias: string = GEOMETRY_COLUMN): Knex.Raw {
  assertTableName(table);
  if (db.postgis) return db.knex.raw('ST_AsGeoJSON(??) as ??', [`${table}.${GEOMETRY_COLUMN}`, alias]);
  if (db.spatialIndex(table).storage === 'wkb') return db.knex.raw(`${SQLITE_GEOJSON_FUNCTION}(??) as ??`, [`${table}.${GEOMETRY_COLUMN}`, alias]);
  return db.knex.raw('?? as ??', [`${table}.${GEOMETRY_COLUMN}`, alias]);
}
