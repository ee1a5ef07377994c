import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { parseCql2Text } from '../../../core/filter/index.js';
import type { CatalogueRecordInput, CatalogueService } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, startCatalogue, type CatalogueHarness } from './support.js';

const square = (x: number, y: number, size = 1) => ({
  type: 'Polygon' as const,
  coordinates: [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]],
});

const collections: CatalogueRecordInput[] = [
  { identifier: 'S2', type: 'collection', title: 'Sentinel-2 imagery', keywords: ['optical'], platform: 'SENTINEL-2', geometry: square(-180, -85, 360) },
  { identifier: 'S1', type: 'collection', title: 'Sentinel-1 radar', keywords: ['radar'], platform: 'SENTINEL-1' },
];

const products: CatalogueRecordInput[] = [
  { identifier: 'p-paris', type: 'product', parentIdentifier: 'S2', title: 'Paris clear', abstract: 'A cloudless view of Paris', keywords: ['city', 'france'], geometry: square(2, 48), start: '2020-06-01T10:00:00Z', end: '2020-06-01T10:00:10Z', platform: 'SENTINEL-2', instrument: 'MSI', productType: 'S2MSI2A', cloudCover: 5, orbitDirection: 'DESCENDING' },
  { identifier: 'p-paris-cloudy', type: 'product', parentIdentifier: 'S2', title: 'Paris cloudy', keywords: ['city', 'france'], geometry: square(2.2, 48.2), start: '2020-06-11T10:00:00Z', platform: 'SENTINEL-2', instrument: 'MSI', productType: 'S2MSI2A', cloudCover: 80, orbitDirection: 'DESCENDING' },
  { identifier: 'p-paris-2021', type: 'product', parentIdentifier: 'S2', title: 'Paris next year', keywords: ['city'], geometry: square(2, 48), start: '2021-06-01T10:00:00Z', platform: 'SENTINEL-2', instrument: 'MSI', productType: 'S2MSI1C', cloudCover: 10, orbitDirection: 'ASCENDING' },
  { identifier: 'p-rome', type: 'product', parentIdentifier: 'S2', title: 'Rome', abstract: 'Eternal city', keywords: ['city', 'italy'], geometry: square(12, 41.5), start: '2020-06-05T10:00:00Z', platform: 'SENTINEL-2', instrument: 'MSI', productType: 'S2MSI1C', cloudCover: 20, orbitDirection: 'DESCENDING' },
  { identifier: 'p-fiji', type: 'product', parentIdentifier: 'S1', title: 'Fiji across the antimeridian', keywords: ['ocean'], geometry: { type: 'MultiPolygon', coordinates: [[[[179, -18], [180, -18], [180, -17], [179, -17], [179, -18]]], [[[-180, -18], [-179, -18], [-179, -17], [-180, -17], [-180, -18]]]] }, start: '2020-06-03T06:00:00Z', end: '2020-06-03T06:00:25Z', platform: 'SENTINEL-1', instrument: 'SAR-C', productType: 'GRD', orbitDirection: 'ASCENDING' },
  { identifier: 'p-triangle', type: 'product', parentIdentifier: 'S1', title: 'Thin triangle', geometry: { type: 'Polygon', coordinates: [[[20, 0], [30, 0], [30, 10], [20, 0]]] }, start: '2020-01-01T00:00:00Z', platform: 'SENTINEL-1', instrument: 'SAR-C', productType: 'GRD' },
];

const ids = (records: Array<{ identifier: string }>) => records.map((r) => r.identifier).sort();

