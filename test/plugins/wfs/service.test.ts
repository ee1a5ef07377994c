/** The WFS as the platform sees it: its registry entry and conformance classes, config checks, and responses of any size streamed from engine pages. */
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, get, startWfs, xpath, type WfsHarness } from './support.js';

const COUNT = 5000;

for (const kind of testDatabaseKinds()) {
  describe(`wfs service (${kind.name})`, function () {
    this.timeout(120_000);
    let h: WfsHarness;
    before(async () => {
      h = await startWfs(kind, { features: { maxLimit: 500 }, wfs: { defaultCount: 1000 } });
      await h.features.createCollection({ id: 'grid', geometryType: 'Point', properties: [{ name: 'n', type: 'integer' }] }, admin);
      const features = Array.from({ length: COUNT }, (_, n) => ({ properties: { n }, geometry: { type: 'Point' as const, coordinates: [(n % 100) / 10, Math.floor(n / 100) / 10] } }));
      await h.features.transaction([{ op: 'insert', collection: 'grid', features }], admin);
    });
    after(async () => h?.close());

    it('registers the WFS service and its conformance classes', async () => {
      const services = (await (await fetch(`${h.server.url}/services`, { headers: { Accept: 'application/json' } })).json()) as unknown;
      const list = (Array.isArray(services) ? services : (services as { services: unknown[] }).services) as Array<{ type: string; versions: string[]; url: string; capabilitiesUrl: string }>;
      const wfs = list.find((s) => s.type === 'WFS');
      assert.ok(wfs, JSON.stringify(services));
      assert.deepEqual(wfs.versions, ['2.0.0', '1.1.0']);
      assert.match(wfs.capabilitiesUrl, /\/wfs\?service=WFS&request=GetCapabilities$/);
      const caps = await fetch(new URL(wfs.capabilitiesUrl, h.server.url)).then((r) => r.text());
      assert.deepEqual(xpath(caps, '/wfs:WFS_Capabilities/@version'), ['2.0.0']);
      const conformance = JSON.stringify(await (await fetch(`${h.server.url}/conformance`, { headers: { Accept: 'application/json' } })).json());
      for (const c of ['basic-wfs', 'transactional-wfs', 'response-paging', 'http-get', 'http-post']) assert.ok(conformance.includes(`http://www.opengis.net/spec/wfs/2.0/conf/${c}`), c);
    });

    it('streams a response larger than an engine page, every feature once, in GML and GeoJSON', async () => {
      const gml = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:grid', count: String(COUNT) });
      assert.equal(gml.status, 200);
      assert.deepEqual(xpath(gml.body, '/wfs:FeatureCollection/@numberReturned'), [String(COUNT)]);
      const values = xpath(gml.body, '//meridian:grid/meridian:n').map(Number);
      assert.equal(values.length, COUNT);
      assert.equal(new Set(values).size, COUNT);
      const json = JSON.parse((await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:grid', count: String(COUNT), outputformat: 'application/json' })).body) as { numberReturned: number; features: Array<{ id: string }> };
      assert.equal(json.numberReturned, COUNT);
      assert.equal(new Set(json.features.map((f) => f.id)).size, COUNT);
      // Without COUNT: CountDefault, with a next link.
      const page = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:grid', resulttype: 'results' });
      assert.deepEqual(xpath(page.body, '/wfs:FeatureCollection/@numberReturned'), ['1000']);
      assert.equal(xpath(page.body, '/wfs:FeatureCollection/@next').length, 1);
    });

    it('keeps answering after a client drops a streamed response half-way', async () => {
      const controller = new AbortController();
      const res = await fetch(`${h.url}?service=WFS&version=2.0.0&request=GetFeature&typenames=meridian:grid&count=${COUNT}`, { signal: controller.signal });
      const reader = res.body!.getReader();
      await reader.read();
      controller.abort();
      await reader.read().catch(() => undefined);
      const after = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:grid', resulttype: 'hits' });
      assert.deepEqual(xpath(after.body, '/wfs:FeatureCollection/@numberMatched'), [String(COUNT)]);
    });

    it('refuses a config with unknown keys or bad values', async () => {
      const test = testDatabaseKinds()[0]!;
      await assert.rejects(() => startWfs(test, { wfs: { maxCount: 0 } }), /plugins\.wfs\.maxCount/);
      await assert.rejects(() => startWfs(test, { wfs: { namespace: { prefix: '1bad', uri: 'x' } } }), /plugins\.wfs\.namespace\.prefix/);
      await assert.rejects(() => startWfs(test, { wfs: { joins: true } }), /plugins\.wfs/);
      await assert.rejects(() => startWfs(test, { wfs: { maxLockExpiry: 0 } }), /plugins\.wfs\.maxLockExpiry/);
    });
  });
}
