import assert from 'node:assert/strict';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { S3BlobStore, MIN_PART_SIZE } from '../../../../core/storage/blobs/s3.js';
import { blobStoreBehaviour } from './blob-store-behaviour.js';
import { findMotoCommand, startMoto, type LocalS3Server } from './s3-server.js';

// The SDK warns once per process that its 2027 releases need Node 22; not this test's concern.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const credentials = { accessKeyId: 'meridian-test', secretAccessKey: 'meridian-test-secret' };
const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

describe('core/storage/blobs/s3 (against a local S3-compatible server)', function () {
  const moto = findMotoCommand();
  let server: LocalS3Server;

  before(async function () {
    if (!moto) {
      console.warn('    skipped: no S3-compatible server here (needs moto: `moto_server` on PATH or python3 module moto.server)');
      this.skip();
    }
    this.timeout(30_000);
    server = await startMoto(moto!);
  });
  after(async () => {
    await server?.stop();
  });

  /** Each test gets its own bucket, and keys under a prefix so that prefix handling is tested too. */
  const openStore = async (): Promise<S3BlobStore> =>
    S3BlobStore.open({
      endpoint: server.endpoint,
      region: 'eu-west-1',
      bucket: `meridian-${randomUUID()}`,
      prefix: 'tenant-a',
      credentials,
      partSize: MIN_PART_SIZE,
      createBucket: true,
    });

  describe('BlobStore behaviour', () => {
    blobStoreBehaviour(
      async () => {
        const store = await openStore();
        return { store, dispose: () => store.close() };
      },
      { largeSize: 2 * MIN_PART_SIZE + 12345, raceRounds: 6 },
    );
  });

  describe('s3 specifics', () => {
    let store: S3BlobStore;
    beforeEach(async () => {
      store = await openStore();
    });
    afterEach(async () => {
      await store.close();
    });

    it('uploads a body larger than the part size in several parts (multipart ETag) and reads it back intact', async function () {
      this.timeout(120_000);
      const data = randomBytes(2 * MIN_PART_SIZE + 1000);
      const put = await store.put('big/multipart.bin', Readable.from([data.subarray(0, 3_000_000), data.subarray(3_000_000)]));
      assert.match(put.etag, /^[0-9a-f]{32}-3$/, 'three parts: 5 MiB, 5 MiB and the rest');
      assert.equal(put.size, data.length);
      const got = await store.get('big/multipart.bin');
      assert.equal(md5(await buffer(got.body)), md5(data));
      assert.equal(got.etag, put.etag);
    });

    it('sends a body up to the part size in a single PUT (plain MD5 ETag)', async () => {
      const data = randomBytes(MIN_PART_SIZE - 1);
      const put = await store.put('small/single.bin', Readable.from([data]));
      assert.equal(put.etag, md5(data));
    });

    it('stores keys under the configured prefix and lists them without it', async () => {
      await store.put('x/y', 'z');
      const bucket = (store as unknown as { bucket: string }).bucket;
      const raw = new S3Client({ endpoint: server.endpoint, region: 'eu-west-1', forcePathStyle: true, credentials });
      try {
        const out = await raw.send(new ListObjectsV2Command({ Bucket: bucket }));
        assert.deepEqual(out.Contents?.map((o) => o.Key), ['tenant-a/x/y']);
      } finally {
        raw.destroy();
      }
      assert.deepEqual((await store.list('')).items.map((i) => i.key), ['x/y']);
      assert.deepEqual((await store.list('', { delimiter: '/' })).prefixes, ['x/']);
    });

    it('fails ping with a store error when the bucket does not exist', async () => {
      const missing = await S3BlobStore.open({ endpoint: server.endpoint, bucket: `absent-${randomUUID()}`, credentials });
      try {
        await assert.rejects(missing.ping(), (err: unknown) => (err as { status?: number }).status === 502);
      } finally {
        await missing.close();
      }
    });
  });
});
