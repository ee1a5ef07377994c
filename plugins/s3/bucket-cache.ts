/**
 * Bucket rows looked up per request, kept for a short while: every object request needs its
 * bucket (owner and visibility for the policy), and a database query per request was most of the
 * cost of small GETs. Changes made in this process drop their entry at once (Buckets.create,
 * delete, markTagged); changes made by other processes are seen after `ttlMs`. Missing buckets are
 * not cached, so a bucket created elsewhere is found at once.
 */
import type { Bucket } from './buckets.js';

export interface BucketEntry {
  bucket: Bucket;
  /**
   * Whether any object of the bucket may carry tags: when false, GetObject and HeadObject skip
   * the tag lookup (x-amz-tagging-count is only sent for objects that have tags).
   */
  mayHaveTags: boolean;
}

interface Cached {
  entry: Promise<BucketEntry | null>;
  until: number;
}

/** Entries beyond this are dropped all at once (a bound, not an LRU: buckets are few). */
const MAX_ENTRIES = 10_000;

export class BucketCache {
  private readonly entries = new Map<string, Cached>();

  constructor(
    private readonly load: (name: string) => Promise<BucketEntry | null>,
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(name: string): Promise<BucketEntry | null> {
    if (this.ttlMs <= 0) return this.load(name);
    const now = this.now();
    const cached = this.entries.get(name);
    if (cached && cached.until > now) return cached.entry;
    // Concurrent requests for one bucket share one query.
    const entry = this.load(name);
    const slot: Cached = { entry, until: now + this.ttlMs };
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    this.entries.set(name, slot);
    entry.then(
      (found) => {
        if (!found && this.entries.get(name) === slot) this.entries.delete(name);
      },
      () => {
        if (this.entries.get(name) === slot) this.entries.delete(name);
      },
    );
    return entry;
  }

  forget(name: string): void {
    this.entries.delete(name);
  }
}
