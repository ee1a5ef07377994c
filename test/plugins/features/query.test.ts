import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { parseCql2Json, parseCql2Text, parseFesFilter, parseOgcCql } from '../../../core/filter/index.js';
import { transformPoints } from '../../../core/ows/index.js';
import { isFeaturesError } from '../../../plugins/features/errors.js';
import type { Feature, FeatureInput, FeatureQuery } from '../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, collect, openEngine, type EngineHarness } from './support.js';

/** 40 towns on a grid: x = 6 + (i % 8) * 0.5, y = 45 + floor(i / 8) * 0.5; properties vary with i. */
function towns(): FeatureInput[] {
  const out: FeatureInput[] = [];
  for (let i = 0; i < 40; i++) {
    out.push({
      id: `t${String(i).padStart(2, '0')}`,
      geometry: { type: 'Point', coordinates: [6 + (i % 8) * 0.5, 45 + Math.floor(i / 8) * 0.5] },
      properties: {
        name: ['Zürich', 'zug', 'Bern', 'Basel', 'Genève'][i % 5]! + (i >= 5 ? ` ${i}` : ''),
        // Ties on purpose: 4 distinct values for sorting.
        rank: i % 4,
        area: i % 7 === 0 ? null : i * 1.5,
        capital: i % 10 === 0,
        founded: `${1200 + i * 10}-01-0${1 + (i % 9)}`,
        seen: new Date(Date.UTC(2020, 0, 1 + i, 12)).toISOString(),
        tags: { i, odd: i % 2 === 1 },
      },
    });
  }
  return out;
}

const ids = (fs: Feature[]) => fs.map((f) => f.id);
const all = Array.from({ length: 40 }, (_, i) => `t${String(i).padStart(2, '0')}`);

