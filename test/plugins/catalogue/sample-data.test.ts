import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { SAMPLE_COLLECTIONS, sampleRecords } from '../../../plugins/catalogue/sample-data.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startCatalogue, type CatalogueHarness } from './support.js';

describe('catalogue sample records', () => {
  it('are the same on every call', () => {
    assert.deepEqual(sampleRecords(50), sampleRecords(50));
  });

  it('spread products over the globe and ten years with valid EO properties', () => {
    const products = sampleRecords(1000).filter((r) => r.type === 'product');
    assert.equal(products.length, 1000);
    const lons = products.map((p) => p.geometry!.coordinates as number[][][]).map((c) => c[0]![0]![0]!);
    assert.ok(Math.min(...lons) < -150 && Math.max(...lons) > 150);
    const years = new Set(products.map((p) => p.start!.slice(0, 4)));
    assert.equal(years.size, 10);
    for (const p of products) {
      assert.ok(SAMPLE_COLLECTIONS.some((c) => c.identifier === p.parentIdentifier));
      if (p.cloudCover !== undefined) assert.ok(p.cloudCover >= 0 && p.cloudCover <= 100);
      assert.ok(p.end! >= p.start!);
    }
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`catalogue sample data at start-up (${kind.name})`, function () {
    let h: CatalogueHarness;
    before(async () => {
      h = await startCatalogue(kind, {}, { sampleData: true });
    });
    after(async () => h?.close());

    it('loads the collections and 1,000 products, searchable and faceted', async () => {
      const products = await h.catalogue.search({ type: 'product', limit: 0 }, ANONYMOUS);
      assert.equal(products.numberMatched, 1000);
      const collections = await h.catalogue.search({ type: 'collection' }, ANONYMOUS);
      assert.equal(collections.numberMatched, SAMPLE_COLLECTIONS.length);
      const facets = await h.catalogue.facets({ type: 'product' }, ANONYMOUS, ['parentIdentifier']);
      assert.deepEqual(facets.parentIdentifier!.map((f) => f.count), [250, 250, 250, 250]);
      const cloudFree = await h.catalogue.search({ parentIdentifier: 'sample-sentinel2-l2a', bbox: [-20, 30, 40, 70], start: '2018-01-01', end: '2020-12-31', filter: { op: '<=', left: { kind: 'property', name: 'cloudCover', path: ['cloudCover'] }, right: { kind: 'literal', value: 30 }, matchCase: true, matchAccent: true }, limit: 5 }, ANONYMOUS);
      for (const r of cloudFree.records) assert.ok(r.cloudCover! <= 30 && r.start! >= '2018' && r.start! < '2021');
    });
  });
}
