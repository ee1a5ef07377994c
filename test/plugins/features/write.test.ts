import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { parseCql2Text } from '../../../core/filter/index.js';
import { transformPoints } from '../../../core/ows/index.js';
import { isFeaturesError, type FeaturesErrorCode } from '../../../plugins/features/errors.js';
import type { FeaturesChange, TransactionOperation } from '../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, collect, openEngine, user, type EngineHarness } from './support.js';

const PROPS = [
  { name: 'label', type: 'string' as const, nullable: false },
  { name: 'n', type: 'integer' as const },
  { name: 'x', type: 'number' as const },
  { name: 'ok', type: 'boolean' as const },
  { name: 'day', type: 'date' as const },
  { name: 'at', type: 'datetime' as const },
  { name: 'meta', type: 'json' as const },
];

for (const kind of testDatabaseKinds()) {
  describe(`features writes (${kind.name})`, function () {
    let h: EngineHarness;
    const all = async (collection: string) => collect((await h.features.query(collection, { limit: 1000 }, admin)).features);
    const rejects = (ops: TransactionOperation[], code: FeaturesErrorCode, locator?: string) =>
      assert.rejects(h.features.transaction(ops, admin), (err: unknown) => {
        assert.ok(isFeaturesError(err), String(err));
        assert.equal(err.featuresCode, code, err.message);
        if (locator !== undefined) assert.equal(err.locator, locator, err.message);
        return true;
      });

    before(async () => {
      h = await openEngine(kind);
      await h.features.createCollection({ id: 'things', geometryType: 'Geometry', properties: PROPS }, admin);
      await h.features.createCollection({ id: 'roads', geometryType: 'LineString', properties: [{ name: 'name', type: 'string' }] }, admin);
      await h.features.createCollection({ id: 'swiss', geometryType: 'Point', crs: 'EPSG:2056', properties: [{ name: 'name', type: 'string' }] }, admin);
    });
    after(async () => h?.close());

    it('round-trips every property type, nulls and geometry kinds', async () => {
      const meta = { nested: [1, 'two', { three: null }], flag: true };
      const geometries = [
        { type: 'Point' as const, coordinates: [1.25, -2.5] },
        { type: 'MultiPolygon' as const, coordinates: [[[[0, 0], [1, 0], [1, 1], [0, 0]]], [[[5, 5], [6, 5], [6, 6], [5, 5]], [[5.2, 5.1], [5.8, 5.1], [5.8, 5.7], [5.2, 5.1]]]] },
        { type: 'GeometryCollection' as const, geometries: [{ type: 'Point' as const, coordinates: [3, 4] }, { type: 'LineString' as const, coordinates: [[0, 0], [2, 2]] }] },
      ];
      const { inserted } = await h.features.transaction(
        [
          {
            op: 'insert',
            collection: 'things',
            features: [
              { geometry: geometries[0]!, properties: { label: 'full', n: 9007199254740991, x: -0.1, ok: true, day: '2024-02-29', at: '2024-02-29T23:59:59.123+02:00', meta } },
              { geometry: geometries[1]!, properties: { label: 'sparse' } },
              { geometry: geometries[2]!, properties: { label: 'nulls', n: null, ok: false, meta: 'just text' } },
              { geometry: null, properties: { label: 'no geometry', x: 1e300 } },
            ],
          },
        ],
        admin,
      );
      assert.equal(inserted.length, 4);
      const got = await all('things');
      assert.deepEqual(got[0], {
        id: inserted[0],
        geometry: geometries[0],
        properties: { label: 'full', n: 9007199254740991, x: -0.1, ok: true, day: '2024-02-29', at: '2024-02-29T21:59:59.123Z', meta },
      });
      assert.deepEqual(got[1]!.geometry, geometries[1]);
      assert.deepEqual(got[1]!.properties, { label: 'sparse', n: null, x: null, ok: null, day: null, at: null, meta: null });
      assert.deepEqual(got[2]!.geometry, geometries[2]);
      assert.deepEqual(got[2]!.properties.meta, 'just text');
      assert.equal(got[2]!.properties.ok, false);
      assert.equal(got[3]!.geometry, null);
      assert.equal(got[3]!.properties.x, 1e300);
    });

    it('ids: generated ones are stable and never reused, given ones are kept, taken ones refused', async () => {
      const first = await h.features.transaction([{ op: 'insert', collection: 'roads', features: [{ geometry: { type: 'LineString', coordinates: [[0, 0], [1, 1]] }, properties: { name: 'a' } }] }], admin);
      assert.deepEqual(first.inserted, ['roads.1']);
      await h.features.transaction([{ op: 'delete', collection: 'roads', filter: { ids: ['roads.1'] } }], admin);
      const line = { type: 'LineString' as const, coordinates: [[0, 0], [2, 2]] };
      // A given id that takes the next generated number: the generator steps over it.
      const second = await h.features.transaction([{ op: 'insert', collection: 'roads', features: [{ id: 'roads.3', geometry: line, properties: {} }, { geometry: line, properties: {} }, { geometry: line, properties: {} }] }], admin);
      assert.deepEqual(second.inserted, ['roads.3', 'roads.2', 'roads.4']);
      await rejects([{ op: 'insert', collection: 'roads', features: [{ id: 'roads.2', geometry: line, properties: {} }] }], 'DuplicateId', 'roads.2');
      await rejects([{ op: 'insert', collection: 'roads', features: [{ id: 'x', geometry: line, properties: {} }, { id: 'x', geometry: line, properties: {} }] }], 'DuplicateId', 'x');
      assert.deepEqual((await all('roads')).map((f) => f.id), ['roads.3', 'roads.2', 'roads.4']);
    });

    it('a failed transaction leaves nothing changed, whatever failed', async () => {
      const before = await all('roads');
      const version = (await h.features.collection('roads', admin))!.version;
      const line = { type: 'LineString' as const, coordinates: [[0, 0], [3, 3]] };
      const good: TransactionOperation[] = [
        { op: 'insert', collection: 'roads', features: [{ id: 'new-1', geometry: line, properties: { name: 'new' } }] },
        { op: 'update', collection: 'roads', filter: {}, properties: { name: 'renamed' } },
        { op: 'delete', collection: 'roads', filter: { ids: ['roads.3'] } },
        { op: 'insert', collection: 'things', features: [{ geometry: null, properties: { label: 'side effect' } }] },
      ];
      const thingsBefore = (await all('things')).length;
      await rejects([...good, { op: 'insert', collection: 'roads', features: [{ geometry: { type: 'Point', coordinates: [0, 0] }, properties: {} }] }], 'InvalidGeometry', 'geometry');
      await rejects([...good, { op: 'insert', collection: 'roads', features: [{ geometry: line, properties: { colour: 'red' } }] }], 'UnknownProperty', 'colour');
      await rejects([...good, { op: 'insert', collection: 'roads', features: [{ geometry: line, properties: { name: 5 } }] }], 'InvalidValue', 'name');
      await rejects([...good, { op: 'insert', collection: 'roads', features: [{ id: 'roads.4', geometry: line, properties: {} }] }], 'DuplicateId', 'roads.4');
      await rejects([...good, { op: 'replace', collection: 'roads', id: 'nope', feature: { geometry: line, properties: {} } }], 'NoSuchFeature', 'nope');
      await rejects([...good, { op: 'insert', collection: 'roads', features: [{ geometry: { type: 'LineString', coordinates: [[0, 0]] }, properties: {} }] }], 'InvalidGeometry');
      await rejects([...good, { op: 'update', collection: 'roads', filter: { filter: parseCql2Text('width > 3') }, properties: {} }], 'UnknownProperty', 'width');
      assert.deepEqual(await all('roads'), before);
      assert.equal((await all('things')).length, thingsBefore);
      assert.equal((await h.features.collection('roads', admin))!.version, version);
    });

    it('values are checked against their types, with the property as locator', async () => {
      const bad: Array<[string, unknown]> = [
        ['n', 1.5],
        ['n', '3'],
        ['x', Number.NaN],
        ['ok', 'true'],
        ['day', '2023-02-29'],
        ['day', '2023-02-01T00:00:00Z'],
        ['at', 'yesterday'],
        ['label', null],
      ];
      for (const [name, value] of bad) {
        await rejects([{ op: 'insert', collection: 'things', features: [{ geometry: null, properties: { label: 'l', [name]: value } }] }], 'InvalidValue', name);
      }
      await rejects([{ op: 'insert', collection: 'things', features: [{ geometry: null, properties: {} }] }], 'InvalidValue', 'label');
    });

    it('update by filter, replace by id, delete by filter', async () => {
      await h.features.createCollection({ id: 'pts', geometryType: 'Point', properties: [{ name: 'v', type: 'integer' }, { name: 's', type: 'string' }] }, admin);
      const features = Array.from({ length: 10 }, (_, i) => ({ id: `p${i}`, geometry: { type: 'Point' as const, coordinates: [i, i] }, properties: { v: i, s: 'x' } }));
      await h.features.transaction([{ op: 'insert', collection: 'pts', features }], admin);
      const r = await h.features.transaction(
        [
          { op: 'update', collection: 'pts', filter: { filter: parseCql2Text('v >= 5') }, properties: { s: 'big' } },
          { op: 'update', collection: 'pts', filter: { bbox: [-0.5, -0.5, 1.5, 1.5] }, geometry: { type: 'Point', coordinates: [100, 50] } },
          { op: 'replace', collection: 'pts', id: 'p9', feature: { geometry: { type: 'Point', coordinates: [-9, -9] }, properties: { v: 99 } } },
          { op: 'delete', collection: 'pts', filter: { filter: parseCql2Text('v < 3 AND s = \'x\'') } },
        ],
        admin,
      );
      assert.deepEqual(r, { inserted: [], updated: 7, replaced: 1, deleted: 3 });
      const got = await all('pts');
      assert.deepEqual(got.map((f) => f.id), ['p3', 'p4', 'p5', 'p6', 'p7', 'p8', 'p9']);
      assert.deepEqual(got[2]!.properties, { v: 5, s: 'big' });
      assert.deepEqual(got[6], { id: 'p9', geometry: { type: 'Point', coordinates: [-9, -9] }, properties: { v: 99, s: null } });
      // The moved geometries are found by their new place only (index updated).
      const at = async (bbox: [number, number, number, number]) => (await collect((await h.features.query('pts', { bbox }, admin)).features)).map((f) => f.id);
      assert.deepEqual(await at([-10, -10, -8, -8]), ['p9']);
      assert.deepEqual(await at([8.5, 8.5, 9.5, 9.5]), []);
      const d = (await h.features.collection('pts', admin))!;
      assert.equal(d.count, 7);
      assert.deepEqual(d.bbox, [-9, -9, 8, 8]);
    });

    it('a collection in a projected CRS keeps its coordinates exactly, and answers in CRS:84 too', async () => {
      const bern = [2600000.123, 1199999.987];
      await h.features.transaction([{ op: 'insert', collection: 'swiss', features: [{ id: 'bern', geometry: { type: 'Point', coordinates: bern }, properties: { name: 'Bern' } }] }], admin);
      const [native] = await collect((await h.features.query('swiss', {}, admin)).features);
      assert.deepEqual(native!.geometry, { type: 'Point', coordinates: bern });
      const [lonLat] = await collect((await h.features.query('swiss', { crs: 'OGC:CRS84' }, admin)).features);
      const [[lon, lat]] = transformPoints([bern as [number, number]], 'EPSG:2056', 'OGC:CRS84');
      const [x, y] = lonLat!.geometry!.coordinates as number[];
      assert.ok(Math.abs(x! - lon!) < 1e-9 && Math.abs(y! - lat!) < 1e-9);
      // Found by a CRS:84 bbox and one in its own CRS.
      assert.equal((await collect((await h.features.query('swiss', { bbox: [7.4, 46.9, 7.5, 47] }, admin)).features)).length, 1);
      assert.equal((await collect((await h.features.query('swiss', { bbox: [2599000, 1199000, 2601000, 1201000], bboxCrs: 'EPSG:2056' }, admin)).features)).length, 1);
      // Inserted in another CRS: stored in its own.
      const [[ex, ey]] = transformPoints([[2610000, 1210000]], 'EPSG:2056', 'OGC:CRS84');
      await h.features.transaction([{ op: 'insert', collection: 'swiss', crs: 'OGC:CRS84', features: [{ id: 'east', geometry: { type: 'Point', coordinates: [ex!, ey!] }, properties: {} }] }], admin);
      const [, east] = await collect((await h.features.query('swiss', {}, admin)).features);
      const [sx, sy] = east!.geometry!.coordinates as number[];
      assert.ok(Math.abs(sx! - 2610000) < 1e-3 && Math.abs(sy! - 1210000) < 1e-3, `${sx} ${sy}`);
      const d = (await h.features.collection('swiss', admin))!;
      assert.deepEqual(d.nativeBbox, [2600000.123, 1199999.987, sx, sy]);
      assert.equal(d.crs, 'EPSG:2056');
    });

    it('announces committed changes, and none for a failed transaction', async () => {
      const changes: FeaturesChange[] = [];
      const off = h.features.onChange((c) => changes.push(c));
      await h.features.transaction([{ op: 'insert', collection: 'roads', features: [{ geometry: { type: 'LineString', coordinates: [[0, 0], [1, 0]] }, properties: {} }] }], admin);
      await assert.rejects(h.features.transaction([{ op: 'insert', collection: 'roads', features: [{ geometry: null, properties: { nope: 1 } }] }], admin));
      off();
      await h.features.transaction([{ op: 'delete', collection: 'roads', filter: {} }], admin);
      assert.deepEqual(changes, [{ collection: 'roads' }]);
    });

    it('writes need a permit: anonymous is Unauthenticated, another user Forbidden', async () => {
      const op: TransactionOperation[] = [{ op: 'delete', collection: 'roads', filter: {} }];
      await assert.rejects(h.features.transaction(op, ANONYMOUS), (err: Error) => err.name === 'Unauthenticated');
      await assert.rejects(h.features.transaction(op, user('mallory')), (err: Error) => err.name === 'Forbidden');
    });
  });
}
