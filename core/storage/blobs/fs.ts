import { createHash, randomUUID } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, mkdir, open, readdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BigIntStats } from 'node:fs';
import { BadRequest } from '../../errors.js';
import type { BlobInfo, BlobObject, BlobStore, ByteRange, ListOptions, ListPage, PutOptions } from './types.js';
import { BlobNotFound } from './errors.js';
import { errnoCode, fsyncDir, publish, pruneEmptyDirs } from './fs-durable.js';
import { listKeys } from './fs-list.js';
import { identityOf, readSidecar, sameContentAfterCopy, sameFile, writeSidecar, type SidecarEntry } from './fs-sidecar.js';
import { KeyLocks } from './key-locks.js';
import { assertValidContentType, assertValidPrefix, keySegments, normaliseMetadata, RESERVED_SEGMENT } from './keys.js';
import { assertRangeShape, resolveRange } from './range.js';

export interface FsBlobStoreConfig {
  type: 'fs';
  /** Folder holding the objects; created when missing. */
  root: string;
}

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
  readonly root: string;
  private readonly tmpDir: string;
  private readonly locks = new KeyLocks();

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

  async get(key: string, options: { range?: ByteRange } = {}): Promise<BlobObject> {
    const segments = keySegments(key);
    if (options.range) assertRangeShape(options.range);
    const { handle, info } = await this.openDescribed(key, segments);
    try {
      const range = options.range ? resolveRange(options.range, info.size) : undefined;
      if (info.size === 0) {
        await handle.close();
        return { ...info, body: Readable.from([]) };
      }
      // The stream owns the descriptor from here and closes it at its end or on destroy.
      const body = handle.createReadStream({ start: range?.start ?? 0, end: range?.end ?? info.size - 1 });
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
      let written: { etag: string; size: number };
      let stats: BigIntStats;
      try {
        written = await streamInto(handle, body);
        if (options.size !== undefined && written.size !== options.size) {
          throw new BadRequest(`Blob body has ${written.size} bytes, ${options.size} were announced`, { code: 'IncompleteBody' });
        }
        await handle.sync();
        stats = await handle.stat({ bigint: true });
      } finally {
        await handle.close();
      }
      const entry: SidecarEntry = { ...identityOf(stats), etag: written.etag, metadata };
      if (options.contentType !== undefined) entry.contentType = options.contentType;
      await this.locks.run(key, async () => {
        // Sidecar first: until the rename below, readers of the old file still match its entry.
        await writeSidecar(this.sidecarPath(segments), entry, this.tmpDir, key);
        await publish(tmp, this.contentPath(segments), key);
      });
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

  /** Opens the object's file and finds the description of that very file. */
  private async openDescribed(key: string, segments: string[]): Promise<{ handle: FileHandle; info: BlobInfo }> {
    for (let attempt = 1; ; attempt++) {
      const handle = await openObjectFile(this.contentPath(segments), key);
      try {
        const stats = await handle.stat({ bigint: true });
        if (!stats.isFile()) throw new BlobNotFound(key);
        const entries = await readSidecar(this.sidecarPath(segments));
        const entry = entries.find((e) => sameFile(e, stats));
        if (entry) return { handle, info: toInfo(key, entry, stats) };
        if (attempt >= DESCRIBE_ATTEMPTS) {
          const info = await describeUnmatched(key, entries, stats, handle);
          return { handle, info };
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
    const entry = (await readSidecar(this.sidecarPath(segments))).find((e) => sameFile(e, stats));
    if (entry) return toInfo(key, entry, stats);
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

async function openObjectFile(path: string, key: string): Promise<FileHandle> {
  try {
    // O_NOFOLLOW: a symlink planted in the store must not lead a read outside it.
    return await open(path, constants.O_RDONLY | constants.O_NOFOLLOW);
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
async function describeUnmatched(key: string, entries: SidecarEntry[], stats: BigIntStats, handle: FileHandle): Promise<BlobInfo> {
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

/** Streams `body` into `handle`, returning the MD5 (hex) and the byte count of what was written. */
async function streamInto(handle: FileHandle, body: Readable | Buffer | string): Promise<{ etag: string; size: number }> {
  const hash = createHash('md5');
  let size = 0;
  // A Writable of our own rather than handle.createWriteStream(): with autoClose off, that
  // stream keeps a reference on the handle and handle.close() then waits for ever.
  const sink = new Writable({
    write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void) {
      hash.update(chunk);
      size += chunk.length;
      writeAll(handle, chunk, size - chunk.length).then(() => callback(), callback);
    },
  });
  // Buffers and strings become one chunk; string chunks of a stream are UTF-8 encoded by `sink`.
  const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([Buffer.from(body)]) : body;
  await pipeline(source, sink);
  return { etag: hash.digest('hex'), size };
}

async function writeAll(handle: FileHandle, chunk: Buffer, position: number): Promise<void> {
  for (let offset = 0; offset < chunk.length; ) {
    const { bytesWritten } = await handle.write(chunk, offset, chunk.length - offset, position + offset);
    offset += bytesWritten;
  }
}
