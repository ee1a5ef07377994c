import { createHash, randomUUID } from 'node:crypto';
import { constants, fstatSync, lstatSync } from 'node:fs';
import { access, lstat, mkdir, open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BigIntStats } from 'node:fs';
import { BadRequest } from '../../errors.js';
import type { BlobInfo, BlobObject, BlobStore, GetOptions, ListOptions, ListPage, PutOptions } from './types.js';
import { BlobDigestMismatch, BlobNotFound } from './errors.js';
import { DescribedFiles } from './fs-described.js';
import { errnoCode, fsyncDir, publish, pruneEmptyDirs } from './fs-durable.js';
import { SMALL_CONTENT_BYTES, SmallContents, WHOLE_READ_FOR_RANGE_BYTES } from './fs-contents.js';
import { readFully, sendFileRange } from './fs-send.js';
import { listKeys } from './fs-list.js';
import { identityOf, readSidecar, sameContentAfterCopy, sameFile, writeSidecar, type SidecarEntry } from './fs-sidecar.js';
import { KeyLocks } from './key-locks.js';
import { assertValidContentType, assertValidPrefix, keySegments, normaliseMetadata, RESERVED_SEGMENT } from './keys.js';
import { assertRangeShape, resolveRange } from './range.js';
import { ReadHandle } from './fs-read-handle.js';
import { bodyMd5 } from '../../body-hash.js';

export interface FsBlobStoreConfig {
  type: 'fs';
  /** Folder holding the objects; created when missing. */
  root: string;
}

/** Read size of `writeTo` when the caller names none. */
const SEND_CHUNK_BYTES = 1024 * 1024;
/** Temporary files older than this at open are leftovers of a crashed writer. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** Re-reads of a sidecar that does not (yet) describe the file just opened: a writer is mid-way. */
const DESCRIBE_ATTEMPTS = 4;

/**
 * Blobs as plain files under `root`, at `<root>/<key>`. A put streams into a temporary file under
 * `<root>/.meridian/tmp` (same filesystem), computing MD5 and size on the way, fsyncs it, writes
 * the sidecar (see fs-sidecar.ts) atomically, then renames the file into place and fsyncs the
 * folder. A reader opens one file descriptor and serves every byte from it, so it sees the old
 * object or the new one whole, never a mix, however many writers replace the key meanwhile.
 *
 * Limits of a filesystem: `a/b` and `a/b/c` cannot both exist (BlobKeyConflict, 409).
 */
export class FsBlobStore implements BlobStore {
  readonly type = 'fs';
  readonly verifiesMd5 = true;
  readonly root: string;
  private readonly tmpDir: string;
  private readonly locks = new KeyLocks();
  private readonly described = new DescribedFiles();
  private readonly contents = new SmallContents();

  private constructor(root: string) {
    this.root = root;
    this.tmpDir = join(root, RESERVED_SEGMENT, 'tmp');
  }

  static async open(config: Omit<FsBlobStoreConfig, 'type'>): Promise<FsBlobStore> {
    const store = new FsBlobStore(resolve(config.root));
    await mkdir(store.tmpDir, { recursive: true });
    await store.removeStaleTemporaries();
    return store;
  }

