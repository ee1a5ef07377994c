import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { admin } from '../support.js';
import { collectionFeature, productFeature, startApi, type ApiHarness } from './support.js';

const mergePatch = 'application/merge-patch+json';

for (const kind of testDatabaseKinds()) {
  describe(`catalogue API: who may write and read (${kind.name})`, function () {
    let h: ApiHarness;
    before(async () => {
      h = await startApi(kind);
      assert.equal((await h.request('POST', '/collections', { body: collectionFeature('ALICE-C'), as: 'alice' })).status, 201);
      assert.equal((await h.request('POST', '/collections/ALICE-C/items', { body: productFeature('alice-open', 'ALICE-C'), as: 'alice' })).status, 201);
    });
    after(async () => h?.close());

    it('an anonymous write is a 401 with the challenges, before the body is read', async () => {
      for (const [method, path] of [['POST', '/collections'], ['PUT', '/collections/ALICE-C'], ['PATCH', '/collections/ALICE-C'], ['DELETE', '/collections/ALICE-C'], ['POST', '/collections/ALICE-C/items'], ['PUT', '/records/x']] as const) {
        const res = await h.request(method, path, { body: method === 'DELETE' ? undefined : collectionFeature('ALICE-C'), type: method === 'PATCH' ? mergePatch : undefined });
        assert.equal(res.status, 401, `${method} ${path}`);
        assert.equal(res.headers.get('Content-Type'), 'application/problem+json');
        assert.match(res.headers.get('WWW-Authenticate') ?? '', /ApiKey|Basic/);
      }
      assert.equal((await h.catalogue.get('ALICE-C', admin))?.title, 'Collection ALICE-C');
    });

    it("the owner is the subject that created the record; another user may not replace, patch or delete it (403)", async () => {
      assert.equal((await h.catalogue.get('alice-open', admin))?.owner, 'alice');
      assert.equal((await h.request('PUT', '/collections/ALICE-C/items/alice-open', { body: productFeature('alice-open', 'ALICE-C', { title: 'bob was here' }), as: 'bob' })).status, 403);
      assert.equal((await h.request('PATCH', '/collections/ALICE-C/items/alice-open', { body: { properties: { title: 'bob' } }, type: mergePatch, as: 'bob' })).status, 403);
      assert.equal((await h.request('DELETE', '/collections/ALICE-C/items/alice-open', { as: 'bob' })).status, 403);
      // Adding a product changes the collection: bob may not add to alice's.
      assert.equal((await h.request('POST', '/collections/ALICE-C/items', { body: productFeature('bob-1', 'ALICE-C'), as: 'bob' })).status, 403);
      assert.equal((await h.catalogue.get('alice-open', admin))?.title, 'Product alice-open');
      assert.equal((await h.catalogue.get('bob-1', admin)), undefined);
    });

    it('the owner replaces, patches and deletes their own record, and keeps owning it', async () => {
      const put = await h.request('PUT', '/collections/ALICE-C/items/alice-open', { body: productFeature('alice-open', 'ALICE-C', { title: 'Alice, revised' }), as: 'alice' });
      assert.equal(put.status, 200, put.text);
      const patch = await h.request('PATCH', '/collections/ALICE-C/items/alice-open', { body: { properties: { title: 'Alice, patched' } }, type: mergePatch, as: 'alice' });
      assert.equal(patch.status, 200, patch.text);
      const r = (await h.catalogue.get('alice-open', admin))!;
      assert.equal(r.title, 'Alice, patched');
      assert.equal(r.owner, 'alice');
    });

    it('admins write anything, by API key (X-API-Key) or HTTP Basic, and may set the owner; a user may not give a new record to another', async () => {
      const byKey = await h.request('PATCH', '/collections/ALICE-C/items/alice-open', { body: { properties: { title: 'Admin by key' } }, type: mergePatch, as: 'admin' });
      assert.equal(byKey.status, 200, byKey.text);
      const byBasic = await h.request('PUT', '/collections/ALICE-C', { body: collectionFeature('ALICE-C', { title: 'Admin by Basic' }), basic: ['dana', 'dana-secret'] });
      assert.equal(byBasic.status, 200, byBasic.text);
      assert.equal((await h.catalogue.get('ALICE-C', admin))?.owner, 'alice');
      assert.equal((await h.request('PUT', '/collections/ALICE-C', { body: collectionFeature('ALICE-C'), basic: ['dana', 'wrong'] })).status, 401);
      // Basic for a plain user: own records only.
      assert.equal((await h.request('POST', '/collections', { body: collectionFeature('ERIN-C'), basic: ['erin', 'erin-secret'] })).status, 201);
      assert.equal((await h.catalogue.get('ERIN-C', admin))?.owner, 'erin');
      const given = await h.request('POST', '/collections?owner=bob', { body: collectionFeature('FOR-BOB'), as: 'admin' });
      assert.equal(given.status, 201);
      assert.equal((await h.catalogue.get('FOR-BOB', admin))?.owner, 'bob');
      assert.equal((await h.request('PATCH', '/collections/FOR-BOB', { body: { properties: { title: "Bob's now" } }, type: mergePatch, as: 'bob' })).status, 200);
      assert.equal((await h.request('POST', '/collections?owner=bob', { body: collectionFeature('SNEAKY'), as: 'alice' })).status, 403);
      assert.equal(await h.catalogue.get('SNEAKY', admin), undefined);
    });

    it("a private record written by one user is invisible to another through GET and lists, and not writable by them (404)", async () => {
      const created = await h.request('POST', '/collections/ALICE-C/items?visibility=private', { body: productFeature('alice-secret', 'ALICE-C'), as: 'alice' });
      assert.equal(created.status, 201, created.text);
      assert.equal((await h.catalogue.get('alice-secret', admin))?.visibility, 'private');
      assert.equal((await h.request('GET', '/collections/ALICE-C/items/alice-secret', { as: 'alice' })).status, 200);
      assert.equal((await h.request('GET', '/collections/ALICE-C/items/alice-secret', { as: 'admin' })).status, 200);
      assert.equal((await h.request('GET', '/collections/ALICE-C/items/alice-secret', { as: 'bob' })).status, 404);
      assert.equal((await h.request('GET', '/collections/ALICE-C/items/alice-secret')).status, 404);
      const ids = async (as?: 'alice' | 'bob') => (await h.request('GET', '/collections/ALICE-C/items', { as })).json.features.map((f: { properties: { identifier: string } }) => f.properties.identifier);
      assert.deepEqual(await ids('alice'), ['alice-open', 'alice-secret']);
      assert.deepEqual(await ids('bob'), ['alice-open']);
      assert.deepEqual(await ids(), ['alice-open']);
      assert.equal((await h.request('GET', '/collections/ALICE-C/items', { as: 'bob' })).json.numberMatched, 1);
      // Writes by someone who cannot read it answer as if it did not exist.
      assert.equal((await h.request('DELETE', '/collections/ALICE-C/items/alice-secret', { as: 'bob' })).status, 404);
      assert.equal((await h.request('PATCH', '/collections/ALICE-C/items/alice-secret', { body: {}, type: mergePatch, as: 'bob' })).status, 404);
      // A replace keeps the visibility unless the request sets it.
      assert.equal((await h.request('PUT', '/collections/ALICE-C/items/alice-secret', { body: productFeature('alice-secret', 'ALICE-C', { title: 'still secret' }), as: 'alice' })).status, 200);
      assert.equal((await h.request('GET', '/collections/ALICE-C/items/alice-secret', { as: 'bob' })).status, 404);
      assert.equal((await h.request('PATCH', '/collections/ALICE-C/items/alice-secret?visibility=public', { body: {}, type: mergePatch, as: 'alice' })).status, 200);
      assert.equal((await h.request('GET', '/collections/ALICE-C/items/alice-secret', { as: 'bob' })).json.properties.title, 'still secret');
    });

    it('a record visible to groups is read by their members only', async () => {
      assert.equal((await h.request('POST', '/collections/ALICE-C/items?groups=team', { body: productFeature('team-only', 'ALICE-C'), as: 'alice' })).status, 201);
      assert.equal((await h.request('GET', '/collections/ALICE-C/items/team-only', { as: 'carol' })).status, 200);
      assert.equal((await h.request('GET', '/collections/ALICE-C/items/team-only', { as: 'bob' })).status, 404);
      assert.deepEqual((await h.catalogue.get('team-only', admin))?.visibility, ['team']);
      const both = await h.request('POST', '/collections/ALICE-C/items?groups=team&visibility=public', { body: productFeature('t2', 'ALICE-C'), as: 'alice' });
      assert.equal(both.status, 400);
      assert.equal(both.json.locator, 'groups');
      assert.equal((await h.request('POST', '/collections/ALICE-C/items?visibility=hidden', { body: productFeature('t3', 'ALICE-C'), as: 'alice' })).json.locator, 'visibility');
    });

    it('service and application records live under /records', async () => {
      const service = { type: 'Feature', id: 'wms', geometry: null, properties: { identifier: 'wms-eo', title: 'EO WMS', kind: 'http://purl.org/dc/dcmitype/Service' } };
      const created = await h.request('PUT', '/records/wms-eo', { body: { ...service, id: 'wms-eo' }, as: 'alice' });
      assert.equal(created.status, 201, created.text);
      assert.equal((await h.catalogue.get('wms-eo', admin))?.type, 'service');
      // A feature that does not say is a service here.
      assert.equal((await h.request('PUT', '/records/app-1', { body: { type: 'Feature', id: 'app-1', geometry: null, properties: { identifier: 'app-1', title: 'NDVI', kind: 'http://purl.org/dc/dcmitype/Software' } }, as: 'alice' })).status, 201);
      assert.equal((await h.request('PUT', '/records/untyped', { body: { type: 'Feature', id: 'untyped', geometry: null, properties: { identifier: 'untyped', title: 'x' } }, as: 'alice' })).status, 201);
      assert.equal((await h.catalogue.get('untyped', admin))?.type, 'service');
      const list = await h.request('GET', '/records');
      assert.deepEqual(list.json.features.map((f: { properties: { identifier: string } }) => f.properties.identifier), ['app-1', 'untyped', 'wms-eo']);
      assert.equal((await h.request('GET', '/records/wms-eo')).json.properties.kind, 'http://purl.org/dc/dcmitype/Service');
      assert.equal((await h.request('GET', '/records/wms-eo?f=stac')).status, 406);
      assert.equal((await h.request('GET', '/records/ALICE-C')).status, 404);
      assert.equal((await h.request('PUT', '/records/ALICE-C', { body: collectionFeature('ALICE-C'), as: 'alice' })).status, 400);
      assert.equal((await h.request('DELETE', '/records/wms-eo', { as: 'bob' })).status, 403);
      assert.equal((await h.request('DELETE', '/records/wms-eo', { as: 'alice' })).status, 204);
    });
  });
}
