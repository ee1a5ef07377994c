import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { parseCql2Text } from '../../../core/filter/index.js';
import type { CatalogueRecordInput } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startCatalogue, type CatalogueHarness } from './support.js';

const records: CatalogueRecordInput[] = [
  { identifier: 'c', type: 'collection', title: 'A collection', keywords: ['optical'] },
  { identifier: 'p1', type: 'product', parentIdentifier: 'c', title: 'One', keywords: ['Paris', 'Île-de-France'] },
  { identifier: 'p2', type: 'product', parentIdentifier: 'c', title: 'Two', keywords: ['Rome'] },
  { identifier: 'p3', type: 'product', parentIdentifier: 'c', title: 'Three' },
];

for (const kind of testDatabaseKinds()) {
  describe(`catalogue keywords queryable (${kind.name})`, function () {
    let h: CatalogueHarness;
    before(async () => {
      h = await startCatalogue(kind);
      await h.catalogue.upsert(records);
    });
    after(async () => h?.close());

    const ids = async (cql: string) => (await h.catalogue.search({ filter: parseCql2Text(cql), limit: 10 }, ANONYMOUS)).records.map((r) => r.identifier).sort();

    it('is listed once among the queryables, as a string that facets count', () => {
      const keywords = h.catalogue.queryables().filter((q) => q.name === 'keywords');
      assert.equal(keywords.length, 1);
      assert.equal(keywords[0]!.type, 'string');
      assert.equal(keywords[0]!.facet, true);
    });

    it('finds records by a LIKE on their keywords, in any case', async () => {
      assert.deepEqual(await ids("keywords LIKE '%Paris%'"), ['p1']);
      assert.deepEqual(await ids("casei(keywords) LIKE casei('%rome%')"), ['p2']);
      assert.deepEqual(await ids("keywords LIKE '%o%'"), ['c', 'p2']);
    });

    it('treats a record without keywords as unknown, and keeps NOT three-valued', async () => {
      assert.deepEqual(await ids('keywords IS NULL'), ['p3']);
      assert.deepEqual(await ids("NOT (keywords LIKE '%Paris%')"), ['c', 'p2']);
    });

    it('still counts keyword facets one keyword at a time', async () => {
      const facets = await h.catalogue.facets({}, ANONYMOUS, ['keywords']);
      assert.deepEqual(facets.keywords!.map((f) => f.value).sort(), ['Paris', 'Rome', 'optical', 'Île-de-France'].sort());
    });

    it('follows a patch of the keywords', async () => {
      await h.catalogue.patch('p3', { keywords: ['Paris'] });
      assert.deepEqual(await ids("keywords LIKE '%Paris%'"), ['p1', 'p3']);
      await h.catalogue.patch('p3', { keywords: null });
      assert.deepEqual(await ids("keywords LIKE '%Paris%'"), ['p1']);
    });
  });
}
