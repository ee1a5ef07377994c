/**
 * Part 1 (Core, GeoJSON, HTML negotiation) over HTTP on every database kind, with collections
 * created and filled through the features engine: the landing page, conformance, collections and
 * items checked against the official schemas shipped (OGC API common building blocks, GeoJSON),
 * paging that never overlaps or skips, bbox, datetime, property filters, single features, the
 * OpenAPI fragment and the registry entry, and problem+json errors with their statuses.
 */
import assert from 'node:assert/strict';
import { get as httpGet } from 'node:http';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { assertValid } from './schemas.js';
import { addCollection, GRID, gridFeatures, PARCELS, parcelFeatures, PLACES, startFeaturesApi, TOWNS, townFeatures, walkPages, type ApiResponse, type FeaturesApiHarness } from './support.js';

const CONF = 'http://www.opengis.net/spec/ogcapi-features-1/1.0/conf';
const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';
const GRID_SIZE = 95;

function assertProblem(res: ApiResponse, status: number, locator?: string): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assertValid('exception', res.json);
  assert.equal(res.json.status, status);
  if (locator !== undefined) assert.equal(res.json.locator, locator, res.text);
}

const rel = (doc: { links: Array<{ rel: string; type?: string; href: string }> }, name: string, type?: string) => doc.links.find((l) => l.rel === name && (type === undefined || l.type === type));
const townIds = (pick: (t: (typeof TOWNS)[number], i: number) => boolean) => TOWNS.flatMap((t, i) => (pick(t, i) ? [`t${i}`] : []));
const ids = (res: ApiResponse) => res.json.features.map((f: { id: string }) => f.id).sort();

