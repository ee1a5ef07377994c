/**
 * The body of a request as the object's bytes, verified while it streams: the signed SHA-256
 * (x-amz-content-sha256), the aws-chunked framing with chunk and trailer signatures, Content-MD5
 * and x-amz-checksum-* (in a header or in the trailer). A mismatch fails the stream before its
 * end, so the blob store never publishes the object.
 */
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import type { Context } from 'koa';
import { createChecksum, DIGEST_BYTES, isChecksumAlgorithm, type Checksum, type ChecksumAlgorithm } from './checksums.js';
import { s3 } from './errors.js';
import { SIGNATURE_STATE, type SignatureState } from './sigv4/authenticator.js';
import { AwsChunkedDecoder } from './sigv4/chunked.js';
import { sha256Hex } from './sigv4/canonical.js';

/** S3's largest single PUT. */
export const MAX_PUT_BYTES = 5 * 1024 ** 3;

export interface Payload {
  body: Readable;
  /** Byte count of the decoded body when the request says it (Content-Length or x-amz-decoded-content-length). */
  size?: number;
  /** A checksum the client gave in a header (known before the body): kept with the object. */
  checksum?: { algorithm: ChecksumAlgorithm; value: string };
  /** Content-MD5 (hex), left to the blob store to verify (`md5ByStore`): the body is not checked for it. */
  expectMd5?: string;
}

export interface PayloadOptions {
  /**
   * The blob store the body goes to verifies an expected MD5 (BlobStore.verifiesMd5): Content-MD5
   * is then handed to it (`expectMd5`) rather than checked here, so that the body is hashed once
   * (AWS CLI and boto3 send Content-MD5 with every PutObject and UploadPart).
   */
  md5ByStore?: boolean;
}

interface Expectation {
  md5?: string;
  sha256Hex?: string;
  checksum?: { algorithm: ChecksumAlgorithm; value?: string };
}

const STREAMING = new Set(['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER', 'STREAMING-UNSIGNED-PAYLOAD-TRAILER']);

function checkedBase64(value: string, bytes: number, what: string): string {
  const decoded = Buffer.from(value, 'base64');
  if (decoded.length !== bytes || decoded.toString('base64') !== value) throw s3.invalidDigest(what);
  return value;
}

/** The x-amz-checksum-<alg> header given, at most one. */
function headerChecksum(ctx: Context): { algorithm: ChecksumAlgorithm; value: string } | undefined {
  let found: { algorithm: ChecksumAlgorithm; value: string } | undefined;
  for (const name of Object.keys(ctx.headers)) {
    if (!name.startsWith('x-amz-checksum-') || name === 'x-amz-checksum-mode' || name === 'x-amz-checksum-type') continue;
    const algorithm = name.slice('x-amz-checksum-'.length);
    if (!isChecksumAlgorithm(algorithm)) throw s3.invalidRequest(`Unsupported checksum algorithm in ${name}`);
    if (found) throw s3.invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum types are not allowed.');
    found = { algorithm, value: checkedBase64(ctx.get(name), DIGEST_BYTES[algorithm], `x-amz-checksum-${algorithm}`) };
  }
  return found;
}

