/**
 * What the request-path caches and fast paths must not change: tag counts appear as soon as a
 * bucket gets its first tag, bucket changes made in this process are seen at once and those of
 * another process after bucketCacheSeconds, cached signing keys verify other regions and days and
 * never a wrong secret, and large reads and many-chunk writes keep every byte.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  type S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import type { CreatedAccessKey } from '../../../plugins/s3/access-keys.js';
import { SETTLED_MS } from '../../../core/storage/blobs/fs-contents.js';
import { BUCKETS_TABLE } from '../../../plugins/s3/migrations.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { signRequest, startS3, type S3Harness } from './support.js';

const BUCKET_CACHE_SECONDS = 0.3;

async function errorName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as S3ServiceException).name;
  }
  assert.fail('expected an S3 error');
}

async function bodyOf(c: S3Client, bucket: string, key: string, range?: string): Promise<Buffer> {
  const out = await c.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(range ? { Range: range } : {}) }));
  return Buffer.from(await out.Body!.transformToByteArray());
}

/** A deterministic body that is not one repeated byte, so misplaced chunks show. */
function pattern(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + (i >> 10)) & 0xff;
  return b;
}

const md5hex = (b: Buffer) => createHash('md5').update(b).digest('hex');

for (const kind of testDatabaseKinds()) {
  describe(`s3 caches and fast paths (${kind.name})`, function () {
    this.timeout(60_000);
    let h: S3Harness;
    let c: S3Client;
    let key: CreatedAccessKey;
    before(async () => {
      // Key cache on (the other suites turn it off), bucket cache short enough to wait out.
      h = await startS3(kind, { keyCacheSeconds: 60, bucketCacheSeconds: BUCKET_CACHE_SECONDS });
      key = await h.user('carol');
      c = h.client(key);
    });
    after(async () => h?.close());

    it('sends x-amz-tagging-count once a bucket cached without tags gets its first tag, and drops it for a new version', async () => {
      await c.send(new CreateBucketCommand({ Bucket: 'tagged' }));
      await c.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'a', Body: 'one' }));
      // Cached now, with no tag in the bucket.
      assert.equal((await c.send(new GetObjectCommand({ Bucket: 'tagged', Key: 'a' }))).TagCount, undefined);
      await c.send(new PutObjectTaggingCommand({ Bucket: 'tagged', Key: 'a', Tagging: { TagSet: [{ Key: 'k1', Value: 'v1' }, { Key: 'k2', Value: 'v2' }] } }));
      assert.equal((await c.send(new GetObjectCommand({ Bucket: 'tagged', Key: 'a' }))).TagCount, 2);
      assert.equal((await c.send(new HeadObjectCommand({ Bucket: 'tagged', Key: 'a' }))).TagCount, 2);
      // Another key of the same bucket has none; a PUT with x-amz-tagging has its own.
      await c.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'b', Body: 'two' }));
      assert.equal((await c.send(new GetObjectCommand({ Bucket: 'tagged', Key: 'b' }))).TagCount, undefined);
      await c.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'c', Body: 'three', Tagging: 'x=1' }));
      assert.equal((await c.send(new GetObjectCommand({ Bucket: 'tagged', Key: 'c' }))).TagCount, 1);
      // A new version of a tagged key starts without tags.
      await c.send(new PutObjectCommand({ Bucket: 'tagged', Key: 'a', Body: 'one again' }));
      assert.equal((await c.send(new GetObjectCommand({ Bucket: 'tagged', Key: 'a' }))).TagCount, undefined);
    });

    it('sees a PUT with x-amz-tagging into a bucket cached without tags', async () => {
      await c.send(new CreateBucketCommand({ Bucket: 'tagged-on-put' }));
      await c.send(new PutObjectCommand({ Bucket: 'tagged-on-put', Key: 'plain', Body: 'p' }));
      await c.send(new GetObjectCommand({ Bucket: 'tagged-on-put', Key: 'plain' }));
      await c.send(new PutObjectCommand({ Bucket: 'tagged-on-put', Key: 'with', Body: 'w', Tagging: 'a=1&b=2&c=3' }));
      assert.equal((await c.send(new HeadObjectCommand({ Bucket: 'tagged-on-put', Key: 'with' }))).TagCount, 3);
    });

    it('sees buckets deleted and created in this process at once', async () => {
      await c.send(new CreateBucketCommand({ Bucket: 'short-lived' }));
      await c.send(new PutObjectCommand({ Bucket: 'short-lived', Key: 'x', Body: 'x' }));
      await c.send(new DeleteObjectCommand({ Bucket: 'short-lived', Key: 'x' }));
      await c.send(new DeleteBucketCommand({ Bucket: 'short-lived' }));
      assert.equal(await errorName(c.send(new PutObjectCommand({ Bucket: 'short-lived', Key: 'y', Body: 'y' }))), 'NoSuchBucket');
      await c.send(new CreateBucketCommand({ Bucket: 'short-lived' }));
      await c.send(new PutObjectCommand({ Bucket: 'short-lived', Key: 'y', Body: 'y' }));
      assert.equal((await bodyOf(c, 'short-lived', 'y')).toString(), 'y');
    });

    it("sees another process's changes to a bucket after bucketCacheSeconds", async () => {
      const other = h.client(await h.user('dave'));
      await c.send(new CreateBucketCommand({ Bucket: 'handed-over' }));
      await c.send(new PutObjectCommand({ Bucket: 'handed-over', Key: 'k', Body: 'v' }));
      assert.equal(await errorName(other.send(new GetObjectCommand({ Bucket: 'handed-over', Key: 'k' }))), 'AccessDenied');
      // Another process (here: the database itself) gives the bucket to dave.
      await h.server.meridian.stores.db.knex(BUCKETS_TABLE).where({ name: 'handed-over' }).update({ owner: 'dave' });
      await sleep(BUCKET_CACHE_SECONDS * 1000 + 100);
      assert.equal((await bodyOf(other, 'handed-over', 'k')).toString(), 'v');
      assert.equal(await errorName(c.send(new GetObjectCommand({ Bucket: 'handed-over', Key: 'k' }))), 'AccessDenied');
    });

    it('verifies signatures of other regions and days with the key cache on, and never a wrong secret', async () => {
      await c.send(new CreateBucketCommand({ Bucket: 'signed' }));
      await c.send(new PutObjectCommand({ Bucket: 'signed', Key: 'k', Body: 'signed body' }));
      const host = `127.0.0.1:${h.port}`;
      const get = async (input: { region?: string; date?: Date; secret?: string }) => {
        const s = signRequest({
          method: 'GET',
          path: '/signed/k',
          host,
          key: { accessKeyId: key.accessKeyId, secretAccessKey: input.secret ?? key.secretAccessKey },
          ...(input.region ? { region: input.region } : {}),
          ...(input.date ? { date: input.date } : {}),
        });
        const res = await fetch(s.url, { headers: s.headers });
        return { status: res.status, text: await res.text() };
      };
      assert.deepEqual(await get({}), { status: 200, text: 'signed body' });
      assert.deepEqual(await get({ region: 'eu-west-1' }), { status: 200, text: 'signed body' });
      // Ten minutes back is within the skew and, near midnight UTC, another day of the scope.
      assert.deepEqual(await get({ date: new Date(Date.now() - 10 * 60 * 1000) }), { status: 200, text: 'signed body' });
      for (const region of [undefined, 'eu-west-1']) {
        // The last character changed to another one (a secret may already end in 'x').
        const last = key.secretAccessKey.slice(-1);
        const wrong = await get({ secret: `${key.secretAccessKey.slice(0, -1)}${last === 'x' ? 'y' : 'x'}`, ...(region ? { region } : {}) });
        assert.equal(wrong.status, 403);
        assert.match(wrong.text, /<Code>SignatureDoesNotMatch<\/Code>/);
      }
      assert.deepEqual(await get({ region: 'eu-west-1' }), { status: 200, text: 'signed body' });
    });

    it('returns every byte of objects larger than the read chunk, whole and in ranges', async () => {
      const body = pattern(2 * 1024 * 1024 + 12_345);
      await c.send(new CreateBucketCommand({ Bucket: 'large' }));
      await c.send(new PutObjectCommand({ Bucket: 'large', Key: 'big.bin', Body: body }));
      const whole = await c.send(new GetObjectCommand({ Bucket: 'large', Key: 'big.bin' }));
      assert.equal(whole.ContentLength, body.length);
      assert.equal(md5hex(Buffer.from(await whole.Body!.transformToByteArray())), md5hex(body));
      const from = 1024 * 1024 - 7;
      const to = 2 * 1024 * 1024 + 100;
      assert.ok((await bodyOf(c, 'large', 'big.bin', `bytes=${from}-${to}`)).equals(body.subarray(from, to + 1)));
      assert.ok((await bodyOf(c, 'large', 'big.bin', 'bytes=-5000')).equals(body.subarray(body.length - 5000)));
    });

    it('reads blob bodies in chunks of at most the asked size, and writes bodies of many odd-sized chunks whole', async () => {
      const body = pattern(3 * 1024 * 1024 + 1);
      // Pieces of 1 to 70 000 bytes, as a socket delivers them: the writer batches them with writev.
      const pieces: Buffer[] = [];
      for (let at = 0, i = 0; at < body.length; i++) {
        const n = Math.min(body.length - at, 1 + ((i * 7919) % 70_000));
        pieces.push(body.subarray(at, at + n));
        at += n;
      }
      const info = await h.env.blobs.put('s3/chunks/odd', Readable.from(pieces), { size: body.length });
      assert.equal(info.etag, md5hex(body));
      const object = await h.env.blobs.get('s3/chunks/odd', { chunkSize: 1024 * 1024 });
      const chunks: Buffer[] = [];
      for await (const chunk of object.body) chunks.push(chunk as Buffer);
      assert.ok(chunks.every((b) => b.length <= 1024 * 1024));
      assert.ok(chunks.length >= 4 && chunks.length <= 8, `${chunks.length} chunks`);
      assert.ok(Buffer.concat(chunks).equals(body));
      // The default stays the stream's own (64 KiB), and a small object is one small read.
      const small = await h.env.blobs.put('s3/chunks/small', Buffer.from('tiny'));
      assert.equal(small.size, 4);
      const read = await h.env.blobs.get('s3/chunks/small', { chunkSize: 1024 * 1024 });
      const got: Buffer[] = [];
      for await (const chunk of read.body) got.push(chunk as Buffer);
      assert.deepEqual(got.map((b) => b.toString()), ['tiny']);
    });
  });

  describe(`s3 key cache and object descriptions (${kind.name})`, function () {
    this.timeout(60_000);
    const KEY_CACHE_SECONDS = 0.5;
    let h: S3Harness;
    let c: S3Client;
    let key: CreatedAccessKey;
    before(async () => {
      h = await startS3(kind, { keyCacheSeconds: KEY_CACHE_SECONDS });
      key = await h.user('erin');
      c = h.client(key);
      await c.send(new CreateBucketCommand({ Bucket: 'keycache' }));
      await c.send(new PutObjectCommand({ Bucket: 'keycache', Key: 'k', Body: 'v' }));
    });
    after(async () => h?.close());

    const getWith = async (k: { accessKeyId: string; secretAccessKey: string }, path = '/keycache/k') => {
      const s = signRequest({ method: 'GET', path, host: `127.0.0.1:${h.port}`, key: k });
      const res = await fetch(s.url, { headers: s.headers });
      const text = await res.text();
      return { status: res.status, code: /<Code>([^<]+)<\/Code>/.exec(text)?.[1], text };
    };

    it('stops a key revoked by another process within keyCacheSeconds, and one revoked here at once', async () => {
      const other = await h.user('erin');
      assert.equal((await getWith(other)).status, 200); // now cached
      // Another process revokes it: this one is not told, and keeps it at most keyCacheSeconds.
      assert.equal(await h.keys.revoke(other.accessKeyId), true);
      const revokedAt = Date.now();
      let last = await getWith(other);
      while (last.status === 200) {
        assert.ok(Date.now() - revokedAt < KEY_CACHE_SECONDS * 1000 + 200, 'the revoked key worked longer than keyCacheSeconds');
        await sleep(50);
        last = await getWith(other);
      }
      assert.equal(last.code, 'InvalidAccessKeyId');
      // Revoked through this process's admin API: refused on the next request, cache or not.
      const third = await h.user('erin');
      assert.equal((await getWith(third)).status, 200);
      const auth = `Basic ${Buffer.from('erin:pw-erin-secret').toString('base64')}`;
      const revoked = await fetch(`http://127.0.0.1:${h.port}/_meridian/keys/${third.accessKeyId}`, { method: 'DELETE', headers: { authorization: auth } });
      assert.equal(revoked.status, 204);
      assert.equal((await getWith(third)).code, 'InvalidAccessKeyId');
      // The key the other tests use is untouched.
      assert.equal((await getWith(key)).status, 200);
    });

    it('verifies many concurrent first requests of a key (one shared lookup) and none with a wrong secret', async () => {
      const fresh = await h.user('erin');
      const last = fresh.secretAccessKey.slice(-1);
      const wrong = { accessKeyId: fresh.accessKeyId, secretAccessKey: `${fresh.secretAccessKey.slice(0, -1)}${last === 'x' ? 'y' : 'x'}` };
      // Counting the lookups of the real key store (the authenticator shares it), each made slow
      // enough for all the requests to arrive while the first is under way.
      const resolve = h.keys.resolve.bind(h.keys);
      let lookups = 0;
      h.keys.resolve = async (id: string) => {
        if (id === fresh.accessKeyId) lookups++;
        await sleep(300);
        return resolve(id);
      };
      try {
        const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => getWith(i % 4 === 3 ? wrong : fresh)));
        answers.forEach((a, i) => {
          if (i % 4 === 3) assert.equal(a.code, 'SignatureDoesNotMatch', `request ${i}`);
          else assert.equal(a.status, 200, `request ${i}: ${a.text}`);
        });
        assert.equal(lookups, 1);
      } finally {
        h.keys.resolve = resolve;
      }
      await h.keys.revoke(fresh.accessKeyId);
    });

    it('does not cache a lookup that was under way when the key was revoked here', async () => {
      const racing = await h.user('erin');
      const resolve = h.keys.resolve.bind(h.keys);
      // The lookup reads the key while it is active and answers late, after the revocation.
      h.keys.resolve = async (id: string) => {
        const found = await resolve(id);
        if (id === racing.accessKeyId) await sleep(300);
        return found;
      };
      try {
        const first = getWith(racing);
        await sleep(100);
        const auth = `Basic ${Buffer.from('erin:pw-erin-secret').toString('base64')}`;
        assert.equal((await fetch(`http://127.0.0.1:${h.port}/_meridian/keys/${racing.accessKeyId}`, { method: 'DELETE', headers: { authorization: auth } })).status, 204);
        await first; // began before the revocation: either answer is right
        assert.equal((await getWith(racing)).code, 'InvalidAccessKeyId');
      } finally {
        h.keys.resolve = resolve;
      }
    });

    it('never serves an object with the ETag of another version, however it was replaced', async () => {
      const md5Of = (b: Buffer | string) => createHash('md5').update(b).digest('hex');
      const check = async (expected: Buffer | string) => {
        const got = await c.send(new GetObjectCommand({ Bucket: 'keycache', Key: 'versions' }));
        const body = Buffer.from(await got.Body!.transformToByteArray());
        assert.equal(body.toString(), expected.toString());
        assert.equal(got.ETag, `"${md5Of(body)}"`);
        const head = await c.send(new HeadObjectCommand({ Bucket: 'keycache', Key: 'versions' }));
        assert.equal(head.ETag, `"${md5Of(body)}"`);
      };
      await c.send(new PutObjectCommand({ Bucket: 'keycache', Key: 'versions', Body: 'first' }));
      await check('first'); // its description is now remembered
      // A put of another store instance on the same root (another process): same size, other bytes.
      const { FsBlobStore } = await import('../../../core/storage/blobs/fs.js');
      const root = (h.env.blobs as { root?: string }).root;
      assert.ok(root, 'the tests run on the fs blob store');
      const otherProcess = await FsBlobStore.open({ root });
      await otherProcess.put(h.env.objectBlobKey(await h.env.requireBucket('keycache'), 'versions'), 'FIRST');
      await check('FIRST');
      // A file written over in place behind the store's back (same inode), and one renamed in.
      const { writeFile, rename, utimes } = await import('node:fs/promises');
      const { join } = await import('node:path');
      const path = (h.env.blobs as unknown as { localPath(key: string): string }).localPath(h.env.objectBlobKey(await h.env.requireBucket('keycache'), 'versions'));
      await writeFile(path, 'Fir5t');
      await check('Fir5t');
      await writeFile(join(root, 'elsewhere'), 'renamed in');
      await utimes(join(root, 'elsewhere'), new Date(), new Date());
      await rename(join(root, 'elsewhere'), path);
      await check('renamed in');
      // Once settled, the small object's bytes are kept for sending: still never another version's.
      await sleep(SETTLED_MS + 200);
      await check('renamed in');
      await check('renamed in');
      await otherProcess.put(h.env.objectBlobKey(await h.env.requireBucket('keycache'), 'versions'), 'RENAMED IN');
      await check('RENAMED IN');
      await sleep(SETTLED_MS + 200);
      await check('RENAMED IN');
      await writeFile(path, 'renamed_in');
      await check('renamed_in');
      // Concurrent puts and gets through the service: every body read matches its ETag.
      const bodies = Array.from({ length: 6 }, (_, i) => pattern(200_000 + i * 1000).fill(i, 0, 1));
      const writes = (async () => {
        for (let round = 0; round < 4; round++) for (const b of bodies) await c.send(new PutObjectCommand({ Bucket: 'keycache', Key: 'versions', Body: b }));
      })();
      let reads = 0;
      let done = false;
      void writes.finally(() => (done = true));
      while (!done) {
        const got = await c.send(new GetObjectCommand({ Bucket: 'keycache', Key: 'versions' }));
        const body = Buffer.from(await got.Body!.transformToByteArray());
        assert.equal(got.ETag, `"${md5Of(body)}"`);
        assert.equal(Number(got.ContentLength), body.length);
        reads++;
      }
      await writes;
      assert.ok(reads > 0);
    });
  });
}
