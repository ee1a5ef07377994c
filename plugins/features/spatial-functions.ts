/**
 * SQLite's exact spatial tests for feature collections, decided by JSTS (the JavaScript port of
 * the JTS Topology Suite, the library GEOS and so PostGIS derive from): user functions with the
 * signatures core/filter/sqlite-functions.ts defines, which translateFilter calls after the
 * R*Tree prefilter (its `sqliteFunctions` option). Registered on every SQLite connection the
 * engine reads through.
 *
 *   features_spatial(relation, geometry, literal)  1, 0, or NULL when the row has no geometry
 *   features_distance(geometry, literal)           planar distance, or NULL
 *
 * `geometry` is the row's index column (WKB, or GeoJSON text); `literal` GeoJSON text, the same
 * for every row of a query, so its parsed form is cached.
 */
import 'jsts/org/locationtech/jts/monkey.js';
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import { LRUCache } from 'lru-cache';
import type { SpatialRelation } from '../../core/filter/index.js';
import { storedGeometry } from '../../core/storage/db/geometry/index.js';
import type { SqliteFunctionHost } from '../../core/storage/db/types.js';
import { geojsonIntersectsRectangle, rectangleOf, wkbIntersectsRectangle, type Rectangle } from './rectangle.js';

export const FEATURES_SQLITE_FUNCTIONS = { spatial: 'features_spatial', distance: 'features_distance' } as const;

/** The JTS operations used here (the monkey module adds them to every geometry). */
interface JtsGeometry {
  intersects(g: JtsGeometry): boolean;
  contains(g: JtsGeometry): boolean;
  within(g: JtsGeometry): boolean;
  touches(g: JtsGeometry): boolean;
  crosses(g: JtsGeometry): boolean;
  overlaps(g: JtsGeometry): boolean;
  equalsTopo(g: JtsGeometry): boolean;
  distance(g: JtsGeometry): number;
}

const RELATIONS = new Set<SpatialRelation>(['intersects', 'disjoint', 'within', 'contains', 'equals', 'touches', 'crosses', 'overlaps']);

/**
 * The row relation literal, as PostGIS's ST_<Relation>(row, literal) decides it. (JSTS 2.12's
 * prepared polygons fail to construct, so plain geometries it is; the R*Tree has already
 * narrowed the rows to those whose box meets the literal's.)
 */
function holds(relation: SpatialRelation, row: JtsGeometry, literal: JtsGeometry): boolean {
  switch (relation) {
    case 'intersects':
      return row.intersects(literal);
    case 'disjoint':
      return !row.intersects(literal);
    case 'within':
      return row.within(literal);
    case 'contains':
      return row.contains(literal);
    case 'equals':
      return row.equalsTopo(literal);
    case 'touches':
      return row.touches(literal);
    case 'crosses':
      return row.crosses(literal);
    case 'overlaps':
      return row.overlaps(literal);
  }
}

export function registerFeaturesSpatialFunctions(conn: SqliteFunctionHost): void {
  const reader = new GeoJSONReader(new GeometryFactory());
  const read = (g: object): JtsGeometry => (reader as unknown as { read(g: object): JtsGeometry }).read(g);
  // The literal is the same text for every row of a query: the last one is checked first.
  interface Literal {
    text: string;
    geometry: JtsGeometry;
    rectangle: Rectangle | undefined;
  }
  const literals = new LRUCache<string, Literal>({ max: 64 });
  let last: Literal | undefined;
  const literalOf = (text: string): Literal => {
    if (last !== undefined && last.text === text) return last;
    let l = literals.get(text);
    if (!l) {
      const parsed = JSON.parse(text) as object;
      l = { text, geometry: read(parsed), rectangle: rectangleOf(parsed) };
      literals.set(text, l);
    }
    last = l;
    return l;
  };
  const literal = (text: string): JtsGeometry => literalOf(text).geometry;
  const row = (value: unknown): JtsGeometry | null => {
    const g = typeof value === 'string' || value instanceof Uint8Array ? storedGeometry(value) : null;
    return g === null ? null : read(g);
  };
  conn.function(FEATURES_SQLITE_FUNCTIONS.spatial, { deterministic: true }, (relation, geometry, lit) => {
    if (typeof relation !== 'string' || !RELATIONS.has(relation as SpatialRelation)) throw new Error(`${FEATURES_SQLITE_FUNCTIONS.spatial}: unknown relation '${String(relation)}'`);
    if (typeof lit !== 'string') return null;
    const l = literalOf(lit);
    if (relation === 'intersects' && l.rectangle !== undefined) {
      // A BBOX: most rows are settled by their coordinates (rectangle.ts).
      const decided = geometry instanceof Uint8Array ? wkbIntersectsRectangle(geometry, l.rectangle) : typeof geometry === 'string' ? geojsonIntersectsRectangle(JSON.parse(geometry), l.rectangle) : undefined;
      if (decided !== undefined) return decided ? 1 : 0;
    }
    const g = row(geometry);
    if (g === null) return null;
    return holds(relation as SpatialRelation, g, l.geometry) ? 1 : 0;
  });
  conn.function(FEATURES_SQLITE_FUNCTIONS.distance, { deterministic: true }, (geometry, lit) => {
    const g = row(geometry);
    if (g === null || typeof lit !== 'string') return null;
    return g.distance(literal(lit));
  });
}
