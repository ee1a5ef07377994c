import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import type { CatalogueRecordInput, CatalogueService } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, startCatalogue, type CatalogueHarness } from './support.js';

const square = (x: number, y: number) => ({ type: 'Polygon' as const, coordinates: [[[x, y], [x + 1, y], [x + 1, y + 1], [x, y + 1], [x, y]]] });

const versionA: CatalogueRecordInput = { identifier: 'flip', type: 'product', parentIdentifier: 'C', title: 'alpha scene', keywords: ['ka'], geometry: square(10, 10), start: '2020-01-01T00:00:00Z', platform: 'A-SAT' };
const versionB: CatalogueRecordInput = { identifier: 'flip', type: 'product', parentIdentifier: 'C', title: 'beta scene', keywords: ['kb'], geometry: square(-50, -20), start: '2022-01-01T00:00:00Z', platform: 'B-SAT' };

for (const kind of testDatabaseKinds()) {
  describe(`catalogue writes (${kind.name})`, function () {
    let h: CatalogueHarness;
    let catalogue: CatalogueService;
    beforeEach(async () => {
      h = await startCatalogue(kind);
      catalogue = h.catalogue;
      await catalogue.upsert([{ identifier: 'C', type: 'collection', title: 'collection' }]);
    });
    afterEach(async () => h?.close());

    const find = async (query: Parameters<CatalogueService['search']>[0]) => (await catalogue.search({ limit: 100, ...query }, admin)).records.map((r) => r.identifier);

    it('replacing a record updates its row, full-text, spatial and keyword entries together and keeps created', async () => {
      const [first] = await catalogue.upsert([versionA]);
      await new Promise((r) => setTimeout(r, 5));
      const [second] = await catalogue.upsert([versionB]);
      assert.equal(second!.created, first!.created);
      assert.ok(second!.updated > first!.updated);
      assert.deepEqual(await find({ q: 'alpha' }), []);
      assert.deepEqual(await find({ q: 'beta' }), ['flip']);
      assert.deepEqual(await find({ bbox: [10, 10, 11, 11] }), []);
      assert.deepEqual(await find({ bbox: [-50, -20, -49, -19] }), ['flip']);
      assert.deepEqual((await catalogue.facets({ type: 'product' }, admin, ['keywords', 'platform'])), { keywords: [{ value: 'kb', count: 1 }], platform: [{ value: 'B-SAT', count: 1 }] });
      assert.equal((await catalogue.search({ limit: 0 }, admin)).numberMatched, 2);
    });

    it('delete removes the record from every index', async () => {
      await catalogue.upsert([versionA]);
      assert.equal(await catalogue.delete(['flip', 'never-there']), 1);
      assert.deepEqual(await find({ q: 'alpha' }), []);
      assert.deepEqual(await find({ bbox: [10, 10, 11, 11] }), []);
      assert.deepEqual((await catalogue.facets({}, admin, ['keywords'])).keywords, []);
      assert.equal(await catalogue.get('flip', admin), undefined);
      // The identifier is free again.
      await catalogue.upsert([versionB]);
      assert.deepEqual(await find({ q: 'beta' }), ['flip']);
    });

    it('patch changes some fields atomically, null removes one, indexes follow', async () => {
      const [first] = await catalogue.upsert([versionA]);
      const patched = await catalogue.patch('flip', { title: 'gamma scene', cloudCover: 42, platform: null, geometry: square(-50, -20) });
      assert.equal(patched.title, 'gamma scene');
      assert.equal(patched.cloudCover, 42);
      assert.equal(patched.platform, undefined);
      assert.equal(patched.created, first!.created);
      assert.deepEqual(patched.keywords, ['ka']);
      assert.deepEqual(patched.bbox, [-50, -20, -49, -19]);
      assert.deepEqual(await find({ q: 'gamma', bbox: [-50, -20, -49, -19] }), ['flip']);
      assert.deepEqual(await find({ q: 'alpha' }), []);
      assert.deepEqual((await catalogue.facets({ type: 'product' }, admin, ['platform'])).platform, []);
      await assert.rejects(catalogue.patch('nope', { title: 'x' }), (err: { status: number }) => err.status === 404);
      await assert.rejects(catalogue.patch('flip', { identifier: 'other' }), (err: { status: number }) => err.status === 400);
      await assert.rejects(catalogue.patch('flip', { cloudCover: 200 }), (err: { status: number }) => err.status === 400);
      assert.equal((await catalogue.get('flip', admin))?.cloudCover, 42);
    });

    it('concurrent upserts of one new identifier both succeed, the last one stays', async () => {
      const results = await Promise.all([catalogue.upsert([versionA]), catalogue.upsert([versionB]), catalogue.upsert([versionA])]);
      assert.equal(results.length, 3);
      assert.equal((await catalogue.search({ type: 'product', limit: 0 }, admin)).numberMatched, 1);
      const r = await catalogue.get('flip', admin);
      assert.ok(r?.title === 'alpha scene' || r?.title === 'beta scene');
      assert.deepEqual(await find({ q: r.title!.split(' ')[0]! }), ['flip']);
    });

    it('concurrent patches of different fields both apply', async () => {
      await catalogue.upsert([versionA]);
      await Promise.all([catalogue.patch('flip', { cloudCover: 7 }), catalogue.patch('flip', { snowCover: 3 }), catalogue.patch('flip', { resolution: 10 })]);
      const r = await catalogue.get('flip', admin);
      assert.deepEqual([r?.cloudCover, r?.snowCover, r?.resolution], [7, 3, 10]);
    });

    it('a collection is deleted only with its products', async () => {
      await catalogue.upsert([versionA]);
      await assert.rejects(catalogue.delete(['C']), (err: { status: number; code: string }) => err.status === 409 && err.code === 'CollectionNotEmpty');
      assert.ok(await catalogue.get('C', admin));
      assert.equal(await catalogue.delete(['C', 'flip']), 2);
      assert.equal((await catalogue.search({ limit: 0 }, admin)).numberMatched, 0);
    });

    it('a collection with products keeps its type: a replace or patch making it something else is refused, whole', async () => {
      await catalogue.upsert([versionA]);
      const refused = (err: { status: number; code: string; locator?: string }) => err.status === 409 && err.code === 'CollectionNotEmpty' && err.locator === 'type';
      await assert.rejects(catalogue.upsert([{ identifier: 'C', type: 'product', title: 'was a collection' }]), refused);
      await assert.rejects(catalogue.patch('C', { type: 'service' }), refused);
      const c = await catalogue.get('C', admin);
      assert.equal(c?.type, 'collection');
      assert.notEqual(c?.title, 'was a collection');
      // Without its products it may change.
      await catalogue.delete(['flip']);
      assert.equal((await catalogue.patch('C', { type: 'service' })).type, 'service');
    });

    it('a bad record rolls back the whole batch', async () => {
      await catalogue.upsert([versionA]);
      const bad = { identifier: 'bad', type: 'product', parentIdentifier: 'C', geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1]]] } } as CatalogueRecordInput;
      await assert.rejects(catalogue.upsert([{ ...versionB }, { identifier: 'ok', type: 'product', parentIdentifier: 'C' }, bad]), (err: { status: number }) => err.status === 400);
      assert.equal((await catalogue.get('flip', admin))?.title, 'alpha scene');
      assert.equal(await catalogue.get('ok', admin), undefined);
      assert.deepEqual(await find({ q: 'beta' }), []);
    });

    it('refuses invalid records with 400s naming the field', async () => {
      const cases: Array<[Partial<CatalogueRecordInput>, string]> = [
        [{ identifier: '' }, 'identifier'],
        [{ type: 'granule' as 'product' }, 'type'],
        [{ cloudCover: 101 }, 'cloudCover'],
        [{ start: 'yesterday' }, 'start'],
        [{ start: '2020-02-01', end: '2020-01-01' }, 'end'],
        [{ parentIdentifier: 'no-such-collection' }, 'parentIdentifier'],
        [{ visibility: 'friends' as 'public' }, 'visibility'],
      ];
      for (const [patch, locator] of cases) {
        await assert.rejects(catalogue.upsert([{ ...versionA, ...patch }]), (err: { status: number; locator?: string }) => err.status === 400 && err.locator === locator, locator);
      }
      await assert.rejects(catalogue.upsert([versionA, versionB]), /twice/);
    });

    it('keeps the original metadata document as received', async () => {
      const content = '<gmd:MD_Metadata xmlns:gmd="http://www.isotc211.org/2005/gmd">\n  <!-- as received -->\n</gmd:MD_Metadata>';
      await catalogue.upsert([{ ...versionA, metadata: { format: 'iso19139', content }, offerings: [{ code: 'http://www.opengis.net/spec/owc-geojson/1.0/req/wms' }] }]);
      const r = await catalogue.get('flip', ANONYMOUS);
      assert.deepEqual(r?.metadata, { format: 'iso19139', content });
      assert.equal(r?.offerings?.[0]?.code, 'http://www.opengis.net/spec/owc-geojson/1.0/req/wms');
    });

    it('a concurrent reader sees the old record or the new one, never a mix of row, full-text and spatial entries', async () => {
      await catalogue.upsert([versionA]);
      let writing = true;
      const writer = (async () => {
        for (let i = 0; i < 40; i++) await catalogue.upsert([i % 2 === 0 ? versionB : versionA]);
        writing = false;
      })();
      let reads = 0;
      while (writing || reads < 5) {
        const [record, alphaHere, betaHere, alphaThere, betaThere] = await Promise.all([
          catalogue.get('flip', admin),
          catalogue.search({ q: 'alpha', bbox: [10, 10, 11, 11], limit: 0 }, admin),
          catalogue.search({ q: 'beta', bbox: [-50, -20, -49, -19], limit: 0 }, admin),
          catalogue.search({ q: 'alpha', bbox: [-50, -20, -49, -19] }, admin),
          catalogue.search({ q: 'beta', bbox: [10, 10, 11, 11] }, admin),
        ]);
        assert.ok(record, 'the record never disappears during a replace');
        assert.ok((record.title === 'alpha scene' && record.platform === 'A-SAT' && record.keywords?.[0] === 'ka') || (record.title === 'beta scene' && record.platform === 'B-SAT' && record.keywords?.[0] === 'kb'), JSON.stringify(record));
        // A title with the other version's footprint never exists.
        assert.equal(alphaThere.numberMatched + alphaThere.records.length + betaThere.numberMatched + betaThere.records.length, 0);
        // Each search is one statement: its count and page agree.
        for (const r of [alphaHere, betaHere]) assert.equal(r.numberReturned, r.records.length);
        assert.ok(alphaHere.numberMatched <= 1 && betaHere.numberMatched <= 1);
        reads++;
      }
      await writer;
      assert.ok(reads >= 5);
    });
  });
}
