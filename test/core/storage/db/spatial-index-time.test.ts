import assert from 'node:assert/strict';
import type { Knex } from 'knex';
import { createSpatialIndex } from '../../../../core/storage/db/spatial-index.js';
import type { Database, SpatialIndex, TimeWindow } from '../../../../core/storage/db/types.js';
import { testDatabaseKinds, type TestDatabase } from '../../../helpers/databases.js';
import { box, point } from './geometry/fixtures.js';

const TABLE = 'timed_items';
const TIME = { start: 'start_time', end: 'end_time' };
const ms = (iso: string) => Date.parse(iso);

/** Rows: all at the same place; their time extents differ (one has none, one only a start). */
const ROWS = [
  { name: 'spring 2020', start: '2020-03-01T00:00:00.000Z', end: '2020-05-31T00:00:00.000Z' },
  { name: 'a day in 2021', start: '2021-07-14T10:00:00.000Z', end: '2021-07-14T10:00:05.000Z' },
  { name: 'open end', start: '2022-01-01T00:00:00.000Z', end: null },
  { name: 'no time', start: null, end: null },
];

async function createTable(knex: Knex, db: Database): Promise<void> {
  const time = db.dialect === 'sqlite' ? 'text' : 'timestamptz';
  await knex.schema.createTable(TABLE, (t) => {
    t.increments('id').primary();
    t.string('name', 100).notNullable();
    t.specificType('start_time', time);
    t.specificType('end_time', time);
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`core/storage/db/spatial-index with a time dimension on ${kind.name}`, function () {
    this.timeout(60_000);
    let handle: TestDatabase;
    let db: Database;
    let index: SpatialIndex;
    const ids = new Map<string, number>();

    const insertRows = async (target: SpatialIndex) => {
      for (const r of ROWS) {
        const [row] = (await db.knex(TABLE).insert({ name: r.name, start_time: r.start, end_time: r.end }).returning('id')) as Array<{ id: number } | number>;
        const id = Number(typeof row === 'object' ? row.id : row);
        ids.set(r.name, id);
        await target.set(id, point(10, 10));
      }
    };
    const namesIn = async (window: TimeWindow) => {
      const rows = (await index.whereBBoxIntersects(db.knex(TABLE).select(`${TABLE}.name`), [9, 9, 11, 11], undefined, window).orderBy('name')) as Array<{ name: string }>;
      return rows.map((r) => r.name);
    };

    beforeEach(async () => {
      handle = await kind.open();
      db = handle.db;
      await createTable(db.knex, db);
      ids.clear();
    });
    afterEach(async () => {
      await handle.dispose();
    });

    it('prefilters by place and time window; a row without a time (or an end) is never dropped by the window', async () => {
      if (kind.name === 'postgres') assert.equal(db.postgis, true, 'MERIDIAN_TEST_PG must have the postgis extension');
      index = db.spatialIndex(TABLE, { time: TIME });
      await index.create();
      await insertRows(index);
      assert.deepEqual(await namesIn([ms('2020-04-01T00:00:00Z'), ms('2020-04-02T00:00:00Z')]), ['no time', 'spring 2020']);
      assert.deepEqual(await namesIn([ms('2021-07-14T10:00:04Z'), null]), ['a day in 2021', 'no time', 'open end']);
      assert.deepEqual(await namesIn([null, ms('2019-12-31T00:00:00Z')]), ['no time']);
      assert.deepEqual(await namesIn([null, null]), ROWS.map((r) => r.name).sort());
      // Elsewhere in space nothing, whatever the time.
      const far = (await index.whereBBoxIntersects(db.knex(TABLE).select('name'), [50, 50, 51, 51], undefined, [null, null])) as unknown[];
      assert.equal(far.length, 0);
    });

    it('follows a row whose time changes once written again', async () => {
      index = db.spatialIndex(TABLE, { time: TIME });
      await index.create();
      await insertRows(index);
      const id = ids.get('spring 2020')!;
      await db.knex.transaction(async (trx) => {
        await trx(TABLE).where({ id }).update({ start_time: '2023-01-01T00:00:00.000Z', end_time: '2023-01-02T00:00:00.000Z' });
        await index.written([{ id, geometry: point(10, 10) }], trx);
      });
      assert.deepEqual(await namesIn([ms('2020-04-01T00:00:00Z'), ms('2020-04-02T00:00:00Z')]), ['no time']);
      assert.deepEqual(await namesIn([ms('2023-01-01T12:00:00Z'), ms('2023-01-01T13:00:00Z')]), ['no time', 'open end', 'spring 2020']);
    });

    it('narrows by time alone where the database can (PostGIS) and leaves the query as it is elsewhere', async () => {
      index = db.spatialIndex(TABLE, { time: TIME });
      await index.create();
      await insertRows(index);
      const rows = (await index.whereTimeMeets(db.knex(TABLE).select('name').orderBy('name'), [ms('2020-04-01T00:00:00Z'), ms('2020-04-02T00:00:00Z')])) as Array<{ name: string }>;
      const names = rows.map((r) => r.name);
      assert.deepEqual(names, db.postgis ? ['no time', 'spring 2020'] : ROWS.map((r) => r.name).sort());
    });

    it('rebuilds an index made without time when asked for one, keeping every entry', async () => {
      const plain = createSpatialIndex(db, TABLE);
      await plain.create();
      await insertRows(plain);
      index = createSpatialIndex(db, TABLE, { time: TIME });
      await index.create();
      assert.deepEqual(await namesIn([ms('2021-07-14T00:00:00Z'), ms('2021-07-15T00:00:00Z')]), ['a day in 2021', 'no time']);
      assert.deepEqual((await index.intersecting(box(9, 9, 11, 11))).length, ROWS.length);
      if (db.postgis) {
        const def = (await db.knex.raw('SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname = ?', [`${TABLE}_geometry_gist`])) as { rows: Array<{ indexdef: string }> };
        assert.match(def.rows[0]!.indexdef, /gist \(geometry, tstzrange\(start_time, end_time, '\[\]'::text\)\)/);
      }
    });

    it('is opened with one set of options per table', () => {
      db.spatialIndex(TABLE, { time: TIME });
      assert.equal(db.spatialIndex(TABLE).time?.start, 'start_time');
      assert.throws(() => db.spatialIndex(TABLE, { time: { start: 'a', end: 'b' } }), /other options/);
    });
  });
}
