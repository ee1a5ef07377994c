import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { apiKey, fetchText, parse, S2_PUBLIC, serveFixtures, values } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`OpenSearch access filtering (${kind.name})`, function () {
    this.timeout(30_000);
    const h = serveFixtures(kind);
    let keys: Record<'alice' | 'bob' | 'root', Record<string, string>>;
    before(async () => {
      keys = {
        alice: { 'X-API-Key': await apiKey(h, 'alice') },
        bob: { 'X-API-Key': await apiKey(h, 'bob') },
        root: { 'X-API-Key': await apiKey(h, 'root', ['admin']) },
      };
    });

    const search = async (path: string, headers: Record<string, string> = {}) => {
      const res = await fetchText(`${h.base}${path}`, headers);
      assert.equal(res.status, 200, res.body);
      const doc = parse(res.body);
      return { ids: values(doc, '//atom:entry/dc:identifier').sort(), total: Number(values(doc, '/atom:feed/os:totalResults')[0]) };
    };

    it("another user's private product is not in their results or totalResults, nor in anonymous ones", async () => {
      for (const headers of [{}, keys.bob]) {
        assert.deepEqual(await search('/collections/S2-TEST/products', headers), { ids: S2_PUBLIC, total: 5 });
        assert.deepEqual(await search('/collections/S2-TEST/products?searchTerms=secret', headers), { ids: [], total: 0 });
        assert.deepEqual(await search('/collections/S2-TEST/products?count=0&productType=SECRET-TYPE', headers), { ids: [], total: 0 });
        const json = JSON.parse((await fetchText(`${h.base}/collections/S2-TEST/products?format=json&bbox=0,0,1,1`, headers)).body) as { totalResults: number };
        assert.equal(json.totalResults, 1);
      }
    });

    it('the owner and admins find it', async () => {
      for (const who of ['alice', 'root'] as const) {
        assert.deepEqual(await search('/collections/S2-TEST/products', keys[who]), { ids: [...S2_PUBLIC, 'P06'].sort(), total: 6 });
        assert.deepEqual((await search('/collections/S2-TEST/products?searchTerms=secret', keys[who])).ids, ['P06']);
      }
    });

    it('a private collection is absent from collection search, and it and its products are 404 to others', async () => {
      assert.deepEqual(await search('/collections', keys.bob), { ids: ['S1-TEST', 'S2-TEST'], total: 2 });
      assert.deepEqual(await search('/collections', keys.alice), { ids: ['S1-TEST', 'S2-TEST', 'SECRET-COLL'], total: 3 });
      for (const path of ['/collections/SECRET-COLL', '/collections/SECRET-COLL/products', '/collections/SECRET-COLL/products/S01', '/collections/S2-TEST/products/P06', '/collections/S2-TEST/products/P06?recordSchema=iso19139']) {
        assert.equal((await fetchText(`${h.base}${path}`, keys.bob)).status, 404, path);
        assert.equal((await fetchText(`${h.base}${path}`)).status, 404, path);
        assert.equal((await fetchText(`${h.base}${path}`, keys.alice)).status, 200, path);
      }
    });

    it('bad credentials are a 401 ExceptionReport with a challenge', async () => {
      const res = await fetch(`${h.base}/collections`, { headers: { 'X-API-Key': 'mk_nope_nope' } });
      assert.equal(res.status, 401);
      assert.ok(res.headers.get('www-authenticate'));
      assert.deepEqual(values(parse(await res.text()), '//ows:Exception/@exceptionCode'), ['NoApplicableCode']);
    });
  });
}
