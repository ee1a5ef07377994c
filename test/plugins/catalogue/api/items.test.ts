import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { validateEoGeoJson, validateStac } from '../../../helpers/json-schema.js';
import { admin } from '../support.js';
import { collectionFeature, productFeature, stacItem, startApi, type ApiHarness } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`catalogue API: items (${kind.name})`, function () {
    let h: ApiHarness;
    before(async () => {
      h = await startApi(kind);
      for (const c of ['C', 'D']) assert.equal((await h.request('POST', '/collections', { body: collectionFeature(c), as: 'alice' })).status, 201);
    });
    after(async () => h?.close());

    it('accepts a STAC Item (detected from the document) and serves it as 17-003 and as STAC, both valid', async () => {
      const res = await h.request('POST', '/collections/C/items', { body: stacItem('S2B_20220304', 'C'), as: 'alice' });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.get('Location'), `${h.base}/collections/C/items/S2B_20220304`);
      const r = (await h.catalogue.get('S2B_20220304', admin))!;
      assert.deepEqual([r.platform, r.platformSerialIdentifier, r.instrument, r.cloudCover, r.resolution, r.start, r.parentIdentifier], ['sentinel-2', 'sentinel-2b', 'msi', 3.5, 10, '2022-03-04T10:20:30.000Z', 'C']);
      assert.equal(r.metadata?.format, 'stac');
      const eo = await h.request('GET', '/collections/C/items/S2B_20220304');
      assert.ok(validateEoGeoJson(eo.json).valid, validateEoGeoJson(eo.json).text);
      assert.equal(eo.json.properties.productInformation.cloudCover, 3.5);
      assert.deepEqual(eo.json.properties.links.up, [{ href: `${h.base}/collections/C`, type: 'application/geo+json', title: 'C' }]);
      assert.equal(eo.json.properties.links.data[0].href, 'https://data.example.org/S2B_20220304/TCI.tif');
      const stac = await h.request('GET', '/collections/C/items/S2B_20220304?f=stac');
      assert.ok(validateStac(stac.json).valid, validateStac(stac.json).text);
      assert.equal(stac.json.collection, 'C');
      assert.ok(stac.json.links.some((l: { rel: string; href: string }) => l.rel === 'collection' && l.href === `${h.base}/collections/C?f=stac`));
      assert.equal(stac.json.properties['eo:cloud_cover'], 3.5);
      // The item lives under its own collection only.
      assert.equal((await h.request('GET', '/collections/D/items/S2B_20220304')).status, 404);
      assert.equal((await h.request('GET', '/collections/X/items/S2B_20220304')).status, 404);
    });

    it('an item naming another collection, or of another type, is refused with a 400 naming the field', async () => {
      const wrong = await h.request('POST', '/collections/C/items', { body: stacItem('elsewhere', 'D'), as: 'alice' });
      assert.equal(wrong.status, 400);
      assert.equal(wrong.json.locator, 'parentIdentifier');
      const collection = await h.request('POST', '/collections/C/items', { body: collectionFeature('not-a-product'), as: 'alice' });
      assert.equal(collection.status, 400);
      assert.equal(collection.json.locator, 'type');
      const bad = await h.request('POST', '/collections/C/items', { body: stacItem('bad', 'C', { 'eo:cloud_cover': 140 }), as: 'alice' });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.code, 'InvalidRecord');
      assert.equal(bad.json.locator, 'cloudCover');
      assert.equal((await h.request('POST', '/collections/missing/items', { body: stacItem('x', 'missing'), as: 'alice' })).status, 404);
    });

    it('a FeatureCollection (or ItemCollection) is one atomic batch: all created, or none when one is bad', async () => {
      const batch = { type: 'FeatureCollection', features: [productFeature('B-1', 'C'), productFeature('B-2', undefined), productFeature('B-3', 'C')] };
      const res = await h.request('POST', '/collections/C/items', { body: batch, as: 'alice' });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.numberCreated, 3);
      assert.deepEqual(res.json.items.map((i: { id: string }) => i.id), ['B-1', 'B-2', 'B-3']);
      assert.equal((await h.request('GET', '/collections/C/items/B-2')).status, 200);

      const broken = productFeature('N-2', 'C');
      broken.properties.productInformation.cloudCover = 'cloudy';
      const failed = await h.request('POST', '/collections/C/items', { body: { type: 'FeatureCollection', features: [productFeature('N-1', 'C'), broken, productFeature('N-3', 'C')] }, as: 'alice' });
      assert.equal(failed.status, 400);
      assert.equal(failed.json.locator, 'features[1].properties.productInformation.cloudCover');
      const items = (await h.catalogue.search({ identifiers: ['N-1', 'N-2', 'N-3'] }, admin)).numberMatched;
      assert.equal(items, 0);

      // One existing identifier fails the whole batch with a 409.
      const clash = await h.request('POST', '/collections/C/items', { body: { type: 'FeatureCollection', features: [productFeature('N-1', 'C'), productFeature('B-3', 'C')] }, as: 'alice' });
      assert.equal(clash.status, 409);
      assert.equal((await h.request('GET', '/collections/C/items/N-1')).status, 404);

      const stacBatch = { type: 'FeatureCollection', features: [stacItem('I-1', 'C'), stacItem('I-2', undefined)] };
      const stac = await h.request('POST', '/collections/C/items', { body: stacBatch, as: 'alice' });
      assert.equal(stac.status, 201, stac.text);
      assert.equal((await h.catalogue.get('I-2', admin))?.metadata?.format, 'stac');
    });

    it('PATCH with a merge patch of the STAC document changes the STAC fields (the item came as STAC)', async () => {
      const tag = (await h.request('GET', '/collections/C/items/S2B_20220304?f=stac')).headers.get('ETag')!;
      const res = await h.request('PATCH', '/collections/C/items/S2B_20220304', {
        body: { properties: { 'eo:cloud_cover': 55.5, 'sat:orbit_state': 'ascending', gsd: null } },
        type: 'application/merge-patch+json',
        as: 'alice',
        headers: { 'If-Match': tag },
      });
      assert.equal(res.status, 200, res.text);
      const r = (await h.catalogue.get('S2B_20220304', admin))!;
      assert.equal(r.cloudCover, 55.5);
      assert.equal(r.orbitDirection, 'ASCENDING');
      assert.equal(r.resolution, undefined);
      assert.equal(r.platform, 'sentinel-2');
      assert.deepEqual(Object.keys(r.assets ?? {}), ['visual']);
      const found = await h.catalogue.search({ parentIdentifier: 'C', filter: undefined, q: undefined, identifiers: ['S2B_20220304'] }, admin);
      assert.equal(found.records[0]?.cloudCover, 55.5);
      // And of the 17-003 document for one received as 17-003.
      const eo = await h.request('PATCH', '/collections/C/items/B-1', {
        body: { properties: { productInformation: { cloudCover: 80 }, acquisitionInformation: [{ acquisitionParameters: { orbitNumber: 31001 } }] } },
        type: 'application/merge-patch+json',
        as: 'alice',
      });
      assert.equal(eo.status, 200, eo.text);
      const b = (await h.catalogue.get('B-1', admin))!;
      assert.equal(b.cloudCover, 80);
      assert.equal(b.orbitNumber, 31001);
      // A merge patch replaces arrays: the platform and instrument went with the first acquisitionInformation entry.
      assert.equal(b.platform, undefined);
      assert.equal((await h.request('PATCH', '/collections/C/items/B-1', { body: 'x', type: 'text/plain', as: 'alice' })).status, 415);
    });

    it('PUT replaces an item; DELETE removes it', async () => {
      const replaced = await h.request('PUT', '/collections/C/items/B-3', { body: productFeature('B-3', 'C', { title: 'Replaced' }), as: 'alice' });
      assert.equal(replaced.status, 200, replaced.text);
      assert.equal(replaced.json.properties.title, 'Replaced');
      assert.equal((await h.request('PUT', '/collections/D/items/B-3', { body: productFeature('B-3', 'D'), as: 'alice' })).status, 409);
      assert.equal((await h.request('DELETE', '/collections/C/items/B-3', { as: 'alice' })).status, 204);
      assert.equal((await h.request('GET', '/collections/C/items/B-3')).status, 404);
    });

    it("lists a collection's items in pages, by bbox, datetime and q, as 17-003 or a STAC ItemCollection", async () => {
      const all = await h.request('GET', '/collections/C/items?limit=2');
      assert.equal(all.status, 200);
      assert.equal(all.json.numberMatched, 5);
      assert.equal(all.json.features.length, 2);
      for (const f of all.json.features) assert.ok(validateEoGeoJson(f).valid);
      const paris = await h.request('GET', '/collections/C/items?bbox=1.5,47.5,3.5,49.5');
      assert.deepEqual(paris.json.features.map((f: { properties: { identifier: string } }) => f.properties.identifier), ['B-1', 'B-2']);
      const march = await h.request('GET', '/collections/C/items?datetime=2022-03-01T00:00:00Z/..&f=stac');
      assert.deepEqual(march.json.features.map((f: { id: string }) => f.id), ['I-1', 'I-2', 'S2B_20220304']);
      for (const f of march.json.features) assert.ok(validateStac(f).valid, validateStac(f).text);
      assert.equal((await h.request('GET', '/collections/C/items?q=Product')).json.numberMatched, 2);
      assert.equal((await h.request('GET', '/collections/nope/items')).status, 404);
    });
  });
}
