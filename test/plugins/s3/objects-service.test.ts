/**
 * The `s3-objects` service other plugins follow s3:// references through: the same bucket/key →
 * blob key mapping and the same GetObject decision as the S3 operations, and workspace buckets
 * that are their owners' workspaces (`workspaces/<user>/`) in the blob store.
 */
import assert from 'node:assert/strict';
import { GetObjectCommand, PutObjectCommand, CreateBucketCommand } from '@aws-sdk/client-s3';
import type { Subject } from '../../../core/auth/types.js';
import type { S3ObjectsService } from '../../../plugins/s3/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startS3, type S3Harness } from './support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const subject = (id: string): Subject => ({ id, issuer: 'test', claims: {}, groups: [], anonymous: false, method: 'test' });
const ANONYMOUS: Subject = { id: 'anonymous', issuer: '', claims: {}, groups: [], anonymous: true, method: 'anonymous' };

for (const kind of testDatabaseKinds()) {
  describe(`s3-objects service (${kind.name})`, function () {
    this.timeout(60_000);
    let h: S3Harness;
    let objects: S3ObjectsService;

    before(async () => {
      h = await startS3(kind, { hostName: 's3.example.test', bucketCacheSeconds: 0 });
      objects = h.server.meridian.plugins.find((p) => p.name === 's3')!.instance.provide!['s3-objects'] as S3ObjectsService;
    });
    after(async () => h?.close());

    it('parses s3:// references and the service’s own path-style and virtual-hosted URLs, checking names', () => {
      assert.deepEqual(objects.parse('s3://ws-alice/a/b c%20.tif'), { bucket: 'ws-alice', key: 'a/b c%20.tif' });
      assert.deepEqual(objects.parse('http://s3.example.test:9000/data/a/b%20c.tif'), { bucket: 'data', key: 'a/b c.tif' });
      assert.deepEqual(objects.parse('https://data.s3.example.test/x.tif?X-Amz-Signature=1'), { bucket: 'data', key: 'x.tif' });
      assert.equal(objects.parse('http://elsewhere.test/data/x.tif'), undefined);
      assert.equal(objects.parse('blob:x'), undefined);
      for (const [href, pattern] of [
        ['s3://Bad_Name/x', /not a valid bucket name/],
        ['s3://data', /names a bucket/],
        ['s3://data/', /names a bucket/],
        ['s3://data/a/../b', /invalid object key/],
        ['s3://data/a//b', /invalid object key/],
        ['s3://data/.meridian/x', /invalid object key/],
        ['http://s3.example.test/data/%E0%A4%A', /not a valid URL/],
      ] as const) {
        assert.throws(() => objects.parse(href), (err: { status?: number; code?: string; message: string }) => err.status === 400 && err.code === 'InvalidReference' && pattern.test(err.message), href);
      }
    });

    it('maps a workspace bucket onto its owner’s workspace prefix, and reads as S3 GetObject decides', async () => {
      const alice = await h.user('alice');
      const bob = await h.user('bob');
      const s3 = h.client(alice);
      await s3.send(new PutObjectCommand({ Bucket: 'ws-alice', Key: 'in/scene.tif', Body: 'pixels' }));
      // One copy: the object is the blob of her workspace, which processing writes to as well.
      const blob = await h.server.meridian.stores.blobs.get('workspaces/alice/in/scene.tif');
      assert.equal(Buffer.concat(await blob.body.toArray()).toString(), 'pixels');
      await h.server.meridian.stores.blobs.put('workspaces/alice/jobs/j1/out.tif', 'result');
      const got = await s3.send(new GetObjectCommand({ Bucket: 'ws-alice', Key: 'jobs/j1/out.tif' }));
      assert.equal(await got.Body!.transformToString(), 'result');

      const located = await objects.resolveRead('s3://ws-alice/in/scene.tif', subject('alice'));
      assert.deepEqual(located, { bucket: 'ws-alice', key: 'in/scene.tif', blobKey: 'workspaces/alice/in/scene.tif', url: 's3://ws-alice/in/scene.tif' });
      assert.equal(await objects.mayRead(subject('alice'), { bucket: 'ws-alice', key: 'in/scene.tif' }), true);
      assert.equal(await objects.mayRead(subject('bob'), 's3://ws-alice/in/scene.tif'), false);
      assert.equal(await objects.mayRead(ANONYMOUS, 's3://ws-alice/in/scene.tif'), false);
      await assert.rejects(objects.resolveRead('s3://ws-alice/in/scene.tif', subject('bob')), { status: 403, code: 'AccessDenied' });
      await assert.rejects(objects.resolveRead('s3://no-such-bucket/x', subject('alice')), { status: 404, code: 'NoSuchBucket' });
      // Ordinary buckets keep <blobPrefix><bucket>/.
      await h.client(bob).send(new CreateBucketCommand({ Bucket: 'bobs-data' }));
      assert.equal((await objects.locate('s3://bobs-data/k')).blobKey, 's3/bobs-data/k');
    });

    it('creates a user’s workspace on first use and gives s3:// URLs of blob keys inside it only', async () => {
      assert.deepEqual(await objects.workspace('carol'), { bucket: 'ws-carol', blobPrefix: 'workspaces/carol/' });
      const bucket = await h.env.buckets.get('ws-carol');
      assert.equal(bucket?.owner, 'carol');
      assert.equal(bucket?.visibility, 'private');
      assert.equal(await objects.workspaceUrl('carol', 'workspaces/carol/jobs/1/a.tif'), 's3://ws-carol/jobs/1/a.tif');
      assert.equal(await objects.workspaceUrl('carol', 'workspaces/alice/jobs/1/a.tif'), undefined);
      assert.equal(await objects.workspaceUrl('carol', 's3/ws-carol/a.tif'), undefined);
      assert.equal(await objects.workspace(ANONYMOUS), undefined);
    });

    it('does not take a bucket someone else created under a workspace name for that user’s workspace', async () => {
      const mallory = await h.user('mallory');
      await h.client(mallory).send(new CreateBucketCommand({ Bucket: 'ws-dave' }));
      assert.equal(await objects.workspace('dave'), undefined);
      assert.equal(await objects.workspaceUrl('dave', 'workspaces/dave/jobs/1/a.tif'), undefined);
      assert.equal((await objects.locate('s3://ws-dave/a')).blobKey, 's3/ws-dave/a');
    });
  });
}

describe('s3 with an empty blobPrefix', function () {
  this.timeout(60_000);
  let h: S3Harness;
  before(async () => {
    h = await startS3(testDatabaseKinds()[0]!, { blobPrefix: '' });
  });
  after(async () => h?.close());

  it('refuses a bucket named like the workspaces folder, which would hold every user’s workspace', async () => {
    const eve = await h.user('eve');
    await assert.rejects(h.client(eve).send(new CreateBucketCommand({ Bucket: 'workspaces' })), { name: 'InvalidBucketName' });
    await h.client(eve).send(new CreateBucketCommand({ Bucket: 'eves-data' }));
  });
});
