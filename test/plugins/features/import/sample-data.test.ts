import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../../core/auth/index.js';
import { parseCql2Text } from '../../../../core/filter/index.js';
import { loadSampleCollections, SAMPLE_COLLECTIONS } from '../../../../plugins/features/sample-data.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { collect, openEngine, type EngineHarness } from '../support.js';

for (const kind of testDatabaseKinds()) {
  describe(`features sample data (${kind.name})`, function () {
    this.timeout(60000);
    let h: EngineHarness;
    before(async () => {
      h = await openEngine(kind);
    });
    after(async () => h?.close());

    it('creates the Natural Earth countries from world-atlas at first start, public, with names and ISO codes; a second load leaves them', async () => {
      const loads = await loadSampleCollections(h.features);
      assert.deepEqual(loads.map((l) => [l.id, l.skipped]), SAMPLE_COLLECTIONS.map((s) => [s.id, undefined]));
      const countries = (await h.features.collection('countries', ANONYMOUS))!;
      assert.equal(countries.count, loads[0]!.imported);
      assert.equal(countries.count, 177, 'the 1:110m admin-0 countries of world-atlas');
      assert.equal(countries.geometryType, 'MultiPolygon');
      // Antarctica's coast reaches 85.6°S at 1:110m.
      assert.deepEqual(countries.bbox!.map(Math.round), [-180, -86, 180, 84]);
      const switzerland = await collect((await h.features.query('countries', { filter: parseCql2Text("name = 'Switzerland'") }, ANONYMOUS)).features);
      assert.equal(switzerland.length, 1);
      assert.equal(switzerland[0]!.properties.iso_n3, '756');
      const inBern = await collect((await h.features.query('countries', { bbox: [7.44, 46.94, 7.45, 46.95] }, ANONYMOUS)).features);
      assert.ok(inBern.some((f) => f.properties.name === 'Switzerland'));
      const again = await loadSampleCollections(h.features);
      assert.deepEqual(again.map((l) => l.skipped), ['the collection exists']);
      assert.equal((await h.features.collection('countries', ANONYMOUS))!.count, 177);
    });
  });
}