for (const kind of testDatabaseKinds()) {
  describe(`ogcapi-features core (${kind.name})`, function () {
    this.timeout(60_000);
    let h: FeaturesApiHarness;
    before(async () => {
      h = await startFeaturesApi(kind, { engine: { maxLimit: 50 } });
      await addCollection(h.features, PLACES, townFeatures());
      await addCollection(h.features, GRID, gridFeatures(GRID_SIZE));
      await addCollection(h.features, PARCELS, parcelFeatures());
    });
    after(async () => h?.close());

    it('serves a landing page valid against the landingPage schema, whose links resolve', async () => {
      const res = await h.get('');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^application\/json/);
      assertValid('landingPage', res.json);
      assert.equal(res.json.title, 'Meridian features');
      for (const l of res.json.links) assertValid('link', l);
      assert.equal(rel(res.json, 'self')!.type, 'application/json');
      assert.equal(rel(res.json, 'alternate')!.type, 'text/html');
      assert.equal(rel(res.json, 'service-desc')!.href, `${h.server.url}/openapi.json`);
      assert.equal(rel(res.json, 'conformance')!.href, `${h.base}/conformance`);
      assert.equal(rel(res.json, 'http://www.opengis.net/def/rel/ogc/1.0/data')!.href, `${h.base}/collections`);
      for (const l of res.json.links) assert.equal((await h.get(l.href)).status, 200, l.href);
      // The landing page also answers under a trailing slash.
      assert.equal((await h.get('/')).status, 200);
    });

    it('declares its conformance classes, also in the platform registry, with the OGC API - Features service entry', async () => {
      const res = await h.get('/conformance');
      assertValid('conformance', res.json);
      const expected = [
        `${CONF}/core`,
        `${CONF}/geojson`,
        `${CONF}/html`,
        `${CONF}/oas30`,
        'http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs',
        'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter',
        'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter',
        'http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables',
        'http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete',
        'http://www.opengis.net/spec/cql2/1.0/conf/cql2-text',
        'http://www.opengis.net/spec/cql2/1.0/conf/cql2-json',
        'http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2',
      ];
      for (const c of expected) assert.ok(res.json.conformsTo.includes(c), c);
      const platform = await h.get(`${h.server.url}/conformance`);
      for (const c of expected) assert.ok(platform.json.conformsTo.includes(c), c);
      const services = (await h.get(`${h.server.url}/services`)).json.services as Array<{ type: string; url: string; plugin: string }>;
      const entry = services.find((s) => s.type === 'OGC API - Features');
      assert.equal(entry?.url, h.base);
      assert.equal(entry?.plugin, 'ogcapi-features');
    });

    it('registers its OpenAPI fragment under the mount path in /openapi.json', async () => {
      const doc = (await h.get(`${h.server.url}/openapi.json`)).json;
      assert.equal(doc.openapi, '3.0.3');
      for (const p of ['/ogcapi', '/ogcapi/conformance', '/ogcapi/collections', '/ogcapi/collections/{collectionId}', '/ogcapi/collections/{collectionId}/queryables', '/ogcapi/collections/{collectionId}/items', '/ogcapi/collections/{collectionId}/items/{featureId}']) {
        assert.ok(doc.paths[p], `${p} missing from ${Object.keys(doc.paths).join(', ')}`);
      }
      const items = doc.paths['/ogcapi/collections/{collectionId}/items'];
      assert.ok(items.get && items.post);
      const names = items.get.parameters.map((p: { $ref: string }) => doc.components.parameters[p.$ref.split('/').pop()!].name);
      assert.deepEqual(names, ['limit', 'offset', 'bbox', 'bbox-crs', 'datetime', 'crs', 'filter', 'filter-lang', 'filter-crs', 'f']);
      assert.equal(doc.components.parameters.OAPIFLimit.schema.maximum, 50);
      // Every $ref resolves within the document.
      const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/[^"]+"/g) ?? [];
      for (const r of refs) {
        const [, , kind, name] = r.slice(8, -1).split('/');
        assert.ok(doc.components[kind!]?.[name!], r);
      }
    });

    it('lists the collections with their links, extents, crs and storageCrs', async () => {
      const res = await h.get('/collections');
      assert.equal(res.status, 200);
      for (const l of res.json.links) assertValid('link', l);
      const byId = new Map(res.json.collections.map((c: { id: string }) => [c.id, c]));
      assert.deepEqual([...byId.keys()].sort(), ['grid', 'parcels', 'places']);
      const places = byId.get('places') as any;
      assert.equal(places.title, 'Places');
      assert.equal(places.description, 'Swiss towns, with a property of each type');
      assert.deepEqual(places.keywords, ['towns', 'test']);
      assert.equal(places.itemType, 'feature');
      assert.equal(rel(places, 'items', 'application/geo+json')!.href, `${h.base}/collections/places/items`);
      assert.equal(rel(places, 'http://www.opengis.net/def/rel/ogc/1.0/queryables')!.href, `${h.base}/collections/places/queryables`);
      const lons = TOWNS.map((t) => t.lon);
      const lats = TOWNS.map((t) => t.lat);
      const bbox = places.extent.spatial.bbox[0] as number[];
      const expected = [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
      bbox.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-9, `${bbox} vs ${expected}`));
      assert.equal(places.extent.spatial.crs, CRS84);
      assert.deepEqual(places.extent.temporal.interval, [['2020-01-15T12:00:00.000Z', '2020-08-15T12:00:00.000Z']]);
      assert.equal(places.crs[0], CRS84);
      assert.equal(places.storageCrs, CRS84);
      assert.equal((byId.get('parcels') as any).storageCrs, 'http://www.opengis.net/def/crs/EPSG/0/2056');
      assert.equal((byId.get('grid') as any).extent.temporal, undefined);
      // The collection's own document says the same.
      const one = (await h.get('/collections/places')).json;
      assert.deepEqual({ ...one, links: undefined }, { ...places, links: undefined });
      assert.equal(rel(one, 'self')!.href, `${h.base}/collections/places?f=json`);
    });

    it('answers 404 problems for an unknown collection or feature', async () => {
      assertProblem(await h.get('/collections/nowhere'), 404, 'collectionId');
      assertProblem(await h.get('/collections/nowhere/items'), 404, 'collectionId');
      assertProblem(await h.get('/collections/nowhere/queryables'), 404, 'collectionId');
      assertProblem(await h.get('/collections/places/items/t999'), 404, 'featureId');
      assertProblem(await h.get('/no/such/path'), 404);
    });

    it('returns items as a GeoJSON FeatureCollection with numberMatched, numberReturned, timeStamp and links', async () => {
      const before = Date.now();
      const res = await h.get('/collections/places/items?limit=3');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^application\/geo\+json/);
      assert.equal(res.headers.get('content-crs'), `<${CRS84}>`);
      assertValid('featureCollection', res.json);
      for (const f of res.json.features) assertValid('feature', f);
      assert.equal(res.json.numberMatched, TOWNS.length);
      assert.equal(res.json.numberReturned, 3);
      assert.ok(Date.parse(res.json.timeStamp) >= before - 1000);
      assert.deepEqual(res.json.features.map((f: { id: string }) => f.id), ['t0', 't1', 't2']);
      assert.deepEqual(res.json.features[1].properties, { name: 'Zürich', population: 421000, area: 87.88, capital: false, founded: '1218-01-01', observed: '2020-02-15T12:00:00.000Z', canton: 'ZH' });
      assert.deepEqual(res.json.features[1].geometry, { type: 'Point', coordinates: [8.5417, 47.3769] });
      assert.equal(rel(res.json, 'self')!.type, 'application/geo+json');
      assert.equal(rel(res.json, 'alternate')!.type, 'text/html');
      assert.equal(rel(res.json, 'collection')!.href, `${h.base}/collections/places`);
      assert.equal(new URL(rel(res.json, 'next')!.href).searchParams.get('offset'), '3');
      assert.equal(rel(res.json, 'prev'), undefined);
      // The default page size is 10.
      assert.equal((await h.get('/collections/grid/items')).json.numberReturned, 10);
    });

    for (const [query, limit] of [['', 7], ['filter=value >= 30 AND value < 83', 9], ['bbox=0,0,5,10', 4]] as const) {
      it(`pages ${query || 'everything'} by next links (limit ${limit}) without overlap or gap, with prev links back`, async () => {
        const { ids: seen, pages } = await walkPages(h, `${h.base}/collections/grid/items?limit=${limit}${query ? `&${query}` : ''}`);
        const expected = gridFeatures(GRID_SIZE)
          .filter((f) => {
            const v = f.properties.value as number;
            const [x] = (f.geometry as { coordinates: number[] }).coordinates;
            return query.startsWith('filter') ? v >= 30 && v < 83 : query.startsWith('bbox') ? x! <= 5 : true;
          })
          .map((f) => f.id!);
        assert.deepEqual(seen, expected);
        assert.equal(pages.length, Math.ceil(expected.length / limit));
        pages.forEach((p, i) => {
          assert.equal(p.numberMatched, expected.length);
          assert.equal(p.numberReturned, p.features.length);
          assert.equal(p.features.length, i < pages.length - 1 ? limit : expected.length - limit * (pages.length - 1));
          const prev = rel(p, 'prev');
          if (i === 0) assert.equal(prev, undefined);
          else assert.equal(new URL(prev!.href).searchParams.get('offset'), String((i - 1) * limit));
        });
        // The last page's prev link leads back to the page before it.
        if (pages.length > 1) assert.deepEqual((await h.get(rel(pages.at(-1), 'prev')!.href)).json.features, pages.at(-2).features);
      });
    }

    it('caps a limit above the maximum and keeps the capped limit in the next link', async () => {
      const res = await h.get('/collections/grid/items?limit=1000');
      assert.equal(res.json.numberReturned, 50);
      const next = new URL(rel(res.json, 'next')!.href);
      assert.deepEqual([next.searchParams.get('limit'), next.searchParams.get('offset')], ['50', '50']);
      assert.equal((await h.get(next.href)).json.numberReturned, GRID_SIZE - 50);
    });

    it('selects by bbox (4 or 6 numbers), crossing none of the other towns', async () => {
      const inBox = townIds((t) => t.lon >= 7 && t.lon <= 9 && t.lat >= 46.5 && t.lat <= 47.6);
      assert.deepEqual(ids(await h.get('/collections/places/items?bbox=7,46.5,9,47.6')), inBox);
      assert.deepEqual(ids(await h.get('/collections/places/items?bbox=7,46.5,-100,9,47.6,5000')), inBox);
      assert.deepEqual(ids(await h.get('/collections/places/items?bbox=-10,-10,-5,-5')), []);
      assert.equal((await h.get('/collections/places/items?bbox=-10,-10,-5,-5')).json.numberMatched, 0);
    });

    it('selects by datetime: instants, intervals, open ends; nothing in a collection without a temporal property', async () => {
      const observed = townFeatures().map((f) => f.properties.observed as string);
      const match = (from: string | null, to: string | null) => townIds((_, i) => (from === null || observed[i]! >= from) && (to === null || observed[i]! <= to));
      assert.deepEqual(ids(await h.get('/collections/places/items?datetime=2020-03-15T12:00:00Z')), ['t2']);
      assert.deepEqual(ids(await h.get('/collections/places/items?datetime=2020-03-15')), ['t2']);
      assert.deepEqual(ids(await h.get('/collections/places/items?datetime=2020-02-01T00:00:00Z/2020-05-01T00:00:00Z')), match('2020-02-01', '2020-05-01'));
      assert.deepEqual(ids(await h.get('/collections/places/items?datetime=2020-06-01T00:00:00Z/..')), match('2020-06-01', null));
      assert.deepEqual(ids(await h.get('/collections/places/items?datetime=../2020-02-20T00:00:00Z')), match(null, '2020-02-20'));
      assert.deepEqual(ids(await h.get('/collections/grid/items?datetime=2020-01-01/..')), []);
    });

    it('selects by name=value on queryables, typed as the property, combined with the other parameters', async () => {
      assert.deepEqual(ids(await h.get('/collections/places/items?canton=BE')), ['t0']);
      assert.deepEqual(ids(await h.get('/collections/places/items?capital=false&population=140000')), ['t4']);
      assert.deepEqual(ids(await h.get(`/collections/places/items?name=${encodeURIComponent('Zürich')}`)), ['t1']);
      assert.deepEqual(ids(await h.get('/collections/places/items?area=23.91')), ['t3']);
      assert.deepEqual(ids(await h.get('/collections/places/items?founded=1225-01-01&bbox=7,46,8,48')), ['t3']);
      assert.deepEqual(ids(await h.get('/collections/places/items?canton=be')), []);
    });

    it('returns one feature with its links, valid GeoJSON', async () => {
      const res = await h.get('/collections/places/items/t3');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^application\/geo\+json/);
      assert.equal(res.headers.get('content-crs'), `<${CRS84}>`);
      assertValid('feature', res.json);
      assert.equal(res.json.id, 't3');
      assert.equal(res.json.properties.name, 'Basel');
      assert.equal(rel(res.json, 'self')!.href, `${h.base}/collections/places/items/t3?f=json`);
      assert.equal(rel(res.json, 'collection')!.href, `${h.base}/collections/places`);
      assert.equal(rel(res.json, 'alternate')!.type, 'text/html');
    });

    it('tags a feature with an ETag and answers 304 to a request naming it', async () => {
      const first = await h.get('/collections/places/items/t2');
      const tag = first.headers.get('etag');
      assert.match(tag ?? '', /^"[^"]+"$/);
      const again = await h.get('/collections/places/items/t2', { 'If-None-Match': tag! });
      assert.equal(again.status, 304);
      assert.equal(again.text, '');
      assert.notEqual((await h.get('/collections/places/items/t2?f=html')).headers.get('etag'), tag);
      assert.equal((await h.get('/collections/places/items/t2', { 'If-None-Match': '"other"' })).status, 200);
    });

    it('refuses bad parameters with 400 problems naming them', async () => {
      assertProblem(await h.get('/collections/places/items?foo=1'), 400, 'foo');
      const hinted = await h.get('/collections/places/items?Limit=1');
      assertProblem(hinted, 400, 'Limit');
      assert.match(hinted.json.detail, /did you mean 'limit'/);
      assertProblem(await h.get('/collections/places/items?limit=0'), 400, 'limit');
      assertProblem(await h.get('/collections/places/items?limit=1&limit=2'), 400, 'limit');
      assertProblem(await h.get('/collections/places/items?offset=-3'), 400, 'offset');
      assertProblem(await h.get('/collections/places/items?bbox=1,2,3'), 400, 'bbox');
      assertProblem(await h.get('/collections/places/items?datetime=soon'), 400, 'datetime');
      assertProblem(await h.get('/collections/places/items?crs=http://www.opengis.net/def/crs/EPSG/0/32632'), 400, 'crs');
      assertProblem(await h.get('/collections/places/items?filter-lang=ecql&filter=x'), 400, 'filter-lang');
      assertProblem(await h.get('/collections/places/items?population=lots'), 400, 'population');
      assertProblem(await h.get('/collections/places/items/t1?limit=2'), 400, 'limit');
      assertProblem(await h.get('/collections?bbox=1,2,3,4'), 400, 'bbox');
    });

    it('negotiates JSON and HTML by f and Accept, and answers 406 for anything else', async () => {
      const type = async (path: string, accept?: string) => (await h.get(path, accept ? { Accept: accept } : {})).headers.get('content-type') ?? '';
      const browser = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';
      for (const path of ['', '/conformance', '/collections', '/collections/places', '/collections/places/queryables', '/collections/places/items', '/collections/places/items/t0']) {
        assert.match(await type(path, browser), /^text\/html/, path);
        assert.match(await type(`${path}?f=html`), /^text\/html/, path);
        assert.match(await type(`${path}?f=json`, browser), /^application\/(geo\+|schema\+)?json/, path);
        assert.match(await type(path, '*/*'), /^application\/(geo\+|schema\+)?json/, path);
        assert.match(await type(path), /^application\/(geo\+|schema\+)?json/, path);
        assertProblem(await h.get(`${path}?f=xml`), 406, 'f');
        assertProblem(await h.get(path, { Accept: 'application/xml' }), 406, 'Accept');
      }
      assert.match(await type('/collections/places/items?f=geojson'), /^application\/geo\+json/);
      assert.match(await type('/collections/places/items', 'application/geo+json;q=0.5, text/html;q=0.9'), /^text\/html/);
      assert.match(await type('/collections/places/items', 'text/html;q=0.5, application/geo+json'), /^application\/geo\+json/);
    });

    it('answers HEAD and survives clients that go away mid-page, the next requests served as before', async () => {
      const head = await h.request('HEAD', '/collections/grid/items?limit=50');
      assert.equal(head.status, 200);
      assert.match(head.headers.get('content-type')!, /^application\/geo\+json/);
      assert.equal(head.text, '');
      // Clients that read the first bytes of a page and close the connection.
      for (let i = 0; i < 3; i++) {
        await new Promise<void>((resolve, reject) => {
          const req = httpGet(`${h.base}/collections/grid/items?limit=50`, (res) => {
            res.once('data', () => {
              req.destroy();
              resolve();
            });
          });
          req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
        });
      }
      const { ids: all } = await walkPages(h, `${h.base}/collections/grid/items?limit=50`);
      assert.equal(all.length, GRID_SIZE);
      assert.equal((await h.request('POST', '/collections/grid/items', { as: 'admin', body: { type: 'Feature', id: 'after-abort', geometry: null, properties: { value: -1 } } })).status, 201);
      assert.equal((await h.request('DELETE', '/collections/grid/items/after-abort', { as: 'admin' })).status, 204);
    });

    it('answers 405 for a method a resource does not have', async () => {
      assert.equal((await h.request('POST', '/collections')).status, 405);
      assert.equal((await h.request('DELETE', '/conformance')).status, 405);
    });
  });
}
