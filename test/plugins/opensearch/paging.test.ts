import assert from 'node:assert/strict';
import type { CatalogueRecordInput } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { fetchText, parse, startOpenSearch, values, type OpenSearchHarness } from './support.js';

const PRODUCTS = 57;

/** Products with many equal start times and cloud covers (and some without), so sorts have ties. */
function pagedRecords(): CatalogueRecordInput[] {
  const records: CatalogueRecordInput[] = [{ identifier: 'PAGED', type: 'collection', title: 'Paging test' }];
  for (let i = 0; i < PRODUCTS; i++) {
    const day = String(1 + (i % 7)).padStart(2, '0');
    records.push({
      identifier: `X${String((i * 37) % PRODUCTS).padStart(3, '0')}`,
      type: 'product',
      parentIdentifier: 'PAGED',
      title: `Product ${i}`,
      start: `2020-01-${day}T00:00:00.000Z`,
      ...(i % 5 === 0 ? {} : { cloudCover: (i * 13) % 10 }),
      geometry: { type: 'Point', coordinates: [i % 90, i % 45] },
    });
  }
  return records;
}

for (const kind of testDatabaseKinds()) {
  describe(`OpenSearch paging (${kind.name})`, function () {
    this.timeout(60_000);
    let h: OpenSearchHarness;
    before(async () => {
      h = await startOpenSearch(kind, { maxRecords: 100 });
      await h.catalogue.upsert(pagedRecords());
    });
    after(async () => h?.close());

    const page = async (url: string) => {
      const res = await fetchText(url);
      assert.equal(res.status, 200, res.body);
      const doc = parse(res.body);
      const link = (rel: string) => values(doc, `/atom:feed/atom:link[@rel="${rel}"]/@href`)[0];
      return {
        ids: values(doc, '//atom:entry/dc:identifier'),
        total: Number(values(doc, '/atom:feed/os:totalResults')[0]),
        startIndex: Number(values(doc, '/atom:feed/os:startIndex')[0]),
        links: { self: link('self'), first: link('first'), previous: link('previous'), next: link('next'), last: link('last') },
      };
    };
    const products = (query: string) => `${h.base}/collections/PAGED/products?${query}`;

    for (const sort of ['', 'sortKeys=cloudCover,,1', 'sortKeys=cloudCover,,0%20start,,1', 'sortKeys=start,,1']) {
      it(`following next links visits every product once, in the order of one big page (${sort || 'default sort'})`, async () => {
        const all = (await page(products(`count=100&${sort}`))).ids;
        assert.equal(all.length, PRODUCTS);
        assert.equal(new Set(all).size, PRODUCTS);
        for (const count of [1, 7, 10, 50]) {
          const seen: string[] = [];
          let url: string | undefined = products(`count=${count}&${sort}`);
          for (let guard = 0; url && guard < PRODUCTS + 2; guard++) {
            const p = await page(url);
            assert.equal(p.total, PRODUCTS);
            assert.equal(p.startIndex, seen.length + 1);
            assert.ok(p.ids.length === count || !p.links.next, 'a full page until the last');
            seen.push(...p.ids);
            url = p.links.next;
          }
          assert.deepEqual(seen, all, `count=${count}`);
        }
      });
    }

    it('startPage gives the pages startIndex gives; startIndex wins when both are given', async () => {
      for (const [startPage, count] of [[1, 10], [3, 10], [6, 10], [4, 7]] as const) {
        const byPage = await page(products(`count=${count}&startPage=${startPage}`));
        const byIndex = await page(products(`count=${count}&startIndex=${(startPage - 1) * count + 1}`));
        assert.deepEqual(byPage.ids, byIndex.ids);
        assert.equal(byPage.startIndex, (startPage - 1) * count + 1);
      }
      const both = await page(products('count=5&startPage=3&startIndex=2'));
      assert.equal(both.startIndex, 2);
    });

    it('first, previous, next and last links are there where they lead somewhere, and lead right', async () => {
      const first = await page(products('count=10'));
      assert.ok(first.links.first && first.links.next && first.links.last);
      assert.equal(first.links.previous, undefined);
      const middle = await page(first.links.next!);
      assert.equal(middle.startIndex, 11);
      assert.deepEqual((await page(middle.links.previous!)).ids, first.ids);
      assert.deepEqual((await page(middle.links.first!)).ids, first.ids);
      const last = await page(middle.links.last!);
      assert.equal(last.startIndex, 51);
      assert.equal(last.ids.length, 7);
      assert.equal(last.links.next, undefined);
      assert.equal((await page(last.links.previous!)).startIndex, 41);
      // The request's own parameters stay in the links.
      const filtered = await page(products('count=3&cloudCover=[0,4]&sortKeys=start,,1'));
      for (const href of [filtered.links.next!, filtered.links.last!]) {
        const q = new URL(href).searchParams;
        assert.equal(q.get('cloudCover'), '[0,4]');
        assert.equal(q.get('sortKeys'), 'start,,1');
      }
    });

    it('an empty result and count=0 give totalResults with only a self link (CEOS-BP-011B, 005B)', async () => {
      const empty = await page(products('uid=none'));
      assert.equal(empty.total, 0);
      assert.deepEqual(empty.ids, []);
      assert.deepEqual(Object.entries(empty.links).filter(([, v]) => v).map(([k]) => k), ['self']);
      const zero = await page(products('count=0'));
      assert.equal(zero.total, PRODUCTS);
      assert.deepEqual(zero.ids, []);
      assert.deepEqual(Object.entries(zero.links).filter(([, v]) => v).map(([k]) => k), ['self']);
      const beyond = await page(products('count=10&startIndex=200'));
      assert.deepEqual(beyond.ids, []);
      assert.equal(beyond.total, PRODUCTS);
      assert.equal(beyond.links.next, undefined);
    });

    it('GeoJSON pages like Atom', async () => {
      const seen: string[] = [];
      let url: string | undefined = products('count=20&format=json&sortKeys=cloudCover,,1');
      while (url) {
        const doc = JSON.parse((await fetchText(url)).body) as { features: Array<{ properties: { identifier: string } }>; properties: { links: Record<string, Array<{ href: string }>> } };
        seen.push(...doc.features.map((f) => f.properties.identifier));
        url = doc.properties.links.next?.[0]?.href;
      }
      assert.deepEqual(seen, (await page(products('count=100&sortKeys=cloudCover,,1'))).ids);
    });
  });
}
