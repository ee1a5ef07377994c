/**
 * What LockFeature and GetFeatureWithLock share: the expiry a request asks for, the right to lock
 * (the right to update the collection, enforced as Transaction enforces it: 401 with the
 * challenge for anonymous clients, 403 for others), and which of the selected features the
 * subject may update (the engine applies the update permission's filter obligations, so a lock
 * never covers a feature its holder could not change).
 */
import type { CollectionDescription } from '../../features/types.js';
import type { WfsEnv } from '../context.js';
import { withEngineErrors } from '../exceptions.js';
import type { PlannedQuery } from '../query-plan.js';
import type { WfsVersion } from '../versions.js';
import type { FeatureRef } from './store.js';

/** The lock's duration in ms: 2.0 counts seconds (default 300), 1.1.0 minutes (default 5); at most maxLockExpiry seconds. */
export function lockDurationMs(version: WfsVersion, expiry: number | undefined, maxLockExpirySeconds: number): number {
  const seconds = version === '2.0.0' ? (expiry ?? 300) : (expiry ?? 5) * 60;
  return Math.min(seconds, maxLockExpirySeconds) * 1000;
}

/** Locking a collection's features needs the right to update them. */
export async function enforceLockable(env: WfsEnv, collections: Iterable<CollectionDescription>): Promise<void> {
  const seen = new Set<string>();
  for (const c of collections) {
    if (seen.has(c.id)) continue;
    seen.add(c.id);
    await env.auth.enforce(env.ctx, { type: 'feature-collection', service: 'features', id: c.id, ...(c.owner !== undefined ? { owner: c.owner } : {}), attributes: { visibility: c.visibility } }, 'update');
  }
}

/** The ids a plan selects (that the subject may read, or also update), in result order; at most `max` + 1, to tell there were more. */
export async function selectedIdsOf(plan: PlannedQuery, env: WfsEnv, max: number, access: 'read' | 'update'): Promise<string[]> {
  if (plan.empty) return [];
  const ids: string[] = [];
  const page = env.features.limits.maxLimit;
  for (let offset = 0; ids.length <= max; offset += page) {
    const result = await withEngineErrors(plan.locators, () =>
      env.features.query(plan.collection.id, { ...plan.query, properties: [], skipGeometry: true, limit: page, offset }, env.subject, { access }),
    );
    let n = 0;
    for await (const f of result.features) {
      ids.push(f.id);
      n++;
    }
    if (n < page) break;
  }
  return ids.slice(0, max + 1);
}

/** Of the given features of one collection, those the subject may update. */
export async function updatableAmong(collection: CollectionDescription, ids: string[], env: WfsEnv): Promise<Set<string>> {
  const out = new Set<string>();
  const page = env.features.limits.maxLimit;
  for (let i = 0; i < ids.length; i += page) {
    const part = ids.slice(i, i + page);
    const result = await env.features.query(collection.id, { ids: part, properties: [], skipGeometry: true, limit: part.length }, env.subject, { access: 'update' });
    for await (const f of result.features) out.add(f.id);
  }
  return out;
}

export const refKey = (f: FeatureRef) => `${f.collection}\u0000${f.id}`;
