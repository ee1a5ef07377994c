import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import type { CatalogueService } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, startCatalogue, user, type CatalogueHarness } from './support.js';

const alice = user('alice');
const bob = user('bob');

for (const kind of testDatabaseKinds()) {
  describe(`catalogue access (${kind.name})`, function () {
    let h: CatalogueHarness;
    let catalogue: CatalogueService;
    before(async () => {
      h = await startCatalogue(kind);
      catalogue = h.catalogue;
      await catalogue.upsert([
        { identifier: 'C', type: 'collection', title: 'Shared collection', platform: 'SENTINEL-2' },
        { identifier: 'open-1', type: 'product', parentIdentifier: 'C', title: 'open scene', platform: 'SENTINEL-2', owner: 'alice', visibility: 'public', cloudCover: 10 },
        { identifier: 'open-2', type: 'product', parentIdentifier: 'C', title: 'open scene', platform: 'SENTINEL-2' },
        { identifier: 'secret-a', type: 'product', parentIdentifier: 'C', title: 'secret scene', platform: 'PRIVATESAT', owner: 'alice', visibility: 'private', cloudCover: 99 },
        { identifier: 'team-a', type: 'product', parentIdentifier: 'C', title: 'team scene', platform: 'TEAMSAT', owner: 'alice', visibility: ['team'] },
      ]);
    });
    after(async () => h?.close());

    const visible = async (subject: typeof alice) => (await catalogue.search({ type: 'product', limit: 100, sortBy: [{ field: 'identifier' }] }, subject)).records.map((r) => r.identifier);

    it("user A's private records are invisible to user B and to anonymous in results", async () => {
      assert.deepEqual(await visible(bob), ['open-1', 'open-2']);
      assert.deepEqual(await visible(ANONYMOUS), ['open-1', 'open-2']);
      assert.equal(await catalogue.get('secret-a', bob), undefined);
      assert.equal(await catalogue.get('secret-a', ANONYMOUS), undefined);
    });

    it('numberMatched and full-text matches do not count what the subject may not see', async () => {
      assert.equal((await catalogue.search({ q: 'secret', limit: 0 }, bob)).numberMatched, 0);
      assert.equal((await catalogue.search({ limit: 0 }, ANONYMOUS)).numberMatched, 3);
      assert.equal((await catalogue.search({ limit: 0 }, alice)).numberMatched, 5);
    });

    it('facets do not count what the subject may not see', async () => {
      assert.deepEqual((await catalogue.facets({ type: 'product' }, bob, ['platform'])).platform, [{ value: 'SENTINEL-2', count: 2 }]);
      assert.deepEqual((await catalogue.facets({ type: 'product' }, alice, ['platform'])).platform, [
        { value: 'SENTINEL-2', count: 2 },
        { value: 'PRIVATESAT', count: 1 },
        { value: 'TEAMSAT', count: 1 },
      ]);
    });

    it('ranges do not reach values of records the subject may not see', async () => {
      assert.deepEqual((await catalogue.ranges({}, bob, ['cloudCover'])).cloudCover, { min: 10, max: 10 });
      assert.deepEqual((await catalogue.ranges({}, alice, ['cloudCover'])).cloudCover, { min: 10, max: 99 });
    });

    it('the owner and admins see private records', async () => {
      assert.deepEqual(await visible(alice), ['open-1', 'open-2', 'secret-a', 'team-a']);
      assert.deepEqual(await visible(admin), ['open-1', 'open-2', 'secret-a', 'team-a']);
      assert.equal((await catalogue.get('secret-a', alice))?.title, 'secret scene');
    });

    it('a record visible to a list of groups is found by their members, counted and faceted for them only', async () => {
      const carol = user('carol', ['team', 'other']);
      const dave = user('dave', ['elsewhere']);
      assert.equal((await catalogue.get('team-a', carol))?.title, 'team scene');
      assert.equal(await catalogue.get('team-a', dave), undefined);
      assert.deepEqual(await visible(carol), ['open-1', 'open-2', 'team-a']);
      assert.deepEqual(await visible(dave), ['open-1', 'open-2']);
      assert.deepEqual((await catalogue.facets({ type: 'product' }, carol, ['platform'])).platform, [{ value: 'SENTINEL-2', count: 2 }, { value: 'TEAMSAT', count: 1 }]);
      assert.equal((await catalogue.search({ q: 'team', limit: 0 }, dave)).numberMatched, 0);
      assert.deepEqual((await catalogue.get('team-a', admin))?.visibility, ['team']);
      // Another group list replaces the first.
      await catalogue.patch('team-a', { visibility: ['elsewhere'] });
      assert.equal(await catalogue.get('team-a', carol), undefined);
      assert.equal((await catalogue.get('team-a', dave))?.title, 'team scene');
      await catalogue.patch('team-a', { visibility: ['team'] });
    });

    it('the visibility filter also holds on the exact-check path', async () => {
      const world = { type: 'Polygon' as const, coordinates: [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]] };
      await catalogue.upsert([{ identifier: 'secret-geo', type: 'product', parentIdentifier: 'C', owner: 'alice', visibility: 'private', geometry: world, platform: 'PRIVATESAT' }]);
      const r = await catalogue.search({ geometry: world, relation: 'within' }, bob);
      assert.equal(r.numberMatched, 0);
      assert.equal((await catalogue.search({ geometry: world, relation: 'within' }, alice)).numberMatched, 1);
      assert.deepEqual((await catalogue.facets({ geometry: world, relation: 'within' }, bob, ['platform'])).platform, []);
      await catalogue.upsert([{ identifier: 'team-geo', type: 'product', parentIdentifier: 'C', owner: 'alice', visibility: ['team'], geometry: world }]);
      const inTeam = await catalogue.search({ geometry: world, relation: 'within' }, user('carol', ['team']));
      assert.deepEqual(inTeam.records.map((r) => r.identifier), ['team-geo']);
      assert.equal((await catalogue.search({ geometry: world, relation: 'within' }, user('dave', ['elsewhere']))).numberMatched, 0);
    });
  });

  describe(`catalogue access with a deny-everything policy (${kind.name})`, function () {
    let h: CatalogueHarness;
    before(async () => {
      h = await startCatalogue(kind, {}, { auth: { decisionPoint: { type: 'rules', rules: [{ name: 'nobody reads', effect: 'deny', actions: ['*'] }] } } });
      await h.catalogue.upsert([{ identifier: 'C', type: 'collection', title: 'Anything' }]);
    });
    after(async () => h?.close());

    it('a Deny yields no records, no count and no facets, even for an admin', async () => {
      assert.deepEqual(await h.catalogue.search({}, admin), { records: [], numberMatched: 0, numberReturned: 0 });
      assert.equal(await h.catalogue.get('C', admin), undefined);
      assert.deepEqual(await h.catalogue.facets({}, admin, ['type']), { type: [] });
      assert.deepEqual(await h.catalogue.ranges({}, admin, ['start']), { start: { min: null, max: null } });
    });
  });
}
