import type { BigIntStats } from 'node:fs';
import { sameFile, type SidecarEntry } from './fs-sidecar.js';

/** Descriptions kept; beyond this the map starts over (a bound on memory, not an LRU). */
const MAX_ENTRIES = 10_000;

/**
 * The sidecar entries this process last matched, by sidecar path. A description belongs to one
 * content file (inode, size, mtime in ns) and never changes — a put makes a new file — so an entry
 * whose identity equals the file just opened is the one its sidecar holds, whoever wrote it: a
 * read of a hot object then skips the sidecar's open, stat, read and close. A file replaced by
 * any process has another identity and misses.
 */
export class DescribedFiles {
  private readonly entries = new Map<string, SidecarEntry>();

  match(sidecarPath: string, stats: BigIntStats): SidecarEntry | undefined {
    const entry = this.entries.get(sidecarPath);
    return entry && sameFile(entry, stats) ? entry : undefined;
  }

  remember(sidecarPath: string, entry: SidecarEntry): void {
    if (this.entries.size >= MAX_ENTRIES && !this.entries.has(sidecarPath)) this.entries.clear();
    this.entries.set(sidecarPath, entry);
  }

  forget(sidecarPath: string): void {
    this.entries.delete(sidecarPath);
  }
}