export function openPayload(ctx: Context, options: PayloadOptions = {}): Payload {
  const signing = ctx.state[SIGNATURE_STATE] as SignatureState | undefined;
  const payloadHash = signing?.payloadHash ?? (ctx.get('x-amz-content-sha256') || 'UNSIGNED-PAYLOAD');
  const expect: Expectation = {};
  const contentMd5 = ctx.get('content-md5');
  let expectMd5: string | undefined;
  if (contentMd5) {
    const md5 = checkedBase64(contentMd5, 16, 'Content-MD5');
    if (options.md5ByStore) expectMd5 = Buffer.from(md5, 'base64').toString('hex');
    else expect.md5 = md5;
  }
  const fromHeader = headerChecksum(ctx);
  if (fromHeader) expect.checksum = { ...fromHeader };

  const contentLength = ctx.get('content-length') === '' ? undefined : Number(ctx.get('content-length'));
  if (contentLength !== undefined && !(Number.isSafeInteger(contentLength) && contentLength >= 0)) throw s3.invalidArgument('Invalid Content-Length');
  let size = contentLength;
  let body: Readable = ctx.req;

  if (STREAMING.has(payloadHash) || ctx.get('content-encoding').split(',').map((s) => s.trim()).includes('aws-chunked')) {
    if (payloadHash.startsWith('STREAMING-AWS4-HMAC') && !signing) throw s3.accessDenied('A signed streaming payload needs a signed request');
    const decoded = ctx.get('x-amz-decoded-content-length');
    size = decoded === '' ? undefined : Number(decoded);
    if (size !== undefined && !(Number.isSafeInteger(size) && size >= 0)) throw s3.invalidArgument('Invalid x-amz-decoded-content-length');
    const trailerNames = ctx.get('x-amz-trailer').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
    const trailer = payloadHash.endsWith('-TRAILER') || trailerNames.length > 0;
    for (const name of trailerNames) {
      const algorithm = name.startsWith('x-amz-checksum-') ? name.slice('x-amz-checksum-'.length) : '';
      if (!isChecksumAlgorithm(algorithm)) throw s3.invalidRequest(`Unsupported trailer ${name}`);
      if (expect.checksum) throw s3.invalidRequest('Expecting a single x-amz-checksum- header. Multiple checksum types are not allowed.');
      expect.checksum = { algorithm };
    }
    const decoder = new AwsChunkedDecoder({
      ...(payloadHash.startsWith('STREAMING-AWS4-HMAC') ? { signing } : {}),
      trailer,
      onTrailer(headers) {
        if (expect.checksum && expect.checksum.value === undefined) {
          const value = headers.get(`x-amz-checksum-${expect.checksum.algorithm}`);
          if (value === undefined) throw s3.invalidRequest(`The trailer x-amz-checksum-${expect.checksum.algorithm} announced in x-amz-trailer is missing`);
          expect.checksum.value = checkedBase64(value, DIGEST_BYTES[expect.checksum.algorithm], `x-amz-checksum-${expect.checksum.algorithm}`);
        }
      },
    });
    ctx.req.on('error', (err) => decoder.destroy(err));
    // Errors may come before the consumer (the blob store) attaches; it finds them in `errored`.
    decoder.on('error', noop);
    body = ctx.req.pipe(decoder);
  } else if (payloadHash !== 'UNSIGNED-PAYLOAD') {
    if (!/^[0-9a-f]{64}$/.test(payloadHash)) throw s3.invalidArgument('x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-... or a SHA-256 in lower-case hex');
    // Unsigned requests may send it too; it is then checked, not trusted.
    expect.sha256Hex = payloadHash;
  }
  if (size !== undefined && size > MAX_PUT_BYTES) throw s3.entityTooLarge();

  if (expect.md5 || expect.sha256Hex || expect.checksum) {
    const verifier = new DigestVerifier(expect);
    body.on('error', (err) => verifier.destroy(err));
    verifier.on('error', noop);
    body = body.pipe(verifier);
  }
  const payload: Payload = { body };
  if (size !== undefined) payload.size = size;
  if (fromHeader) payload.checksum = fromHeader;
  if (expectMd5) payload.expectMd5 = expectMd5;
  return payload;
}

const noop = () => undefined;

/**
 * Passes bytes through, and fails at the end when a digest differs from what the client said.
 * Hashed here, on the event loop: the signed SHA-256 of large bodies (s3cmd signs every payload)
 * hashed on a worker thread, as core/body-hash.ts does the store's MD5, was measured slower: 64 MiB PUTs at 1 and 4
 * connections went from 359/406 to 222/260 MiB/s and server CPU per PUT from 233 to 430 ms. Not
 * established why; a likely part is that a transform calling back later (after `ready()`) hands
 * the store one chunk at a time, where it otherwise batches what gathers into one writev.
 */
class DigestVerifier extends Transform {
  private readonly md5?: Checksum;
  private readonly sha256?: Checksum;
  private readonly checksum?: Checksum;

  constructor(private readonly expect: Expectation) {
    super();
    if (expect.md5) this.md5 = createChecksum('md5');
    if (expect.sha256Hex) this.sha256 = createChecksum('sha256');
    if (expect.checksum) this.checksum = createChecksum(expect.checksum.algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.md5?.update(chunk);
    this.sha256?.update(chunk);
    this.checksum?.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    if (this.md5 && this.md5.digestBase64() !== this.expect.md5) return callback(s3.badDigest('Content-MD5'));
    if (this.sha256 && Buffer.from(this.sha256.digestBase64(), 'base64').toString('hex') !== this.expect.sha256Hex) return callback(s3.contentSha256Mismatch());
    if (this.checksum && this.expect.checksum) {
      const { algorithm, value } = this.expect.checksum;
      if (value === undefined) return callback(s3.invalidRequest(`x-amz-checksum-${algorithm} was announced but not sent`));
      if (this.checksum.digestBase64() !== value) return callback(s3.badDigest(algorithm.toUpperCase()));
    }
    callback();
  }
}

/** A small request body (XML documents), verified the same way, within `limit` bytes. */
export async function readVerifiedBody(ctx: Context, limit: number): Promise<Buffer> {
  const payload = openPayload(ctx);
  if (payload.size !== undefined && payload.size > limit) throw s3.entityTooLarge(`The request body is larger than ${limit} bytes`);
  const parts: Buffer[] = [];
  let total = 0;
  try {
    for await (const chunk of payload.body) {
      total += (chunk as Buffer).length;
      if (total > limit) throw s3.entityTooLarge(`The request body is larger than ${limit} bytes`);
      parts.push(chunk as Buffer);
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'ECONNRESET' || (err as Error).message === 'aborted') throw s3.incompleteBody();
    throw err;
  }
  return Buffer.concat(parts);
}

export { sha256Hex };
