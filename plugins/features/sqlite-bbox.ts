/**
 * SQLite: a query's BBOX as one R*Tree subquery that runs the exact test only where the index
 * cannot settle it. The R*Tree keeps each row's box in 32-bit floats rounded outwards, so a
 * stored box inside the query's rectangle means the geometry is inside it too, and so intersects
 * it: only rows whose stored box straddles an edge of the rectangle go to the exact function
 * (spatial-functions.ts). For points in a box of a few hundred, that is the few within 1e-7 of
 * an edge instead of every row, and the count and the page of a GetFeature both profit.
 * The rows are the same as core/filter's R*Tree prefilter followed by the exact test on every
 * candidate, which is what a degenerate box (no area) still gets.
 */
import type { Knex } from 'knex';
import type { Filter } from '../../core/filter/index.js';
import { FEATURES_SQLITE_FUNCTIONS } from './spatial-functions.js';
import { INDEX_GEOMETRY_COLUMN } from './schema.js';

type Box = [number, number, number, number];

/** The boxes of a bbox filter (query.ts bboxFilter: one box, or two across the antimeridian), when each has an area. */
export function boxesOfBboxFilter(f: Filter): Box[] | undefined {
  const parts = f.op === 'or' ? f.args : [f];
  const boxes: Box[] = [];
  for (const p of parts) {
    if (p.op !== 'bbox' || p.bbox.length !== 4) return undefined;
    const [minx, miny, maxx, maxy] = p.bbox as Box;
    if (!(minx < maxx && miny < maxy)) return undefined;
    boxes.push([minx, miny, maxx, maxy]);
  }
  return boxes.length > 0 ? boxes : undefined;
}

/** The R*Tree query of the ids whose geometry intersects one of the boxes: its SQL and bindings. */
function intersectingIds(table: string, boxes: Box[]): { sql: string; bindings: Knex.Value[] } {
  const rtree = `${table}_rtree`;
  const terms: string[] = [];
  const bindings: Knex.Value[] = [];
  for (const [minx, miny, maxx, maxy] of boxes) {
    // The same literal core/filter writes for a BBOX, so the exact function decides as it would there.
    const literal = JSON.stringify({ type: 'Polygon', coordinates: [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]] });
    terms.push(
      '(r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? AND ' +
        `((r.minx >= ? AND r.maxx <= ? AND r.miny >= ? AND r.maxy <= ?) OR ${FEATURES_SQLITE_FUNCTIONS.spatial}('intersects', (SELECT g.?? FROM ?? AS g WHERE g.id = r.id), ?) = 1))`,
    );
    bindings.push(maxx, minx, maxy, miny, minx, maxx, miny, maxy, INDEX_GEOMETRY_COLUMN, table, literal);
  }
  return { sql: `SELECT r.id FROM ?? AS r WHERE ${terms.join(' OR ')}`, bindings: [rtree, ...bindings] };
}

/** Narrows `qb` to the rows of `table` whose geometry intersects one of the boxes. */
export function whereIntersectsBoxes(qb: Knex.QueryBuilder, table: string, boxes: Box[]): Knex.QueryBuilder {
  const ids = intersectingIds(table, boxes);
  return qb.whereRaw(`?? IN (${ids.sql})`, [`${table}.id`, ...ids.bindings]);
}

/**
 * The number of rows whose geometry intersects one of the boxes, counted in the R*Tree alone
 * (every entry is a row of the table: a trigger removes the entry of a deleted row), for a
 * query with no other condition: no lookup of each row in the table.
 */
export function countIntersectingBoxes(k: Knex | Knex.Transaction, table: string, boxes: Box[]): Knex.QueryBuilder {
  const ids = intersectingIds(table, boxes);
  return k.from(k.raw(`(${ids.sql}) AS ids`, ids.bindings)).count({ n: '*' });
}
