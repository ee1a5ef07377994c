import type { Knex } from 'knex';
import type { BBox, Database, GeoJSONGeometry, SpatialIndex } from '../types.js';
import { queryBoxes } from '../geometry/index.js';
import { assertTableName, checkedGeometry, GEOMETRY_COLUMN, resultLimit, rowNotFound, whereAnyBox } from './common.js';

/** The geometry of a GeoJSON text parameter, 2D (the column has no Z) in EPSG:4326. */
const FROM_GEOJSON = 'ST_SetSRID(ST_Force2D(ST_GeomFromGeoJSON(?)), 4326)';

/**
 * PostGIS: column `geometry geometry(Geometry, 4326)` in the table with a GiST index
 * `<table>_geometry_gist`. The prefilter is `&&` against the query box (answered by the GiST),
 * the exact test ST_Intersects, both in SQL. Positions are stored 2D (Z and M are dropped).
 */
export class PostgisIndex implements SpatialIndex {
  readonly table: string;

  constructor(
    private readonly db: Database,
    table: string,
  ) {
    assertTableName(table);
    this.table = table;
  }

  async create(knex: Knex = this.db.knex): Promise<void> {
    if (!(await knex.schema.hasColumn(this.table, GEOMETRY_COLUMN))) {
      await knex.raw('ALTER TABLE ?? ADD COLUMN ?? geometry(Geometry, 4326)', [this.table, GEOMETRY_COLUMN]);
    }
    await knex.raw('CREATE INDEX IF NOT EXISTS ?? ON ?? USING GIST (??)', [`${this.table}_geometry_gist`, this.table, GEOMETRY_COLUMN]);
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

  whereBBoxIntersects(qb: Knex.QueryBuilder, bbox: BBox, idColumn?: string): Knex.QueryBuilder {
    const boxes = queryBoxes(bbox);
    const test = (b: Knex.QueryBuilder, [minx, miny, maxx, maxy]: BBox) => {
      b.whereRaw('?? && ST_MakeEnvelope(?, ?, ?, ?, 4326)', [`${this.table}.${GEOMETRY_COLUMN}`, minx, miny, maxx, maxy]);
    };
    if (idColumn === undefined) return whereAnyBox(qb, boxes, test);
    // The ids live in another column of the query (an alias, a join): a semi-join finds them.
    return qb.whereIn(idColumn, whereAnyBox(this.db.knex(this.table).select(`${this.table}.id`), boxes, test));
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
