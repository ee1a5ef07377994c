/**
 * Shares in searches and in containers, with real servers: a private catalogue collection
 * shared by its owner is found, with its products, by the grantee through OpenSearch and CSW,
 * and no longer once revoked; a shared S3 bucket's objects are readable by the grantee.
 */
import { strict as assert } from 'node:assert';
import { GetObjectCommand, ListObjectsV2Command, PutObjectCommand, CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { CatalogueService } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { FIXTURES, parse, values } from '../opensearch/support.js';
import { startPdp, subjects, type PdpHarness } from './support.js';

const SHARES = '/resources/catalogue/record/SECRET-COLL/shares';

for (const kind of testDatabaseKinds()) {
  describe(`pdp shares in catalogue searches (${kind.name})`, function () {
    this.timeout(60_000);
    let h: PdpHarness;
    before(async () => {
      h = await startPdp(kind, { plugins: { catalogue: {}, opensearch: {}, csw: {} } });
      const catalogue = h.server.meridian.plugins.find((p) => p.name === 'catalogue')!.instance.provide!.catalogue as CatalogueService;
      await catalogue.upsert(FIXTURES);
      // SECRET-COLL (private, with product S01) is alice's: its record says so, and the catalogue's
      // owner lookup tells the sharing API (no ownership record is made here).
    });
    after(async () => h?.close());

    const opensearch = async (path: string, as: 'alice' | 'bob' | 'carol') => {
      const res = await h.request('GET', `${h.server.url}/opensearch${path}`, { as });
      assert.equal(res.status, 200, res.text);
      return values(parse(res.text), '//atom:entry/dc:identifier').sort();
    };
    const csw = async (as: 'alice' | 'bob' | 'carol') => {
      const res = await h.request('GET', `${h.server.url}/csw?service=CSW&version=2.0.2&request=GetRecords&typeNames=csw:Record&resultType=results&elementSetName=brief&maxRecords=100`, { as });
      assert.equal(res.status, 200, res.text);
      return values(parse(res.text), '//*[local-name()="identifier"]').sort();
    };
    const found = async (as: 'alice' | 'bob' | 'carol') => ({
      collections: await opensearch('/collections', as),
      products: await opensearch('/collections/SECRET-COLL/products', as).catch(() => 'not found'),
      csw: (await csw(as)).filter((id) => id === 'SECRET-COLL' || id === 'S01'),
    });
    const visible = { collections: ['S1-TEST', 'S2-TEST', 'SECRET-COLL'], products: ['S01'], csw: ['S01', 'SECRET-COLL'] };
    const hidden = { collections: ['S1-TEST', 'S2-TEST'], products: 'not found', csw: [] };

    it('a private collection is found by its owner only; shared with a user, the user finds it and its products; revoked, no more', async () => {
      assert.deepEqual(await found('alice'), visible);
      assert.deepEqual(await found('bob'), hidden);
      const granted = await h.request('POST', SHARES, { as: 'alice', body: JSON.stringify({ user: 'bob' }), type: 'application/json' });
      assert.equal(granted.status, 201, granted.text);
      assert.deepEqual(await found('bob'), visible);
      assert.deepEqual(await found('carol'), hidden, 'only the grantee');
      // Other private records stay hidden: P06 (alice's, in S2-TEST) is not shared.
      assert.ok(!(await opensearch('/collections/S2-TEST/products', 'bob')).includes('P06'));
      assert.equal((await h.request('DELETE', `${SHARES}/user/bob`, { as: 'alice' })).status, 204);
      assert.deepEqual(await found('bob'), hidden);
    });

    it('shared with a group, its members find it', async () => {
      assert.equal((await h.request('POST', SHARES, { as: 'alice', body: JSON.stringify({ group: 'reviewers' }), type: 'application/json' })).status, 201);
      assert.deepEqual(await found('carol'), visible);
      assert.deepEqual(await found('bob'), hidden);
      assert.equal((await h.request('DELETE', `${SHARES}/group/reviewers`, { as: 'alice' })).status, 204);
      assert.deepEqual(await found('carol'), hidden);
    });

    it('a share for another action does not make it findable', async () => {
      assert.equal((await h.request('POST', SHARES, { as: 'alice', body: JSON.stringify({ user: 'bob', actions: ['update'] }), type: 'application/json' })).status, 201);
      assert.deepEqual(await found('bob'), hidden);
      assert.equal((await h.request('DELETE', `${SHARES}/user/bob`, { as: 'alice' })).status, 204);
    });

    it('the decision carries the shared ids as values, and no extra clause without shares', async () => {
      const search = { service: 'catalogue', type: 'record' };
      const plain = await h.pdp.decide({ subject: subjects.bob, resource: search, action: 'read', context: {} });
      assert.equal(JSON.stringify(plain.obligations[0]!.attributes.filter).includes('"in"'), false);
      assert.equal(plain.obligations[0]!.attributes.shared, undefined);
      await h.request('POST', SHARES, { as: 'alice', body: JSON.stringify({ user: 'bob' }), type: 'application/json' });
      const widened = await h.pdp.decide({ subject: subjects.bob, resource: search, action: 'read', context: {} });
      assert.deepEqual((widened.obligations[0]!.attributes.filter as { args: unknown[] }).args.slice(1), [
        { op: 'in', args: [{ property: 'identifier' }, ['SECRET-COLL']] },
        { op: 'in', args: [{ property: 'parentIdentifier' }, ['SECRET-COLL']] },
      ]);
      await h.request('DELETE', `${SHARES}/user/bob`, { as: 'alice' });
    });
  });

  describe(`pdp shares of an S3 bucket extend to its objects (${kind.name})`, function () {
    this.timeout(60_000);
    let h: PdpHarness;
    const clients: S3Client[] = [];
    let alice: S3Client;
    let bob: S3Client;
    before(async () => {
      h = await startPdp(kind, { plugins: { s3: { listen: 0, sweepIntervalSeconds: 0, keyCacheSeconds: 0 } } });
      const s3 = h.server.meridian.plugins.find((p) => p.name === 's3')!.instance.provide!.s3 as { keys: { create(o: { user: string }): Promise<{ accessKeyId: string; secretAccessKey: string }> } };
      const client = async (user: string) => {
        const key = await s3.keys.create({ user });
        const c = new S3Client({ endpoint: `http://127.0.0.1:${h.server.ports.s3}`, region: 'us-east-1', forcePathStyle: true, credentials: key });
        clients.push(c);
        return c;
      };
      alice = await client('alice');
      bob = await client('bob');
      await alice.send(new CreateBucketCommand({ Bucket: 'alice-data' }));
      await alice.send(new PutObjectCommand({ Bucket: 'alice-data', Key: 'dir/a.txt', Body: 'hello' }));
    });
    after(async () => {
      for (const c of clients) c.destroy();
      await h?.close();
    });

    const bobReads = async () => {
      try {
        const got = await bob.send(new GetObjectCommand({ Bucket: 'alice-data', Key: 'dir/a.txt' }));
        const listed = await bob.send(new ListObjectsV2Command({ Bucket: 'alice-data' }));
        return { body: await got.Body!.transformToString(), keys: (listed.Contents ?? []).map((o) => o.Key) };
      } catch (err) {
        return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      }
    };

    it('the grantee reads the objects of a shared bucket, and not once revoked', async () => {
      assert.equal(await bobReads(), 403);
      const shares = '/resources/s3/bucket/alice-data/shares';
      assert.equal((await h.request('POST', shares, { as: 'alice', body: JSON.stringify({ user: 'bob' }), type: 'application/json' })).status, 201);
      assert.deepEqual(await bobReads(), { body: 'hello', keys: ['dir/a.txt'] });
      // read only: no writes
      await assert.rejects(bob.send(new PutObjectCommand({ Bucket: 'alice-data', Key: 'x', Body: 'x' })), (e: { $metadata?: { httpStatusCode?: number } }) => e.$metadata?.httpStatusCode === 403);
      assert.equal((await h.request('DELETE', `${shares}/user/bob`, { as: 'alice' })).status, 204);
      assert.equal(await bobReads(), 403);
    });
  });
}
