import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { isFeaturesError } from '../../../plugins/features/errors.js';
import type { CollectionDefinition } from '../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, collect, openEngine, user, type EngineHarness } from './support.js';

const alice = user('alice');
const bob = user('bob');

for (const kind of testDatabaseKinds()) {
  describe(`features collections and access (${kind.name})`, function () {
    let h: EngineHarness;
    before(async () => {
      h = await openEngine(kind);
    });
    after(async () => h?.close());

    it('describes a new collection with its defaults, an empty extent and a version', async () => {
      const d = await h.features.createCollection({ id: 'lakes', title: 'Lakes', keywords: ['water'], geometryType: 'Polygon', temporalProperty: 'surveyed', properties: [{ name: 'surveyed', type: 'date' }] }, alice);
      assert.equal(d.id, 'lakes');
      assert.equal(d.crs, 'OGC:CRS84');
      assert.equal(d.visibility, 'public');
      assert.equal(d.owner, 'alice');
      assert.equal(d.count, 0);
      assert.equal(d.bbox, null);
      assert.deepEqual(d.temporal, { start: null, end: null });
      assert.deepEqual(d.keywords, ['water']);
      await h.features.transaction(
        [{ op: 'insert', collection: 'lakes', features: [
          { geometry: { type: 'Polygon', coordinates: [[[6, 46], [7, 46], [7, 47], [6, 46]]] }, properties: { surveyed: '2001-05-02' } },
          { geometry: { type: 'Polygon', coordinates: [[[8, 45], [9, 45], [9, 46], [8, 45]]] }, properties: { surveyed: '1999-12-31' } },
        ] }],
        alice,
      );
      const after = (await h.features.collection('lakes', ANONYMOUS))!;
      assert.equal(after.count, 2);
      assert.deepEqual(after.bbox, [6, 45, 9, 47]);
      assert.deepEqual(after.temporal, { start: '1999-12-31T00:00:00.000Z', end: '2001-05-02T00:00:00.000Z' });
      assert.notEqual(after.version, d.version);
      // A delete makes the cached extent stale: recomputed on the next description.
      await h.features.transaction([{ op: 'delete', collection: 'lakes', filter: { datetime: { start: '2001-01-01', end: null } } }], alice);
      const shrunk = (await h.features.collection('lakes', ANONYMOUS))!;
      assert.equal(shrunk.count, 1);
      assert.deepEqual(shrunk.bbox, [8, 45, 9, 46]);
      assert.deepEqual(shrunk.temporal, { start: '1999-12-31T00:00:00.000Z', end: '1999-12-31T00:00:00.000Z' });
    });

    it('refuses bad definitions with a locator, and a taken id', async () => {
      const bad: Array<[Partial<CollectionDefinition>, string]> = [
        [{ id: '1abc' }, 'id'],
        [{ id: 'a b' }, 'id'],
        [{ geometryType: 'Circle' as never }, 'geometryType'],
        [{ properties: [{ name: 'id', type: 'string' }] }, 'id'],
        [{ properties: [{ name: 'geometry', type: 'string' }] }, 'geometry'],
        [{ properties: [{ name: 'a', type: 'string' }, { name: 'A', type: 'integer' }] }, 'A'],
        [{ properties: [{ name: 'bad-name', type: 'string' }] }, 'properties'],
        [{ properties: [{ name: 'a', type: 'text' as never }] }, 'a'],
        [{ temporalProperty: 'a', properties: [{ name: 'a', type: 'string' }] }, 'temporalProperty'],
        [{ crs: 'EPSG:0' }, 'crs'],
      ];
      for (const [patch, locator] of bad) {
        await assert.rejects(
          h.features.createCollection({ id: 'ok', geometryType: 'Point', properties: [], ...patch } as CollectionDefinition, admin),
          (err: unknown) => isFeaturesError(err) && err.locator === locator,
          JSON.stringify(patch),
        );
      }
      await assert.rejects(h.features.createCollection({ id: 'lakes', geometryType: 'Point', properties: [] }, admin), (err: unknown) => isFeaturesError(err, 'CollectionExists'));
      await assert.rejects(h.features.createCollection({ id: 'anon', geometryType: 'Point', properties: [] }, ANONYMOUS), (err: Error) => err.name === 'Unauthenticated');
    });

    it("a private collection is invisible to another user and to anonymous: listed, described, read or written", async () => {
      await h.features.createCollection({ id: 'secret', geometryType: 'Point', visibility: 'private', properties: [{ name: 'v', type: 'integer' }] }, alice);
      await h.features.transaction([{ op: 'insert', collection: 'secret', features: [{ geometry: { type: 'Point', coordinates: [1, 2] }, properties: { v: 1 } }] }], alice);
      const listed = async (s: typeof alice) => (await h.features.collections(s)).map((c) => c.id);
      assert.ok((await listed(alice)).includes('secret'));
      assert.ok((await listed(admin)).includes('secret'));
      assert.ok(!(await listed(bob)).includes('secret'));
      assert.ok(!(await listed(ANONYMOUS)).includes('secret'));
      assert.equal(await h.features.collection('secret', bob), undefined);
      for (const s of [bob, ANONYMOUS]) {
        await assert.rejects(h.features.query('secret', {}, s), (err: unknown) => isFeaturesError(err, 'NoSuchCollection'));
        await assert.rejects(h.features.count('secret', {}, s), (err: unknown) => isFeaturesError(err, 'NoSuchCollection'));
        await assert.rejects(h.features.queryables('secret', s), (err: unknown) => isFeaturesError(err, 'NoSuchCollection'));
        await assert.rejects(h.features.transaction([{ op: 'delete', collection: 'secret', filter: {} }], s), (err: unknown) => isFeaturesError(err, 'NoSuchCollection'));
        await assert.rejects(h.features.deleteCollection('secret', s), (err: unknown) => isFeaturesError(err, 'NoSuchCollection'));
      }
      assert.equal((await collect((await h.features.query('secret', {}, alice)).features)).length, 1);
    });

    it('a public collection: others read it but may not write it', async () => {
      assert.equal(await h.features.count('lakes', {}, bob), 1);
      await assert.rejects(h.features.transaction([{ op: 'delete', collection: 'lakes', filter: {} }], bob), (err: Error) => err.name === 'Forbidden');
      await assert.rejects(h.features.deleteCollection('lakes', bob), (err: Error) => err.name === 'Forbidden');
    });

    it('deletes a collection with its table; the id can be created again, empty', async () => {
      await h.features.deleteCollection('lakes', alice);
      assert.equal(await h.features.collection('lakes', alice), undefined);
      await assert.rejects(h.features.query('lakes', {}, alice), (err: unknown) => isFeaturesError(err, 'NoSuchCollection'));
      const again = await h.features.createCollection({ id: 'lakes', geometryType: 'Point', properties: [] }, alice);
      assert.equal(again.count, 0);
      const { inserted } = await h.features.transaction([{ op: 'insert', collection: 'lakes', features: [{ geometry: { type: 'Point', coordinates: [0, 0] }, properties: {} }] }], alice);
      assert.deepEqual(inserted, ['lakes.1']);
    });
  });
}

