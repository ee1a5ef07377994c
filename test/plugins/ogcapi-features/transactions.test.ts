/**
 * Part 4 (create, replace, update, delete) on every database kind: each write enforced by the
 * policy (401 with a challenge for anonymous clients, 403 for others, owners and admins allowed),
 * 201 with Location, bodies in the Content-Crs (axis order included) and stored in the collection's
 * CRS, FeatureCollections all or none, merge patches, and the errors of bad bodies.
 */
import assert from 'node:assert/strict';
import { authenticatedSubject, LOCAL_USER_ISSUER } from '../../../core/auth/index.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { addCollection, PARCELS, parcelFeatures, PLACES, run, startFeaturesApi, townFeatures, type FeaturesApiHarness } from './support.js';

const alice = authenticatedSubject({ id: 'alice', issuer: LOCAL_USER_ISSUER, method: 'apikey', groups: [] });
const point = (lon: number, lat: number, name: string, extra: Record<string, unknown> = {}) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { name, ...extra } });

for (const kind of testDatabaseKinds()) {
  describe(`ogcapi-features transactions (${kind.name})`, function () {
    this.timeout(60_000);
    let h: FeaturesApiHarness;
    before(async () => {
      h = await startFeaturesApi(kind, { api: { crs: ['http://www.opengis.net/def/crs/EPSG/0/4326', 'http://www.opengis.net/def/crs/EPSG/0/2056'] } });
      await addCollection(h.features, PLACES, townFeatures());
      await addCollection(h.features, PARCELS, parcelFeatures());
      await h.features.createCollection({ id: 'sketches', title: 'Alice\'s sketches', geometryType: 'Geometry', properties: [{ name: 'name', type: 'string' }] }, alice);
    });
    after(async () => h?.close());

    const count = async (collection: string) => (await h.get(`/collections/${collection}/items?limit=1`)).json.numberMatched as number;

    it('creates a feature: 201 with Location, readable there with the body\'s properties', async () => {
      const res = await h.request('POST', '/collections/places/items', { as: 'admin', body: point(7.0, 46.1, 'Martigny', { population: 21000, canton: 'VS' }) });
      assert.equal(res.status, 201, res.text);
      const location = res.headers.get('location')!;
      assert.match(location, new RegExp(`^${h.base}/collections/places/items/[^/]+$`));
      const read = await h.get(location);
      assert.equal(read.status, 200);
      assert.deepEqual(read.json.geometry, { type: 'Point', coordinates: [7.0, 46.1] });
      assert.equal(read.json.properties.name, 'Martigny');
      assert.equal(read.json.properties.population, 21000);
      assert.equal(read.json.properties.capital, null);
    });

    it('keeps an id given in the body, and refuses it when taken (409)', async () => {
      const res = await h.request('POST', '/collections/places/items', { as: 'admin', body: { ...point(8.3, 47.05, 'Luzern'), id: 'luzern' } });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.get('location'), `${h.base}/collections/places/items/luzern`);
      const again = await h.request('POST', '/collections/places/items', { as: 'admin', body: { ...point(8.3, 47.05, 'Luzern'), id: 'luzern' } });
      assert.equal(again.status, 409, again.text);
      assert.match(again.headers.get('content-type')!, /^application\/problem\+json/);
    });

    it('reads the body in the Content-Crs, EPSG:4326 in latitude, longitude order', async () => {
      const res = await h.request('POST', '/collections/places/items', { as: 'admin', headers: { 'Content-Crs': '<http://www.opengis.net/def/crs/EPSG/0/4326>' }, body: { ...point(46.02, 7.75, 'Zermatt'), id: 'zermatt' } });
      assert.equal(res.status, 201, res.text);
      assert.deepEqual((await h.get('/collections/places/items/zermatt')).json.geometry.coordinates, [7.75, 46.02]);
      const bad = await h.request('POST', '/collections/places/items', { as: 'admin', headers: { 'Content-Crs': '<http://www.opengis.net/def/crs/EPSG/0/25832>' }, body: point(0, 0, 'x') });
      assert.equal(bad.status, 400);
      assert.equal(bad.json.locator, 'Content-Crs');
    });

    it('stores a CRS84 body in a collection kept in LV95, where PROJ puts it', async () => {
      const res = await h.request('POST', '/collections/parcels/items', {
        as: 'admin',
        body: { type: 'Feature', id: 'p9', geometry: { type: 'Polygon', coordinates: [[[7.44, 46.95], [7.441, 46.95], [7.441, 46.951], [7.44, 46.95]]] }, properties: { owner_name: 'new' } },
      });
      assert.equal(res.status, 201, res.text);
      const native = (await h.get('/collections/parcels/items/p9?crs=http://www.opengis.net/def/crs/EPSG/0/2056')).json.geometry.coordinates[0] as number[][];
      const expected = await run('gdaltransform', ['-s_srs', 'OGC:CRS84', '-t_srs', 'EPSG:2056', '-output_xy'], { input: '7.44 46.95\n7.441 46.951\n' });
      const [[x0, y0], [x1, y1]] = expected.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number)) as [[number, number], [number, number]];
      for (const [[ax, ay], [ex, ey]] of [[native[0]!, [x0, y0]], [native[2]!, [x1, y1]]] as const) assert.ok(Math.abs(ax! - ex) < 0.01 && Math.abs(ay! - ey) < 0.01, `${ax} ${ay} vs ${ex} ${ey}`);
    });

    it('creates every feature of a FeatureCollection, or none when one is bad', async () => {
      const before = await count('places');
      const batch = { type: 'FeatureCollection', features: [point(6.9, 46.4, 'Vevey'), point(6.91, 46.43, 'Montreux')] };
      const res = await h.request('POST', '/collections/places/items', { as: 'admin', body: batch });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.json.numberCreated, 2);
      assert.deepEqual((await h.get(res.json.items[1].href)).json.properties.name, 'Montreux');
      assert.equal(await count('places'), before + 2);
      const bad = { type: 'FeatureCollection', features: [point(6.1, 46.1, 'Nyon'), point(6.2, 46.2, 'Rolle', { population: 'many' })] };
      const refused = await h.request('POST', '/collections/places/items', { as: 'admin', body: bad });
      assert.equal(refused.status, 400, refused.text);
      assert.equal(await count('places'), before + 2);
    });

    it('replaces a feature with PUT (204), and answers 404 for one that does not exist', async () => {
      const res = await h.request('PUT', '/collections/places/items/luzern', { as: 'admin', body: point(8.31, 47.05, 'Lucerne', { canton: 'LU', population: 82000 }) });
      assert.equal(res.status, 204, res.text);
      const read = (await h.get('/collections/places/items/luzern')).json;
      assert.deepEqual(read.geometry.coordinates, [8.31, 47.05]);
      assert.deepEqual([read.properties.name, read.properties.canton, read.properties.population], ['Lucerne', 'LU', 82000]);
      assert.equal((await h.request('PUT', '/collections/places/items/nothing', { as: 'admin', body: point(0, 0, 'x') })).status, 404);
    });

    it('updates a feature with a merge patch: members set, null clears, others kept; geometry in the Content-Crs', async () => {
      const res = await h.request('PATCH', '/collections/places/items/luzern', { as: 'admin', type: 'application/merge-patch+json', body: { properties: { population: 83000, canton: null } } });
      assert.equal(res.status, 204, res.text);
      let read = (await h.get('/collections/places/items/luzern')).json;
      assert.deepEqual([read.properties.name, read.properties.canton, read.properties.population], ['Lucerne', null, 83000]);
      const moved = await h.request('PATCH', '/collections/places/items/luzern', { as: 'admin', type: 'application/merge-patch+json', headers: { 'Content-Crs': '<http://www.opengis.net/def/crs/EPSG/0/4326>' }, body: { geometry: { type: 'Point', coordinates: [47.06, 8.32] } } });
      assert.equal(moved.status, 204, moved.text);
      read = (await h.get('/collections/places/items/luzern')).json;
      assert.deepEqual(read.geometry.coordinates, [8.32, 47.06]);
      assert.equal(read.properties.population, 83000);
      assert.equal((await h.request('PATCH', '/collections/places/items/nothing', { as: 'admin', type: 'application/merge-patch+json', body: { properties: { name: 'x' } } })).status, 404);
      assert.equal((await h.request('PATCH', '/collections/places/items/luzern', { as: 'admin', type: 'application/merge-patch+json', body: { bbox: [0, 0, 1, 1] } })).status, 400);
    });

    it('deletes a feature (204), then it is gone (404)', async () => {
      assert.equal((await h.request('DELETE', '/collections/places/items/zermatt', { as: 'admin' })).status, 204);
      assert.equal((await h.get('/collections/places/items/zermatt')).status, 404);
      assert.equal((await h.request('DELETE', '/collections/places/items/zermatt', { as: 'admin' })).status, 404);
    });

    it('asks the policy: anonymous clients get 401 with a challenge, others 403, the owner may write', async () => {
      for (const [method, path] of [['POST', '/collections/places/items'], ['PUT', '/collections/places/items/t0'], ['PATCH', '/collections/places/items/t0'], ['DELETE', '/collections/places/items/t0']] as const) {
        const anonymous = await h.request(method, path, { body: point(1, 1, 'x'), type: method === 'PATCH' ? 'application/merge-patch+json' : undefined });
        assert.equal(anonymous.status, 401, `${method}: ${anonymous.text}`);
        assert.ok(anonymous.headers.get('www-authenticate'));
        assert.match(anonymous.headers.get('content-type')!, /^application\/problem\+json/);
        const bob = await h.request(method, path, { as: 'bob', body: point(1, 1, 'x'), type: method === 'PATCH' ? 'application/merge-patch+json' : undefined });
        assert.equal(bob.status, 403, `${method}: ${bob.text}`);
      }
      assert.equal((await h.get('/collections/places/items/t0')).json.properties.name, 'Bern');
      const mine = await h.request('POST', '/collections/sketches/items', { as: 'alice', body: point(1, 1, 'a sketch') });
      assert.equal(mine.status, 201, mine.text);
      assert.equal((await h.request('DELETE', new URL(mine.headers.get('location')!).pathname.replace(/^\/ogcapi/, ''), { as: 'bob' })).status, 403);
      assert.equal((await h.request('DELETE', mine.headers.get('location')!, { as: 'alice' })).status, 204);
    });

    it('refuses bodies that are not JSON GeoJSON features', async () => {
      const post = (body: string, type?: string) => h.request('POST', '/collections/places/items', { as: 'admin', body, type });
      assert.equal((await post('name=x', 'text/plain')).status, 415);
      assert.equal((await post('{"type": "Feature",', 'application/geo+json')).status, 400);
      assert.equal((await post('[1, 2]')).status, 400);
      assert.equal((await post(JSON.stringify({ type: 'Point', coordinates: [1, 2] }))).status, 400);
      assert.equal((await post(JSON.stringify({ type: 'Feature', properties: {} }))).status, 400);
      assert.equal((await post(JSON.stringify({ type: 'Feature', geometry: { type: 'Circle', coordinates: [1, 2] }, properties: {} }))).status, 400);
      assert.equal((await post(JSON.stringify(point(1, 2, 'x', { colour: 'red' })))).status, 400);
      assert.equal((await post(JSON.stringify({ type: 'Feature', geometry: { type: 'LineString', coordinates: [[1, 2], [3, 4]] }, properties: {} }))).status, 400);
      assert.equal((await h.request('POST', '/collections/nowhere/items', { as: 'admin', body: point(1, 2, 'x') })).status, 404);
    });
  });
}

describe('ogcapi-features without transactions', function () {
  this.timeout(60_000);
  it('offers no write method and claims no Part 4 class', async () => {
    const h = await startFeaturesApi(testDatabaseKinds()[0]!, { api: { transactions: false } });
    try {
      await addCollection(h.features, PLACES, townFeatures());
      assert.equal((await h.request('POST', '/collections/places/items', { as: 'admin', body: point(1, 2, 'x') })).status, 405);
      assert.equal((await h.request('DELETE', '/collections/places/items/t0', { as: 'admin' })).status, 405);
      const conformsTo = (await h.get('/conformance')).json.conformsTo as string[];
      assert.ok(!conformsTo.some((c) => c.includes('ogcapi-features-4')));
      const doc = (await h.get(`${h.server.url}/openapi.json`)).json;
      assert.equal(doc.paths['/ogcapi/collections/{collectionId}/items'].post, undefined);
    } finally {
      await h.close();
    }
  });
});
