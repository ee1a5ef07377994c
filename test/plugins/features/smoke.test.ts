import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { parseCql2Text } from '../../../core/filter/index.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, collect, openEngine, type EngineHarness } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`features engine smoke (${kind.name})`, function () {
    let h: EngineHarness;
    before(async () => {
      h = await openEngine(kind);
    });
    after(async () => h?.close());

    it('creates a collection, inserts and queries by bbox, filter and page', async () => {
      await h.features.createCollection({ id: 'places', geometryType: 'Point', properties: [{ name: 'name', type: 'string' }, { name: 'pop', type: 'integer' }] }, admin);
      const r = await h.features.transaction(
        [{ op: 'insert', collection: 'places', features: [
          { geometry: { type: 'Point', coordinates: [7, 46] }, properties: { name: 'a', pop: 10 } },
          { geometry: { type: 'Point', coordinates: [8, 47] }, properties: { name: 'b', pop: 20 } },
          { geometry: { type: 'Point', coordinates: [20, 50] }, properties: { name: 'c', pop: 30 } },
        ] }],
        admin,
      );
      assert.deepEqual(r.inserted, ['places.1', 'places.2', 'places.3']);
      const res = await h.features.query('places', { bbox: [6, 45, 9, 48], filter: parseCql2Text('pop > 15'), limit: 10 }, ANONYMOUS, { count: true });
      const got = await collect(res.features);
      assert.equal(res.numberMatched, 1);
      assert.deepEqual(got, [{ id: 'places.2', geometry: { type: 'Point', coordinates: [8, 47] }, properties: { name: 'b', pop: 20 } }]);
      const page = await collect((await h.features.query('places', { limit: 2, offset: 1 }, ANONYMOUS)).features);
      assert.deepEqual(page.map((f) => f.id), ['places.2', 'places.3']);
      const d = await h.features.collection('places', ANONYMOUS);
      assert.equal(d?.count, 3);
      assert.deepEqual(d?.bbox, [7, 46, 20, 50]);
    });
  });
}
