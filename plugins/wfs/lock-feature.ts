/**
 * LockFeature (WFS 2.0 §12, 1.1.0 §11): locks the features the query expressions select for the
 * expiry asked (2.0 seconds, 1.1.0 minutes), or (2.0) restarts an existing lock's expiry when
 * only a lockId is given. lockAction ALL locks every selected feature or none
 * (CannotLockAllFeatures); SOME locks those no other lock holds, and lists the others as not
 * locked. Features the subject may read but not update are never locked (ALL fails, SOME lists
 * them as not locked). The response is wfs:LockFeatureResponse with the lock id and the
 * features (fes:ResourceId in 2.0, ogc:FeatureId in 1.1.0).
 */
import { el, serializeXml } from '../../core/ows/index.js';
import type { WfsEnv, WfsResponse } from './context.js';
import { XML_CONTENT_TYPE } from './context.js';
import { wfsException } from './exceptions.js';
import { gmlId } from './feature-types.js';
import { enforceLockable, lockDurationMs, selectedIdsOf } from './locks/lockable.js';
import type { FeatureRef, LockOutcome } from './locks/store.js';
import { planQueries } from './query-plan.js';
import type { LockFeatureRequest } from './requests.js';
import { NS, PROFILES, type WfsVersion } from './versions.js';

export async function lockFeature(request: LockFeatureRequest, env: WfsEnv): Promise<WfsResponse> {
  const version = request.version;
  const given = request.expiry !== undefined ? lockDurationMs(version, request.expiry, env.config.maxLockExpiry) : undefined;
  if (request.lockId !== undefined) {
    const outcome = await env.locks.renew(request.lockId, env.subject, given);
    return { contentType: XML_CONTENT_TYPE, body: serializeXml(lockFeatureResponse(version, outcome)) };
  }
  const plans = await planQueries(request.queries, env, { version });
  await enforceLockable(env, plans.map((p) => p.collection));
  const max = env.config.maxLockedFeatures;
  const wanted: FeatureRef[] = [];
  const refused: FeatureRef[] = [];
  for (const plan of plans) {
    const readable = await selectedIdsOf(plan, env, max, 'read');
    const updatable = new Set(await selectedIdsOf(plan, env, max, 'update'));
    for (const id of readable) (updatable.has(id) ? wanted : refused).push({ collection: plan.collection.id, id });
  }
  const locator = request.handle;
  if (request.lockAction === 'ALL' && refused.length > 0) throw wfsException('CannotLockAllFeatures', `${refused.length} of the selected features may not be changed by this client, so they cannot be locked; nothing was locked`, locator);
  // More than one lock may hold: ALL fails, SOME locks the first ones (in query order).
  if (wanted.length > max && request.lockAction === 'ALL') throw wfsException('CannotLockAllFeatures', `More than ${max} features are selected; at most ${max} are locked at once: narrow the queries`, locator);
  const over = wanted.splice(max);
  const outcome = await env.locks.acquire(wanted, env.subject, given ?? lockDurationMs(version, undefined, env.config.maxLockExpiry), request.lockAction, locator);
  outcome.notLocked.push(...over, ...refused);
  return { contentType: XML_CONTENT_TYPE, body: serializeXml(lockFeatureResponse(version, outcome)) };
}

function lockFeatureResponse(version: WfsVersion, outcome: LockOutcome) {
  const profile = PROFILES[version];
  const is2 = version === '2.0.0';
  const id = (f: FeatureRef) => (is2 ? el('fes:ResourceId', { rid: gmlId(f.collection, f.id) }) : el('ogc:FeatureId', { fid: gmlId(f.collection, f.id) }));
  return el(
    'wfs:LockFeatureResponse',
    {
      'xmlns:wfs': profile.wfsNs,
      ...(is2 ? { 'xmlns:fes': NS.fes20 } : { 'xmlns:ogc': NS.ogc }),
      'xmlns:xsi': NS.xsi,
      'xsi:schemaLocation': profile.wfsSchema,
      ...(is2 ? { lockId: outcome.lockId } : {}),
    },
    !is2 && el('wfs:LockId', null, outcome.lockId),
    outcome.locked.length > 0 && el('wfs:FeaturesLocked', null, outcome.locked.map(id)),
    outcome.notLocked.length > 0 && el('wfs:FeaturesNotLocked', null, outcome.notLocked.map(id)),
  );
}
