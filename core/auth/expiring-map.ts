/**
 * A bounded map whose entries expire: what the per-request caches need, at the cost of a Map
 * lookup and a clock read. When full, the entry stored longest ago goes (insertion order; storing
 * a key again moves it to the end), which for short-lived entries is as good as least recently
 * used and needs no bookkeeping on reads. Expired entries are dropped when read, and from the
 * oldest end when a new one is stored.
 */
export class ExpiringMap<K, V> {
  private readonly entries = new Map<K, { value: V; until: number }>();

  /** `now` replaces the clock (tests). */
  constructor(
    private readonly max: number,
    private readonly now: () => number = Date.now,
  ) {
    if (!(max > 0)) throw new Error('ExpiringMap: max must be positive');
  }

  get size(): number {
    return this.entries.size;
  }

  get(key: K): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (this.now() < entry.until) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  /** Keeps `value` for `ttlMs` (nothing is kept for a ttl of 0 or less). */
  set(key: K, value: V, ttlMs: number): void {
    this.entries.delete(key);
    if (!(ttlMs > 0)) return;
    const now = this.now();
    // Drop expired entries at the old end first, then the oldest if still full.
    for (const [k, e] of this.entries) {
      if (e.until > now && this.entries.size < this.max) break;
      this.entries.delete(k);
    }
    this.entries.set(key, { value, until: now + ttlMs });
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }
}
