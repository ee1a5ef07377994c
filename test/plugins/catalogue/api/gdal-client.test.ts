import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { collectionFeature, productFeature, stacItem, startApi, type ApiHarness } from './support.js';

// Asynchronous: the server answers GDAL from this same process.
const ogrinfo = async (...args: string[]) => (await promisify(execFile)('ogrinfo', args, { encoding: 'utf8', timeout: 60000 })).stdout;

for (const kind of testDatabaseKinds()) {
  describe(`catalogue API read by GDAL/OGR (${kind.name})`, function () {
    this.timeout(120000);
    let h: ApiHarness;
    before(async () => {
      h = await startApi(kind);
      assert.equal((await h.request('POST', '/collections', { body: collectionFeature('C'), as: 'alice' })).status, 201);
      const batch = { type: 'FeatureCollection', features: [productFeature('P1', 'C'), productFeature('P2', 'C', { title: 'Second product' })] };
      assert.equal((await h.request('POST', '/collections/C/items', { body: batch, as: 'alice' })).status, 201);
      assert.equal((await h.request('POST', '/collections/C/items', { body: stacItem('S1', 'C'), as: 'alice' })).status, 201);
    });
    after(async () => h?.close());

    it("ogrinfo's GeoJSON driver reads a collection's items as 17-003: every feature, extent and properties", async () => {
      const summary = await ogrinfo('-ro', '-al', '-so', `GeoJSON:${h.base}/collections/C/items`);
      assert.match(summary, /Feature Count: 3/);
      assert.match(summary, /Extent: \(2\.000000, 45\.000000\) - \(11\.000000, 49\.000000\)/);
      assert.match(summary, /identifier: String/);
      assert.match(summary, /date: DateTime/);
      const one = await ogrinfo('-ro', '-al', '-q', '-where', "identifier = 'P2'", `GeoJSON:${h.base}/collections/C/items`);
      assert.match(one, /title \(String\) = Second product/);
      assert.match(one, /POLYGON \(\(2 48,3 48,3 49,2 49,2 48\)\)/);
      assert.match(one, /https:\\\/\\\/data\.example\.org\\\/P2\.zip/);
    });

    it('and as a STAC ItemCollection, with the STAC fields as attributes', async () => {
      const summary = await ogrinfo('-ro', '-al', '-so', `GeoJSON:${h.base}/collections/C/items?f=stac`);
      assert.match(summary, /Feature Count: 3/);
      assert.match(summary, /eo:cloud_cover: Real/);
      const one = await ogrinfo('-ro', '-al', '-q', '-where', "id = 'S1'", `GeoJSON:${h.base}/collections/C/items?f=stac`);
      assert.match(one, /eo:cloud_cover \(Real\) = 3\.5/);
      assert.match(one, /constellation \(String\) = sentinel-2/);
    });
  });
}