for (const kind of testDatabaseKinds()) {
  describe(`catalogue search (${kind.name})`, function () {
    let h: CatalogueHarness;
    let catalogue: CatalogueService;
    before(async () => {
      h = await startCatalogue(kind);
      catalogue = h.catalogue;
      await catalogue.upsert([...collections, ...products]);
    });
    after(async () => h?.close());

    const search = async (query: Parameters<CatalogueService['search']>[0]) => (await catalogue.search({ limit: 100, ...query }, ANONYMOUS));

    it('finds products of one collection by type and parentIdentifier', async () => {
      const r = await search({ type: 'product', parentIdentifier: 'S1' });
      assert.deepEqual(ids(r.records), ['p-fiji', 'p-triangle']);
      assert.equal(r.numberMatched, 2);
      assert.equal(r.numberReturned, 2);
    });

    it('finds collections only when asked for type collection', async () => {
      assert.deepEqual(ids((await search({ type: 'collection' })).records), ['S1', 'S2']);
    });

    it('bbox + time range + cloudCover filter return exactly the expected products', async () => {
      const filter = parseCql2Text('cloudCover <= 50');
      const r = await search({ type: 'product', bbox: [1, 47, 3.5, 49.5], start: '2020-06-01', end: '2020-06-30', filter });
      assert.deepEqual(ids(r.records), ['p-paris']);
      assert.equal(r.numberMatched, 1);
    });

    it('a bbox crossing the antimeridian finds the product on both sides', async () => {
      assert.deepEqual(ids((await search({ type: 'product', bbox: [178, -20, -178, -15] })).records), ['p-fiji']);
    });

    it('an exact geometry test drops a product whose bbox but not footprint meets the query', async () => {
      // Inside the triangle's bbox, outside the triangle (above its diagonal).
      const r = await search({ type: 'product', geometry: square(21, 7, 0.5), relation: 'intersects' });
      assert.deepEqual(ids(r.records), []);
      assert.equal(r.numberMatched, 0);
      assert.deepEqual(ids((await search({ type: 'product', geometry: square(27, 1, 0.5) })).records), ['p-triangle']);
    });

    it('within: footprints inside the query geometry', async () => {
      assert.deepEqual(ids((await search({ geometry: square(1, 47, 4), relation: 'within' })).records), ['p-paris', 'p-paris-2021', 'p-paris-cloudy']);
    });

    it('time relations: during and before', async () => {
      assert.deepEqual(ids((await search({ start: '2020-06-02', end: '2020-06-10', timeRelation: 'during' })).records), ['p-fiji', 'p-rome']);
      assert.deepEqual(ids((await search({ type: 'product', start: '2020-05-31T23:59:59Z', end: '2020-12-31', timeRelation: 'before' })).records), ['p-triangle']);
      assert.deepEqual(ids((await search({ type: 'product', start: '2021-01-01' })).records), ['p-paris-2021']);
    });

    it('full-text q matches title, abstract and keywords, all terms required', async () => {
      assert.deepEqual(ids((await search({ q: 'paris' })).records), ['p-paris', 'p-paris-2021', 'p-paris-cloudy']);
      assert.deepEqual(ids((await search({ q: 'cloudless Paris' })).records), ['p-paris']);
      assert.deepEqual(ids((await search({ q: 'italy' })).records), ['p-rome']);
      assert.deepEqual(ids((await search({ q: 'eternal "city' })).records), ['p-rome']);
      assert.equal((await search({ q: 'paris rome' })).numberMatched, 0);
    });

    it('CQL2 filters over queryables: like, in, between, or', async () => {
      const f = (text: string) => parseCql2Text(text);
      assert.deepEqual(ids((await search({ filter: f("productType = 'S2MSI1C'") })).records), ['p-paris-2021', 'p-rome']);
      assert.deepEqual(ids((await search({ filter: f("title LIKE 'Paris%' AND orbitDirection IN ('ASCENDING')") })).records), ['p-paris-2021']);
      assert.deepEqual(ids((await search({ filter: f('cloudCover BETWEEN 6 AND 30') })).records), ['p-paris-2021', 'p-rome']);
      assert.deepEqual(ids((await search({ filter: f("platform = 'SENTINEL-1' OR cloudCover > 50") })).records), ['S1', 'p-fiji', 'p-paris-cloudy', 'p-triangle']);
      assert.deepEqual(ids((await search({ type: 'product', filter: f("S_INTERSECTS(geometry, POINT(12.5 42))") })).records), ['p-rome']);
    });

    it('an unknown queryable in a filter is a 400 naming it', async () => {
      await assert.rejects(search({ filter: parseCql2Text('foo = 1') }), (err: { status: number; message: string }) => err.status === 400 && /foo/.test(err.message));
    });

    it('sorts by a queryable, missing values last, in both directions', async () => {
      const asc = await search({ type: 'product', sortBy: [{ field: 'cloudCover' }] });
      assert.deepEqual(asc.records.map((r) => r.identifier), ['p-paris', 'p-paris-2021', 'p-rome', 'p-paris-cloudy', 'p-fiji', 'p-triangle']);
      const desc = await search({ type: 'product', sortBy: [{ field: 'start', direction: 'desc' }] });
      assert.deepEqual(desc.records.map((r) => r.identifier), ['p-paris-2021', 'p-paris-cloudy', 'p-rome', 'p-fiji', 'p-paris', 'p-triangle']);
    });

    it('pages never overlap or skip, on the SQL path and on the exact-check path', async () => {
      for (const query of [{ type: 'product' as const, sortBy: [{ field: 'platform' }] }, { geometry: { type: 'Polygon' as const, coordinates: [[[-180, -90], [180, -90], [180, 90], [-180, 90], [-180, -90]]] }, sortBy: [{ field: 'platform' }] }]) {
        const all = await search(query);
        const paged: string[] = [];
        for (let offset = 0; offset < all.numberMatched + 2; offset += 4) {
          const page = await catalogue.search({ ...query, limit: 4, offset }, ANONYMOUS);
          assert.equal(page.numberMatched, all.numberMatched);
          assert.equal(page.numberReturned, page.records.length);
          paged.push(...page.records.map((r) => r.identifier));
        }
        assert.deepEqual(paged, all.records.map((r) => r.identifier));
        assert.equal(new Set(paged).size, paged.length);
      }
    });

    it('facets count each value over the matched records', async () => {
      const facets = await catalogue.facets({ type: 'product' }, ANONYMOUS, ['platform', 'productType', 'orbitDirection', 'keywords']);
      assert.deepEqual(facets.platform, [{ value: 'SENTINEL-2', count: 4 }, { value: 'SENTINEL-1', count: 2 }]);
      assert.deepEqual(facets.productType, [{ value: 'GRD', count: 2 }, { value: 'S2MSI1C', count: 2 }, { value: 'S2MSI2A', count: 2 }]);
      assert.deepEqual(facets.orbitDirection, [{ value: 'DESCENDING', count: 3 }, { value: 'ASCENDING', count: 2 }]);
      assert.deepEqual(facets.keywords, [{ value: 'city', count: 4 }, { value: 'france', count: 2 }, { value: 'italy', count: 1 }, { value: 'ocean', count: 1 }]);
      const exact = await catalogue.facets({ geometry: square(1, 47, 4), relation: 'within' }, ANONYMOUS, ['productType']);
      assert.deepEqual(exact.productType, [{ value: 'S2MSI2A', count: 2 }, { value: 'S2MSI1C', count: 1 }]);
    });

    it('ranges give the least and greatest number and time over the matched records', async () => {
      const r = await catalogue.ranges({ type: 'product', parentIdentifier: 'S2' }, ANONYMOUS, ['cloudCover', 'start', 'orbitNumber']);
      assert.deepEqual(r, {
        cloudCover: { min: 5, max: 80 },
        start: { min: '2020-06-01T10:00:00.000Z', max: '2021-06-01T10:00:00.000Z' },
        orbitNumber: { min: null, max: null },
      });
      const exact = await catalogue.ranges({ geometry: square(1, 47, 4), relation: 'within' }, ANONYMOUS, ['cloudCover']);
      assert.deepEqual(exact.cloudCover, { min: 5, max: 80 });
      await assert.rejects(catalogue.ranges({}, ANONYMOUS, ['platform']), (err: { status: number }) => err.status === 400);
    });

    it('get returns the record as stored, with bbox and timestamps', async () => {
      const r = await catalogue.get('p-paris', admin);
      assert.ok(r);
      assert.deepEqual(r.bbox, [2, 48, 3, 49]);
      assert.equal(r.start, '2020-06-01T10:00:00.000Z');
      assert.equal(r.cloudCover, 5);
      assert.match(r.created, /^\d{4}-\d\d-\d\dT/);
      assert.equal(await catalogue.get('nothing', admin), undefined);
    });

    it('queryables describe the searchable properties', () => {
      const q = catalogue.queryables();
      assert.equal(q.find((x) => x.name === 'cloudCover')?.type, 'number');
      assert.equal(q.find((x) => x.name === 'platform')?.facet, true);
      assert.equal(q.find((x) => x.name === 'geometry')?.type, 'geometry');
    });
  });
}
