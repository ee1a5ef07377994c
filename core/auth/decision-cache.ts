import { LRUCache } from 'lru-cache';
import type { AuthorizationRequest, Decision } from './types.js';

export interface DecisionCacheConfig {
  /** How long a decision is reused, ms; 0 turns the cache off. */
  ttlMs: number;
  /** Most decisions kept. */
  max: number;
}

export const DEFAULT_DECISION_CACHE: DecisionCacheConfig = { ttlMs: 5000, max: 10_000 };

/**
 * JSON with object keys sorted, so equal requests give equal cache keys. Built by concatenation
 * over sorted keys (no entry arrays, filters or joins): it runs for every cached decision.
 */
export function stableStringify(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + stableStringify(value[i]);
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  // The default sort orders by UTF-16 code units, as `<` does.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (const key of keys) {
    const member = record[key];
    if (member === undefined) continue;
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${stableStringify(member)}`;
  }
  return `${out}}`;
}

/** Everything a decision may depend on: who (id, issuer, groups, anonymity), what, which action, context. */
export function decisionCacheKey(request: AuthorizationRequest): string {
  const { subject, resource, action, context } = request;
  return stableStringify([subject.id, subject.issuer, subject.anonymous, [...subject.groups].sort(), resource, action, context]);
}

function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const member of Object.values(value)) deepFreeze(member);
}

function remember(cache: LRUCache<string, Decision>, key: string, decision: Decision): Decision {
  if (decision.decision === 'Indeterminate') return decision;
  // Callers share a cached decision: freeze it so no caller can change what the next one sees.
  deepFreeze(decision);
  cache.set(key, decision);
  return decision;
}

function isPromise<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | null)?.then === 'function';
}

/**
 * A short-lived memory of decisions. Indeterminate decisions are not kept: they come from
 * failures (a PDP down) that should be retried on the next request.
 */
export class DecisionCache {
  private readonly cache: LRUCache<string, Decision> | null;

  /** `now` replaces the clock (tests); it is then read on every check. */
  constructor(config: DecisionCacheConfig, now?: () => number) {
    this.cache =
      config.ttlMs > 0 && config.max > 0
        ? new LRUCache<string, Decision>({ max: config.max, ttl: config.ttlMs, ttlAutopurge: false, ...(now ? { perf: { now }, ttlResolution: 0 } : {}) })
        : null;
  }

  get enabled(): boolean {
    return this.cache !== null;
  }

  get size(): number {
    return this.cache?.size ?? 0;
  }

  /**
   * The cached decision for `request`, or the one `decide` gives (then cached): synchronously
   * when it is cached or `decide` answers synchronously.
   */
  through(request: AuthorizationRequest, decide: () => Decision | Promise<Decision>): Decision | Promise<Decision> {
    // Off: straight to the decision point, without another promise around its answer.
    const cache = this.cache;
    if (!cache) return decide();
    const key = decisionCacheKey(request);
    const hit = cache.get(key);
    if (hit) return hit;
    const decision = decide();
    return isPromise(decision) ? decision.then((d) => remember(cache, key, d)) : remember(cache, key, decision);
  }

  clear(): void {
    this.cache?.clear();
  }
}
