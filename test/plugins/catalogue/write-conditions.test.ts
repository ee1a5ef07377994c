import assert from 'node:assert/strict';
import type { CatalogueService } from '../../../plugins/catalogue/types.js';
import { recordVersion } from '../../../plugins/catalogue/version.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, startCatalogue, user, type CatalogueHarness } from './support.js';

const failsWith = (status: number, code: string) => (err: unknown) => (err as { status?: number }).status === status && (err as { code?: string }).code === code;

for (const kind of testDatabaseKinds()) {
  describe(`catalogue write conditions and stamps (${kind.name})`, function () {
    let h: CatalogueHarness;
    let catalogue: CatalogueService;
    before(async () => {
      h = await startCatalogue(kind, { sampleProducts: 0 }, { sampleData: false });
      catalogue = h.catalogue;
      await catalogue.upsert([
        { identifier: 'C', type: 'collection', owner: 'alice' },
        { identifier: 'secret', type: 'product', parentIdentifier: 'C', owner: 'alice', visibility: 'private' },
      ]);
    });
    after(async () => h?.close());

    it('stamps give type, parent, owner, visibility and version without any read filter', async () => {
      const stamps = await catalogue.stamps(['secret', 'C', 'missing']);
      assert.equal(await catalogue.get('secret', user('bob')), undefined);
      const secret = stamps.get('secret')!;
      assert.deepEqual({ ...secret, version: undefined }, { identifier: 'secret', type: 'product', parentIdentifier: 'C', owner: 'alice', visibility: 'private', version: undefined });
      assert.equal(secret.version, recordVersion((await catalogue.get('secret', admin))!));
      assert.equal(stamps.has('missing'), false);
    });

    it('a write expecting a version fails with 412 and changes nothing once the record has changed', async () => {
      const v1 = (await catalogue.stamps(['secret'])).get('secret')!.version;
      const stored = await catalogue.upsert([{ identifier: 'secret', type: 'product', parentIdentifier: 'C', owner: 'alice', visibility: 'private', title: 'v2' }], { expect: { secret: v1 } });
      assert.equal(recordVersion(stored[0]!), (await catalogue.stamps(['secret'])).get('secret')!.version);
      await assert.rejects(catalogue.upsert([{ identifier: 'secret', type: 'product', parentIdentifier: 'C', title: 'lost' }], { expect: { secret: v1 } }), failsWith(412, 'PreconditionFailed'));
      await assert.rejects(catalogue.patch('secret', { title: 'lost' }, { expect: { secret: v1 } }), failsWith(412, 'PreconditionFailed'));
      await assert.rejects(catalogue.delete(['secret'], { expect: { secret: v1 } }), failsWith(412, 'PreconditionFailed'));
      assert.equal((await catalogue.get('secret', admin))?.title, 'v2');
      await assert.rejects(catalogue.patch('missing', { title: 'x' }, { expect: { missing: v1 } }), failsWith(412, 'PreconditionFailed'));
    });

    it('a write expecting no record is a 409 when one exists, and fails its whole batch', async () => {
      await assert.rejects(
        catalogue.upsert([{ identifier: 'new-1', type: 'product', parentIdentifier: 'C' }, { identifier: 'secret', type: 'product', parentIdentifier: 'C' }], { expect: { 'new-1': null, secret: null } }),
        failsWith(409, 'RecordExists'),
      );
      assert.equal((await catalogue.stamps(['new-1'])).size, 0);
    });

    it('of two concurrent writes expecting the same version, exactly one succeeds', async () => {
      const v = (await catalogue.stamps(['secret'])).get('secret')!.version;
      const write = (title: string) => catalogue.upsert([{ identifier: 'secret', type: 'product', parentIdentifier: 'C', title }], { expect: { secret: v } });
      const results = await Promise.allSettled([write('a'), write('b'), write('c')]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1, JSON.stringify(results.map((r) => r.status)));
      for (const r of results) if (r.status === 'rejected') assert.ok(failsWith(412, 'PreconditionFailed')(r.reason), String(r.reason));
    });

    it('of two concurrent creates of one identifier, exactly one succeeds, the other is a 409', async () => {
      const create = (title: string) => catalogue.upsert([{ identifier: 'raced', type: 'product', parentIdentifier: 'C', title }], { expect: { raced: null } });
      const results = await Promise.allSettled([create('a'), create('b')]);
      assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
      const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      assert.ok(failsWith(409, 'RecordExists')(rejected.reason), String(rejected.reason));
    });
  });
}
