import type { Knex } from 'knex';
import type { BBox, Database, GeoJSONGeometry, GeometryStorage, SpatialIndex, SpatialIndexOptions, TimeWindow } from '../types.js';
import { encodeWkb, geometryBBox, queryBoxes, storedGeometry } from '../geometry/index.js';
import { assertTableName, checkedGeometry, exactScan, GEOMETRY_COLUMN, resultLimit, rowNotFound, whereAnyBox } from './common.js';

/** R*Tree rows per multi-row INSERT (5 bound values each, under SQLite's limit). */
const RTREE_CHUNK = 100;
/** Rows the rebuild of an R*Tree reads at once. */
const REBUILD_BATCH = 1000;
/** What a row without a start or end spans in the time dimension (a float32 R*Tree holds these). */
const OPEN_TIME = 3e38;

/** Epoch seconds of an ISO 8601 text column, in SQL; NULL stays NULL. */
const epochSeconds = (column: string) => `(julianday(${column}) - 2440587.5) * 86400.0`;

/**
 * SQLite: the geometry as GeoJSON text (or WKB bytes, for a table that asks: `encoding: 'wkb'`)
 * in column `geometry` of the table, and its bbox in an
 * R*Tree virtual table `<table>_rtree(id, minx, maxx, miny, maxy)`, with `mint, maxt` (the row's
 * time extent in epoch seconds, read from its time columns) when the index has a time dimension.
 * A trigger drops the R*Tree entry of a deleted row. The R*Tree keeps 32-bit floats rounded
 * outwards, so its prefilter may let through a box a few 1e-7 away (and times a few minutes
 * away), never drop one; the exact tests run after it.
 */
export class SqliteRTreeIndex implements SpatialIndex {
  readonly table: string;
  readonly time?: { start: string; end: string };
  readonly storage: Exclude<GeometryStorage, 'postgis'>;
  private readonly rtree: string;

  constructor(
    private readonly db: Database,
    table: string,
    options: SpatialIndexOptions = {},
  ) {
    assertTableName(table);
    this.table = table;
    this.rtree = `${table}_rtree`;
    this.storage = options.encoding === 'wkb' ? 'wkb' : 'geojson';
    if (options.time) {
      for (const c of [options.time.start, options.time.end]) assertTableName(c);
      this.time = { ...options.time };
    }
  }

  /** Creates the R*Tree, or rebuilds it from the table when it exists with other dimensions. */
  async create(knex: Knex = this.db.knex): Promise<void> {
    if (!(await knex.schema.hasColumn(this.table, GEOMETRY_COLUMN))) {
      await knex.schema.alterTable(this.table, (t) => {
        if (this.storage === 'wkb') t.binary(GEOMETRY_COLUMN).nullable();
        else t.text(GEOMETRY_COLUMN).nullable();
      });
    }
    const columns = ((await knex.raw('SELECT name FROM pragma_table_info(?)', [this.rtree])) as Array<{ name: string }>).map((c) => c.name);
    const wanted = this.time ? ['id', 'minx', 'maxx', 'miny', 'maxy', 'mint', 'maxt'] : ['id', 'minx', 'maxx', 'miny', 'maxy'];
    const rebuild = columns.length > 0 && columns.join() !== wanted.join();
    if (rebuild) await knex.raw('DROP TABLE ??', [this.rtree]);
    await knex.raw(`CREATE VIRTUAL TABLE IF NOT EXISTS ?? USING rtree(${wanted.join(', ')})`, [this.rtree]);
    await knex.raw(`CREATE TRIGGER IF NOT EXISTS ?? AFTER DELETE ON ?? BEGIN DELETE FROM ?? WHERE id = OLD.id; END`, [
      `${this.rtree}_delete`,
      this.table,
      this.rtree,
    ]);
    if (rebuild) {
      for (let after = 0; ; ) {
        const rows = (await knex(this.table).whereNotNull(GEOMETRY_COLUMN).where('id', '>', after).orderBy('id').limit(REBUILD_BATCH).select('id', GEOMETRY_COLUMN)) as Array<{ id: number; geometry: string | Uint8Array }>;
        if (rows.length === 0) break;
        await this.writeEntries(knex, rows.map((r) => ({ id: Number(r.id), geometry: storedGeometry(r.geometry)! })));
        after = Number(rows[rows.length - 1]!.id);
      }
    }
  }