for (const kind of testDatabaseKinds()) {
  describe(`features read obligations (${kind.name})`, function () {
    let h: EngineHarness;
    before(async () => {
      // A policy where any user writes into 'shared' and reads only the features they own there.
      h = await openEngine(kind, {
        auth: {
          decisionPoint: {
            type: 'rules',
            rules: [
              { effect: 'permit', subjects: { groups: ['admin'] }, actions: ['*'] },
              { effect: 'permit', subjects: { authenticated: true }, resources: { type: 'feature-collection', id: 'shared' }, actions: ['create'] },
              {
                effect: 'permit',
                subjects: { authenticated: true },
                resources: { type: 'feature-collection', id: 'shared' },
                actions: ['read', 'update'],
                obligations: [{ id: 'filter', attributes: { lang: 'cql2-json', filter: { op: '=', args: [{ property: 'owner' }, '$subject.id'] } } }],
              },
            ],
          },
        },
      });
      await h.features.createCollection({ id: 'shared', geometryType: 'Point', properties: [{ name: 'owner', type: 'string' }] }, admin);
      for (const [who, n] of [[alice, 3], [bob, 2]] as const) {
        const features = Array.from({ length: n }, (_, i) => ({ geometry: { type: 'Point' as const, coordinates: [i, i] }, properties: { owner: 'a property, not the owner' } }));
        await h.features.transaction([{ op: 'insert', collection: 'shared', features }], who);
      }
    });
    after(async () => h?.close());

    it("a filter obligation on owner is applied in the query, on the features' own owner", async () => {
      const read = async (s: typeof alice) => (await collect((await h.features.query('shared', {}, s)).features)).length;
      assert.equal(await read(alice), 3);
      assert.equal(await read(bob), 2);
      assert.equal(await read(admin), 5);
      assert.equal(await h.features.count('shared', {}, bob), 2);
      assert.equal((await h.features.query('shared', { limit: 0 }, bob, { count: true })).numberMatched, 2);
      await assert.rejects(h.features.query('shared', {}, ANONYMOUS), (err: unknown) => isFeaturesError(err, 'NoSuchCollection'));
    });

    it('an update under the obligation touches only what the subject owns', async () => {
      const r = await h.features.transaction([{ op: 'update', collection: 'shared', filter: {}, properties: { owner: 'touched' } }], bob);
      assert.equal(r.updated, 2);
      const touched = (await collect((await h.features.query('shared', { limit: 10 }, admin)).features)).filter((f) => f.properties.owner === 'touched');
      assert.equal(touched.length, 2);
    });
  });
}
