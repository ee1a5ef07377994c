/**
 * Shares in searches: a search decides once per query (resource without id) and the Permit's
 * `filter` obligation selects what the subject finds. A filter obligation that carries the
 * attribute `shared` (a list of queryable names, e.g. "identifier parentIdentifier": the
 * built-in public-read policy's) also lets through the resources of the searched kind
 * ({service, type}) shared with the subject for `read`: the decision point ORs
 * `<name> IN <ids>` for each name into the filter, the ids bound as values (never spliced into
 * filter text). Without such shares the filter is left as it is. The `shared` attribute itself
 * is always removed, so engines see a plain filter obligation.
 */
import type { AuthorizationRequest, Decision, Obligation } from '../../core/auth/types.js';
import type { Share } from './ownership/store.js';

export const SHARED_ATTRIBUTE = 'shared';

/** Ids shared for reading, by resource kind (service, type) and grantee ('user:' / 'group:' + name). */
export type SearchShares = Map<string, Map<string, string[]>>;

const kindKey = (service: string | undefined, type: string) => `${service ?? ''}\u0000${type}`;

export function searchSharesOf(shares: readonly Share[]): SearchShares {
  const out: SearchShares = new Map();
  for (const s of shares) {
    if (!s.actions.includes('read') && !s.actions.includes('*')) continue;
    const kind = kindKey(s.resource.service || undefined, s.resource.type);
    let byGrantee = out.get(kind);
    if (!byGrantee) out.set(kind, (byGrantee = new Map()));
    const grantee = `${s.granteeKind}:${s.grantee}`;
    const ids = byGrantee.get(grantee);
    if (!ids) byGrantee.set(grantee, [s.resource.id]);
    else if (!ids.includes(s.resource.id)) ids.push(s.resource.id);
  }
  return out;
}

/** The ids of `kind` shared with the subject (as a user or through a group), in no set order. */
function sharedIds(shares: SearchShares, request: AuthorizationRequest): string[] {
  if (request.subject.anonymous || request.resource.id !== undefined || request.action !== 'read') return [];
  const byGrantee = shares.get(kindKey(request.resource.service, request.resource.type));
  if (!byGrantee) return [];
  const own = byGrantee.get(`user:${request.subject.id}`);
  if (!request.subject.groups.length) return own ?? [];
  const ids = new Set(own);
  for (const g of request.subject.groups) for (const id of byGrantee.get(`group:${g}`) ?? []) ids.add(id);
  return [...ids];
}

function widened(o: Obligation, ids: string[]): Obligation {
  const { [SHARED_ATTRIBUTE]: names, ...attributes } = o.attributes;
  const properties = typeof names === 'string' ? names.split(/\s+/).filter(Boolean) : [];
  if (ids.length && properties.length && attributes.filter !== null && typeof attributes.filter === 'object') {
    attributes.filter = { op: 'or', args: [attributes.filter, ...properties.map((p) => ({ op: 'in', args: [{ property: p }, [...ids]] }))] };
  }
  return { id: o.id, attributes };
}

/** The decision with its `shared` filter obligations widened by the subject's shares (see above). */
export function withSearchShares(decision: Decision, request: AuthorizationRequest, shares: SearchShares): Decision {
  const obligations = decision.obligations;
  let marked = false;
  for (const o of obligations) if (o.attributes[SHARED_ATTRIBUTE] !== undefined) marked = true;
  if (!marked) return decision;
  const ids = decision.decision === 'Permit' ? sharedIds(shares, request) : [];
  return { ...decision, obligations: obligations.map((o) => (o.attributes[SHARED_ATTRIBUTE] !== undefined ? widened(o, ids) : o)) };
}
