import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  S3Client,
  S3ServiceException,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
// pipeline (callback form) returns its last stream and carries source errors into it.
import { pipeline, Readable, Transform, type TransformCallback } from 'node:stream';
import { BadRequest, MeridianError } from '../../errors.js';
import type { BlobInfo, BlobObject, BlobStore, ByteRange, GetOptions, ListOptions, ListPage, PutOptions } from './types.js';
import { BlobNotFound, InvalidRange } from './errors.js';
import { listLimit } from './list-limit.js';
import { assertValidContentType, assertValidKey, assertValidPrefix, normaliseMetadata } from './keys.js';
import { rangeHeader, resolveRange } from './range.js';

export interface S3BlobStoreConfig {
  type: 's3';
  bucket: string;
  /** Keys are stored under this prefix in the bucket ('meridian/'); a trailing '/' is added. */
  prefix?: string;
  region?: string;
  /** Endpoint of an S3-compatible store (MinIO, Ceph RGW...); AWS when absent. */
  endpoint?: string;
  /** Path-style URLs (endpoint/bucket/key), which most S3-compatible stores need: default true with an endpoint. */
  forcePathStyle?: boolean;
  /** Static credentials; the SDK's default chain (environment, profile, instance role) otherwise. */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Bytes per multipart part (at least 5 MiB); a body up to this size is sent in one PUT. */
  partSize?: number;
  /** Parts uploaded at once; memory use is about queueSize × partSize per upload. */
  queueSize?: number;
  /** Create the bucket at open when it does not exist (development stores). */
  createBucket?: boolean;
}

export const MIN_PART_SIZE = 5 * 1024 * 1024;
const DEFAULT_PART_SIZE = 8 * 1024 * 1024;
const MAX_PARTS = 10_000;

/**
 * Blobs in a bucket of any S3-compatible store. Atomicity comes from S3 itself: an object
 * appears whole when its PUT or CompleteMultipartUpload succeeds. ETags are the store's:
 * the MD5 hex of the content for a single PUT, `<md5 of part md5s>-<parts>` after a multipart
 * upload. Listings carry no content type or metadata (ListObjectsV2 does not return them).
 */
export class S3BlobStore implements BlobStore {
  readonly type = 's3';
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly base: string;
  private readonly partSize: number;
  private readonly queueSize: number;

  private constructor(config: Omit<S3BlobStoreConfig, 'type'>) {
    const clientConfig: S3ClientConfig = {
      region: config.region ?? 'us-east-1',
      forcePathStyle: config.forcePathStyle ?? config.endpoint !== undefined,
      // Many S3-compatible stores reject the SDK's default CRC32 trailers; send checksums only
      // where an operation requires one.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (config.endpoint) clientConfig.endpoint = config.endpoint;
    if (config.credentials) clientConfig.credentials = config.credentials;
    this.client = new S3Client(clientConfig);
    this.bucket = config.bucket;
    this.base = config.prefix ? config.prefix.replace(/\/*$/, '/') : '';
    this.partSize = Math.max(MIN_PART_SIZE, config.partSize ?? DEFAULT_PART_SIZE);
    this.queueSize = Math.max(1, config.queueSize ?? 4);
  }

  static async open(config: Omit<S3BlobStoreConfig, 'type'>): Promise<S3BlobStore> {
    const store = new S3BlobStore(config);
    if (config.createBucket) await store.ensureBucket();
    return store;
  }

  async get(key: string, options: GetOptions = {}): Promise<BlobObject> {
    assertValidKey(key);
    const Range = options.range ? rangeHeader(options.range) : undefined;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.base + key, Range }));
      const body = out.Body as Readable | undefined;
      const contentRange = parseContentRange(out.ContentRange);
      const info: BlobInfo = {
        key,
        size: contentRange?.size ?? out.ContentLength ?? 0,
        etag: unquote(out.ETag),
        lastModified: out.LastModified ?? new Date(0),
        metadata: { ...(out.Metadata ?? {}) },
      };
      if (out.ContentType !== undefined) info.contentType = out.ContentType;
      if (!options.range) return { ...info, body: body ?? Readable.from([]) };
      if (contentRange) return { ...info, body: body ?? Readable.from([]), range: { start: contentRange.start, end: contentRange.end } };
      // The store answered a ranged GET with the whole object (some do, for an empty object or
      // a suffix covering it): resolve the range here and cut the body to it.
      let range: { start: number; end: number };
      try {
        range = resolveRange(options.range, info.size);
      } catch (err) {
        body?.destroy();
        throw err;
      }
      const whole = body ?? Readable.from([]);
      const sliced = range.start === 0 && range.end === info.size - 1 ? whole : pipeline(whole, sliceBytes(range.start, range.end), () => undefined);
      return { ...info, body: sliced, range };
    } catch (err) {
      throw mapError(err, key);
    }
  }

  async put(key: string, body: Readable | Buffer | string, options: PutOptions = {}): Promise<BlobInfo> {
    assertValidKey(key);
    const metadata = normaliseMetadata(options.metadata);
    assertValidContentType(options.contentType);
    const counted = countBytes(options.size);
    const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
    source.on('error', (err) => counted.destroy(err));
    source.pipe(counted);
    // Parts are at most 10,000: a large announced size needs larger parts.
    const partSize = Math.max(this.partSize, Math.ceil((options.size ?? 0) / MAX_PARTS));
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.bucket, Key: this.base + key, Body: counted, ContentType: options.contentType, Metadata: metadata },
      partSize,
      queueSize: this.queueSize,
      leavePartsOnError: false,
    });
    try {
      const out = await upload.done();
      const info: BlobInfo = { key, size: counted.bytes, etag: unquote(out.ETag), lastModified: new Date(), metadata };
      if (options.contentType !== undefined) info.contentType = options.contentType;
      return info;
    } catch (err) {
      source.unpipe(counted);
      throw mapError(counted.error ?? err, key);
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    assertValidKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.base + key }));
      const info: BlobInfo = {
        key,
        size: out.ContentLength ?? 0,
        etag: unquote(out.ETag),
        lastModified: out.LastModified ?? new Date(0),
        metadata: { ...(out.Metadata ?? {}) },
      };
      if (out.ContentType !== undefined) info.contentType = out.ContentType;
      return info;
    } catch (err) {
      const mapped = mapError(err, key);
      if (mapped instanceof BlobNotFound) return null;
      throw mapped;
    }
  }

  /** S3's DELETE says nothing of whether the key existed: a HEAD first tells. */
  async delete(key: string): Promise<boolean> {
    if (!(await this.head(key))) return false;
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.base + key }));
      return true;
    } catch (err) {
      throw mapError(err, key);
    }
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertValidPrefix(prefix);
    const input = {
      Bucket: this.bucket,
      Prefix: this.base + prefix,
      MaxKeys: listLimit(options.limit),
      Delimiter: options.delimiter || undefined,
      ContinuationToken: options.cursor ? decodeCursor(options.cursor) : undefined,
      StartAfter: !options.cursor && options.startAfter ? this.base + options.startAfter : undefined,
    };
    try {
      const out = await this.client.send(new ListObjectsV2Command(input));
      const items: BlobInfo[] = (out.Contents ?? []).map((o) => ({
        key: (o.Key ?? '').slice(this.base.length),
        size: o.Size ?? 0,
        etag: unquote(o.ETag),
        lastModified: o.LastModified ?? new Date(0),
        metadata: {},
      }));
      const prefixes = (out.CommonPrefixes ?? []).map((p) => (p.Prefix ?? '').slice(this.base.length));
      return out.IsTruncated && out.NextContinuationToken ? { items, prefixes, nextCursor: encodeCursor(out.NextContinuationToken) } : { items, prefixes };
    } catch (err) {
      if (options.cursor && err instanceof S3ServiceException && err.$metadata.httpStatusCode === 400) throw invalidCursor();
      throw mapError(err, prefix);
    }
  }

  async ping(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (err instanceof S3ServiceException && err.$metadata.httpStatusCode === 404) {
        throw new MeridianError(502, `Bucket '${this.bucket}' does not exist`, { code: 'BlobStoreError', expose: false, cause: err });
      }
      throw mapError(err, '');
    }
  }

  async close(): Promise<void> {
    this.client.destroy();
  }

  private async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!(err instanceof S3ServiceException) || err.$metadata.httpStatusCode !== 404) throw mapError(err, '');
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }
}

