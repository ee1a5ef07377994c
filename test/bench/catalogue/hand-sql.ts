/**
 * The baseline: the benchmark's product search as a person who knows the schema would write it
 * by hand for each database, straight on the catalogue's tables, with the
 * same visibility rule the default policy adds for anonymous readers, using the same indexes and one scan for the page and the total: on
 * SQLite the R*Tree by place and time, then the exact footprint test (the catalogue's own SQL
 * function: SQLite has no other) last; on PostGIS the GiST on (geometry, time range), the exact
 * test outside a fence (as the engine does).
 */
import type { Database } from '../../../core/storage/db/types.js';
import type { ProductSearch } from './queries.js';

export interface HandResult {
  total: number;
  identifiers: string[];
}

export async function handWrittenSearch(db: Database, q: ProductSearch): Promise<HandResult> {
  const [minx, miny, maxx, maxy] = q.bbox;
  const box = JSON.stringify({ type: 'Polygon', coordinates: [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]] });
  let where: string;
  let bindings: unknown[];
  /** The table the page reads: on PostGIS the index tests in a fenced subquery, ST_Intersects outside. */
  let from = 'catalogue_records r';
  if (db.dialect === 'sqlite') {
    const [start, end] = [Date.parse(q.start) / 1000, Date.parse(q.end) / 1000];
    where = `r.id IN (SELECT id FROM catalogue_records_rtree WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ? AND mint <= ? AND maxt >= ?)
      AND r.parent_identifier = ? AND r.type = 'product'
      AND r.start_time <= ? AND r.end_time >= ? AND r.cloud_cover <= ? AND r.visibility <> 'private'
      AND meridian_spatial('intersects', r.geometry, ?) = 1`;
    bindings = [maxx, minx, maxy, miny, end, start, q.collection, q.end, q.start, q.maxCloudCover, box];
  } else {
    // PostGIS prices ST_Intersects so high that, in one query, the planner ANDs in every
    // unselective index to feed it fewer rows; behind OFFSET 0 it narrows by the GiST alone.
    from = `(SELECT * FROM catalogue_records c WHERE c.parent_identifier = ? AND c.type = 'product'
      AND c.geometry && ST_MakeEnvelope(?, ?, ?, ?, 4326)
      AND tstzrange(c.start_time, c.end_time, '[]') && tstzrange(?::timestamptz, ?::timestamptz, '[]')
      AND c.start_time <= ? AND c.end_time >= ? AND c.cloud_cover <= ? AND c.visibility <> 'private' OFFSET 0) r`;
    where = `ST_Intersects(r.geometry, ST_MakeEnvelope(?, ?, ?, ?, 4326))`;
    bindings = [q.collection, minx, miny, maxx, maxy, q.start, q.end, q.end, q.start, q.maxCloudCover, minx, miny, maxx, maxy];
  }
  const rows = (r: unknown): Array<Record<string, unknown>> => (db.dialect === 'sqlite' ? (r as Array<Record<string, unknown>>) : (r as { rows: Array<Record<string, unknown>> }).rows);
  // The total with the page in one scan (COUNT(*) OVER () before LIMIT), over ids only, then the page's records.
  const page = rows(
    await db.knex.raw(
      `WITH page AS (SELECT r.id, r.start_time, count(*) OVER () AS total FROM ${from} WHERE ${where} ORDER BY r.start_time DESC, r.id ASC LIMIT ?)
       SELECT c.record, page.total FROM page JOIN catalogue_records c ON c.id = page.id ORDER BY page.start_time DESC, page.id ASC`,
      [...bindings, q.count] as never[],
    ),
  );
  // The page's records are parsed, as a server answering with them would.
  return { total: Number(page[0]?.total ?? 0), identifiers: page.map((p) => (JSON.parse(p.record as string) as { identifier: string }).identifier) };
}
