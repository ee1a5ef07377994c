/** How a collection lives on SQLite: WKB geometries in the core R*Tree index, exact tests by JSTS. */
import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { parseCql2Text } from '../../../core/filter/index.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, collect, openEngine, type EngineHarness } from './support.js';

const sqlite = testDatabaseKinds().find((k) => k.name === 'sqlite')!;

describe('features on SQLite: storage and exact tests', function () {
  let h: EngineHarness;
  before(async () => {
    h = await openEngine(sqlite);
    await h.features.createCollection({ id: 'areas', geometryType: 'Polygon', properties: [] }, admin);
    await h.features.createCollection({ id: 'projected', geometryType: 'Point', crs: 'EPSG:3857', properties: [] }, admin);
    await h.features.transaction(
      [
        { op: 'insert', collection: 'areas', features: [{ id: 'tri', geometry: { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 0]]] }, properties: {} }] },
        { op: 'insert', collection: 'projected', features: [{ id: 'p', geometry: { type: 'Point', coordinates: [1000, 2000] }, properties: {} }] },
      ],
      admin,
    );
  });
  after(async () => h?.close());

  it('stores geometries as WKB blobs, with their boxes in the R*Tree', async () => {
    const [row] = (await h.db.knex.raw("SELECT typeof(geometry) AS t, hex(geometry) AS wkb FROM features_1")) as Array<{ t: string; wkb: string }>;
    assert.equal(row!.t, 'blob');
    assert.match(row!.wkb, /^0103000000/); // little-endian Polygon
    const [box] = (await h.db.knex.raw('SELECT minx, miny, maxx, maxy FROM features_1_rtree')) as Array<Record<string, number>>;
    assert.deepEqual(box, { minx: 0, miny: 0, maxx: 10, maxy: 10 });
    // A collection in another CRS: CRS:84 in the index column, its own CRS beside it, both WKB.
    const [p] = (await h.db.knex.raw('SELECT typeof(geometry) AS a, typeof(geometry_native) AS b FROM features_2')) as Array<{ a: string; b: string }>;
    assert.deepEqual(p, { a: 'blob', b: 'blob' });
  });

  it('decides spatial filters with JSTS in SQL, after the R*Tree prefilter', async () => {
    const statements: string[] = [];
    const listen = (q: { sql: string }) => statements.push(q.sql);
    h.db.knex.on('query', listen);
    try {
      const found = async (wkt: string) => (await collect((await h.features.query('areas', { filter: parseCql2Text(`S_INTERSECTS(geometry, ${wkt})`) }, ANONYMOUS)).features)).map((f) => f.id);
      assert.deepEqual(await found('POINT(8 2)'), ['tri']);
      // In the triangle's box, outside the triangle.
      assert.deepEqual(await found('POINT(2 8)'), []);
      assert.equal(await h.features.count('areas', { filter: parseCql2Text('S_CONTAINS(geometry, POINT(8 2))') }, ANONYMOUS), 1);
    } finally {
      h.db.knex.off('query', listen);
    }
    const spatial = statements.filter((s) => s.includes('features_spatial('));
    assert.ok(spatial.length >= 3, statements.join('\n'));
    assert.ok(spatial.every((s) => s.includes('features_1_rtree')), spatial.join('\n'));
  });
});
