import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { validateEoGeoJson, validateStac } from '../../../helpers/json-schema.js';
import { collectionFeature, productFeature, startApi, type ApiHarness } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`catalogue API: collections (${kind.name})`, function () {
    let h: ApiHarness;
    before(async () => {
      h = await startApi(kind);
    });
    after(async () => h?.close());

    it('the landing page links the collections, the records and the API description', async () => {
      const res = await h.request('GET', '');
      assert.equal(res.status, 200);
      const rels = Object.fromEntries((res.json.links as Array<{ rel: string; href: string }>).map((l) => [l.rel, l.href]));
      assert.equal(rels.self, h.base);
      assert.equal(rels.data, `${h.base}/collections`);
      assert.equal(rels.records, `${h.base}/records`);
      const openapi = await h.request('GET', rels['service-desc']!);
      assert.equal(openapi.status, 200);
      for (const path of ['/catalogue/collections', '/catalogue/collections/{cid}', '/catalogue/collections/{cid}/items', '/catalogue/collections/{cid}/items/{id}', '/catalogue/records/{id}', '/catalogue/import']) {
        if (path !== '/catalogue/import') assert.ok(openapi.json.paths[path], `OpenAPI has ${path}`);
      }
      assert.ok(openapi.json.paths['/catalogue/collections/{cid}'].patch);
      const services = await h.request('GET', `${h.server.url}/services`);
      assert.ok(services.json.services.some((s: { type: string; url: string }) => s.type === 'Catalogue API' && s.url === h.base), JSON.stringify(services.json));
    });

    it('POST creates a collection: 201, Location, ETag, the 17-084 document; a second POST of it is a 409', async () => {
      const res = await h.request('POST', '/collections', { body: collectionFeature('S2-L2A'), as: 'alice' });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.get('Location'), `${h.base}/collections/S2-L2A`);
      assert.match(res.headers.get('ETag')!, /^"[\w-]+\.ogc17-003"$/);
      assert.equal(res.headers.get('Content-Type'), 'application/geo+json');
      assert.equal(res.json.id, `${h.base}/collections/S2-L2A`);
      assert.equal(res.json.properties.kind, 'http://purl.org/dc/dcmitype/Collection');
      assert.equal(res.json.properties.date, '2020-01-01T00:00:00.000Z/..');
      const v = validateEoGeoJson(res.json);
      assert.ok(v.valid, v.text);
      const again = await h.request('POST', '/collections', { body: collectionFeature('S2-L2A'), as: 'alice' });
      assert.equal(again.status, 409);
      assert.equal(again.headers.get('Content-Type'), 'application/problem+json');
      assert.equal(again.json.code, 'RecordExists');
    });

    it('GET reads it as 17-084 by default and as a STAC Collection with ?f=stac or a STAC profile in Accept', async () => {
      const eo = await h.request('GET', '/collections/S2-L2A');
      assert.equal(eo.status, 200);
      assert.ok(validateEoGeoJson(eo.json).valid);
      assert.equal(eo.json.properties.links.alternates[0].href, `${h.base}/collections/S2-L2A?f=stac`);
      const stac = await h.request('GET', '/collections/S2-L2A?f=stac');
      assert.equal(stac.status, 200);
      assert.match(stac.headers.get('Content-Type')!, /^application\/json\b/);
      assert.ok(validateStac(stac.json).valid, validateStac(stac.json).text);
      assert.equal(stac.json.id, 'S2-L2A');
      assert.deepEqual(stac.json.extent.temporal.interval, [['2020-01-01T00:00:00.000Z', null]]);
      const rels = (stac.json.links as Array<{ rel: string; href: string }>).map((l) => `${l.rel} ${l.href}`);
      assert.ok(rels.includes(`self ${h.base}/collections/S2-L2A?f=stac`));
      assert.ok(rels.includes(`items ${h.base}/collections/S2-L2A/items?f=stac`));
      const byAccept = await h.request('GET', '/collections/S2-L2A', { headers: { Accept: 'application/json; profile="https://stacspec.org"' } });
      assert.equal(byAccept.json.type, 'Collection');
      // One version, one tag per encoding; either guards a write.
      assert.notEqual(stac.headers.get('ETag'), eo.headers.get('ETag'));
      assert.equal(stac.headers.get('ETag')!.split('.')[0], eo.headers.get('ETag')!.split('.')[0]);
      const cached = await h.request('GET', '/collections/S2-L2A', { headers: { 'If-None-Match': eo.headers.get('ETag')! } });
      assert.equal(cached.status, 304);
      assert.equal((await h.request('GET', '/collections/S2-L2A?f=nope')).json.locator, 'f');
      assert.equal((await h.request('GET', '/collections/S2-L2A', { headers: { Accept: 'image/png' } })).status, 406);
      assert.equal((await h.request('GET', '/collections/none')).status, 404);
    });

    it('PUT replaces it under If-Match; a stale entity tag is a 412 and changes nothing', async () => {
      const current = await h.request('GET', '/collections/S2-L2A');
      const etag = current.headers.get('ETag')!;
      const res = await h.request('PUT', '/collections/S2-L2A', { body: collectionFeature('S2-L2A', { title: 'Sentinel-2 L2A, renamed' }), as: 'alice', headers: { 'If-Match': etag } });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.json.properties.title, 'Sentinel-2 L2A, renamed');
      assert.notEqual(res.headers.get('ETag'), etag);
      const stale = await h.request('PUT', '/collections/S2-L2A', { body: collectionFeature('S2-L2A', { title: 'lost update' }), as: 'alice', headers: { 'If-Match': etag } });
      assert.equal(stale.status, 412);
      assert.equal(stale.json.code, 'PreconditionFailed');
      assert.equal((await h.request('GET', '/collections/S2-L2A')).json.properties.title, 'Sentinel-2 L2A, renamed');
      // The tag of the STAC representation guards a write as well.
      const stacTag = (await h.request('GET', '/collections/S2-L2A?f=stac')).headers.get('ETag')!;
      const ok = await h.request('PUT', '/collections/S2-L2A', { body: collectionFeature('S2-L2A', { title: 'via STAC tag' }), as: 'alice', headers: { 'If-Match': stacTag } });
      assert.equal(ok.status, 200);
      assert.equal((await h.request('PUT', '/collections/S2-L2A', { body: collectionFeature('S2-L2A'), as: 'alice', headers: { 'If-Match': `W/${stacTag}` } })).status, 412);
      // The body must be the record the URL names.
      const other = await h.request('PUT', '/collections/S2-L2A', { body: collectionFeature('another'), as: 'alice' });
      assert.equal(other.status, 400);
      assert.equal(other.json.locator, 'identifier');
    });

    it('of concurrent PUTs under one If-Match exactly one wins; without If-Match each applies in turn', async () => {
      const etag = (await h.request('GET', '/collections/S2-L2A')).headers.get('ETag')!;
      const put = (title: string, headers: Record<string, string>) => h.request('PUT', '/collections/S2-L2A', { body: collectionFeature('S2-L2A', { title }), as: 'alice', headers });
      const guarded = await Promise.all(['a', 'b', 'c', 'd'].map((t) => put(t, { 'If-Match': etag })));
      assert.deepEqual(guarded.map((r) => r.status).sort(), [200, 412, 412, 412], guarded.map((r) => r.text.slice(0, 200)).join('\n'));
      const free = await Promise.all(['e', 'f', 'g'].map((t) => put(t, {})));
      assert.deepEqual(free.map((r) => r.status), [200, 200, 200]);
      assert.ok(['e', 'f', 'g'].includes((await h.request('GET', '/collections/S2-L2A')).json.properties.title));
    });

    it('PUT of an unknown identifier creates it (201), but not under an If-Match (412)', async () => {
      assert.equal((await h.request('PUT', '/collections/NEW', { body: collectionFeature('NEW'), as: 'alice', headers: { 'If-Match': '"abc.ogc17-003"' } })).status, 412);
      const res = await h.request('PUT', '/collections/NEW', { body: collectionFeature('NEW'), as: 'alice' });
      assert.equal(res.status, 201);
      assert.equal(res.headers.get('Location'), `${h.base}/collections/NEW`);
    });

    it('PATCH applies a JSON merge patch to the 17-084 document: changed members set, nulls removed, the rest kept', async () => {
      const before = await h.request('GET', '/collections/NEW');
      const res = await h.request('PATCH', '/collections/NEW', {
        body: { properties: { title: 'Patched title', abstract: null, keyword: ['land', 'vegetation'], productInformation: { processingLevel: '2' } } },
        type: 'application/merge-patch+json',
        as: 'alice',
        headers: { 'If-Match': before.headers.get('ETag')! },
      });
      assert.equal(res.status, 200, res.text);
      const r = (await h.catalogue.get('NEW', { id: 'root', issuer: '', claims: {}, groups: ['admin'], anonymous: false, method: 'test' }))!;
      assert.equal(r.title, 'Patched title');
      assert.equal(r.abstract, undefined);
      assert.deepEqual(r.keywords, ['land', 'vegetation']);
      assert.equal(r.processingLevel, '2');
      assert.equal(r.platform, 'Sentinel-2');
      assert.equal(r.openEnd, true);
      assert.equal(r.owner, 'alice');
      assert.equal(r.metadata?.format, 'ogc17-003');
      // Members the document always has (status, updated) did not leak into the record.
      assert.equal(r.status, 'ARCHIVED');
      assert.equal(r.modificationDate, '2024-01-01T00:00:00.000Z');
      const stale = await h.request('PATCH', '/collections/NEW', { body: { properties: { title: 'x' } }, type: 'application/merge-patch+json', as: 'alice', headers: { 'If-Match': before.headers.get('ETag')! } });
      assert.equal(stale.status, 412);
      const rename = await h.request('PATCH', '/collections/NEW', { body: { properties: { identifier: 'OTHER' } }, type: 'application/merge-patch+json', as: 'alice' });
      assert.equal(rename.status, 400);
      assert.equal(rename.json.locator, 'identifier');
      const bad = await h.request('PATCH', '/collections/NEW', { body: { properties: { date: 'whenever' } }, type: 'application/merge-patch+json', as: 'alice' });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.locator, 'properties.date');
      assert.equal((await h.request('PATCH', '/collections/none', { body: {}, type: 'application/merge-patch+json', as: 'alice' })).status, 404);
    });

    it('lists collections in pages with next and prev links', async () => {
      const page = await h.request('GET', '/collections?limit=1');
      assert.equal(page.status, 200);
      assert.equal(page.json.type, 'FeatureCollection');
      assert.equal(page.json.numberMatched, 2);
      assert.equal(page.json.numberReturned, 1);
      const next = (page.json.links as Array<{ rel: string; href: string }>).find((l) => l.rel === 'next')!;
      const second = await h.request('GET', next.href);
      assert.deepEqual([page.json.features[0].properties.identifier, second.json.features[0].properties.identifier], ['NEW', 'S2-L2A']);
      assert.ok(second.json.links.some((l: { rel: string }) => l.rel === 'prev'));
      assert.ok(!second.json.links.some((l: { rel: string }) => l.rel === 'next'));
      const stac = await h.request('GET', '/collections?f=stac');
      assert.deepEqual(stac.json.collections.map((c: { id: string }) => c.id), ['NEW', 'S2-L2A']);
      for (const c of stac.json.collections) assert.ok(validateStac(c).valid);
      assert.equal((await h.request('GET', '/collections?limit=100000')).json.locator, 'limit');
      assert.equal((await h.request('GET', '/collections?bbox=1,2,3')).json.locator, 'bbox');
      assert.equal((await h.request('GET', '/collections?datetime=soon')).json.locator, 'datetime');
      assert.equal((await h.request('GET', '/collections?datetime=2019-01-01T00:00:00Z/2019-02-01T00:00:00Z')).json.numberMatched, 0);
      assert.equal((await h.request('GET', '/collections?datetime=2031-01-01T00:00:00Z')).json.numberMatched, 2);
    });

    it('DELETE of a collection with products is a 409; without them, a 204 and it is gone', async () => {
      assert.equal((await h.request('POST', '/collections/NEW/items', { body: productFeature('P-1', 'NEW'), as: 'alice' })).status, 201);
      const busy = await h.request('DELETE', '/collections/NEW', { as: 'alice' });
      assert.equal(busy.status, 409);
      assert.equal(busy.json.code, 'CollectionNotEmpty');
      assert.equal((await h.request('DELETE', '/collections/NEW/items/P-1', { as: 'alice' })).status, 204);
      const tag = (await h.request('GET', '/collections/NEW')).headers.get('ETag')!;
      assert.equal((await h.request('DELETE', '/collections/NEW', { as: 'alice', headers: { 'If-Match': '"stale.ogc17-003"' } })).status, 412);
      assert.equal((await h.request('DELETE', '/collections/NEW', { as: 'alice', headers: { 'If-Match': tag } })).status, 204);
      assert.equal((await h.request('GET', '/collections/NEW')).status, 404);
      assert.equal((await h.request('DELETE', '/collections/NEW', { as: 'alice' })).status, 404);
    });
  });
}
