import assert from 'node:assert/strict';
import type { Filter } from '../../../core/filter/ast.js';
import { parseCql2Text } from '../../../core/filter/cql2-text.js';
import { UnknownQueryableError } from '../../../core/filter/errors.js';
import { compileFilter, type FilterRecord } from '../../../core/filter/evaluate.js';
import { parseFesFilter } from '../../../core/filter/fes.js';
import { parseOgcCql } from '../../../core/filter/ogc-cql.js';
import { recordFromRow } from '../../../core/filter/sql-rows.js';
import { translateFilter, type QueryableColumn } from '../../../core/filter/sql.js';
import { selectGeometryAsGeoJSON } from '../../../core/storage/db/spatial-index.js';
import type { Database, GeoJSONGeometry } from '../../../core/storage/db/types.js';
import { testDatabaseKinds, type TestDatabase } from '../../helpers/databases.js';
import { seededRandom } from '../../../core/seeded-random.js';

const TABLE = 'filter_items';

const queryables: Record<string, QueryableColumn> = {
  title: { column: `${TABLE}.title`, type: 'string' },
  platform: { column: `${TABLE}.platform`, type: 'string' },
  cloudCover: { column: `${TABLE}.cloud_cover`, type: 'number' },
  orbit: { column: `${TABLE}.orbit`, type: 'number' },
  online: { column: `${TABLE}.online`, type: 'boolean' },
  datetime: { column: `${TABLE}.datetime`, type: 'timestamp' },
  start: { column: `${TABLE}.start_time`, type: 'timestamp' },
  end: { column: `${TABLE}.end_time`, type: 'timestamp' },
  geometry: { column: 'geometry', type: 'geometry' },
};


const TITLES = ['Sentinel scene', 'sentinel SCENE', 'Zürich mosaic', 'Zurich mosaic', 'cloud_free 50%', 'cloudXfree 50x', 'star*[x]?', 'Landsat 8 tile', "O'Brien strip", 'Ångström'];
const PLATFORMS = ['sentinel-2a', 'Sentinel-2B', 'landsat-8', 'LANDSAT-9', null];

