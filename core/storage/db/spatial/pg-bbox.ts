import type { Knex } from 'knex';
import type { BBox, Database, GeoJSONGeometry, SpatialIndex } from '../types.js';
import { geometryBBox, queryBoxes } from '../geometry/index.js';
import { assertTableName, checkedGeometry, exactScan, GEOMETRY_COLUMN, resultLimit, rowNotFound, whereAnyBox } from './common.js';

/** The bbox columns of the fallback, in the table itself. */
const BBOX_COLUMNS = ['bbox_minx', 'bbox_miny', 'bbox_maxx', 'bbox_maxy'] as const;

/**
 * PostgreSQL without PostGIS: the geometry as GeoJSON text in column `geometry`, its bbox in
 * four double precision columns `bbox_minx`, `bbox_miny`, `bbox_maxx`, `bbox_maxy`, with btree
 * indexes on (bbox_minx, bbox_maxx) and (bbox_miny, bbox_maxy) that the planner combines
 * (BitmapAnd) for a box query. A fallback: a btree narrows one axis range at a time, so large
 * tables deserve PostGIS. The exact test runs in JS, as on SQLite.
 */
export class PgBBoxIndex implements SpatialIndex {
  readonly table: string;
  readonly storage = 'geojson' as const;

  constructor(
    private readonly db: Database,
    table: string,
  ) {
    assertTableName(table);
    this.table = table;
  }

  async create(knex: Knex = this.db.knex): Promise<void> {
    const missing: string[] = [];
    for (const column of [GEOMETRY_COLUMN, ...BBOX_COLUMNS]) if (!(await knex.schema.hasColumn(this.table, column))) missing.push(column);
    if (missing.length > 0) {
      await knex.schema.alterTable(this.table, (t) => {
        for (const column of missing) {
          if (column === GEOMETRY_COLUMN) t.text(column).nullable();
          else t.double(column).nullable();
        }
      });
    }
    await knex.raw('CREATE INDEX IF NOT EXISTS ?? ON ?? (bbox_minx, bbox_maxx)', [`${this.table}_bbox_x`, this.table]);
    await knex.raw('CREATE INDEX IF NOT EXISTS ?? ON ?? (bbox_miny, bbox_maxy)', [`${this.table}_bbox_y`, this.table]);
  }

  async set(id: number, geometry: GeoJSONGeometry | null, trx?: Knex.Transaction): Promise<void> {
    if (geometry === null) return this.remove(id, trx);
    const updated = await (trx ?? this.db.knex)(this.table).where({ id }).update(this.rowValues(geometry));
    if (updated === 0) throw rowNotFound(this.table, id);
  }

  async remove(id: number, trx?: Knex.Transaction): Promise<void> {
    await (trx ?? this.db.knex)(this.table).where({ id }).update(this.rowValues(null));
  }

  rowValues(geometry: GeoJSONGeometry | null): Record<string, unknown> {
    if (geometry === null) return { [GEOMETRY_COLUMN]: null, bbox_minx: null, bbox_miny: null, bbox_maxx: null, bbox_maxy: null };
    const valid = checkedGeometry(geometry);
    const [minx, miny, maxx, maxy] = geometryBBox(valid);
    return { [GEOMETRY_COLUMN]: JSON.stringify(valid), bbox_minx: minx, bbox_miny: miny, bbox_maxx: maxx, bbox_maxy: maxy };
  }

  /** Everything lives in the row. */
  async written(): Promise<void> {}

  whereBBoxIntersects(qb: Knex.QueryBuilder, bbox: BBox, idColumn?: string): Knex.QueryBuilder {
    const boxes = queryBoxes(bbox);
    const test = (alias: string) => (b: Knex.QueryBuilder, [minx, miny, maxx, maxy]: BBox) => {
      b.where(`${alias}.bbox_minx`, '<=', maxx)
        .andWhere(`${alias}.bbox_maxx`, '>=', minx)
        .andWhere(`${alias}.bbox_miny`, '<=', maxy)
        .andWhere(`${alias}.bbox_maxy`, '>=', miny);
    };
    if (idColumn === undefined) return whereAnyBox(qb, boxes, test(this.table));
    // The ids live in another column of the query (an alias, a join): a semi-join finds them.
    return qb.whereIn(idColumn, whereAnyBox(this.db.knex(this.table).select(`${this.table}.id`), boxes, test(this.table)));
  }

  /** Time alone narrows nothing here (the time dimension goes with a bbox, or not at all). */
  whereTimeMeets(qb: Knex.QueryBuilder): Knex.QueryBuilder {
    return qb;
  }

  async intersecting(geometry: GeoJSONGeometry, options: { limit?: number } = {}): Promise<number[]> {
    const limit = resultLimit(options.limit);
    return exactScan(this.db.knex, this.table, checkedGeometry(geometry), limit, (qb, bbox) => this.whereBBoxIntersects(qb, bbox));
  }
}