  async get(key: string, options: GetOptions = {}): Promise<BlobObject> {
    const segments = keySegments(key);
    if (options.range) assertRangeShape(options.range);
    if (options.forSending) {
      const kept = await this.fromContents(key, segments, options.range);
      if (kept) return kept;
    }
    const { handle, info, stats } = await this.openDescribed(key, segments);
    try {
      const range = options.range ? resolveRange(options.range, info.size) : undefined;
      if (info.size === 0) {
        await handle.close();
        return options.forSending ? { ...info, body: Readable.from([]), writeTo: async (destination) => void destination.end() } : { ...info, body: Readable.from([]) };
      }
      if (options.forSending && info.size <= (range ? WHOLE_READ_FOR_RANGE_BYTES : SMALL_CONTENT_BYTES)) {
        // Small: read whole now (one read), kept for the next sends while the file stays the
        // same; the descriptor closes while the bytes go out. A range of a larger one (a COG
        // reader's header fetch) is not worth reading the whole file for.
        const data = Buffer.allocUnsafe(info.size);
        await readFully(handle, data, data.length, 0);
        handle.close().catch(() => undefined);
        this.contents.remember(this.contentPath(segments), stats, data);
        return inMemory(info, range, data);
      }
      const start = range?.start ?? 0;
      const end = range?.end ?? info.size - 1;
      // The stream owns the descriptor from here and closes it at its end or on destroy. Its
      // reads are never larger than what is left, so a large chunk size costs small objects nothing.
      const highWaterMark = options.chunkSize && options.chunkSize > 0 ? Math.min(options.chunkSize, end - start + 1) : undefined;
      const stream = () => handle.createReadStream({ start, end, ...(highWaterMark ? { highWaterMark } : {}) });
      if (options.forSending) return sendable(info, range, stream, (destination) => sendFileRange(handle, start, end, options.chunkSize ?? SEND_CHUNK_BYTES, destination));
      const body = stream();
      return range ? { ...info, body, range } : { ...info, body };
    } catch (err) {
      await handle.close();
      throw err;
    }
  }

