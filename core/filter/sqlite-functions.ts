/**
 * SQLite has no spatial predicates. These user functions give it the exact ones evaluate.ts uses,
 * so a spatial filter is decided inside the query, after the R*Tree prefilter: counts, pages and
 * facets then need no scan in JavaScript. Registered on every SQLite connection (core/storage).
 *
 *   meridian_spatial(relation, geometry, literal)  1, 0, or NULL when either geometry is NULL
 *   meridian_distance(geometry, literal)           planar distance in degrees, or NULL
 *   meridian_geojson(geometry)                     the geometry as GeoJSON text, or NULL
 *
 * `geometry` is the index column: GeoJSON text, or WKB bytes for a table whose spatial index
 * stores WKB; `literal` is GeoJSON text, the same for every row of a query, so its prepared form
 * is cached.
 */
import { LRUCache } from 'lru-cache';
import type { GeoJSONGeometry, SpatialRelation } from './ast.js';
import { geometryDistance, prepare, spatialRelationHolds } from './spatial.js';
import { storedGeometry, type PreparedGeometry } from '../storage/db/geometry/index.js';

export const SQLITE_SPATIAL_FUNCTION = 'meridian_spatial';
export const SQLITE_DISTANCE_FUNCTION = 'meridian_distance';
export const SQLITE_GEOJSON_FUNCTION = 'meridian_geojson';

const RELATIONS = new Set<SpatialRelation>(['intersects', 'disjoint', 'within', 'contains', 'equals', 'touches', 'crosses', 'overlaps']);

/** The part of a better-sqlite3 connection this needs. */
interface SqliteConnection {
  function(name: string, options: { deterministic: boolean; varargs?: boolean }, fn: (...args: unknown[]) => unknown): unknown;
}

export function registerSqliteSpatialFunctions(conn: SqliteConnection): void {
  const literals = new LRUCache<string, PreparedGeometry>({ max: 64 });
  const literal = (text: string): PreparedGeometry => {
    let p = literals.get(text);
    if (!p) {
      p = prepare(JSON.parse(text) as GeoJSONGeometry);
      literals.set(text, p);
    }
    return p;
  };
  const row = (value: unknown): PreparedGeometry | null => {
    const g = typeof value === 'string' || value instanceof Uint8Array ? storedGeometry(value) : null;
    return g === null ? null : prepare(g);
  };

  conn.function(SQLITE_SPATIAL_FUNCTION, { deterministic: true }, (relation, geometry, lit) => {
    if (typeof relation !== 'string' || !RELATIONS.has(relation as SpatialRelation)) throw new Error(`${SQLITE_SPATIAL_FUNCTION}: unknown relation '${String(relation)}'`);
    const a = row(geometry);
    if (a === null || typeof lit !== 'string') return null;
    return spatialRelationHolds(relation as SpatialRelation, a, literal(lit)) ? 1 : 0;
  });
  conn.function(SQLITE_GEOJSON_FUNCTION, { deterministic: true }, (geometry) => {
    if (typeof geometry === 'string') return geometry;
    return geometry instanceof Uint8Array ? JSON.stringify(storedGeometry(geometry)) : null;
  });
  conn.function(SQLITE_DISTANCE_FUNCTION, { deterministic: true }, (geometry, lit) => {
    const a = row(geometry);
    if (a === null || typeof lit !== 'string') return null;
    return geometryDistance(a, literal(lit));
  });
}
