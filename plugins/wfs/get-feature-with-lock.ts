/**
 * GetFeatureWithLock (WFS 2.0 §13, 1.1.0 §10): GetFeature that locks the features it returns
 * and names the lock in the collection's lockId attribute (a `lockId` member in GeoJSON). Only
 * resultType=results (hits would lock nothing). The page (STARTINDEX, COUNT, at most
 * maxLockedFeatures) is read, locked (lockAction ALL: all of it or CannotLockAllFeatures; SOME:
 * what no other lock holds and the subject may update), then written from the locked features
 * only, so the response holds exactly what the lock holds. numberMatched is the queries' matches;
 * no next/previous links (a next page would be another lock).
 */
import { invalidParameterValue } from '../../core/ows/index.js';
import type { WfsEnv, WfsResponse } from './context.js';
import { wfsException } from './exceptions.js';
import { collectionResponse } from './get-feature.js';
import { enforceLockable, lockDurationMs, refKey, updatableAmong } from './locks/lockable.js';
import type { FeatureRef } from './locks/store.js';
import { chooseFeatureFormat } from './output-formats.js';
import { planQueries, type PlannedQuery } from './query-plan.js';
import type { GetFeatureWithLockRequest } from './requests.js';
import { openPage } from './results.js';

export async function getFeatureWithLock(request: GetFeatureWithLockRequest, env: WfsEnv): Promise<WfsResponse> {
  if (request.resultType !== 'results') throw invalidParameterValue('resultType', 'GetFeatureWithLock returns and locks features: resultType must be results');
  const version = request.version;
  const format = chooseFeatureFormat(request.outputFormat, version);
  const plans = await planQueries(request.queries, env, { version });
  await enforceLockable(env, plans.map((p) => p.collection));
  const count = Math.min(request.count ?? env.config.defaultCount, env.config.maxCount, env.config.maxLockedFeatures);
  const page = await openPage(plans, request.startIndex, count, env);
  const idsOfPlan = new Map<PlannedQuery, string[]>();
  for await (const { feature, plan } of page.features()) idsOfPlan.set(plan, [...(idsOfPlan.get(plan) ?? []), feature.id]);

  // Only what the subject may change can be locked.
  const byCollection = new Map<string, { plan: PlannedQuery; ids: string[] }>();
  for (const [plan, ids] of idsOfPlan) {
    const entry = byCollection.get(plan.collection.id) ?? { plan, ids: [] };
    entry.ids.push(...ids);
    byCollection.set(plan.collection.id, entry);
  }
  const wanted: FeatureRef[] = [];
  let refused = 0;
  for (const [collection, { plan, ids }] of byCollection) {
    const updatable = await updatableAmong(plan.collection, [...new Set(ids)], env);
    for (const id of new Set(ids)) {
      if (updatable.has(id)) wanted.push({ collection, id });
      else refused++;
    }
  }
  if (refused > 0 && request.lockAction === 'ALL') throw wfsException('CannotLockAllFeatures', `${refused} of the features may not be changed by this client, so they cannot be locked; nothing was locked`, request.handle);
  const outcome = await env.locks.acquire(wanted, env.subject, lockDurationMs(version, request.expiry, env.config.maxLockExpiry), request.lockAction, request.handle);

  const locked = new Set(outcome.locked.map(refKey));
  const lockedPlans = plans.map((plan): PlannedQuery => {
    const ids = (idsOfPlan.get(plan) ?? []).filter((id) => locked.has(refKey({ collection: plan.collection.id, id })));
    return ids.length > 0 ? { ...plan, query: { ...plan.query, ids } } : { ...plan, empty: true };
  });
  const lockedCount = [...idsOfPlan.entries()].reduce((n, [plan, ids]) => n + ids.filter((id) => locked.has(refKey({ collection: plan.collection.id, id }))).length, 0);
  const lockedPage = await openPage(lockedPlans, 0, lockedCount, env);
  return collectionResponse(env, version, lockedPlans, lockedPage, {}, format, { lockId: outcome.lockId, numberMatched: page.numberMatched });
}
