import assert from 'node:assert/strict';
import type { CatalogueService } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startTestServer } from '../../helpers/server.js';
import { admin, builtinDir, startCatalogue, type CatalogueHarness } from './support.js';

describe('catalogue config', () => {
  it('refuses unknown config keys at start-up', async () => {
    await assert.rejects(startTestServer({ plugins: { catalogue: { maxRecords: 5 } } }, { builtinDir }), /maxRecords/);
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`catalogue limits and query edge cases (${kind.name})`, function () {
    let h: CatalogueHarness;
    let catalogue: CatalogueService;
    before(async () => {
      h = await startCatalogue(kind, { defaultLimit: 2, maxLimit: 5 });
      catalogue = h.catalogue;
      await catalogue.upsert([
        { identifier: 'C1', type: 'collection', title: 'x-ray a*b NEAR', start: '2020-06-15T00:00:00Z' },
        { identifier: 'C2', type: 'collection', title: 'other', start: '2020-07-01T00:00:00Z' },
        { identifier: 'C3', type: 'collection', title: 'third' },
      ]);
    });
    after(async () => h?.close());

    it('pages default to defaultLimit and refuse a limit over maxLimit with a 400', async () => {
      const r = await catalogue.search({}, admin);
      assert.equal(r.numberReturned, 2);
      assert.equal(r.numberMatched, 3);
      await assert.rejects(catalogue.search({ limit: 6 }, admin), (err: { status: number; locator?: string }) => err.status === 400 && err.locator === 'limit');
      await assert.rejects(catalogue.search({ offset: -1 }, admin), (err: { status: number }) => err.status === 400);
    });

    it('full-text terms with punctuation and FTS operator words are plain words on both databases', async () => {
      const count = async (q: string) => (await catalogue.search({ q }, admin)).numberMatched;
      assert.equal(await count('x-ray'), 1);
      assert.equal(await count('ray'), 1);
      assert.equal(await count('NEAR'), 1);
      assert.equal(await count('a*'), 1);
      assert.equal(await count('"'), 0);
      assert.equal(await count('   '), 3);
    });

    it('a reduced-precision time range covers its whole unit', async () => {
      const r = await catalogue.search({ start: '2020-06', end: '2020-06' }, admin);
      assert.deepEqual(r.records.map((x) => x.identifier), ['C1']);
    });

    it('bad query parameters are 400s naming them', async () => {
      const locatorOf = async (query: Parameters<CatalogueService['search']>[0]) => {
        try {
          await catalogue.search(query, admin);
        } catch (err) {
          return (err as { status: number; locator?: string }).status === 400 ? (err as { locator?: string }).locator : 'not a 400';
        }
        return 'accepted';
      };
      assert.equal(await locatorOf({ start: 'soon' }), 'start');
      assert.equal(await locatorOf({ start: '2021-01-01', end: '2020-01-01' }), 'end');
      assert.equal(await locatorOf({ bbox: [0, 10, 1, 5] }), 'bbox');
      assert.equal(await locatorOf({ sortBy: [{ field: 'geometry' }] }), 'sortBy');
      assert.equal(await locatorOf({ timeRelation: 'sometime' as 'during', start: '2020-01-01' }), 'timeRelation');
      await assert.rejects(catalogue.facets({}, admin, ['title']), (err: { status: number }) => err.status === 400);
    });
  });
}
