import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync, type BigIntStats } from 'node:fs';
import { unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { errnoCode, fsyncFd, publish } from './fs-durable.js';

/**
 * The fs store keeps an object's ETag, content type and metadata in a JSON sidecar beside it,
 * `<folder>/.meridian/<name>.json`, so the object itself stays a plain file. Content and sidecar
 * are two files, replaced by two renames, so the sidecar binds each description to the exact
 * file it describes (inode, size, mtime in ns) and keeps the last few descriptions: a reader
 * that opened the previous file while a writer sits between its two renames still finds that
 * file's description. See fs.ts for the write order.
 */
export interface SidecarEntry {
  /** Identity of the content file this entry describes. */
  ino: string;
  size: number;
  mtimeNs: string;
  etag: string;
  contentType?: string;
  metadata: Record<string, string>;
}

interface SidecarFile {
  v: 1;
  entries: SidecarEntry[];
}

/** How many recent descriptions a sidecar keeps (the current one and those of racing writers). */
const KEPT_ENTRIES = 4;

export function identityOf(stats: BigIntStats): Pick<SidecarEntry, 'ino' | 'size' | 'mtimeNs'> {
  return { ino: stats.ino.toString(), size: Number(stats.size), mtimeNs: stats.mtimeNs.toString() };
}

export function sameFile(entry: SidecarEntry, stats: BigIntStats): boolean {
  return entry.ino === stats.ino.toString() && entry.size === Number(stats.size) && entry.mtimeNs === stats.mtimeNs.toString();
}

/** A file copied with its timestamps (cp -a, rsync -t) keeps size and mtime but not its inode. */
export function sameContentAfterCopy(entry: SidecarEntry, stats: BigIntStats): boolean {
  return entry.size === Number(stats.size) && entry.mtimeNs === stats.mtimeNs.toString();
}

/** The entries of a sidecar; read synchronously (a file of a few hundred bytes: see fs-durable.ts). */
export async function readSidecar(path: string): Promise<SidecarEntry[]> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return [];
    throw err;
  }
  try {
    const parsed = JSON.parse(text) as Partial<SidecarFile>;
    return Array.isArray(parsed.entries) ? parsed.entries.filter(isEntry) : [];
  } catch {
    return []; // unreadable sidecar: the object is described from its content instead
  }
}

function isEntry(e: unknown): e is SidecarEntry {
  const x = e as Partial<SidecarEntry> | null;
  return (
    !!x &&
    typeof x.ino === 'string' &&
    typeof x.size === 'number' &&
    typeof x.mtimeNs === 'string' &&
    typeof x.etag === 'string' &&
    (x.contentType === undefined || typeof x.contentType === 'string') &&
    !!x.metadata &&
    typeof x.metadata === 'object'
  );
}

/** Atomically replaces the sidecar with `entry` first, then the still-relevant older entries. */
export async function writeSidecar(path: string, entry: SidecarEntry, tmpDir: string, key: string): Promise<void> {
  const previous = (await readSidecar(path)).filter((e) => e.ino !== entry.ino);
  const file: SidecarFile = { v: 1, entries: [entry, ...previous].slice(0, KEPT_ENTRIES) };
  const tmp = join(tmpDir, `${randomUUID()}.sidecar`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    try {
      const bytes = Buffer.from(JSON.stringify(file));
      for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at, at);
      await fsyncFd(fd);
    } finally {
      closeSync(fd);
    }
    await publish(tmp, path, key);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
