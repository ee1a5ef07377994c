import { closeSync, constants, fsync, openSync, renameSync } from 'node:fs';
import { mkdir, rmdir } from 'node:fs/promises';
import { dirname, relative, sep } from 'node:path';
import { BlobKeyConflict } from './errors.js';

export function errnoCode(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Flushes a descriptor's data and metadata to disk, on libuv's pool (it waits on the disk).
 *
 * The fs store's other metadata calls on its own small files (open, close, rename, a sidecar's
 * read and write) are synchronous: on the pool each was two thread hand-offs, ~13 of them on the
 * path of every put after its body, where the kernel answers them from its caches in microseconds
 * (as fs-read-handle.ts does for reads). Only the fsyncs wait on the disk.
 */
export function fsyncFd(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Flushes a folder's entries (a rename or a new file in it) to disk. */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY);
  try {
    await fsyncFd(fd);
  } finally {
    closeSync(fd);
  }
}

// The first attempt finds the folder missing; a concurrent delete may then remove a folder that
// was just created empty for this rename.
const RENAME_ATTEMPTS = 6;

/**
 * Renames `from` (a finished, fsynced temporary file) to `to`, creating the folders of `to` and fsyncing every folder whose entries changed. Rename within one filesystem is
 * atomic: a reader opens the old file or the new one, never a part of either.
 */
export async function publish(from: string, to: string, key: string): Promise<void> {
  const dir = dirname(to);
  for (let attempt = 1; ; attempt++) {
    let created: string | undefined;
    // The folder is there in most puts (a replaced object, a sibling's): the rename is tried
    // first, and the folder made only when that fails for want of it (ENOENT).
    if (attempt > 1) {
      try {
        created = await mkdir(dir, { recursive: true });
      } catch (err) {
        if (errnoCode(err) === 'EEXIST' || errnoCode(err) === 'ENOTDIR') throw new BlobKeyConflict(key);
        throw err;
      }
    }
    try {
      renameSync(from, to);
    } catch (err) {
      const code = errnoCode(err);
      if (code === 'ENOENT' && attempt < RENAME_ATTEMPTS) continue;
      if (code === 'EISDIR' || code === 'ENOTDIR' || code === 'ENOTEMPTY' || code === 'EEXIST') throw new BlobKeyConflict(key);
      throw err;
    }
    await fsyncDir(dir);
    if (created) await fsyncCreatedChain(dir, created);
    return;
  }
}

/** mkdir -p made `firstCreated` down to `dir`: each new folder's entry lives in its parent. */
async function fsyncCreatedChain(dir: string, firstCreated: string): Promise<void> {
  let current = dir;
  while (current !== firstCreated && current !== dirname(current)) {
    current = dirname(current);
    await fsyncDir(current);
  }
  await fsyncDir(dirname(firstCreated));
}

function isInside(path: string, root: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep));
}

/** Removes `dir` and its parents up to (not including) `root` while they are empty. */
export async function pruneEmptyDirs(dir: string, root: string): Promise<void> {
  let current = dir;
  while (current !== root && isInside(current, root)) {
    try {
      await rmdir(current);
    } catch {
      return; // not empty (or already gone, or busy): stop climbing
    }
    current = dirname(current);
  }
}
