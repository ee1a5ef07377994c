/** The S3 operations through @aws-sdk/client-s3 (its defaults: flexible checksums, CRC32 in a trailer), with the error codes S3 gives. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  DeleteObjectTaggingCommand,
  GetBucketLocationCommand,
  GetObjectCommand,
  GetObjectTaggingCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListMultipartUploadsCommand,
  ListObjectsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  PutObjectTaggingCommand,
  UploadPartCommand,
  UploadPartCopyCommand,
  type S3Client,
  type S3ServiceException,
} from '@aws-sdk/client-s3';
import { Readable } from 'node:stream';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startS3, type S3Harness } from './support.js';

const MiB = 1024 * 1024;

async function s3Error(promise: Promise<unknown>): Promise<{ name: string; status: number | undefined }> {
  try {
    await promise;
  } catch (err) {
    const e = err as S3ServiceException;
    return { name: e.name, status: e.$metadata?.httpStatusCode };
  }
  assert.fail('expected an S3 error');
}

const md5 = (b: Buffer) => createHash('md5').update(b).digest();

for (const kind of testDatabaseKinds()) {
  describe(`s3 through @aws-sdk/client-s3 (${kind.name})`, function () {
    this.timeout(60_000);
    let h: S3Harness;
    let c: S3Client;
    before(async () => {
      h = await startS3(kind);
      c = h.client(await h.user('alice'));
      await c.send(new CreateBucketCommand({ Bucket: 'data' }));
    });
    after(async () => h?.close());

    it('creates, heads, locates, lists and deletes buckets; names and duplicates refused with S3 codes', async () => {
      await c.send(new CreateBucketCommand({ Bucket: 'tmp-bucket' }));
      assert.equal((await c.send(new HeadBucketCommand({ Bucket: 'tmp-bucket' }))).$metadata.httpStatusCode, 200);
      assert.equal((await c.send(new GetBucketLocationCommand({ Bucket: 'tmp-bucket' }))).LocationConstraint, undefined);
      const names = (await c.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name);
      assert.deepEqual(names, ['data', 'tmp-bucket', 'ws-alice']);
      assert.deepEqual(await s3Error(c.send(new CreateBucketCommand({ Bucket: 'tmp-bucket' }))), { name: 'BucketAlreadyOwnedByYou', status: 409 });
      const bob = h.client(await h.user('bob'));
      assert.deepEqual(await s3Error(bob.send(new CreateBucketCommand({ Bucket: 'tmp-bucket' }))), { name: 'BucketAlreadyExists', status: 409 });
      assert.deepEqual(await s3Error(c.send(new CreateBucketCommand({ Bucket: 'Bad_Name' }))), { name: 'InvalidBucketName', status: 400 });
      await c.send(new PutObjectCommand({ Bucket: 'tmp-bucket', Key: 'x', Body: 'x' }));
      assert.deepEqual(await s3Error(c.send(new DeleteBucketCommand({ Bucket: 'tmp-bucket' }))), { name: 'BucketNotEmpty', status: 409 });
      await c.send(new DeleteObjectCommand({ Bucket: 'tmp-bucket', Key: 'x' }));
      await c.send(new DeleteBucketCommand({ Bucket: 'tmp-bucket' }));
      assert.deepEqual(await s3Error(c.send(new HeadBucketCommand({ Bucket: 'tmp-bucket' }))), { name: 'NotFound', status: 404 });
      assert.deepEqual(await s3Error(c.send(new ListObjectsV2Command({ Bucket: 'tmp-bucket' }))), { name: 'NoSuchBucket', status: 404 });
    });

    it('puts with metadata and content headers kept, gets them back; checksums sent by the SDK verified and returned', async () => {
      const put = await c.send(
        new PutObjectCommand({
          Bucket: 'data',
          Key: 'docs/readme.txt',
          Body: 'hello world',
          ContentType: 'text/plain',
          ContentEncoding: 'identity',
          ContentDisposition: 'attachment; filename="r.txt"',
          ContentLanguage: 'en',
          CacheControl: 'max-age=60',
          Expires: new Date('2030-01-01T00:00:00Z'),
          Metadata: { project: 'eo', 'run-id': '42' },
          ChecksumAlgorithm: 'CRC32C',
        }),
      );
      assert.equal(put.ETag, `"${createHash('md5').update('hello world').digest('hex')}"`);
      const got = await c.send(new GetObjectCommand({ Bucket: 'data', Key: 'docs/readme.txt', ChecksumMode: 'ENABLED' }));
      assert.equal(await got.Body!.transformToString(), 'hello world');
      assert.equal(got.ContentType, 'text/plain');
      assert.equal(got.ContentDisposition, 'attachment; filename="r.txt"');
      assert.equal(got.ContentLanguage, 'en');
      assert.equal(got.CacheControl, 'max-age=60');
      assert.equal(got.ContentEncoding, 'identity');
      assert.equal(got.ContentLength, 11);
      assert.deepEqual(got.Metadata, { project: 'eo', 'run-id': '42' });
      const head = await c.send(new HeadObjectCommand({ Bucket: 'data', Key: 'docs/readme.txt' }));
      assert.equal(head.ContentLength, 11);
      assert.equal(head.ETag, put.ETag);
      assert.deepEqual(await s3Error(c.send(new GetObjectCommand({ Bucket: 'data', Key: 'docs/none' }))), { name: 'NoSuchKey', status: 404 });
      assert.deepEqual(await s3Error(c.send(new HeadObjectCommand({ Bucket: 'data', Key: 'docs/none' }))), { name: 'NotFound', status: 404 });
    });

    it('streams a body of unknown length (aws-chunked with the CRC32 trailer the SDK sends)', async () => {
      const data = Buffer.alloc(3 * MiB + 17, 7);
      const body = Readable.from([data.subarray(0, MiB), data.subarray(MiB)]);
      await c.send(new PutObjectCommand({ Bucket: 'data', Key: 'stream.bin', Body: body, ContentLength: data.length }));
      const got = Buffer.from(await (await c.send(new GetObjectCommand({ Bucket: 'data', Key: 'stream.bin' }))).Body!.transformToByteArray());
      assert.ok(got.equals(data));
    });

    it('serves ranges (206) and refuses unsatisfiable ones with InvalidRange (416)', async () => {
      await c.send(new PutObjectCommand({ Bucket: 'data', Key: 'digits', Body: '0123456789' }));
      const part = await c.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', Range: 'bytes=2-5' }));
      assert.equal(part.$metadata.httpStatusCode, 206);
      assert.equal(part.ContentRange, 'bytes 2-5/10');
      assert.equal(await part.Body!.transformToString(), '2345');
      const suffix = await c.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', Range: 'bytes=-3' }));
      assert.equal(await suffix.Body!.transformToString(), '789');
      assert.deepEqual(await s3Error(c.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', Range: 'bytes=10-20' }))), { name: 'InvalidRange', status: 416 });
    });

    it('answers conditional GETs with 304 and 412 (PreconditionFailed)', async () => {
      const { ETag, LastModified } = await c.send(new HeadObjectCommand({ Bucket: 'data', Key: 'digits' }));
      const ok = await c.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', IfMatch: ETag }));
      assert.equal(ok.$metadata.httpStatusCode, 200);
      assert.deepEqual(await s3Error(c.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', IfMatch: '"0000"' }))), { name: 'PreconditionFailed', status: 412 });
      assert.deepEqual(await s3Error(c.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', IfNoneMatch: ETag }))), { name: 'Unknown', status: 304 });
      assert.deepEqual(await s3Error(c.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', IfModifiedSince: new Date(LastModified!.getTime() + 1000) }))), { name: 'Unknown', status: 304 });
      assert.deepEqual(await s3Error(c.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', IfUnmodifiedSince: new Date(LastModified!.getTime() - 10_000) }))), { name: 'PreconditionFailed', status: 412 });
      const modified = await c.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', IfModifiedSince: new Date(LastModified!.getTime() - 10_000) }));
      assert.equal(modified.$metadata.httpStatusCode, 200);
    });

    it('applies response-* overrides', async () => {
      const got = await c.send(new GetObjectCommand({ Bucket: 'data', Key: 'digits', ResponseContentType: 'application/x-test', ResponseContentDisposition: 'inline', ResponseCacheControl: 'no-cache' }));
      assert.equal(got.ContentType, 'application/x-test');
      assert.equal(got.ContentDisposition, 'inline');
      assert.equal(got.CacheControl, 'no-cache');
    });

    it('refuses a wrong Content-MD5 (BadDigest) and a wrong checksum header, leaving no object', async () => {
      const wrongMd5 = md5(Buffer.from('other')).toString('base64');
      const noRetry = h.client(await h.user('alice2'), { maxAttempts: 1 });
      await noRetry.send(new CreateBucketCommand({ Bucket: 'alice2-bucket' }));
      assert.deepEqual(await s3Error(noRetry.send(new PutObjectCommand({ Bucket: 'alice2-bucket', Key: 'k', Body: 'payload', ContentMD5: wrongMd5 }))), { name: 'BadDigest', status: 400 });
      assert.deepEqual(await s3Error(noRetry.send(new PutObjectCommand({ Bucket: 'alice2-bucket', Key: 'k', Body: 'payload', ChecksumCRC32: 'AAAAAA==' }))), { name: 'BadDigest', status: 400 });
      assert.deepEqual(await s3Error(noRetry.send(new HeadObjectCommand({ Bucket: 'alice2-bucket', Key: 'k' }))), { name: 'NotFound', status: 404 });
      const good = await noRetry.send(new PutObjectCommand({ Bucket: 'alice2-bucket', Key: 'k', Body: 'payload', ContentMD5: md5(Buffer.from('payload')).toString('base64') }));
      assert.ok(good.ETag);
      // A large body (its MD5 computed on the store's thread, Content-MD5 checked by the store) and a part.
      const large = Buffer.alloc(2 * 1024 * 1024 + 3, 9);
      assert.deepEqual(await s3Error(noRetry.send(new PutObjectCommand({ Bucket: 'alice2-bucket', Key: 'k', Body: large, ContentMD5: wrongMd5 }))), { name: 'BadDigest', status: 400 });
      assert.equal((await noRetry.send(new GetObjectCommand({ Bucket: 'alice2-bucket', Key: 'k' }))).ContentLength, 7, 'the object before stays');
      const right = await noRetry.send(new PutObjectCommand({ Bucket: 'alice2-bucket', Key: 'k', Body: large, ContentMD5: md5(large).toString('base64') }));
      assert.equal(right.ETag, `"${md5(large).toString('hex')}"`);
      const { UploadId } = await noRetry.send(new CreateMultipartUploadCommand({ Bucket: 'alice2-bucket', Key: 'parts' }));
      assert.deepEqual(await s3Error(noRetry.send(new UploadPartCommand({ Bucket: 'alice2-bucket', Key: 'parts', UploadId, PartNumber: 1, Body: large, ContentMD5: wrongMd5 }))), { name: 'BadDigest', status: 400 });
      const parts = await noRetry.send(new ListPartsCommand({ Bucket: 'alice2-bucket', Key: 'parts', UploadId }));
      assert.equal(parts.Parts?.length ?? 0, 0);
      await noRetry.send(new AbortMultipartUploadCommand({ Bucket: 'alice2-bucket', Key: 'parts', UploadId }));
    });

    it('lists v1 and v2: prefix, delimiter, common prefixes, max-keys, continuation, start-after, marker, fetch-owner, encoding-type', async () => {
      await c.send(new CreateBucketCommand({ Bucket: 'listing' }));
      const keys = ['a/1', 'a/2', 'a/b/3', 'b/4', 'c', 'd e+f', 'z/ü'];
      for (const Key of keys) await c.send(new PutObjectCommand({ Bucket: 'listing', Key, Body: Key }));
      const all = await c.send(new ListObjectsV2Command({ Bucket: 'listing' }));
      assert.deepEqual(all.Contents!.map((o) => o.Key), keys);
      assert.equal(all.KeyCount, 7);
      const top = await c.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
      assert.deepEqual(top.CommonPrefixes!.map((p) => p.Prefix), ['a/', 'b/', 'z/']);
      assert.deepEqual(top.Contents!.map((o) => o.Key), ['c', 'd e+f']);
      const underA = await c.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'a/', Delimiter: '/' }));
      assert.deepEqual(underA.Contents!.map((o) => o.Key), ['a/1', 'a/2']);
      assert.deepEqual(underA.CommonPrefixes!.map((p) => p.Prefix), ['a/b/']);
      // Pages of two, through the continuation token.
      const seen: string[] = [];
      let token: string | undefined;
      do {
        const page = await c.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 2, ContinuationToken: token }));
        assert.ok(page.KeyCount! <= 2);
        seen.push(...page.Contents!.map((o) => o.Key!));
        token = page.NextContinuationToken;
        assert.equal(page.IsTruncated, token !== undefined);
      } while (token);
      assert.deepEqual(seen, keys);
      const after = await c.send(new ListObjectsV2Command({ Bucket: 'listing', StartAfter: 'b/4', FetchOwner: true }));
      assert.deepEqual(after.Contents!.map((o) => o.Key), ['c', 'd e+f', 'z/ü']);
      assert.equal(after.Contents![0]!.Owner!.ID, 'alice');
      const noOwner = await c.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 1 }));
      assert.equal(noOwner.Contents![0]!.Owner, undefined);
      const v1 = await c.send(new ListObjectsCommand({ Bucket: 'listing', Marker: 'a/b/3', MaxKeys: 2, Delimiter: '/' }));
      assert.deepEqual(v1.CommonPrefixes?.map((p) => p.Prefix), ['b/']);
      assert.deepEqual(v1.Contents!.map((o) => o.Key), ['c']);
      assert.equal(v1.IsTruncated, true);
      assert.equal(v1.NextMarker, 'c');
      // A marker that is a common prefix skips everything under it.
      const v1b = await c.send(new ListObjectsCommand({ Bucket: 'listing', Marker: 'a/', Delimiter: '/' }));
      assert.deepEqual(v1b.CommonPrefixes?.map((p) => p.Prefix), ['b/', 'z/']);
      const encoded = await c.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'd', EncodingType: 'url' }));
      assert.equal(encoded.Contents![0]!.Key, 'd%20e%2Bf');
      const zero = await c.send(new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 0 }));
      assert.equal(zero.KeyCount, 0);
    });

    it('copies with COPY and REPLACE directives; copying onto itself unchanged is refused', async () => {
      await c.send(new PutObjectCommand({ Bucket: 'data', Key: 'src', Body: 'source bytes', ContentType: 'text/x-src', Metadata: { a: '1' } }));
      const copied = await c.send(new CopyObjectCommand({ Bucket: 'data', Key: 'dst', CopySource: 'data/src' }));
      assert.equal(copied.CopyObjectResult!.ETag, `"${createHash('md5').update('source bytes').digest('hex')}"`);
      const dst = await c.send(new HeadObjectCommand({ Bucket: 'data', Key: 'dst' }));
      assert.equal(dst.ContentType, 'text/x-src');
      assert.deepEqual(dst.Metadata, { a: '1' });
      await c.send(new CopyObjectCommand({ Bucket: 'data', Key: 'dst', CopySource: '/data/src', MetadataDirective: 'REPLACE', ContentType: 'text/x-new', Metadata: { b: '2' } }));
      const replaced = await c.send(new HeadObjectCommand({ Bucket: 'data', Key: 'dst' }));
      assert.equal(replaced.ContentType, 'text/x-new');
      assert.deepEqual(replaced.Metadata, { b: '2' });
      assert.deepEqual(await s3Error(c.send(new CopyObjectCommand({ Bucket: 'data', Key: 'src', CopySource: 'data/src' }))), { name: 'InvalidRequest', status: 400 });
      assert.deepEqual(await s3Error(c.send(new CopyObjectCommand({ Bucket: 'data', Key: 'x', CopySource: 'data/nope' }))), { name: 'NoSuchKey', status: 404 });
      assert.deepEqual(await s3Error(c.send(new CopyObjectCommand({ Bucket: 'data', Key: 'x', CopySource: 'data/src', CopySourceIfMatch: '"abc"' }))), { name: 'PreconditionFailed', status: 412 });
    });

    it('deletes many objects at once, quiet or not', async () => {
      for (const Key of ['m/1', 'm/2', 'm/3']) await c.send(new PutObjectCommand({ Bucket: 'data', Key, Body: Key }));
      const loud = await c.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Objects: [{ Key: 'm/1' }, { Key: 'm/missing' }] } }));
      assert.deepEqual(loud.Deleted!.map((d) => d.Key).sort(), ['m/1', 'm/missing']);
      const quiet = await c.send(new DeleteObjectsCommand({ Bucket: 'data', Delete: { Quiet: true, Objects: [{ Key: 'm/2' }, { Key: 'm/3' }] } }));
      assert.equal(quiet.Deleted, undefined);
      const left = await c.send(new ListObjectsV2Command({ Bucket: 'data', Prefix: 'm/' }));
      assert.equal(left.KeyCount, 0);
    });

    it('multipart: parts kept apart until Complete, md5-of-md5s ETag, copy of a range as a part, ListParts, ListMultipartUploads', async () => {
      const part1 = Buffer.alloc(5 * MiB, 1);
      const part2 = Buffer.alloc(1234, 2);
      const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'big.bin', ContentType: 'application/x-big', Metadata: { origin: 'mpu' } }));
      const p1 = await c.send(new UploadPartCommand({ Bucket: 'data', Key: 'big.bin', UploadId, PartNumber: 1, Body: part1 }));
      const p2 = await c.send(new UploadPartCopyCommand({ Bucket: 'data', Key: 'big.bin', UploadId, PartNumber: 2, CopySource: 'data/digits', CopySourceRange: 'bytes=1-3' }));
      const p3 = await c.send(new UploadPartCommand({ Bucket: 'data', Key: 'big.bin', UploadId, PartNumber: 3, Body: part2 }));
      const uploads = await c.send(new ListMultipartUploadsCommand({ Bucket: 'data' }));
      assert.deepEqual(uploads.Uploads!.map((u) => [u.Key, u.UploadId]), [['big.bin', UploadId]]);
      const parts = await c.send(new ListPartsCommand({ Bucket: 'data', Key: 'big.bin', UploadId }));
      assert.deepEqual(parts.Parts!.map((p) => [p.PartNumber, p.Size]), [[1, 5 * MiB], [2, 3], [3, 1234]]);
      assert.deepEqual(await s3Error(c.send(new HeadObjectCommand({ Bucket: 'data', Key: 'big.bin' }))), { name: 'NotFound', status: 404 });
      // Part 2 (3 bytes) is not last: too small.
      assert.deepEqual(
        await s3Error(c.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'big.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 2, ETag: p2.CopyPartResult!.ETag }, { PartNumber: 3, ETag: p3.ETag }] } }))),
        { name: 'EntityTooSmall', status: 400 },
      );
      assert.deepEqual(
        await s3Error(c.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'big.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 3, ETag: p3.ETag }, { PartNumber: 1, ETag: p1.ETag }] } }))),
        { name: 'InvalidPartOrder', status: 400 },
      );
      assert.deepEqual(
        await s3Error(c.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'big.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: '"0123456789abcdef0123456789abcdef"' }] } }))),
        { name: 'InvalidPart', status: 400 },
      );
      const done = await c.send(new CompleteMultipartUploadCommand({ Bucket: 'data', Key: 'big.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: p1.ETag }, { PartNumber: 3, ETag: p3.ETag }] } }));
      const expected = `"${createHash('md5').update(Buffer.concat([md5(part1), md5(part2)])).digest('hex')}-2"`;
      assert.equal(done.ETag, expected);
      const got = await c.send(new GetObjectCommand({ Bucket: 'data', Key: 'big.bin' }));
      assert.equal(got.ETag, expected);
      assert.equal(got.ContentType, 'application/x-big');
      assert.deepEqual(got.Metadata, { origin: 'mpu' });
      const bytes = Buffer.from(await got.Body!.transformToByteArray());
      assert.ok(bytes.equals(Buffer.concat([part1, part2])));
      assert.deepEqual(await s3Error(c.send(new ListPartsCommand({ Bucket: 'data', Key: 'big.bin', UploadId }))), { name: 'NoSuchUpload', status: 404 });
      assert.equal((await c.send(new ListMultipartUploadsCommand({ Bucket: 'data' }))).Uploads, undefined);
    });

    it('multipart: Abort removes the parts; unknown upload ids are NoSuchUpload; abandoned uploads are swept', async () => {
      const { UploadId } = await c.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'aborted.bin' }));
      await c.send(new UploadPartCommand({ Bucket: 'data', Key: 'aborted.bin', UploadId, PartNumber: 1, Body: 'x' }));
      await c.send(new AbortMultipartUploadCommand({ Bucket: 'data', Key: 'aborted.bin', UploadId }));
      assert.equal((await h.env.blobs.list(`${h.env.uploadsPrefix()}${UploadId}/`)).items.length, 0);
      assert.deepEqual(await s3Error(c.send(new UploadPartCommand({ Bucket: 'data', Key: 'aborted.bin', UploadId, PartNumber: 1, Body: 'x' }))), { name: 'NoSuchUpload', status: 404 });
      const old = await c.send(new CreateMultipartUploadCommand({ Bucket: 'data', Key: 'old.bin' }));
      await c.send(new UploadPartCommand({ Bucket: 'data', Key: 'old.bin', UploadId: old.UploadId, PartNumber: 1, Body: 'y' }));
      assert.equal(await h.sweep(Date.now()), 0);
      assert.equal(await h.sweep(Date.now() + 8 * 24 * 3600 * 1000), 1);
      assert.equal((await h.env.blobs.list(`${h.env.uploadsPrefix()}${old.UploadId}/`)).items.length, 0);
      assert.deepEqual(await s3Error(c.send(new ListPartsCommand({ Bucket: 'data', Key: 'old.bin', UploadId: old.UploadId }))), { name: 'NoSuchUpload', status: 404 });
    });

    it('tags objects; a new PUT of the key has no tags', async () => {
      await c.send(new PutObjectCommand({ Bucket: 'data', Key: 'tagged', Body: 't', Tagging: 'a=1&b=two%20words' }));
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'tagged' }))).TagSet, [{ Key: 'a', Value: '1' }, { Key: 'b', Value: 'two words' }]);
      await c.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'tagged', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }));
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'tagged' }))).TagSet, [{ Key: 'k', Value: 'v' }]);
      await c.send(new DeleteObjectTaggingCommand({ Bucket: 'data', Key: 'tagged' }));
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'tagged' }))).TagSet, []);
      await c.send(new PutObjectTaggingCommand({ Bucket: 'data', Key: 'tagged', Tagging: { TagSet: [{ Key: 'k', Value: 'v' }] } }));
      await c.send(new PutObjectCommand({ Bucket: 'data', Key: 'tagged', Body: 'new version' }));
      assert.deepEqual((await c.send(new GetObjectTaggingCommand({ Bucket: 'data', Key: 'tagged' }))).TagSet, []);
    });

    it('keys that could escape the bucket are refused; keys are blob keys under the bucket prefix', async () => {
      for (const Key of ['../escape', 'a/../../b', 'a/./b', 'nul\u0000byte']) {
        const e = await s3Error(c.send(new PutObjectCommand({ Bucket: 'data', Key, Body: 'x' })));
        assert.equal(e.status, 400, Key);
      }
      const listed = await h.env.blobs.list('', {});
      assert.ok(listed.items.every((i) => i.key.startsWith('s3/')), JSON.stringify(listed.items.map((i) => i.key)));
      assert.equal(await h.env.blobs.head('escape'), null);
    });
  });
}
