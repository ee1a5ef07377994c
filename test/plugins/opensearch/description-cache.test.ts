import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { apiKey, fetchText, FIXTURES, parse, startOpenSearch, values, type OpenSearchHarness } from './support.js';

const platformLabels = async (h: OpenSearchHarness, headers: Record<string, string> = {}) => {
  const doc = parse((await fetchText(`${h.base}/collections/S2-TEST/description`, headers)).body);
  return values(doc, '//os:Url[@type="application/atom+xml"]/param:Parameter[@name="platform"]/param:Option/@label');
};

for (const kind of testDatabaseKinds()) {
  describe(`OpenSearch description option counts, reused for a while (${kind.name})`, function () {
    this.timeout(30_000);
    let h: OpenSearchHarness;
    before(async () => {
      h = await startOpenSearch(kind, { descriptionCacheSeconds: 1 });
      await h.catalogue.upsert(FIXTURES);
    });
    after(async () => h?.close());

    it('counts once per subject for descriptionCacheSeconds, then again; another subject gets its own counts', async () => {
      assert.deepEqual(await platformLabels(h), ['SENTINEL-2 (5)']);
      const extra = { ...FIXTURES.find((r) => r.identifier === 'P01')!, identifier: 'P-EXTRA', visibility: 'public' as const };
      await h.catalogue.upsert([extra]);
      // Anonymous: the counts of a moment ago. An admin: counted now, and the private product too.
      assert.deepEqual(await platformLabels(h), ['SENTINEL-2 (5)']);
      assert.deepEqual(await platformLabels(h, { 'X-API-Key': await apiKey(h, 'root', ['admin']) }), ['SENTINEL-2 (7)']);
      await new Promise((r) => setTimeout(r, 1100));
      assert.deepEqual(await platformLabels(h), ['SENTINEL-2 (6)']);
    });
  });
}
