import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import type { CatalogueRecordInput } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startCatalogue, type CatalogueHarness } from './support.js';

const records: CatalogueRecordInput[] = [
  { identifier: 'C1', type: 'collection', title: 'Collection one' },
  { identifier: 'C2', type: 'collection', title: 'Collection two' },
  { identifier: 'P1', type: 'product', parentIdentifier: 'C1', title: 'Product one', geometry: { type: 'Point', coordinates: [1, 2] } },
  { identifier: 'P2', type: 'product', parentIdentifier: 'C2', title: 'Product two' },
];

for (const kind of testDatabaseKinds()) {
  describe(`catalogue write: upserts and deletes in one transaction (${kind.name})`, function () {
    let h: CatalogueHarness;
    beforeEach(async () => {
      h = await startCatalogue(kind);
      await h.catalogue.upsert(records);
    });
    afterEach(async () => h?.close());

    const ids = async () => (await h.catalogue.search({ limit: 100, sortBy: [{ field: 'identifier' }] }, ANONYMOUS)).records.map((r) => r.identifier);

    it('applies both parts and says what it stored and deleted', async () => {
      const result = await h.catalogue.write({ upsert: [{ identifier: 'P3', type: 'product', parentIdentifier: 'C1', title: 'new' }, { ...records[2]!, title: 'renamed' }], delete: ['P2', 'nothing'] });
      assert.deepEqual(result.stored.map((r) => r.identifier), ['P3', 'P1']);
      assert.equal(result.deleted, 1);
      assert.deepEqual(await ids(), ['C1', 'C2', 'P1', 'P3']);
      assert.equal((await h.catalogue.get('P1', ANONYMOUS))?.title, 'renamed');
      assert.equal((await h.catalogue.search({ bbox: [0, 1, 2, 3] }, ANONYMOUS)).numberMatched, 1);
    });

    it('writes nothing when the delete part fails', async () => {
      // C1 still has P1: the delete is refused, and the upsert before it is rolled back.
      await assert.rejects(h.catalogue.write({ upsert: [{ identifier: 'P9', type: 'product', parentIdentifier: 'C2' }], delete: ['C1'] }), (err: { status: number; code: string }) => err.status === 409 && err.code === 'CollectionNotEmpty');
      assert.deepEqual(await ids(), ['C1', 'C2', 'P1', 'P2']);
    });

    it('checks each condition on the part that names it, and a failed one writes nothing', async () => {
      const stamps = await h.catalogue.stamps(['P1', 'P2']);
      await assert.rejects(
        h.catalogue.write({ upsert: [{ identifier: 'P1', type: 'product', parentIdentifier: 'C1', title: 'x' }], delete: ['P2'] }, { expect: { P1: stamps.get('P1')!.version, P2: 'stale-version' } }),
        (err: { status: number }) => err.status === 412,
      );
      assert.equal((await h.catalogue.get('P1', ANONYMOUS))?.title, 'Product one');
      const ok = await h.catalogue.write({ upsert: [{ identifier: 'P1', type: 'product', parentIdentifier: 'C1', title: 'x' }], delete: ['P2'] }, { expect: { P1: stamps.get('P1')!.version, P2: stamps.get('P2')!.version } });
      assert.equal(ok.deleted, 1);
      await assert.rejects(h.catalogue.write({ upsert: [{ identifier: 'C2', type: 'collection' }] }, { expect: { C2: null } }), (err: { status: number }) => err.status === 409);
    });

    it('deletes a collection with its products, and moves a product before deleting its old collection', async () => {
      await h.catalogue.write({ upsert: [{ ...records[3]!, parentIdentifier: 'C1' }], delete: ['C2'] });
      assert.deepEqual(await ids(), ['C1', 'P1', 'P2']);
      await h.catalogue.write({ delete: ['C1', 'P1', 'P2'] });
      assert.deepEqual(await ids(), []);
    });
  });
}