export function openS3BlobStore(config: Omit<S3BlobStoreConfig, 'type'>): Promise<S3BlobStore> {
  return S3BlobStore.open(config);
}

const CURSOR_TAG = 's3:';

/** Our cursors wrap the store's continuation token, so that a forged one is refused here. */
function encodeCursor(token: string): string {
  return Buffer.from(CURSOR_TAG + token, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : '';
  if (!text.startsWith(CURSOR_TAG) || text.length === CURSOR_TAG.length) throw invalidCursor();
  return text.slice(CURSOR_TAG.length);
}

function invalidCursor(): BadRequest {
  return new BadRequest('Invalid list cursor', { code: 'InvalidCursor', locator: 'cursor' });
}

/** Passes bytes start..end (inclusive) of a stream and drops the rest. */
function sliceBytes(start: number, end: number): Transform {
  let position = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      const from = Math.max(0, start - position);
      const to = Math.min(chunk.length, end + 1 - position);
      position += chunk.length;
      callback(null, from < to ? chunk.subarray(from, to) : undefined);
    },
  });
}

function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^W\//, '').replace(/^"|"$/g, '');
}

/** 'bytes 0-99/1234' -> its parts. */
function parseContentRange(value: string | undefined): { start: number; end: number; size: number } | undefined {
  const m = value ? /^bytes (\d+)-(\d+)\/(\d+)$/.exec(value) : null;
  return m ? { start: Number(m[1]), end: Number(m[2]), size: Number(m[3]) } : undefined;
}

function mapError(err: unknown, key: string): unknown {
  if (err instanceof MeridianError) return err;
  if (err instanceof S3ServiceException) {
    const status = err.$metadata.httpStatusCode;
    if (err.name === 'NoSuchKey' || err.name === 'NotFound' || (status === 404 && err.name !== 'NoSuchBucket')) return new BlobNotFound(key);
    if (err.name === 'InvalidRange' || status === 416) return new InvalidRange(`Byte range not satisfiable for ${JSON.stringify(key)}`);
    return new MeridianError(502, `Object store error ${err.name} (HTTP ${status ?? '?'})`, { code: 'BlobStoreError', expose: false, cause: err });
  }
  return err;
}

/** A pass-through that counts bytes and, when a size was announced, fails on any other count. */
interface CountingStream extends Transform {
  bytes: number;
  error?: Error;
}

function countBytes(expected: number | undefined): CountingStream {
  const stream = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      stream.bytes += chunk.length;
      if (expected !== undefined && stream.bytes > expected) {
        callback(fail(`Blob body exceeds the announced ${expected} bytes`));
        return;
      }
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      if (expected !== undefined && stream.bytes !== expected) {
        callback(fail(`Blob body has ${stream.bytes} bytes, ${expected} were announced`));
        return;
      }
      callback();
    },
  }) as CountingStream;
  stream.bytes = 0;
  const fail = (message: string): Error => {
    stream.error = new BadRequest(message, { code: 'IncompleteBody' });
    return stream.error;
  };
  return stream;
}
