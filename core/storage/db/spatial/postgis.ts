import type { Knex } from 'knex';
import type { BBox, Database, GeoJSONGeometry, SpatialIndex, SpatialIndexOptions, TimeWindow } from '../types.js';
import { queryBoxes } from '../geometry/index.js';
import { assertTableName, checkedGeometry, GEOMETRY_COLUMN, resultLimit, rowNotFound, whereAnyBox } from './common.js';

/** A prefilter's time window as a range literal; open ends are unbounded. */
export const TIME_WINDOW_SQL = "tstzrange(?::timestamptz, ?::timestamptz, '[]')";
export const timeWindowBindings = ([begin, end]: TimeWindow): Array<string | null> => [begin === null ? null : new Date(begin).toISOString(), end === null ? null : new Date(end).toISOString()];

/** The geometry of a GeoJSON text parameter, 2D (the column has no Z) in EPSG:4326. */
const FROM_GEOJSON = 'ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(?)), 4326)';

/**
 * PostGIS: column `geometry geometry(Geometry, 4326)` in the table with a GiST index
 * `<table>_geometry_gist`, on (geometry, tstzrange(start, end, '[]')) when the index has a time
 * dimension (both are GiST types: one index narrows by place and time at once). The prefilter is
 * `&&` against the query box (and the time window's range), answered by the GiST; the exact test
 * ST_Intersects, all in SQL. Positions are stored 2D (Z and M are dropped).
 */
export class PostgisIndex implements SpatialIndex {
  readonly table: string;
  readonly time?: { start: string; end: string };
  readonly storage = 'postgis' as const;

  constructor(
    private readonly db: Database,
    table: string,
    options: SpatialIndexOptions = {},
  ) {
    assertTableName(table);
    this.table = table;
    if (options.time) {
      for (const c of [options.time.start, options.time.end]) assertTableName(c);
      this.time = { ...options.time };
    }
  }

  /** The indexed time range of a row, as an SQL expression on `alias` (the table by default). */
  timeRangeSql(alias: string = this.table): string {
    if (!this.time) throw new Error(`the spatial index of '${this.table}' has no time dimension`);
    return `tstzrange("${alias}"."${this.time.start}", "${alias}"."${this.time.end}", '[]')`;
  }

  async create(knex: Knex = this.db.knex): Promise<void> {
    if (!(await knex.schema.hasColumn(this.table, GEOMETRY_COLUMN))) {
      await knex.raw('ALTER TABLE ?? ADD COLUMN ?? geometry(Geometry, 4326)', [this.table, GEOMETRY_COLUMN]);
    }
    const name = `${this.table}_geometry_gist`;
    const columns = this.time ? `"${GEOMETRY_COLUMN}", tstzrange("${this.time.start}", "${this.time.end}", '[]')` : `"${GEOMETRY_COLUMN}"`;
    // An index of the other kind (with or without time) is replaced.
    const existing = (await knex.raw('SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?', [name])) as { rows: Array<{ indexdef: string }> };
    const def = existing.rows[0]?.indexdef;
    if (def !== undefined && def.includes('tstzrange') !== Boolean(this.time)) await knex.raw('DROP INDEX ??', [name]);
    await knex.raw(`CREATE INDEX IF NOT EXISTS ?? ON ?? USING GIST (${columns})`, [name, this.table]);
  }

  async set(id: number, geometry: GeoJSONGeometry | null, trx?: Knex.Transaction): Promise<void> {
    if (geometry === null) return this.remove(id, trx);
    const updated = await (trx ?? this.db.knex)(this.table).where({ id }).update(this.rowValues(geometry));
    if (updated === 0) throw rowNotFound(this.table, id);
  }

  async remove(id: number, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.db.knex)(this.table).where({ id }).update({ [GEOMETRY_COLUMN]: null });
  }

  rowValues(geometry: GeoJSONGeometry | null): Record<string, unknown> {
    return { [GEOMETRY_COLUMN]: geometry === null ? null : this.db.knex.raw(FROM_GEOJSON, [JSON.stringify(checkedGeometry(geometry))]) };
  }

  /** Everything lives in the row. */
  async written(): Promise<void> {}

  whereBBoxIntersects(qb: Knex.QueryBuilder, bbox: BBox, idColumn?: string, time?: TimeWindow): Knex.QueryBuilder {
    const boxes = queryBoxes(bbox);
    const test = (b: Knex.QueryBuilder, [minx, miny, maxx, maxy]: BBox) => {
      b.whereRaw('?? && ST_MakeEnvelope(?, ?, ?, ?, 4326)', [`${this.table}.${GEOMETRY_COLUMN}`, minx, miny, maxx, maxy]);
      if (this.time && time) b.whereRaw(`${this.timeRangeSql()} && ${TIME_WINDOW_SQL}`, timeWindowBindings(time));
    };
    if (idColumn === undefined) return whereAnyBox(qb, boxes, test);
    // The ids live in another column of the query (an alias, a join): a semi-join finds them.
    return qb.whereIn(idColumn, whereAnyBox(this.db.knex(this.table).select(`${this.table}.id`), boxes, test));
  }

  whereTimeMeets(qb: Knex.QueryBuilder, time: TimeWindow): Knex.QueryBuilder {
    return this.time ? qb.whereRaw(`${this.timeRangeSql()} && ${TIME_WINDOW_SQL}`, timeWindowBindings(time)) : qb;
  }

  async intersecting(geometry: GeoJSONGeometry, options: { limit?: number } = {}): Promise<number[]> {
    const limit = resultLimit(options.limit);
    const json = JSON.stringify(checkedGeometry(geometry));
    const knex = this.db.knex;
    const column = `${this.table}.${GEOMETRY_COLUMN}`;
    // `&&` against the query geometry's own box lets the GiST answer before the exact test.
    const qb = knex(this.table)
      .select(`${this.table}.id as id`)
      .whereRaw(`?? && ${FROM_GEOJSON}`, [column, json])
      .andWhereRaw(`ST_Intersects(??, ${FROM_GEOJSON})`, [column, json])
      .orderBy(`${this.table}.id`);
    if (Number.isFinite(limit)) qb.limit(limit);
    const rows = (await qb) as Array<{ id: number | string }>;
    return rows.map((r) => Number(r.id));
  }
}