for (const kind of testDatabaseKinds()) {
  describe(`features queries (${kind.name})`, function () {
    let h: EngineHarness;
    const q = async (query: FeatureQuery) => ids(await collect((await h.features.query('towns', { limit: 100, ...query }, ANONYMOUS)).features));
    const cql = (text: string) => q({ filter: parseCql2Text(text) });
    const expected = (pred: (i: number) => boolean) => all.filter((_, i) => pred(i));

    before(async () => {
      h = await openEngine(kind);
      await h.features.createCollection(
        {
          id: 'towns',
          geometryType: 'Point',
          temporalProperty: 'seen',
          properties: [
            { name: 'name', type: 'string' },
            { name: 'rank', type: 'integer' },
            { name: 'area', type: 'number' },
            { name: 'capital', type: 'boolean' },
            { name: 'founded', type: 'date' },
            { name: 'seen', type: 'datetime' },
            { name: 'tags', type: 'json' },
          ],
        },
        admin,
      );
      await h.features.transaction([{ op: 'insert', collection: 'towns', features: towns() }], admin);
      await h.features.createCollection({ id: 'zones', geometryType: 'Polygon', properties: [{ name: 'label', type: 'string' }] }, admin);
      await h.features.createCollection({ id: 'dots', geometryType: 'Point', properties: [] }, admin);
    });
    after(async () => h?.close());

    it('returns every property typed as declared, in the storage CRS', async () => {
      const [f] = await collect((await h.features.query('towns', { ids: ['t01'] }, ANONYMOUS)).features);
      assert.deepEqual(f, {
        id: 't01',
        geometry: { type: 'Point', coordinates: [6.5, 45] },
        properties: { name: 'zug', rank: 1, area: 1.5, capital: false, founded: '1210-01-02', seen: '2020-01-02T12:00:00.000Z', tags: { i: 1, odd: true } },
      });
    });

    it('pages in id order never overlap or skip', async () => {
      const seen: string[] = [];
      for (let offset = 0; offset < 45; offset += 7) seen.push(...(await q({ limit: 7, offset })));
      assert.deepEqual(seen, all);
    });

    it('pages sorted on a key with ties never overlap or skip, ties in row order', async () => {
      for (const direction of ['asc', 'desc'] as const) {
        const seen: string[] = [];
        for (let offset = 0; offset < 40; offset += 3) seen.push(...(await q({ sortBy: [{ property: 'rank', direction }], limit: 3, offset })));
        const order = all.map((id, i) => ({ id, i, rank: i % 4 })).sort((a, b) => (direction === 'asc' ? a.rank - b.rank : b.rank - a.rank) || a.i - b.i);
        assert.deepEqual(seen, order.map((o) => o.id), direction);
      }
    });

    it('sorts missing values last in both directions, and on several keys', async () => {
      const asc = await q({ sortBy: [{ property: 'area' }] });
      const desc = await q({ sortBy: [{ property: 'area', direction: 'desc' }] });
      const nulls = expected((i) => i % 7 === 0);
      assert.deepEqual(asc.slice(-nulls.length), nulls);
      assert.deepEqual(desc.slice(-nulls.length), nulls);
      assert.deepEqual(desc.slice(0, 2), ['t39', 't38']);
      const two = await q({ sortBy: [{ property: 'capital', direction: 'desc' }, { property: 'name', direction: 'desc' }], limit: 4 });
      assert.deepEqual(two, ['t30', 't20', 't10', 't00']);
    });

    it('sorts text in code point order on both databases', async () => {
      const names = (await collect((await h.features.query('towns', { sortBy: [{ property: 'name' }], limit: 5, properties: ['name'], skipGeometry: true }, ANONYMOUS)).features)).map((f) => f.properties.name);
      assert.deepEqual(names, ['Basel', 'Basel 13', 'Basel 18', 'Basel 23', 'Basel 28']);
    });

    it('limit is capped at maxLimit, and 0 gives only the count', async () => {
      const zero = await h.features.query('towns', { limit: 0 }, ANONYMOUS, { count: true });
      assert.equal(zero.numberMatched, 40);
      assert.deepEqual(await collect(zero.features), []);
      const dflt = await collect((await h.features.query('towns', {}, ANONYMOUS)).features);
      assert.equal(dflt.length, 10);
    });

    it('hits: count and numberMatched ignore limit and offset', async () => {
      const filter = parseCql2Text('rank = 2');
      assert.equal(await h.features.count('towns', { filter, limit: 1, offset: 3 }, ANONYMOUS), 10);
      const r = await h.features.query('towns', { filter, limit: 2, offset: 9 }, ANONYMOUS, { count: true });
      assert.equal(r.numberMatched, 10);
      assert.deepEqual(ids(await collect(r.features)), ['t38']);
    });

    it('queries by the description collection() gave as by its id, and by a copy of one (read again)', async () => {
      const description = await h.features.collection('towns', ANONYMOUS);
      assert.ok(description);
      const query = { filter: parseCql2Text('rank = 3'), limit: 4 };
      const byId = await h.features.query('towns', query, ANONYMOUS, { count: true });
      const byDescription = await h.features.query(description, query, ANONYMOUS, { count: true });
      const byCopy = await h.features.query({ ...description }, query, ANONYMOUS, { count: true });
      const expectedIds = ids(await collect(byId.features));
      assert.deepEqual(expectedIds, ['t03', 't07', 't11', 't15']);
      assert.equal(byDescription.numberMatched, byId.numberMatched);
      assert.deepEqual(ids(await collect(byDescription.features)), expectedIds);
      assert.deepEqual(ids(await collect(byCopy.features)), expectedIds);
      await assert.rejects(h.features.query({ ...description, id: 'nowhere' }, query, ANONYMOUS), (err: unknown) => isFeaturesError(err) && err.code === 'NoSuchCollection');
    });

    it('a page with its count: the total of every match whatever the page, past the end, or with nothing matched', async () => {
      // On PostgreSQL a page read with its count is one statement; these are the cases it must keep.
      const bbox = [6.9, 45.9, 8.6, 47.1] as [number, number, number, number];
      const inBox = expected((i) => 6 + (i % 8) * 0.5 >= 6.9 && 6 + (i % 8) * 0.5 <= 8.6 && 45 + Math.floor(i / 8) * 0.5 >= 45.9 && 45 + Math.floor(i / 8) * 0.5 <= 47.1);
      assert.equal(inBox.length, 12);
      const sortBy = [{ property: 'rank', direction: 'desc' as const }];
      const first = await h.features.query('towns', { bbox, sortBy, limit: 5 }, ANONYMOUS, { count: true });
      assert.equal(first.numberMatched, 12);
      const firstIds = ids(await collect(first.features));
      assert.equal(firstIds.length, 5);
      const rest = await h.features.query('towns', { bbox, sortBy, limit: 10, offset: 5 }, ANONYMOUS, { count: true });
      assert.equal(rest.numberMatched, 12);
      const restIds = ids(await collect(rest.features));
      assert.deepEqual([...firstIds, ...restIds].sort(), inBox);
      const past = await h.features.query('towns', { bbox, limit: 5, offset: 20 }, ANONYMOUS, { count: true });
      assert.equal(past.numberMatched, 12);
      assert.deepEqual(await collect(past.features), []);
      const none = await h.features.query('towns', { bbox: [20, 20, 21, 21], limit: 5 }, ANONYMOUS, { count: true });
      assert.equal(none.numberMatched, 0);
      assert.deepEqual(await collect(none.features), []);
    });

    it('comparison, between, in, null and logical filters', async () => {
      assert.deepEqual(await cql('rank = 1 AND area > 30'), expected((i) => i % 4 === 1 && i % 7 !== 0 && i * 1.5 > 30));
      assert.deepEqual(await cql('area BETWEEN 10 AND 20'), expected((i) => i % 7 !== 0 && i * 1.5 >= 10 && i * 1.5 <= 20));
      assert.deepEqual(await cql('rank IN (0, 3) AND NOT capital'), expected((i) => (i % 4 === 0 || i % 4 === 3) && i % 10 !== 0));
      assert.deepEqual(await cql('area IS NULL'), expected((i) => i % 7 === 0));
      // NOT of an unknown stays unknown: rows without an area are in neither.
      assert.deepEqual(await cql('NOT (area > 30)'), expected((i) => i % 7 !== 0 && i * 1.5 <= 30));
      assert.deepEqual(await cql('capital = TRUE OR rank = 3'), expected((i) => i % 10 === 0 || i % 4 === 3));
    });

    it('like, case- and accent-insensitive matching', async () => {
      assert.deepEqual(await cql("name LIKE 'Z%'"), expected((i) => i % 5 === 0));
      assert.deepEqual(await cql("CASEI(name) LIKE casei('z%')"), expected((i) => i % 5 === 0 || i % 5 === 1));
      assert.deepEqual(await cql("ACCENTI(name) = accenti('Geneve 9')"), ['t09']);
      assert.deepEqual(await cql("name LIKE 'B_se%'"), expected((i) => i % 5 === 3));
    });

    it('temporal filters on date and datetime properties, and datetime', async () => {
      assert.deepEqual(await cql("seen > TIMESTAMP('2020-02-05T00:00:00Z')"), expected((i) => i >= 35));
      assert.deepEqual(await cql("T_DURING(seen, INTERVAL('2020-01-03T00:00:00Z', '2020-01-05T23:00:00Z'))"), ['t02', 't03', 't04']);
      assert.deepEqual(await cql("founded < DATE('1250-01-01')"), expected((i) => i < 5));
      assert.deepEqual(await q({ datetime: { start: '2020-01-10', end: '2020-01-11' } }), ['t09', 't10']);
      assert.deepEqual(await q({ datetime: { start: '2020-02-08T00:00:00Z', end: null } }), ['t38', 't39']);
      assert.deepEqual(await q({ datetime: { start: '2020-01-01T12:00:00Z', end: '2020-01-01T12:00:00Z' } }), ['t00']);
    });

    it('resource ids, through the query and through filters', async () => {
      assert.deepEqual(await q({ ids: ['t05', 't07', 'nope'] }), ['t05', 't07']);
      assert.deepEqual(await cql("id IN ('t01', 't02')"), ['t01', 't02']);
      const fes = parseFesFilter('<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:ResourceId rid="t03"/><fes:ResourceId rid="t04"/></fes:Filter>');
      assert.deepEqual(await q({ filter: fes }), ['t03', 't04']);
    });

    it('bbox, alone and with a filter; in another CRS', async () => {
      assert.deepEqual(await q({ bbox: [6.9, 45.9, 7.6, 46.1] }), ['t18', 't19']);
      const [[minx, miny], [maxx, maxy]] = transformPoints([[6.9, 45.9], [7.6, 46.1]], 'OGC:CRS84', 'EPSG:3857');
      assert.deepEqual(await q({ bbox: [minx!, miny!, maxx!, maxy!], bboxCrs: 'EPSG:3857' }), ['t18', 't19']);
      assert.deepEqual(await q({ bbox: [6.9, 45.9, 7.6, 46.1], filter: parseCql2Text('rank = 3') }), ['t19']);
    });

    it('spatial filters: intersects, within, dwithin, beyond, disjoint', async () => {
      assert.deepEqual(await cql('S_INTERSECTS(geometry, POLYGON((6.9 45.9, 7.6 45.9, 7.6 46.1, 6.9 46.1, 6.9 45.9)))'), ['t18', 't19']);
      assert.deepEqual(await cql('S_WITHIN(geometry, POLYGON((5 44, 6.2 44, 6.2 50, 5 50, 5 44)))'), expected((i) => i % 8 === 0));
      assert.deepEqual(await q({ filter: parseOgcCql('DWITHIN(geometry, POINT(6 45), 0.6, degrees)') }), ['t00', 't01', 't08']);
      assert.equal((await q({ filter: parseOgcCql('BEYOND(geometry, POINT(6 45), 0.6, degrees)') })).length, 37);
      assert.equal((await cql('S_DISJOINT(geometry, POLYGON((5 44, 6.2 44, 6.2 50, 5 50, 5 44)))')).length, 35);
      const json = parseCql2Json({ op: 's_intersects', args: [{ property: 'geometry' }, { type: 'Point', coordinates: [6.5, 45.5] }] });
      assert.deepEqual(await q({ filter: json }), ['t09']);
    });

    it('a point inside a polygon\'s bbox but outside the polygon is not returned', async () => {
      // A triangle whose box holds t09, t17 and t18 but whose area holds only t10.
      assert.deepEqual(await q({ bbox: [6.3, 45.3, 7.2, 46.05] }), ['t09', 't10', 't17', 't18']);
      assert.deepEqual(await cql('S_INTERSECTS(geometry, POLYGON((6.3 45.3, 7.2 45.3, 7.2 46.05, 6.3 45.3)))'), ['t10']);
      // And polygons stored: a query point in a stored polygon's box but outside it.
      await h.features.transaction(
        [{ op: 'insert', collection: 'zones', features: [{ id: 'tri', geometry: { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 0]]] }, properties: { label: 'triangle' } }] }],
        admin,
      );
      const hit = async (x: number, y: number) => ids(await collect((await h.features.query('zones', { filter: parseCql2Text(`S_INTERSECTS(geometry, POINT(${x} ${y}))`) }, ANONYMOUS)).features));
      assert.deepEqual(await hit(8, 2), ['tri']);
      assert.deepEqual(await hit(2, 8), []);
      assert.deepEqual(ids(await collect((await h.features.query('zones', { bbox: [1, 7, 3, 9] }, ANONYMOUS)).features)), []);
    });

    it('bbox across the antimeridian', async () => {
      await h.features.transaction(
        [{ op: 'insert', collection: 'dots', features: [179.5, -179.5, 0].map((x, i) => ({ id: `d${i}`, geometry: { type: 'Point' as const, coordinates: [x, 0] }, properties: {} })) }],
        admin,
      );
      assert.deepEqual(ids(await collect((await h.features.query('dots', { bbox: [179, -1, -179, 1] }, ANONYMOUS)).features)), ['d0', 'd1']);
    });

    it('property selection and skipGeometry', async () => {
      const [f] = await collect((await h.features.query('towns', { ids: ['t02'], properties: ['rank', 'name'], skipGeometry: true }, ANONYMOUS)).features);
      assert.deepEqual(f, { id: 't02', geometry: null, properties: { name: 'Bern', rank: 2 } });
    });

    it('output CRS: geometries reprojected (x/y order)', async () => {
      const [f] = await collect((await h.features.query('towns', { ids: ['t09'], crs: 'EPSG:3857' }, ANONYMOUS)).features);
      const [[x, y]] = transformPoints([[6.5, 45.5]], 'OGC:CRS84', 'EPSG:3857');
      const [fx, fy] = f!.geometry!.coordinates as number[];
      assert.ok(Math.abs(fx! - x!) < 1e-6 && Math.abs(fy! - y!) < 1e-6, `${fx} ${fy}`);
      const [g] = await collect((await h.features.query('towns', { ids: ['t09'], crs: 'http://www.opengis.net/def/crs/EPSG/0/4326' }, ANONYMOUS)).features);
      assert.deepEqual(g!.geometry, { type: 'Point', coordinates: [6.5, 45.5] });
    });

    it('errors: unknown properties with their name as locator, bad queries, unknown CRS', async () => {
      const fails = async (query: FeatureQuery, code: string, locator?: string) => {
        await assert.rejects(
          async () => collect((await h.features.query('towns', query, ANONYMOUS)).features),
          (err: unknown) => isFeaturesError(err) && err.featuresCode === code && (locator === undefined || err.locator === locator),
          `${code} ${locator}`,
        );
      };
      await fails({ filter: parseCql2Text('population > 3') }, 'UnknownProperty', 'population');
      await fails({ sortBy: [{ property: 'height' }] }, 'UnknownProperty', 'height');
      await fails({ properties: ['name', 'colour'] }, 'UnknownProperty', 'colour');
      await fails({ sortBy: [{ property: 'tags' }] }, 'InvalidQuery', 'sortBy');
      await fails({ filter: parseCql2Text("tags = 'x'") }, 'InvalidQuery', 'tags');
      await fails({ limit: -1 }, 'InvalidQuery', 'limit');
      await fails({ crs: 'EPSG:999999' }, 'InvalidCrs', 'crs');
      await fails({ bbox: [1, 2, 3, Number.NaN] as [number, number, number, number] }, 'InvalidQuery', 'bbox');
      await assert.rejects(h.features.query('nothere', {}, ANONYMOUS), (err: unknown) => isFeaturesError(err, 'NoSuchCollection'));
    });

    it('queryables: the comparable properties', async () => {
      const names = (await h.features.queryables('towns', ANONYMOUS)).map((p) => p.name);
      assert.deepEqual(names, ['name', 'rank', 'area', 'capital', 'founded', 'seen']);
    });
  });
}
