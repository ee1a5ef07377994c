import type { Readable, Writable } from 'node:stream';

export interface BlobInfo {
  key: string;
  size: number;
  etag: string;
  lastModified: Date;
  contentType?: string;
  metadata: Record<string, string>;
}

export interface BlobObject extends BlobInfo {
  body: Readable;
  /** Present when a range was asked: the inclusive byte range actually returned. */
  range?: { start: number; end: number };
  /**
   * Offered when asked (`GetOptions.forSending`) by stores that can: writes the bytes (the range
   * when one was asked) to `destination` and ends it, instead of `body` being read — use one or
   * the other (the fs store holds a small object in memory, and then allows both). `destination` must let go of a chunk once its write has called back (a socket,
   * an http.ServerResponse; not a PassThrough): the fs store reuses its buffers. Rejects when a
   * read fails or the destination closes first; the caller then destroys the destination.
   */
  writeTo?(destination: Writable): Promise<void>;
}

/** Inclusive byte range; `end` omitted means to the end; `suffix` means the last N bytes. */
export type ByteRange = { start: number; end?: number } | { suffix: number };

export interface GetOptions {
  range?: ByteRange;
  /**
   * Preferred size of the body's chunks (the fs store's read size; default 64 KiB). Servers
   * streaming whole objects to a socket ask for more: fewer reads and writes per byte.
   */
  chunkSize?: number;
  /**
   * The caller will send the object to a socket: the store may offer `writeTo` on the result,
   * and then opens `body` only if it is read.
   */
  forSending?: boolean;
}

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
  /** Expected size, when known: lets the s3 adapter choose single or multipart upload. */
  size?: number;
  /**
   * The MD5 (hex) the body must have, for stores with `verifiesMd5`: one with another MD5 is
   * refused (BlobDigestMismatch) and nothing is published. The store computes the MD5 anyway (the
   * ETag), so a caller verifying Content-MD5 this way does not hash the body a second time.
   */
  expectMd5?: string;
}

export interface ListOptions {
  /** Opaque continuation token from a previous page. */
  cursor?: string;
  limit?: number;
  /** Group keys sharing a prefix up to this delimiter into `prefixes` (S3 semantics). */
  delimiter?: string;
  /** List keys after this one (S3 StartAfter). */
  startAfter?: string;
}

export interface ListPage {
  items: BlobInfo[];
  prefixes: string[];
  nextCursor?: string;
}

/**
 * Object storage. Writes are atomic: a reader sees the old object or the whole new one, never
 * part of it. Keys are '/'-separated relative paths; keys that could escape the store are refused
 * with InvalidBlobKey.
 */
export interface BlobStore {
  readonly type: string;
  /** The store checks PutOptions.expectMd5 (others ignore it: the caller verifies the body itself). */
  readonly verifiesMd5?: boolean;
  get(key: string, options?: GetOptions): Promise<BlobObject>;
  put(key: string, body: Readable | Buffer | string, options?: PutOptions): Promise<BlobInfo>;
  head(key: string): Promise<BlobInfo | null>;
  delete(key: string): Promise<boolean>;
  list(prefix: string, options?: ListOptions): Promise<ListPage>;
  ping(): Promise<void>;
  close?(): Promise<void>;
}