function makeRecords(count: number): FilterRecord[] {
  const rnd = seededRandom(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const time = (ms: number) => new Date(Math.round(ms / 1000) * 1000).toISOString();
  const records: FilterRecord[] = [];
  for (let id = 1; id <= count; id++) {
    const x = Math.round((rnd() * 40 - 20) * 2) / 2;
    const y = Math.round((rnd() * 40 - 20) * 2) / 2;
    const s = Math.round(rnd() * 4 * 2) / 2 + 0.5;
    const shapes: (GeoJSONGeometry | null)[] = [
      { type: 'Point', coordinates: [x, y] },
      { type: 'Polygon', coordinates: [[[x, y], [x + s, y], [x + s, y + s], [x, y + s], [x, y]]] },
      { type: 'LineString', coordinates: [[x, y], [x + s, y + s / 2], [x + 2 * s, y]] },
      { type: 'MultiPoint', coordinates: [[x, y], [x + s, y - s]] },
      null,
    ];
    const begin = Date.parse('2019-01-01T00:00:00Z') + Math.floor(rnd() * 4 * 365) * 86_400_000 + Math.floor(rnd() * 86_400) * 1000;
    const datetime = rnd() < 0.1 ? null : time(begin);
    records.push({
      id,
      properties: {
        title: pick(TITLES),
        platform: pick(PLATFORMS),
        cloudCover: rnd() < 0.1 ? null : Math.floor(rnd() * 101),
        orbit: Math.floor(rnd() * 20),
        online: rnd() < 0.5,
        datetime,
        start: datetime,
        end: datetime === null || rnd() < 0.1 ? null : time(begin + Math.floor(rnd() * 60) * 86_400_000),
      },
      geometry: pick(shapes),
    });
  }
  // Exact values the temporal relations meet on.
  Object.assign(records[0]!.properties, { datetime: '2020-01-01T00:00:00.000Z', start: '2020-01-01T00:00:00.000Z', end: '2020-02-01T00:00:00.000Z' });
  Object.assign(records[1]!.properties, { datetime: '2020-02-01T00:00:00.000Z', start: '2020-02-01T00:00:00.000Z', end: '2020-03-01T00:00:00.000Z' });
  return records;
}

async function createTable(db: Database, records: FilterRecord[]): Promise<void> {
  const knex = db.knex;
  const time = db.dialect === 'sqlite' ? 'text' : 'timestamptz';
  await knex.schema.createTable(TABLE, (t) => {
    t.integer('id').primary();
    t.text('title');
    t.text('platform');
    t.double('cloud_cover');
    t.integer('orbit');
    t.boolean('online');
    t.specificType('datetime', time);
    t.specificType('start_time', time);
    t.specificType('end_time', time);
  });
  // The index's time dimension on the records' extent, as the catalogue has it.
  const index = db.spatialIndex(TABLE, { time: { start: 'start_time', end: 'end_time' } });
  await index.create(knex);
  for (const r of records) {
    const p = r.properties;
    await knex(TABLE).insert({
      id: r.id, title: p.title, platform: p.platform, cloud_cover: p.cloudCover, orbit: p.orbit, online: p.online,
      datetime: p.datetime, start_time: p.start, end_time: p.end,
    });
    if (r.geometry) await index.set(Number(r.id), r.geometry);
  }
}

const FILTERS = [
  'cloudCover < 30',
  'cloudCover <> 50 AND orbit >= 10',
  'NOT cloudCover > 20',
  'cloudCover IS NULL OR platform IS NULL',
  'NOT (cloudCover < 50 OR platform IS NULL)',
  'cloudCover BETWEEN 10 AND 20',
  'cloudCover NOT BETWEEN 10 AND 90',
  'orbit IN (1, 3, 5)',
  "platform NOT IN ('landsat-8', 'sentinel-2a')",
  "CASEI(platform) IN (CASEI('SENTINEL-2A'), CASEI('landsat-9'))",
  "platform = 'Sentinel-2B'",
  "CASEI(platform) = CASEI('sentinel-2b')",
  "lower(platform) = 'landsat-9'",
  "upper(platform) <> 'LANDSAT-8'",
  "platform > 'landsat' AND platform < 'sentinel-2b'",
  "title LIKE 'Sentinel%'",
  "CASEI(title) LIKE CASEI('sentinel%')",
  "title LIKE 'cloud\\_free 50\\%'",
  "title LIKE 'cloud_free 50%'",
  "title LIKE 'star*[x]?'",
  "title LIKE 'star%'",
  "title NOT LIKE '%mosaic'",
  "title LIKE '_urich%'",
  "title LIKE 'O''Brien%'",
  "ACCENTI(title) LIKE ACCENTI('Zurich%')",
  "CASEI(ACCENTI(title)) = CASEI(ACCENTI('zurich MOSAIC'))",
  'online',
  'NOT online',
  'online = FALSE AND orbit < 5',
  "T_AFTER(datetime, TIMESTAMP('2021-06-01T00:00:00Z'))",
  "T_BEFORE(datetime, DATE('2019-06-30'))",
  "T_DURING(datetime, INTERVAL('2020-01-01', '2020-12-31'))",
  "T_DURING(datetime, INTERVAL('..', '2019-12-31'))",
  "T_INTERSECTS(INTERVAL(start, end), INTERVAL('2020-03-01T00:00:00Z', '2020-03-15T00:00:00Z'))",
  "T_DISJOINT(INTERVAL(start, end), INTERVAL('2020-01-01', '2021-12-31'))",
  "NOT T_DISJOINT(INTERVAL(start, end), INTERVAL('2020-01-01', '..'))",
  "T_EQUALS(datetime, TIMESTAMP('2020-01-01T00:00:00Z'))",
  "T_MEETS(INTERVAL(start, end), INTERVAL('2020-02-01T00:00:00Z', '2020-05-01T00:00:00Z'))",
  "T_METBY(INTERVAL(start, end), INTERVAL('2019-12-01T00:00:00Z', '2020-02-01T00:00:00Z'))",
  "T_STARTS(INTERVAL(start, end), INTERVAL('2020-01-01T00:00:00Z', '2020-12-01T00:00:00Z'))",
  "T_FINISHES(INTERVAL(start, end), INTERVAL('2019-01-01T00:00:00Z', '2020-03-01T00:00:00Z'))",
  "T_CONTAINS(INTERVAL(start, end), DATE('2020-05-05'))",
  "T_OVERLAPS(INTERVAL(start, end), INTERVAL('2020-06-01', '2020-12-31'))",
  "T_OVERLAPPEDBY(INTERVAL(start, end), INTERVAL('2020-01-01', '2020-06-01'))",
  "datetime >= TIMESTAMP('2020-06-01T00:00:00Z') AND datetime < TIMESTAMP('2020-07-01T00:00:00Z')",
  "S_INTERSECTS(geometry, BBOX(-10, -10, 10, 10)) AND T_INTERSECTS(INTERVAL(start, end), INTERVAL('2020-01-01', '2020-12-31'))",
  "S_INTERSECTS(geometry, BBOX(-10, -10, 10, 10)) AND T_BEFORE(INTERVAL(start, end), DATE('2020-01-01'))",
  "S_WITHIN(geometry, BBOX(-15, -15, 15, 15)) AND T_AFTER(start, TIMESTAMP('2021-01-01T00:00:00Z'))",
  "T_DURING(INTERVAL(start, end), INTERVAL('2020-01-01', '2021-06-30')) AND (S_INTERSECTS(geometry, BBOX(0, 0, 20, 20)) OR S_INTERSECTS(geometry, POINT(-3 -3)))",
  "T_INTERSECTS(end, INTERVAL('2020-01-01', '2020-06-30')) AND NOT S_INTERSECTS(geometry, BBOX(-5, -5, 5, 5))",
  "T_AFTER(INTERVAL(start, end), DATE('2020-06-01')) AND T_BEFORE(INTERVAL(start, end), DATE('2021-06-01')) AND S_INTERSECTS(geometry, BBOX(-20, -20, 20, 20))",
  "NOT (T_INTERSECTS(INTERVAL(start, end), INTERVAL('2020-01-01', '2020-12-31')) AND S_INTERSECTS(geometry, BBOX(-10, -10, 10, 10)))",
  'S_INTERSECTS(geometry, BBOX(-5, -5, 5, 5))',
  'S_INTERSECTS(geometry, POLYGON((0 0, 10 0, 10 10, 0 0)))',
  'S_INTERSECTS(geometry, LINESTRING(-20 -20, 20 20))',
  'S_INTERSECTS(geometry, POINT(2 3))',
  'S_DISJOINT(geometry, BBOX(-10, -10, 10, 10))',
  'NOT S_INTERSECTS(geometry, BBOX(-10, -10, 10, 10)) AND cloudCover < 50',
  'S_INTERSECTS(geometry, BBOX(0, 0, 5, 5)) OR cloudCover > 95',
  'S_CONTAINS(geometry, POINT(1.25 1.75))',
  'S_CONTAINS(geometry, MULTIPOINT(0.5 0.5, 1 1))',
  'S_EQUALS(geometry, POINT(1 1)) OR S_EQUALS(geometry, MULTIPOINT(0 0, 1 1))',
  'S_WITHIN(geometry, BBOX(-10, -10, 10, 10))',
  'S_WITHIN(geometry, POLYGON((-20 -20, 20 -20, 0 20, -20 -20), (-5 -5, 5 -5, 0 5, -5 -5)))',
  'NOT S_WITHIN(geometry, BBOX(0, 0, 20, 20)) AND orbit < 10',
  'S_CONTAINS(geometry, LINESTRING(1 1, 1.5 1.5))',
  'S_EQUALS(geometry, POLYGON((0 0, 1 0, 1 1, 0 1, 0 0)))',
  "S_INTERSECTS(geometry, BBOX(-20, -20, 0, 0)) AND platform LIKE 'sentinel%' AND T_AFTER(datetime, DATE('2020-01-01'))",
  'A_CONTAINS(geometry, (1))',
  'cloudCover + orbit > 50',
  'cloudCover - orbit * 2 <= 10',
  'cloudCover / orbit > 5',
  'orbit div 3 = 2',
  'cloudCover % 7 = 0',
  '2 ^ orbit > 1000',
  '-orbit < -15',
  'TRUE',
  'FALSE',
  'NOT FALSE AND NOT TRUE OR orbit = 0',
];

describe('filter translation to SQL', () => {
  const records = makeRecords(300);

  for (const kind of testDatabaseKinds()) {
    describe(kind.name, function () {
      let t: TestDatabase;

      before(async function () {
        this.timeout(120_000);
        t = await kind.open();
        await createTable(t.db, records);
      });

      after(async () => {
        await t?.dispose();
      });

      /** Rows the SQL selects, then the in-memory check when the translation asks for it. */
      async function select(filter: Filter): Promise<{ ids: number[]; exact: boolean }> {
        const sql = translateFilter(filter, { db: t.db, table: TABLE, queryables });
        const qb = t.db.knex(TABLE).select(`${TABLE}.*`, selectGeometryAsGeoJSON(t.db, TABLE)).orderBy(`${TABLE}.id`);
        const rows = (await sql.apply(qb)) as Record<string, unknown>[];
        let selected = rows.map((row) => recordFromRow(row, queryables));
        if (sql.needsExactCheck) selected = selected.filter(compileFilter(sql.filter));
        return { ids: selected.map((r) => Number(r.id)), exact: !sql.needsExactCheck };
      }

      for (const cql of FILTERS) {
        it(`selects the rows evaluation selects for ${cql}`, async () => {
          const filter = parseCql2Text(cql);
          const expected = records.filter(compileFilter(filter)).map((r) => Number(r.id));
          const { ids } = await select(filter);
          assert.deepEqual(ids, expected);
        });
      }

      for (const cql of ['DWITHIN(geometry, POINT(0 0), 300, kilometers)', 'BEYOND(geometry, LINESTRING(-5 -5, 5 5), 2, degrees) AND cloudCover < 60', 'NOT DWITHIN(geometry, POINT(3 3), 4, degrees)']) {
        it(`selects the rows evaluation selects for ${cql}, exactly in SQL`, async () => {
          const filter = parseOgcCql(cql);
          const expected = records.filter(compileFilter(filter)).map((r) => Number(r.id));
          assert.ok(expected.length > 0 && expected.length < records.length);
          const { ids, exact } = await select(filter);
          assert.deepEqual(ids, expected);
          assert.equal(exact, true);
        });
      }

      // Only PostGIS defers its exact tests.
      if (kind.name === 'postgres') it('selects the same rows in two steps (prefilter in a fenced subquery, exact tests outside) where it offers them', async () => {
        let split = 0;
        for (const cql of FILTERS) {
          const filter = parseCql2Text(cql);
          const sql = translateFilter(filter, { db: t.db, table: TABLE, queryables });
          if (!sql.split) continue;
          split++;
          const inner = sql.split.prefilter(t.db.knex(TABLE).select(`${TABLE}.*`));
          const outer = sql.split.exact(t.db.knex.from(t.db.knex.raw('(? OFFSET 0) AS ??', [inner, TABLE])).select(`${TABLE}.id`).orderBy(`${TABLE}.id`));
          const ids = ((await outer) as Array<{ id: number }>).map((r) => Number(r.id));
          assert.deepEqual(ids, records.filter(compileFilter(sql.filter)).map((r) => Number(r.id)), cql);
        }
        assert.ok(split >= 10, `${split} filters split`);
      });

      it('has filters that select some rows and not all of them (the cross-check is not vacuous)', () => {
        const counts = FILTERS.map((cql) => records.filter(compileFilter(parseCql2Text(cql))).length);
        assert.ok(counts.filter((n) => n > 0 && n < records.length).length >= FILTERS.length - 6, JSON.stringify(counts));
      });

      it('is exact in SQL for comparisons, like, temporal and logic, so no in-memory check is asked for', async () => {
        const { exact } = await select(parseCql2Text("cloudCover < 30 AND NOT title LIKE 'S%' AND T_AFTER(datetime, DATE('2020-01-01')) OR orbit IN (1, 2)"));
        assert.equal(exact, true);
      });

      it('decides spatial parts in SQL on PostGIS and on SQLite (its spatial functions), and asks for the in-memory check only for accent folding', async () => {
        for (const cql of ['S_INTERSECTS(geometry, BBOX(0, 0, 5, 5)) AND cloudCover < 50', 'NOT S_WITHIN(geometry, BBOX(0, 0, 20, 20))', 'S_DISJOINT(geometry, POINT(1 1))']) {
          assert.equal((await select(parseCql2Text(cql))).exact, true, cql);
        }
        const accents = await select(parseCql2Text("ACCENTI(title) = ACCENTI('Zurich mosaic')"));
        assert.equal(accents.exact, false);
      });

      const fes = (body: string) => `<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0">${body}</fes:Filter>`;
      const typedCases: Array<[string, string, string]> = [
        [
          'a time written as text in another spelling',
          fes('<fes:PropertyIsGreaterThanOrEqualTo><fes:ValueReference>datetime</fes:ValueReference><fes:Literal>2020-01-01T01:00:00+01:00</fes:Literal></fes:PropertyIsGreaterThanOrEqualTo>'),
          "datetime >= TIMESTAMP('2020-01-01T00:00:00Z')",
        ],
        [
          'a number written as text',
          fes('<fes:PropertyIsLessThan><fes:ValueReference>cloudCover</fes:ValueReference><fes:Literal>30</fes:Literal></fes:PropertyIsLessThan>'),
          'cloudCover < 30',
        ],
        [
          'a boolean written as text',
          fes('<fes:PropertyIsEqualTo><fes:ValueReference>online</fes:ValueReference><fes:Literal>true</fes:Literal></fes:PropertyIsEqualTo>'),
          'online = TRUE',
        ],
      ];
      for (const [what, xml, cql] of typedCases) {
        it(`reads ${what} in a Filter Encoding filter as the queryable's type`, async () => {
          const expected = records.filter(compileFilter(parseCql2Text(cql))).map((r) => Number(r.id));
          assert.ok(expected.length > 0);
          assert.deepEqual((await select(parseFesFilter(xml))).ids, expected);
        });
      }

      it('refuses a text literal that is not of its queryable type', () => {
        assert.throws(() => translateFilter(parseOgcCql("cloudCover < 'many'"), { db: t.db, table: TABLE, queryables }), /'many' is not a number/);
        assert.throws(() => translateFilter(parseOgcCql("datetime > 'soon'"), { db: t.db, table: TABLE, queryables }), /'soon' is not an ISO 8601 time/);
      });

      it('moves geometries given in another filter CRS to CRS:84 before selecting', async () => {
        const filter = parseCql2Text('S_INTERSECTS(geometry, BBOX(-545465, -545465, 545465, 545465)) AND cloudCover < 60', { crs: 'EPSG:3857' });
        const expected = records.filter(compileFilter(filter)).map((r) => Number(r.id));
        assert.deepEqual(expected, records.filter(compileFilter(parseCql2Text('S_INTERSECTS(geometry, BBOX(-4.9, -4.9, 4.9, 4.9)) AND cloudCover < 60'))).map((r) => Number(r.id)));
        assert.ok(expected.length > 0);
        assert.deepEqual((await select(filter)).ids, expected);
      });

      it('narrows a search by place and time through the spatial index time dimension', () => {
        const filter = parseCql2Text("S_INTERSECTS(geometry, BBOX(-10, -10, 10, 10)) AND T_INTERSECTS(INTERVAL(start, end), INTERVAL('2020-01-01', '2020-12-31'))");
        const { sql: text } = translateFilter(filter, { db: t.db, table: TABLE, queryables }).apply(t.db.knex(TABLE).select('id')).toSQL();
        if (t.db.dialect === 'sqlite') assert.match(text, /`mint` <= \? and `maxt` >= \?/);
        else assert.match(text, /tstzrange\("filter_items"."start_time", "filter_items"."end_time", '\[\]'\) && tstzrange/);
        // Not under a NOT: the prefilter would turn unknown into true there.
        const negated = translateFilter(parseCql2Text("NOT (T_INTERSECTS(INTERVAL(start, end), INTERVAL('2020-01-01', '2020-12-31')) AND S_INTERSECTS(geometry, BBOX(-10, -10, 10, 10)))"), { db: t.db, table: TABLE, queryables });
        assert.doesNotMatch(negated.apply(t.db.knex(TABLE).select('id')).toSQL().sql, /mint|tstzrange/);
      });

      it('selects resource ids', async () => {
        const { ids } = await select({ op: 'ids', ids: ['3', '1', 'x', '999'] });
        assert.deepEqual(ids, [1, 3]);
      });

      it('binds values instead of writing them into the SQL', () => {
        const filter = parseCql2Text("title = 'x''); DROP TABLE filter_items; --' OR title LIKE '%''--'");
        const sql = translateFilter(filter, { db: t.db, table: TABLE, queryables });
        const { sql: text, bindings } = sql.apply(t.db.knex(TABLE).select('id')).toSQL();
        assert.ok(!text.includes('DROP'), text);
        assert.ok(bindings.includes("x'); DROP TABLE filter_items; --"));
      });

      it('names an unknown queryable in a typed 400 error', () => {
        assert.throws(
          () => translateFilter(parseCql2Text('cloudCover < 5 AND nosuch = 1'), { db: t.db, table: TABLE, queryables, locator: 'CONSTRAINT' }),
          (err: unknown) => err instanceof UnknownQueryableError && err.queryable === 'nosuch' && err.status === 400 && err.locator === 'CONSTRAINT',
        );
        assert.throws(() => translateFilter(parseCql2Text("T_AFTER(toString, DATE('2020-01-01'))"), { db: t.db, table: TABLE, queryables }), /Unknown queryable 'toString'/);
      });

      for (const cql of ['S_TOUCHES(geometry, BBOX(0, 0, 5, 5))', 'S_CROSSES(geometry, LINESTRING(-20 0, 20 1))', 'S_OVERLAPS(geometry, BBOX(0, 0, 5, 5))']) {
        it(`selects the rows evaluation selects for ${cql}, exactly in SQL`, async () => {
          const filter = parseCql2Text(cql);
          const expected = records.filter(compileFilter(filter)).map((r) => Number(r.id));
          const { ids, exact } = await select(filter);
          assert.deepEqual(ids, expected);
          assert.ok(expected.length > 0);
          assert.equal(exact, true);
        });
      }
    });
  }
});
