/**
 * SigV4 as clients send it, with a signer written from the AWS documentation (support.ts):
 * presigned URLs with expiry, signed and unsigned aws-chunked bodies with trailers, and tampering
 * with every signed part refused; clock skew; unknown and revoked keys; who may see which bucket.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { crc32 } from 'node:zlib';
import { CreateBucketCommand, DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { CreatedAccessKey } from '../../../plugins/s3/access-keys.js';
import { crc32c } from '../../../plugins/s3/checksums.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { runCli } from '../../helpers/cli.js';
import { sha256Hex, signedChunkedBody, signRequest, startS3, type S3Harness } from './support.js';

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function send(url: string, method: string, headers: Record<string, string>, body?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString('utf8'), headers: res.headers }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const code = (r: Reply) => /<Code>([^<]*)<\/Code>/.exec(r.body)?.[1];
const b64 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b.toString('base64');
};

for (const kind of testDatabaseKinds()) {
  describe(`s3 SigV4 and access (${kind.name})`, function () {
    this.timeout(60_000);
    let h: S3Harness;
    let alice: CreatedAccessKey;
    let c: S3Client;
    let host: string;
    before(async () => {
      h = await startS3(kind);
      host = `127.0.0.1:${h.port}`;
      alice = await h.user('alice');
      c = h.client(alice);
      await c.send(new CreateBucketCommand({ Bucket: 'photos' }));
      await c.send(new PutObjectCommand({ Bucket: 'photos', Key: 'cat one.jpg', Body: 'meow' }));
    });
    after(async () => h?.close());

    it('verifies the CRC32C table implementation against known values', () => {
      assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
      assert.equal(crc32c(Buffer.alloc(32)), 0x8a9136aa);
      assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43);
    });

    it('serves a presigned GET fetched with plain HTTP; expired, tampered and not-yet-valid URLs refused', async () => {
      const signed = signRequest({ method: 'GET', path: '/photos/cat%20one.jpg', host, key: alice }, 60);
      const ok = await send(signed.url, 'GET', {});
      assert.equal(ok.status, 200, ok.body);
      assert.equal(ok.body, 'meow');
      const tampered = await send(signed.url.replace('cat%20one', 'cat%20two'), 'GET', {});
      assert.deepEqual([tampered.status, code(tampered)], [403, 'SignatureDoesNotMatch']);
      const longer = await send(signed.url.replace('X-Amz-Expires=60', 'X-Amz-Expires=600'), 'GET', {});
      assert.deepEqual([longer.status, code(longer)], [403, 'SignatureDoesNotMatch']);
      const expired = signRequest({ method: 'GET', path: '/photos/cat%20one.jpg', host, key: alice, date: new Date(Date.now() - 120_000) }, 60);
      const late = await send(expired.url, 'GET', {});
      assert.deepEqual([late.status, code(late)], [403, 'AccessDenied']);
      assert.match(late.body, /expired/);
      const future = signRequest({ method: 'GET', path: '/photos/cat%20one.jpg', host, key: alice, date: new Date(Date.now() + 3600_000) }, 60);
      assert.equal(code(await send(future.url, 'GET', {})), 'AccessDenied');
    });

    it('takes a presigned PUT', async () => {
      const signed = signRequest({ method: 'PUT', path: '/photos/uploaded.txt', host, key: alice }, 300);
      const res = await send(signed.url, 'PUT', { 'content-type': 'text/plain' }, 'via presigned url');
      assert.equal(res.status, 200, res.body);
      const got = await c.send(new GetObjectCommand({ Bucket: 'photos', Key: 'uploaded.txt' }));
      assert.equal(await got.Body!.transformToString(), 'via presigned url');
    });

    it('refuses a tampered header, a wrong payload hash, skewed clocks, unknown keys', async () => {
      const s = signRequest({ method: 'GET', path: '/photos/cat%20one.jpg', host, key: alice, headers: { 'x-amz-meta-signed': 'yes' } });
      assert.equal((await send(s.url, 'GET', s.headers)).status, 200);
      const changed = await send(s.url, 'GET', { ...s.headers, 'x-amz-meta-signed': 'no' });
      assert.deepEqual([changed.status, code(changed)], [403, 'SignatureDoesNotMatch']);
      const body = 'exact body';
      const put = signRequest({ method: 'PUT', path: '/photos/hashed', host, key: alice, payloadHash: sha256Hex(body) });
      assert.equal((await send(put.url, 'PUT', put.headers, body)).status, 200);
      const wrong = await send(put.url, 'PUT', put.headers, 'other body');
      assert.deepEqual([wrong.status, code(wrong)], [400, 'XAmzContentSHA256Mismatch']);
      // A large body (its SHA-256 computed on the hashing thread), as s3cmd signs every payload.
      const large = Buffer.alloc(3 * 1024 * 1024 + 1, 'x');
      const bigPut = signRequest({ method: 'PUT', path: '/photos/large', host, key: alice, payloadHash: sha256Hex(large) });
      assert.equal((await send(bigPut.url, 'PUT', bigPut.headers, large)).status, 200);
      const tampered = Buffer.from(large);
      tampered[tampered.length - 1] = 0x79;
      const bigWrong = await send(bigPut.url, 'PUT', bigPut.headers, tampered);
      assert.deepEqual([bigWrong.status, code(bigWrong)], [400, 'XAmzContentSHA256Mismatch']);
      const kept = await c.send(new GetObjectCommand({ Bucket: 'photos', Key: 'large' }));
      assert.ok(Buffer.from(await kept.Body!.transformToByteArray()).equals(large), 'the object before stays');
      await c.send(new DeleteObjectCommand({ Bucket: 'photos', Key: 'large' }));
      const skewed = signRequest({ method: 'GET', path: '/photos/cat%20one.jpg', host, key: alice, date: new Date(Date.now() - 16 * 60_000) });
      const skew = await send(skewed.url, 'GET', skewed.headers);
      assert.deepEqual([skew.status, code(skew)], [403, 'RequestTimeTooSkewed']);
      const unknown = signRequest({ method: 'GET', path: '/photos/cat%20one.jpg', host, key: { accessKeyId: 'MRDAAAAAAAAAAAAAAAAA', secretAccessKey: 'x' } });
      const u = await send(unknown.url, 'GET', unknown.headers);
      assert.deepEqual([u.status, code(u)], [403, 'InvalidAccessKeyId']);
      const badSecret = signRequest({ method: 'GET', path: '/photos/cat%20one.jpg', host, key: { accessKeyId: alice.accessKeyId, secretAccessKey: 'wrong' } });
      assert.equal(code(await send(badSecret.url, 'GET', badSecret.headers)), 'SignatureDoesNotMatch');
    });

    it('verifies signed streaming uploads chunk by chunk, with and without a signed trailer; tampered chunks and trailers refused', async () => {
      const data = Buffer.alloc(200_000, 5);
      data.write('some text in the middle', 70_000);
      const head = (name: string, trailer: boolean) =>
        signRequest({
          method: 'PUT',
          path: `/photos/${name}`,
          host,
          key: alice,
          payloadHash: trailer ? 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER' : 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
          headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), ...(trailer ? { 'x-amz-trailer': 'x-amz-checksum-crc32' } : {}) },
        });
      const plain = head('chunked.bin', false);
      const ok = await send(plain.url, 'PUT', plain.headers, signedChunkedBody(data, 65536, plain));
      assert.equal(ok.status, 200, ok.body);
      const got = Buffer.from(await (await c.send(new GetObjectCommand({ Bucket: 'photos', Key: 'chunked.bin' }))).Body!.transformToByteArray());
      assert.ok(got.equals(data));
      assert.equal((await c.send(new GetObjectCommand({ Bucket: 'photos', Key: 'chunked.bin' }))).ContentEncoding, undefined);

      const body = signedChunkedBody(data, 65536, plain);
      const at = body.indexOf('some text');
      const tamperedChunk = Buffer.from(body);
      tamperedChunk[at] = 'S'.charCodeAt(0);
      const t1 = await send(plain.url, 'PUT', plain.headers, tamperedChunk);
      assert.deepEqual([t1.status, code(t1)], [403, 'SignatureDoesNotMatch']);

      const withTrailer = head('trailer.bin', true);
      const trailerValue = b64(crc32(data));
      const good = await send(withTrailer.url, 'PUT', withTrailer.headers, signedChunkedBody(data, 65536, withTrailer, { name: 'x-amz-checksum-crc32', value: trailerValue }));
      assert.equal(good.status, 200, good.body);
      // The trailer value changed after signing: the trailer signature no longer matches.
      const signedBody = signedChunkedBody(data, 65536, withTrailer, { name: 'x-amz-checksum-crc32', value: trailerValue }).toString('latin1');
      const forged = signedBody.replace(`x-amz-checksum-crc32:${trailerValue}`, `x-amz-checksum-crc32:${b64(crc32(data) ^ 1)}`);
      const t2 = await send(withTrailer.url, 'PUT', withTrailer.headers, Buffer.from(forged, 'latin1'));
      assert.deepEqual([t2.status, code(t2)], [403, 'SignatureDoesNotMatch']);
      // Signed correctly, but the checksum does not match the data.
      const t3 = await send(withTrailer.url, 'PUT', withTrailer.headers, signedChunkedBody(data, 65536, withTrailer, { name: 'x-amz-checksum-crc32', value: b64(crc32(data) ^ 1) }));
      assert.deepEqual([t3.status, code(t3)], [400, 'BadDigest']);
      const list = await c.send(new ListObjectsV2Command({ Bucket: 'photos' }));
      assert.deepEqual(list.Contents!.map((o) => o.Key), ['cat one.jpg', 'chunked.bin', 'hashed', 'trailer.bin', 'uploaded.txt']);
    });

    it('takes STREAMING-UNSIGNED-PAYLOAD-TRAILER with each checksum algorithm, refusing a wrong one', async () => {
      const data = Buffer.from('unsigned trailer body '.repeat(1000));
      const values: Record<string, string> = {
        crc32: b64(crc32(data)),
        crc32c: b64(crc32c(data)),
        sha1: createHash('sha1').update(data).digest('base64'),
        sha256: createHash('sha256').update(data).digest('base64'),
      };
      for (const [alg, value] of Object.entries(values)) {
        const frame = (v: string) => Buffer.concat([Buffer.from(`${(4000).toString(16)}\r\n`), data.subarray(0, 4000), Buffer.from(`\r\n${(data.length - 4000).toString(16)}\r\n`), data.subarray(4000), Buffer.from(`\r\n0\r\nx-amz-checksum-${alg}:${v}\r\n\r\n`)]);
        const s = signRequest({ method: 'PUT', path: `/photos/u-${alg}`, host, key: alice, payloadHash: 'STREAMING-UNSIGNED-PAYLOAD-TRAILER', headers: { 'content-encoding': 'aws-chunked', 'x-amz-decoded-content-length': String(data.length), 'x-amz-trailer': `x-amz-checksum-${alg}` } });
        const ok = await send(s.url, 'PUT', s.headers, frame(value));
        assert.equal(ok.status, 200, `${alg}: ${ok.body}`);
        const wrongValue = Buffer.from(value, 'base64');
        wrongValue[0] = wrongValue[0]! ^ 0xff;
        const bad = await send(s.url, 'PUT', s.headers, frame(wrongValue.toString('base64')));
        assert.deepEqual([bad.status, code(bad)], [400, 'BadDigest'], alg);
      }
    });

    it("keeps users to their own buckets: another user's keys cannot list or read; anonymous requests are AccessDenied", async () => {
      const bob = h.client(await h.user('bob'), { maxAttempts: 1 });
      await assert.rejects(bob.send(new ListObjectsV2Command({ Bucket: 'photos' })), { name: 'AccessDenied' });
      await assert.rejects(bob.send(new GetObjectCommand({ Bucket: 'photos', Key: 'cat one.jpg' })), { name: 'AccessDenied' });
      await assert.rejects(bob.send(new PutObjectCommand({ Bucket: 'photos', Key: 'x', Body: 'x' })), { name: 'AccessDenied' });
      const anon = await send(`http://${host}/photos/cat%20one.jpg`, 'GET', {});
      assert.deepEqual([anon.status, code(anon)], [403, 'AccessDenied']);
      const anonList = await send(`http://${host}/`, 'GET', {});
      assert.equal(code(anonList), 'AccessDenied');
      // An admin (group from the users table) may.
      const root = h.client(await h.user('root', ['admin']));
      const listed = await root.send(new ListObjectsV2Command({ Bucket: 'photos' }));
      assert.ok(listed.KeyCount! > 0);
    });

    it('lets anyone read a bucket created public-read, as the default policy allows public resources', async () => {
      await c.send(new CreateBucketCommand({ Bucket: 'open-data', ACL: 'public-read' }));
      await c.send(new PutObjectCommand({ Bucket: 'open-data', Key: 'readme', Body: 'public' }));
      const anon = await send(`http://${host}/open-data/readme`, 'GET', {});
      assert.deepEqual([anon.status, anon.body], [200, 'public']);
      const anonPut = await send(`http://${host}/open-data/x`, 'PUT', {}, 'x');
      assert.equal(code(anonPut), 'AccessDenied');
    });

    it('addresses buckets virtual-hosted style with the configured host name', async () => {
      const vh = await startS3(kind, { hostName: 's3.test.local' });
      try {
        const key = await vh.user('carol');
        const vc = vh.client(key);
        await vc.send(new CreateBucketCommand({ Bucket: 'vhosted' }));
        await vc.send(new PutObjectCommand({ Bucket: 'vhosted', Key: 'dir/obj', Body: 'vh' }));
        const s = signRequest({ method: 'GET', path: '/dir/obj', host: `vhosted.s3.test.local:${vh.port}`, key });
        const res = await send(`http://127.0.0.1:${vh.port}/dir/obj`, 'GET', s.headers);
        assert.deepEqual([res.status, res.body], [200, 'vh']);
      } finally {
        await vh.close();
      }
    });

    it('manages keys through the admin API; a revoked key stops working', async () => {
      const password = 'pw-alice-secret';
      const auth = `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`;
      const created = await send(`http://${host}/_meridian/keys`, 'POST', { authorization: auth, 'content-type': 'application/json' }, '{}');
      assert.equal(created.status, 201, created.body);
      const key = JSON.parse(created.body) as CreatedAccessKey;
      assert.equal(key.user, 'alice');
      const listed = JSON.parse((await send(`http://${host}/_meridian/keys`, 'GET', { authorization: auth })).body) as Array<{ accessKeyId: string; secretAccessKey?: string }>;
      assert.ok(listed.some((k) => k.accessKeyId === key.accessKeyId && k.secretAccessKey === undefined));
      const forBob = await send(`http://${host}/_meridian/keys`, 'POST', { authorization: auth }, '{"user":"bob"}');
      assert.equal(forBob.status, 403);
      const s = signRequest({ method: 'GET', path: '/photos/cat%20one.jpg', host, key });
      assert.equal((await send(s.url, 'GET', s.headers)).status, 200);
      assert.equal((await send(`http://${host}/_meridian/keys/${key.accessKeyId}`, 'DELETE', { authorization: auth })).status, 204);
      const after = signRequest({ method: 'GET', path: '/photos/cat%20one.jpg', host, key });
      assert.equal(code(await send(after.url, 'GET', after.headers)), 'InvalidAccessKeyId');
      // The secret is stored sealed, never in clear.
      const rows = await h.server.meridian.stores.db.knex('s3_access_keys').where({ access_key_id: key.accessKeyId });
      assert.ok(!JSON.stringify(rows).includes(key.secretAccessKey));
    });
  });
}

describe('meridian s3 keys (CLI)', function () {
  this.timeout(60_000);
  it('creates (--json), lists and revokes keys in the configured database', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 's3-cli-'));
    try {
      const config = join(dir, 'meridian.yaml');
      writeFileSync(config, `dataDir: ${dir}\nsampleData: false\ndatabase: { client: sqlite, filename: ${join(dir, 'm.db')} }\nplugins:\n  s3: { listen: 0 }\nlog: { level: warn }\n`);
      const created = await runCli(['s3', 'keys', 'create', '--user', 'dave', '--json', '--config', config]);
      assert.equal(created.code, 0, created.stderr);
      const key = JSON.parse(created.stdout.trim().split('\n').at(-1)!) as { accessKeyId: string; secretAccessKey: string };
      assert.match(key.accessKeyId, /^MRD[A-Z2-7]{17}$/);
      assert.equal(key.secretAccessKey.length, 40);
      const listed = await runCli(['s3', 'keys', 'list', '--json', '--config', config]);
      assert.equal(listed.code, 0, listed.stderr);
      assert.deepEqual((JSON.parse(listed.stdout.trim().split('\n').at(-1)!) as Array<{ accessKeyId: string; user: string }>).map((k) => [k.accessKeyId, k.user]), [[key.accessKeyId, 'dave']]);
      assert.equal((await runCli(['s3', 'keys', 'revoke', key.accessKeyId, '--config', config])).code, 0);
      assert.equal((await runCli(['s3', 'keys', 'revoke', key.accessKeyId, '--config', config])).code, 1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