  async set(id: number, geometry: GeoJSONGeometry | null, trx?: Knex.Transaction): Promise<void> {
    if (geometry === null) return this.remove(id, trx);
    const values = this.rowValues(geometry);
    await this.inTransaction(trx, async (k) => {
      const updated = await k(this.table).where({ id }).update(values);
      if (updated === 0) throw rowNotFound(this.table, id);
      await this.writeEntries(k, [{ id, geometry }]);
    });
  }

  async remove(id: number, trx?: Knex.Transaction): Promise<void> {
    await this.inTransaction(trx, async (k) => {
      await k(this.table).where({ id }).update({ [GEOMETRY_COLUMN]: null });
      await k(this.rtree).where({ id }).delete();
    });
  }

  rowValues(geometry: GeoJSONGeometry | null): Record<string, unknown> {
    if (geometry === null) return { [GEOMETRY_COLUMN]: null };
    const valid = checkedGeometry(geometry);
    return { [GEOMETRY_COLUMN]: this.storage === 'wkb' ? encodeWkb(valid) : JSON.stringify(valid) };
  }

  async written(rows: Array<{ id: number; geometry: GeoJSONGeometry | null }>, trx?: Knex.Transaction): Promise<void> {
    const cleared = rows.filter((r) => r.geometry === null).map((r) => r.id);
    await this.inTransaction(trx, async (k) => {
      await this.writeEntries(k, rows.filter((r) => r.geometry !== null) as Array<{ id: number; geometry: GeoJSONGeometry }>);
      for (let i = 0; i < cleared.length; i += RTREE_CHUNK * 5) await k(this.rtree).whereIn('id', cleared.slice(i, i + RTREE_CHUNK * 5)).delete();
    });
  }

  /** R*Tree entries of rows already written (their time is read from the row), in multi-row inserts. */
  private async writeEntries(k: Knex | Knex.Transaction, rows: Array<{ id: number; geometry: GeoJSONGeometry }>): Promise<void> {
    for (let i = 0; i < rows.length; i += RTREE_CHUNK) {
      const chunk = rows.slice(i, i + RTREE_CHUNK);
      const values = chunk.flatMap(({ id, geometry }) => {
        const [minx, miny, maxx, maxy] = geometryBBox(geometry);
        return [id, minx, maxx, miny, maxy];
      });
      const tuples = chunk.map(() => '(?, ?, ?, ?, ?)').join(', ');
      if (!this.time) {
        await k.raw(`INSERT OR REPLACE INTO ?? (id, minx, maxx, miny, maxy) VALUES ${tuples}`, [this.rtree, ...values]);
        continue;
      }
      const start = epochSeconds(`t.${this.time.start}`);
      const end = epochSeconds(`t.${this.time.end}`);
      await k.raw(
        `INSERT OR REPLACE INTO ?? (id, minx, maxx, miny, maxy, mint, maxt)
         SELECT v.column1, v.column2, v.column3, v.column4, v.column5, COALESCE(${start}, ${-OPEN_TIME}), COALESCE(${end}, ${OPEN_TIME})
         FROM (VALUES ${tuples}) AS v JOIN ?? AS t ON t.id = v.column1`,
        [this.rtree, ...values, this.table],
      );
    }
  }

  whereBBoxIntersects(qb: Knex.QueryBuilder, bbox: BBox, idColumn = `${this.table}.id`, time?: TimeWindow): Knex.QueryBuilder {
    const boxes = queryBoxes(bbox);
    const knex = this.db.knex;
    // The R*Tree answers `id IN (SELECT id FROM rtree WHERE ...)` from its own index.
    const candidates = whereAnyBox(knex(this.rtree).select('id'), boxes, (b, [minx, miny, maxx, maxy]) => {
      b.where('minx', '<=', maxx).andWhere('maxx', '>=', minx).andWhere('miny', '<=', maxy).andWhere('maxy', '>=', miny);
    });
    if (this.time && time) {
      if (time[1] !== null) candidates.andWhere('mint', '<=', time[1] / 1000);
      if (time[0] !== null) candidates.andWhere('maxt', '>=', time[0] / 1000);
    }
    return qb.whereIn(idColumn, candidates);
  }

  /** Time alone narrows nothing here (the time dimension goes with a bbox, or not at all). */
  whereTimeMeets(qb: Knex.QueryBuilder): Knex.QueryBuilder {
    return qb;
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
