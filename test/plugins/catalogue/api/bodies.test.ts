import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { validateEoGeoJson } from '../../../helpers/json-schema.js';
import { SCHEMAS_SOURCE } from '../../../helpers/xsd.js';
import { admin } from '../support.js';
import { collectionFeature, productFeature, startApi, type ApiHarness } from './support.js';

const ISO_EXAMPLE = path.join(SCHEMAS_SOURCE, 'ogc/csw/2.0.2/profiles/apiso/1.0.0/examples-ISO19139/urnHMAEUMM02AVHxxx1B.xml');

for (const kind of testDatabaseKinds()) {
  describe(`catalogue API: request bodies (${kind.name})`, function () {
    let h: ApiHarness;
    before(async () => {
      h = await startApi(kind, { bodyLimit: 64 * 1024 });
      assert.equal((await h.request('POST', '/collections', { body: collectionFeature('C'), as: 'alice' })).status, 201);
    });
    after(async () => h?.close());

    it('a body of a media type no format reads is a 415 problem naming Content-Type', async () => {
      for (const type of ['text/plain', 'image/png', 'application/x-www-form-urlencoded']) {
        const res = await h.request('POST', '/collections/C/items', { body: JSON.stringify(productFeature('p', 'C')), type, as: 'alice' });
        assert.equal(res.status, 415, type);
        assert.equal(res.headers.get('Content-Type'), 'application/problem+json');
        assert.equal(res.json.code, 'UnsupportedMediaType');
        assert.equal(res.json.locator, 'Content-Type');
        assert.match(res.json.detail, /application\/geo\+json/);
      }
      const untyped = await fetch(`${h.base}/collections/C/items`, { method: 'POST', headers: { 'X-API-Key': h.keys.alice }, body: new Uint8Array([123, 125]) });
      assert.equal(untyped.status, 415);
    });

    it('a body over the plugin body limit is a 413', async () => {
      const big = productFeature('big', 'C', { abstract: 'x'.repeat(70 * 1024) });
      const res = await h.request('POST', '/collections/C/items', { body: big, as: 'alice' });
      assert.equal(res.status, 413);
      assert.equal(res.json.code, 'PayloadTooLarge');
      assert.equal(await h.catalogue.get('big', admin), undefined);
    });

    it('broken JSON, an empty body or a document no format reads is a 400, never a 500', async () => {
      const broken = await h.request('POST', '/collections/C/items', { body: '{"type": "Feature", ', as: 'alice' });
      assert.equal(broken.status, 400);
      assert.equal(broken.json.code, 'InvalidRecord');
      assert.equal((await h.request('POST', '/collections/C/items', { body: ' ', as: 'alice' })).status, 400);
      const unknown = await h.request('POST', '/collections/C/items', { body: { hello: 'world' }, as: 'alice' });
      assert.equal(unknown.status, 400);
      assert.match(unknown.json.detail, /no format/);
      const array = await h.request('POST', '/collections/C/items', { body: [1, 2], as: 'alice' });
      assert.equal(array.status, 400);
      const patch = await h.request('PATCH', '/collections/C', { body: '[1]', type: 'application/merge-patch+json', as: 'alice' });
      assert.equal(patch.status, 400);
      assert.equal(patch.json.locator, 'body');
    });

    it('a bad record is a 400 naming the field', async () => {
      const cases: Array<[Record<string, any>, string]> = [
        [{ ...productFeature('g', 'C'), geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 1]]] } }, 'geometry'],
        [productFeature('t', 'C', { date: '2021-06-02T00:00:00Z/2021-06-01T00:00:00Z' }), 'end'],
        [productFeature('n', 'C', { title: 42 }), 'properties.title'],
        [{ type: 'Feature', id: 'x', geometry: null }, 'properties'],
      ];
      for (const [body, locator] of cases) {
        const res = await h.request('POST', '/collections/C/items', { body, as: 'alice' });
        assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
        assert.equal(res.json.locator, locator);
        assert.ok(!/\n\s+at /.test(res.text), 'no stack trace');
      }
    });

    it('an ISO 19139 XML record is read through the registered XML format, by its media type or detected as application/xml', async () => {
      const iso = readFileSync(ISO_EXAMPLE, 'utf8');
      const byType = await h.request('POST', '/collections/C/items', { body: iso, type: 'application/vnd.iso.19139+xml', as: 'alice' });
      assert.equal(byType.status, 201, byType.text);
      const r = (await h.catalogue.get('urn:HMA:EUM:M02::AVHxxx1B', admin))!;
      assert.equal(r.parentIdentifier, 'C');
      assert.equal(r.metadata?.format, 'iso19139');
      assert.equal(r.owner, 'alice');
      const eo = await h.request('GET', `/collections/C/items/${encodeURIComponent('urn:HMA:EUM:M02::AVHxxx1B')}`);
      assert.equal(eo.status, 200);
      assert.ok(validateEoGeoJson(eo.json).valid, validateEoGeoJson(eo.json).text);
      // GET in the XML format itself.
      const xml = await h.request('GET', `/collections/C/items/${encodeURIComponent('urn:HMA:EUM:M02::AVHxxx1B')}?f=iso19139`);
      assert.equal(xml.status, 200);
      assert.match(xml.headers.get('Content-Type')!, /^application\/vnd\.iso\.19139\+xml/);
      assert.match(xml.text, /MD_Metadata/);
      const detected = await h.request('PUT', `/collections/C/items/${encodeURIComponent('urn:HMA:EUM:M02::AVHxxx1B')}`, { body: iso, type: 'application/xml', as: 'alice' });
      assert.equal(detected.status, 200, detected.text);
      const notXml = await h.request('POST', '/collections/C/items', { body: '<nothing-known/>', type: 'application/xml', as: 'alice' });
      assert.equal(notXml.status, 400);
    });

    it('links into this API that come back in a body are not stored (they are made anew on every read)', async () => {
      const got = await h.request('GET', '/collections/C');
      const res = await h.request('PUT', '/collections/C', { body: got.json, as: 'alice' });
      assert.equal(res.status, 200, res.text);
      const r = (await h.catalogue.get('C', admin))!;
      assert.deepEqual(r.links ?? [], []);
    });
  });
}
