/**
 * Registry rows kept between reads: a description without extent (a WFS type name, an items
 * page) and the read of its features take no registry read when the row was read in the last
 * 2 s; a collection another process (a second engine on the same database) deleted, or deleted
 * and made again, is NoSuchCollection for a read planned from the old row, never a database
 * error; a full description is always read afresh; kept rows grant no access.
 */
import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { isFeaturesError } from '../../../plugins/features/errors.js';
import type { FeaturesService } from '../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { collect, openEngine, user, type EngineHarness } from './support.js';

const alice = user('alice');
const bob = user('bob');

const point = (x: number, y: number, name: string) => ({ geometry: { type: 'Point' as const, coordinates: [x, y] }, properties: { name } });

function noSuchCollection(err: unknown): boolean {
  assert.ok(isFeaturesError(err), `a FeaturesError, not ${String(err)}`);
  assert.equal(err.code, 'NoSuchCollection');
  return true;
}

for (const kind of testDatabaseKinds()) {
  describe(`features registry rows kept between reads (${kind.name})`, function () {
    let h: EngineHarness;
    let other: FeaturesService;
    let registryReads = 0;
    const countRegistryReads = (q: { sql: string }) => {
      if (/features_collections/.test(q.sql) && /^\s*select/i.test(q.sql)) registryReads++;
    };

    async function makeRivers(id: string, by: FeaturesService, names: string[], visibility: 'public' | 'private' = 'public') {
      await by.createCollection({ id, geometryType: 'Point', visibility, properties: [{ name: 'name', type: 'string' }] }, alice);
      await by.transaction([{ op: 'insert', collection: id, features: names.map((n, i) => point(7 + i / 10, 46, n)) }], alice);
    }

    before(async () => {
      h = await openEngine(kind);
      other = h.otherEngine();
      h.db.knex.on('query', countRegistryReads);
    });
    after(async () => {
      h?.db.knex.off('query', countRegistryReads);
      await h?.close();
    });

    it('describes a collection without extent from a row read in the last 2 s and reads its features with no registry read', async () => {
      await makeRivers('rhone', h.features, ['a', 'b', 'c']);
      assert.ok(await h.features.collection('rhone', ANONYMOUS));
      registryReads = 0;
      const d = await h.features.collection('rhone', ANONYMOUS, { extent: false });
      assert.equal(d?.id, 'rhone');
      assert.deepEqual(d.properties.map((p) => p.name), ['name']);
      const result = await h.features.query(d, { bbox: [6.95, 45.9, 7.15, 46.1] }, ANONYMOUS, { count: true });
      assert.equal(result.numberMatched, 2);
      assert.deepEqual((await collect(result.features)).map((f) => f.properties.name).sort(), ['a', 'b']);
      assert.equal(await h.features.count('rhone', {}, ANONYMOUS), 3);
      assert.equal(registryReads, 0, 'no registry row read');
    });

    it("reads the registry afresh for a full description: another process's write is in its count", async () => {
      await other.transaction([{ op: 'insert', collection: 'rhone', features: [point(7.5, 46.5, 'd')] }], alice);
      registryReads = 0;
      const d = await h.features.collection('rhone', ANONYMOUS);
      assert.equal(d?.count, 4);
      assert.deepEqual(d.bbox, [7, 46, 7.5, 46.5]);
      assert.ok(registryReads >= 1);
      assert.equal((await collect((await h.features.query(d, {}, ANONYMOUS)).features)).length, 4);
    });

    it('answers NoSuchCollection, not a database error, when another process deleted the collection of a kept row', async () => {
      await makeRivers('loire', h.features, ['x', 'y']);
      const d = (await h.features.collection('loire', ANONYMOUS, { extent: false }))!;
      await other.deleteCollection('loire', alice);
      await assert.rejects(h.features.query(d, {}, ANONYMOUS, { count: true }), noSuchCollection);
      await assert.rejects(h.features.count('loire', {}, ANONYMOUS), noSuchCollection);
      // A page read as a stream (no count) fails on its first read the same way.
      await makeRivers('seine', h.features, ['x']);
      const s = (await h.features.collection('seine', ANONYMOUS, { extent: false }))!;
      await other.deleteCollection('seine', alice);
      await assert.rejects(async () => collect((await h.features.query(s, {}, ANONYMOUS)).features), noSuchCollection);
      // The deletion is seen: the next description finds nothing.
      assert.equal(await h.features.collection('loire', ANONYMOUS), undefined);
    });

    it('reads the new collection, not the old one, when another process deleted and made it again', async () => {
      await makeRivers('garonne', h.features, ['old']);
      const old = (await h.features.collection('garonne', ANONYMOUS, { extent: false }))!;
      await other.deleteCollection('garonne', alice);
      await makeRivers('garonne', other, ['new 1', 'new 2']);
      await assert.rejects(h.features.query(old, {}, ANONYMOUS, { count: true }), noSuchCollection);
      const now = (await h.features.collection('garonne', ANONYMOUS))!;
      const result = await h.features.query(now, {}, ANONYMOUS, { count: true });
      assert.equal(result.numberMatched, 2);
      assert.deepEqual((await collect(result.features)).map((f) => f.properties.name).sort(), ['new 1', 'new 2']);
    });

    it('grants nothing through a kept row: a private collection stays invisible to another user', async () => {
      await makeRivers('dordogne', h.features, ['secret'], 'private');
      assert.ok(await h.features.collection('dordogne', alice, { extent: false }));
      assert.equal(await h.features.collection('dordogne', bob, { extent: false }), undefined);
      assert.equal(await h.features.collection('dordogne', ANONYMOUS, { extent: false }), undefined);
      await assert.rejects(h.features.query('dordogne', {}, bob, { count: true }), noSuchCollection);
      assert.equal((await collect((await h.features.query('dordogne', {}, alice)).features)).length, 1);
    });
  });
}
