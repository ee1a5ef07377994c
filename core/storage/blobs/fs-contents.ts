import type { BigIntStats } from 'node:fs';

/**
 * Objects up to this size may be kept in memory for sending (`get` with `forSending`): what
 * sendfile gives nginx (no read copy, no thread hand-off for the read) we get for hot objects
 * by keeping their bytes. Measured with the s3 bench: a hot 1 MiB GET went from 0.74x nginx at
 * c=1 (one pool read per request) to 1.15x, and from 754 to 447 µs of server CPU.
 */
export const SMALL_CONTENT_BYTES = 1024 * 1024;
/** A range of an object not kept yet is read whole (to be kept) only up to this size. */
export const WHOLE_READ_FOR_RANGE_BYTES = 64 * 1024;
/** Bytes kept at most per process; the least recently sent go first. */
const MAX_BYTES = 64 * 1024 * 1024;
/**
 * A file is kept only when its mtime is older than this: a later change of its bytes in place
 * (not through the store, which always writes a new file) then moves the mtime past the kept one
 * whatever the clock's granularity (filesystems stamp with a coarse clock: two writes within one
 * tick can leave the same mtime). The "racily clean" rule of git's index.
 */
export const SETTLED_MS = 2000;

interface Kept {
  ino: bigint;
  size: bigint;
  mtimeNs: bigint;
  data: Buffer;
}

/**
 * The bytes of small objects this process sent, by content path, each bound to the identity of
 * the file it was read from (inode, size, mtime in ns) like the sidecar entries: a sender that
 * finds the file at its path (one lstat) still that file sends the kept bytes, with no open,
 * read or close. A file replaced by anyone has another inode; one changed in place, another
 * mtime (see SETTLED_MS).
 */
export class SmallContents {
  private readonly kept = new Map<string, Kept>();
  private bytes = 0;

  constructor(
    private readonly maxBytes = MAX_BYTES,
    private readonly now: () => number = Date.now,
  ) {}

  has(path: string): boolean {
    return this.kept.has(path);
  }

  /** The kept bytes when `stats` is the file they were read from; else forgets them. */
  match(path: string, stats: BigIntStats): Buffer | undefined {
    const k = this.kept.get(path);
    if (!k) return undefined;
    if (k.ino !== stats.ino || k.size !== stats.size || k.mtimeNs !== stats.mtimeNs) {
      this.forget(path);
      return undefined;
    }
    // Most recently used last: eviction takes from the front.
    this.kept.delete(path);
    this.kept.set(path, k);
    return k.data;
  }

  /** Keeps `data`, the whole content of the file `stats` describes, if small and settled. */
  remember(path: string, stats: BigIntStats, data: Buffer): void {
    if (data.length > SMALL_CONTENT_BYTES || BigInt(data.length) !== stats.size || data.length > this.maxBytes) return;
    if (this.now() - Number(stats.mtimeMs) <= SETTLED_MS) return;
    this.forget(path);
    while (this.bytes + data.length > this.maxBytes) {
      const oldest = this.kept.keys().next().value as string;
      this.forget(oldest);
    }
    this.kept.set(path, { ino: stats.ino, size: stats.size, mtimeNs: stats.mtimeNs, data });
    this.bytes += data.length;
  }

  forget(path: string): void {
    const k = this.kept.get(path);
    if (!k) return;
    this.kept.delete(path);
    this.bytes -= k.data.length;
  }

  /** Bytes kept now (for tests). */
  get size(): number {
    return this.bytes;
  }
}
