import type { Knex } from 'knex';
import { NotFound } from '../../../errors.js';
import type { BBox, GeoJSONGeometry } from '../types.js';
import { intersects, prepareGeometry, storedGeometry, validateGeometry } from '../geometry/index.js';

/** The column the helper adds to an indexed table: GeoJSON text, WKB bytes, or PostGIS geometry(Geometry, 4326). */
export const GEOMETRY_COLUMN = 'geometry';

// The index objects derive names from the table (`<table>_rtree`, `<table>_geometry_gist`):
// a plain identifier keeps them valid, and within PostgreSQL's 63-byte limit.
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

export function assertTableName(table: string): void {
  if (!TABLE_NAME.test(table)) {
    throw new Error(`Spatial index table name '${table}' must be a plain SQL identifier of at most 48 characters`);
  }
}

/** Rows the exact test reads per query while scanning prefilter candidates in id order. */
const SCAN_BATCH = 500;

/** Validates a geometry given to set/intersecting; null passes (it clears). */
export function checkedGeometry(geometry: GeoJSONGeometry): GeoJSONGeometry {
  return validateGeometry(geometry);
}

export function rowNotFound(table: string, id: number): NotFound {
  return new NotFound(`No row ${id} in '${table}' to set a geometry on`, { code: 'RowNotFound' });
}

/**
 * The exact test in JS for databases without one: reads the candidates of the bbox prefilter in
 * id order, batch by batch (never the whole result at once), and keeps those whose stored
 * geometry (GeoJSON text or WKB) intersects `geometry`, up to `limit`.
 */
export async function exactScan(
  knex: Knex,
  table: string,
  geometry: GeoJSONGeometry,
  limit: number,
  prefilter: (qb: Knex.QueryBuilder, bbox: BBox) => Knex.QueryBuilder,
): Promise<number[]> {
  const query = prepareGeometry(geometry);
  const ids: number[] = [];
  let after: number | undefined;
  for (;;) {
    const qb = knex(table).select(`${table}.id as id`, `${table}.${GEOMETRY_COLUMN} as geometry`);
    prefilter(qb, query.bbox);
    if (after !== undefined) qb.where(`${table}.id`, '>', after);
    const rows = (await qb.orderBy(`${table}.id`).limit(SCAN_BATCH)) as Array<{ id: number | string; geometry: string | Uint8Array | null }>;
    for (const row of rows) {
      const stored = storedGeometry(row.geometry);
      if (stored === null) continue;
      if (intersects(query, stored)) {
        ids.push(Number(row.id));
        if (ids.length >= limit) return ids;
      }
    }
    if (rows.length < SCAN_BATCH) return ids;
    after = Number(rows[rows.length - 1]!.id);
  }
}

/** The limit of `intersecting`: a positive integer, or no limit. */
export function resultLimit(limit: number | undefined): number {
  if (limit === undefined) return Number.POSITIVE_INFINITY;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`intersecting: limit must be a positive integer, got ${limit}`);
  return limit;
}

/** knex's where-group of OR-ed boxes, each tested by `one`. */
export function whereAnyBox(qb: Knex.QueryBuilder, boxes: BBox[], one: (b: Knex.QueryBuilder, box: BBox) => void): Knex.QueryBuilder {
  return qb.where((group) => {
    for (const box of boxes) group.orWhere((b) => one(b, box));
  });
}
