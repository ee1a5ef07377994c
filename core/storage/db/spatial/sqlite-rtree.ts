import type { Knex } from 'knex';
import type { BBox, Database, GeoJSONGeometry, SpatialIndex } from '../types.js';
import { geometryBBox, queryBoxes } from '../geometry/index.js';
import { assertTableName, checkedGeometry, exactScan, GEOMETRY_COLUMN, resultLimit, rowNotFound, whereAnyBox } from './common.js';

/** R*Tree rows per multi-row INSERT (5 bound values each, under SQLite's limit). */
const RTREE_CHUNK = 100;

/**
 * SQLite: the geometry as GeoJSON text in column `geometry` of the table, and its bbox in an
 * R*Tree virtual table `<table>_rtree(id, minx, maxx, miny, maxy)`. A trigger drops the R*Tree
 * entry of a deleted row. The R*Tree keeps 32-bit floats rounded outwards, so its prefilter may
 * let through a box a few 1e-7 away (never drop one); the exact test runs in JS.
 */
export class SqliteRTreeIndex implements SpatialIndex {
  readonly table: string;
  private readonly rtree: string;

  constructor(
    private readonly db: Database,
    table: string,
  ) {
    assertTableName(table);
    this.table = table;
    this.rtree = `${table}_rtree`;
  }

  async create(knex: Knex = this.db.knex): Promise<void> {
    if (!(await knex.schema.hasColumn(this.table, GEOMETRY_COLUMN))) {
      await knex.schema.alterTable(this.table, (t) => {
        t.text(GEOMETRY_COLUMN).nullable();
      });
    }
    await knex.raw('CREATE VIRTUAL TABLE IF NOT EXISTS ?? USING rtree(id, minx, maxx, miny, maxy)', [this.rtree]);
    await knex.raw(`CREATE TRIGGER IF NOT EXISTS ?? AFTER DELETE ON ?? BEGIN DELETE FROM ?? WHERE id = OLD.id; END`, [
      `${this.rtree}_delete`,
      this.table,
      this.rtree,
    ]);
  }

  async set(id: number, geometry: GeoJSONGeometry | null, trx?: Knex.Transaction): Promise<void> {
    if (geometry === null) return this.remove(id, trx);
    const valid = checkedGeometry(geometry);
    const [minx, miny, maxx, maxy] = geometryBBox(valid);
    await this.inTransaction(trx, async (k) => {
      const updated = await k(this.table).where({ id }).update({ [GEOMETRY_COLUMN]: JSON.stringify(valid) });
      if (updated === 0) throw rowNotFound(this.table, id);
      await k.raw('INSERT OR REPLACE INTO ?? (id, minx, maxx, miny, maxy) VALUES (?, ?, ?, ?, ?)', [this.rtree, id, minx, maxx, miny, maxy]);
    });
  }

  async remove(id: number, trx?: Knex.Transaction): Promise<void> {
    await this.inTransaction(trx, async (k) => {
      await k(this.table).where({ id }).update({ [GEOMETRY_COLUMN]: null });
      await k(this.rtree).where({ id }).delete();
    });
  }

  rowValues(geometry: GeoJSONGeometry | null): Record<string, unknown> {
    return { [GEOMETRY_COLUMN]: geometry === null ? null : JSON.stringify(checkedGeometry(geometry)) };
  }

  async written(rows: Array<{ id: number; geometry: GeoJSONGeometry | null }>, trx?: Knex.Transaction): Promise<void> {
    const set = rows.filter((r) => r.geometry !== null);
    const cleared = rows.filter((r) => r.geometry === null).map((r) => r.id);
    await this.inTransaction(trx, async (k) => {
      for (let i = 0; i < set.length; i += RTREE_CHUNK) {
        const chunk = set.slice(i, i + RTREE_CHUNK);
        const values = chunk.flatMap(({ id, geometry }) => {
          const [minx, miny, maxx, maxy] = geometryBBox(geometry!);
          return [id, minx, maxx, miny, maxy];
        });
        await k.raw(`INSERT OR REPLACE INTO ?? (id, minx, maxx, miny, maxy) VALUES ${chunk.map(() => '(?, ?, ?, ?, ?)').join(', ')}`, [this.rtree, ...values]);
      }
      for (let i = 0; i < cleared.length; i += RTREE_CHUNK * 5) await k(this.rtree).whereIn('id', cleared.slice(i, i + RTREE_CHUNK * 5)).delete();
    });
  }

  whereBBoxIntersects(qb: Knex.QueryBuilder, bbox: BBox, idColumn = `${this.table}.id`): Knex.QueryBuilder {
    const boxes = queryBoxes(bbox);
    const knex = this.db.knex;
    // The R*Tree answers `id IN (SELECT id FROM rtree WHERE ...)` from its own index.
    return qb.whereIn(
      idColumn,
      whereAnyBox(knex(this.rtree).select('id'), boxes, (b, [minx, miny, maxx, maxy]) => {
        b.where('minx', '<=', maxx).andWhere('maxx', '>=', minx).andWhere('miny', '<=', maxy).andWhere('maxy', '>=', miny);
      }),
    );
  }

  async intersecting(geometry: GeoJSONGeometry, options: { limit?: number } = {}): Promise<number[]> {
    const limit = resultLimit(options.limit);
    return exactScan(this.db.knex, this.table, checkedGeometry(geometry), limit, (qb, bbox) => this.whereBBoxIntersects(qb, bbox));
  }

  /** Both writes commit together: in the caller's transaction, or in one of their own. */
  private async inTransaction(trx: Knex.Transaction | undefined, work: (k: Knex | Knex.Transaction) => Promise<void>): Promise<void> {
    if (trx) return work(trx);
    await this.db.knex.transaction(work);
  }
}