  async put(key: string, body: Readable | Buffer | string, options: PutOptions = {}): Promise<BlobInfo> {
    const segments = keySegments(key);
    const metadata = normaliseMetadata(options.metadata);
    assertValidContentType(options.contentType);
    const tmp = join(this.tmpDir, `${randomUUID()}.part`);
    try {
      const handle = await open(tmp, 'wx', 0o644);
      let entry: SidecarEntry;
      let stats: BigIntStats;
      try {
        const written = await streamInto(handle, body, options.size);
        if (options.size !== undefined && written.size !== options.size) {
          throw new BadRequest(`Blob body has ${written.size} bytes, ${options.size} were announced`, { code: 'IncompleteBody' });
        }
        // The data's fsync starts now, while the MD5 may still be finishing on its thread.
        const synced = handle.sync();
        synced.catch(() => undefined); // awaited below; a lock failure must not leave it unhandled
        // The file's identity (inode, size, mtime) is final once the last write returned: the
        // sidecar can be written while the data is still being flushed.
        stats = fstatSync(handle.fd, { bigint: true });
        const etag = await written.etag;
        if (options.expectMd5 !== undefined && options.expectMd5.toLowerCase() !== etag) throw new BlobDigestMismatch(key);
        entry = { ...identityOf(stats), etag, metadata };
        if (options.contentType !== undefined) entry.contentType = options.contentType;
        await this.locks.run(key, async () => {
          // Durability and order (what a crash at any point leaves):
          // - the data is fsynced before the rename publishes it (else a crash may leave the new
          //   name on an empty or partial file);
          // - the sidecar is written, fsynced and renamed, and its folder fsynced, before that
          //   rename too: content and sidecar are in two folders, and nothing orders two renames
          //   across folders but an fsync between them, so a crash could otherwise keep the new
          //   content with the old sidecar (new bytes, lost metadata: not the whole new object).
          //   Until the content rename, readers of the old file still match its (kept) entry;
          // - the content's folder is fsynced before returning: the caller acknowledges a
          //   durable object.
          // The data fsync and the sidecar's write and two fsyncs are independent: they overlap.
          const sidecarPath = this.sidecarPath(segments);
          await Promise.all([synced, writeSidecar(sidecarPath, entry, this.tmpDir, key)]);
          await publish(tmp, this.contentPath(segments), key);
          this.described.remember(sidecarPath, entry);
          this.contents.forget(this.contentPath(segments));
        });
      } finally {
        await handle.close();
      }
      return toInfo(key, entry, stats);
    } catch (err) {
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
  }

  async head(key: string): Promise<BlobInfo | null> {
    const segments = keySegments(key);
    try {
      return await this.describe(key, segments);
    } catch (err) {
      if (err instanceof BlobNotFound) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<boolean> {
    const segments = keySegments(key);
    const path = this.contentPath(segments);
    return this.locks.run(key, async () => {
      try {
        const st = await lstat(path);
        if (!st.isFile()) return false;
        await unlink(path);
      } catch (err) {
        if (isMissing(err)) return false;
        throw err;
      }
      this.described.forget(this.sidecarPath(segments));
      this.contents.forget(path);
      await unlink(this.sidecarPath(segments)).catch(() => undefined);
      await fsyncDir(dirname(path)).catch(() => undefined);
      await pruneEmptyDirs(dirname(this.sidecarPath(segments)), this.root);
      await pruneEmptyDirs(dirname(path), this.root);
      return true;
    });
  }

  async list(prefix: string, options: ListOptions = {}): Promise<ListPage> {
    assertValidPrefix(prefix);
    return listKeys(this.root, prefix, options, async (key) => {
      try {
        return await this.describe(key, keySegments(key));
      } catch (err) {
        if (err instanceof BlobNotFound) return null; // deleted while listing
        throw err;
      }
    });
  }

  async ping(): Promise<void> {
    await access(this.tmpDir, constants.R_OK | constants.W_OK);
  }

  /**
   * The file holding an object's bytes, for readers that want random access without a stream per
   * range (the raster engine's worker threads). Objects are replaced by rename, so an open file
   * keeps reading one whole version. Throws InvalidBlobKey for a key that could escape the store.
   */
  localPath(key: string): string {
    return this.contentPath(keySegments(key));
  }

  private contentPath(segments: string[]): string {
    return join(this.root, ...segments);
  }

  private sidecarPath(segments: string[]): string {
    const name = segments[segments.length - 1]!;
    return join(this.root, ...segments.slice(0, -1), RESERVED_SEGMENT, `${name}.json`);
  }

  /**
   * A small object whose bytes this process kept, when its path still holds the very file they
   * came from and that file's description is known: one lstat, no descriptor. Undefined
   * otherwise (the caller opens the file); BlobNotFound when nothing is there.
   *
   * The lstat is synchronous, as nginx's open-file cache checks its files: kept bytes are of a
   * file read moments ago, whose inode the kernel has cached, so the call is a microsecond that
   * never waits on the disk; on libuv's pool it cost two thread hand-offs (~100 µs of CPU per
   * 1 KiB GET at 16 connections, and the woken pool thread preempting the event loop).
   */
  private async fromContents(key: string, segments: string[], asked: GetOptions['range']): Promise<BlobObject | undefined> {
    const path = this.contentPath(segments);
    if (!this.contents.has(path)) return undefined;
    let stats: BigIntStats;
    try {
      stats = lstatSync(path, { bigint: true });
    } catch (err) {
      if (!isMissing(err)) throw err;
      this.contents.forget(path);
      throw new BlobNotFound(key);
    }
    if (!stats.isFile()) {
      this.contents.forget(path);
      throw new BlobNotFound(key);
    }
    const data = this.contents.match(path, stats);
    const known = data && this.described.match(this.sidecarPath(segments), stats);
    if (!data || !known) return undefined;
    const info = toInfo(key, known, stats);
    return inMemory(info, asked ? resolveRange(asked, info.size) : undefined, data);
  }

  /** Opens the object's file and finds the description of that very file. */
  private async openDescribed(key: string, segments: string[]): Promise<{ handle: ReadHandle; info: BlobInfo; stats: BigIntStats }> {
    for (let attempt = 1; ; attempt++) {
      const handle = openObjectFile(this.contentPath(segments), key);
      try {
        const stats = handle.stat();
        if (!stats.isFile()) throw new BlobNotFound(key);
        const sidecarPath = this.sidecarPath(segments);
        const known = this.described.match(sidecarPath, stats);
        if (known) return { handle, info: toInfo(key, known, stats), stats };
        const entries = await readSidecar(sidecarPath);
        const entry = entries.find((e) => sameFile(e, stats));
        if (entry) {
          this.described.remember(sidecarPath, entry);
          return { handle, info: toInfo(key, entry, stats), stats };
        }
        if (attempt >= DESCRIBE_ATTEMPTS) {
          const info = await describeUnmatched(key, entries, stats, handle);
          return { handle, info, stats };
        }
      } catch (err) {
        await handle.close();
        throw err;
      }
      await handle.close();
      await sleep(attempt * 2);
    }
  }

  /** head/list: the same description, from lstat when the sidecar matches at once. */
  private async describe(key: string, segments: string[]): Promise<BlobInfo> {
    let stats: BigIntStats;
    try {
      stats = await lstat(this.contentPath(segments), { bigint: true });
    } catch (err) {
      if (isMissing(err)) throw new BlobNotFound(key);
      throw err;
    }
    if (!stats.isFile()) throw new BlobNotFound(key);
    const sidecarPath = this.sidecarPath(segments);
    const known = this.described.match(sidecarPath, stats);
    if (known) return toInfo(key, known, stats);
    const entry = (await readSidecar(sidecarPath)).find((e) => sameFile(e, stats));
    if (entry) {
      this.described.remember(sidecarPath, entry);
      return toInfo(key, entry, stats);
    }
    const { handle, info } = await this.openDescribed(key, segments);
    await handle.close();
    return info;
  }

  private async removeStaleTemporaries(): Promise<void> {
    const now = Date.now();
    for (const name of await readdir(this.tmpDir)) {
      const path = join(this.tmpDir, name);
      const st = await stat(path).catch(() => null);
      if (st && now - st.mtimeMs > STALE_TEMP_MS) await unlink(path).catch(() => undefined);
    }
  }
}

export function openFsBlobStore(config: Omit<FsBlobStoreConfig, 'type'>): Promise<FsBlobStore> {
  return FsBlobStore.open(config);
}

/**
 * A BlobObject whose bytes go out either through `writeTo` or through `body`, which is opened
 * only when first read (a stream made and left unread would hold the descriptor: `writeTo`
 * could not close it). Whichever is used first owns the descriptor; the other then throws.
 */
function sendable(
  info: BlobInfo,
  range: { start: number; end: number } | undefined,
  stream: () => Readable,
  send: (destination: Writable) => Promise<void>,
): BlobObject {
  let body: Readable | undefined;
  let sent = false;
  const object: BlobObject = {
    ...info,
    get body(): Readable {
      if (sent) throw new Error(`blob ${info.key}: body read after writeTo`);
      return (body ??= stream());
    },
    writeTo(destination: Writable): Promise<void> {
      if (body || sent) return Promise.reject(new Error(`blob ${info.key}: writeTo after its body or writeTo was used`));
      sent = true;
      return send(destination);
    },
  };
  if (range) object.range = range;
  return object;
}

/**
 * A BlobObject over bytes in memory (a small object, or a range of it): `writeTo` sends them with
 * one `end`; `body` streams a copy, so that nobody can change bytes kept for other sends.
 */
function inMemory(info: BlobInfo, range: { start: number; end: number } | undefined, data: Buffer): BlobObject {
  const bytes = range ? data.subarray(range.start, range.end + 1) : data;
  let body: Readable | undefined;
  const object: BlobObject = {
    ...info,
    get body(): Readable {
      return (body ??= Readable.from([Buffer.from(bytes)]));
    },
    writeTo(destination: Writable): Promise<void> {
      destination.end(bytes);
      return Promise.resolve();
    },
  };
  if (range) object.range = range;
  return object;
}

function toInfo(key: string, entry: SidecarEntry, stats: BigIntStats): BlobInfo {
  const info: BlobInfo = {
    key,
    size: Number(stats.size),
    etag: entry.etag,
    lastModified: new Date(Number(stats.mtimeMs)),
    metadata: { ...entry.metadata },
  };
  if (entry.contentType !== undefined) info.contentType = entry.contentType;
  return info;
}

function isMissing(err: unknown): boolean {
  const code = errnoCode(err);
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP' || code === 'EISDIR';
}

function openObjectFile(path: string, key: string): ReadHandle {
  try {
    // O_NOFOLLOW: a symlink planted in the store must not lead a read outside it.
    return ReadHandle.open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (err) {
    if (isMissing(err)) throw new BlobNotFound(key);
    throw err;
  }
}

/**
 * A file no sidecar entry describes: copied without its inode (an entry still matches size and
 * mtime), written by something else than this store, or left by a writer that crashed between
 * its two renames. Its ETag is then computed from the open descriptor, so it is still right.
 */
async function describeUnmatched(key: string, entries: SidecarEntry[], stats: BigIntStats, handle: ReadHandle): Promise<BlobInfo> {
  const copied = entries.find((e) => sameContentAfterCopy(e, stats));
  if (copied) return toInfo(key, copied, stats);
  const hash = createHash('md5');
  const buffer = Buffer.alloc(1 << 20);
  for (let position = 0; ; ) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) break;
    hash.update(buffer.subarray(0, bytesRead));
    position += bytesRead;
  }
  return toInfo(key, { ...identityOf(stats), etag: hash.digest('hex'), metadata: {} }, stats);
}

/**
 * Streams `body` into `handle`, returning the byte count of what was written and its MD5 (hex),
 * which may still be computing (bodyMd5: large bodies are hashed on a worker thread) when the
 * last write is done: the caller starts the fsync meanwhile.
 */
async function streamInto(handle: FileHandle, body: Readable | Buffer | string, sizeHint: number | undefined): Promise<{ etag: Promise<string>; size: number }> {
  // Buffers and strings become one chunk; string chunks of a stream are UTF-8 encoded by `sink`.
  const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
  const hash = bodyMd5(Buffer.isBuffer(body) ? body.length : typeof body === 'string' ? Buffer.byteLength(body) : sizeHint);
  let size = 0;
  // A Writable of our own rather than handle.createWriteStream(): with autoClose off, that
  // stream keeps a reference on the handle and handle.close() then waits for ever.
  // Chunks that arrive while a write is in flight are written together by the next writev:
  // a request body comes in socket-sized pieces, and one write per piece was most of the
  // threadpool round trips of a PUT. The high-water mark lets that many bytes gather.
  const sink = new Writable({
    highWaterMark: WRITE_BATCH_BYTES,
    write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
      hash.update([chunk]);
      size += chunk.length;
      Promise.all([writeAll(handle, chunk, size - chunk.length), hash.ready()]).then(() => callback(), callback);
    },
    writev(chunks: Array<{ chunk: Buffer }>, callback: (error?: Error | null) => void) {
      const buffers = chunks.map((c) => c.chunk);
      const position = size;
      hash.update(buffers);
      for (const b of buffers) size += b.length;
      Promise.all([writevAll(handle, buffers, position), hash.ready()]).then(() => callback(), callback);
    },
  });
  try {
    await pipeline(source, sink);
  } catch (err) {
    hash.abort();
    throw err;
  }
  const etag = hash.digest();
  etag.catch(() => undefined); // awaited by the caller, unless something fails first
  return { etag, size };
}

/** Bytes of a request body gathered before the sink asks its source to wait. */
const WRITE_BATCH_BYTES = 1 << 20;

async function writevAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  const total = buffers.reduce((n, b) => n + b.length, 0);
  const { bytesWritten } = await handle.writev(buffers, position);
  if (bytesWritten === total) return;
  // A short write (rare on regular files): the rest one buffer at a time.
  let offset = 0;
  for (const b of buffers) {
    const end = offset + b.length;
    if (end > bytesWritten) await writeAll(handle, b.subarray(Math.max(0, bytesWritten - offset)), position + Math.max(offset, bytesWritten));
    offset = end;
  }
}

async function writeAll(handle: FileHandle, chunk: Buffer, position: number): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset, position + offset);
    offset += bytesWritten;
  }
}
