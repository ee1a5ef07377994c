/**
 * The subject groups finder: the role attribute (one value per group) of a subject whose
 * credentials carried no groups, from the core users table, for subjects of the configured
 * issuers only (a token from another issuer naming a local user's id gets nothing).
 */
import { LRUCache } from 'lru-cache';
import { XACML_ATTRIBUTE, XACML_CATEGORY, XACML_DATATYPE } from '../../../core/auth/decision-points/xacml-json.js';
import { getUser } from '../../../core/auth/users.js';
import type { Database } from '../../../core/storage/db/types.js';
import type { AttributeFinder, AttributeValue, XacmlRequest } from '../xacml/index.js';
import { firstValue } from './request-values.js';

export function subjectGroupsFinder(db: Database, issuers: string[], cacheMs: number): AttributeFinder {
  const trusted = new Set(issuers);
  const cache = cacheMs > 0 ? new LRUCache<string, string[]>({ max: 10_000, ttl: cacheMs }) : null;
  const groupsOf = async (id: string): Promise<string[]> => {
    const hit = cache?.get(id);
    if (hit) return hit;
    let groups: string[];
    try {
      groups = (await getUser(db, id))?.groups ?? [];
    } catch {
      // No users table (an authenticator chain without local users): nobody has groups there.
      groups = [];
    }
    cache?.set(id, groups);
    return groups;
  };
  /** The subject id whose groups the users table decides, or undefined when it does not. */
  const localSubject = (request: XacmlRequest): string | undefined => {
    if (firstValue(request, XACML_CATEGORY.accessSubject, XACML_ATTRIBUTE.subjectAnonymous) === 'true') return undefined;
    const issuer = firstValue(request, XACML_CATEGORY.accessSubject, XACML_ATTRIBUTE.subjectIssuer);
    const id = firstValue(request, XACML_CATEGORY.accessSubject, XACML_ATTRIBUTE.subjectId);
    if (id === undefined || issuer === undefined || !trusted.has(issuer)) return undefined;
    return id;
  };
  const asValues = (groups: string[]): AttributeValue[] => groups.map((g) => ({ dataType: XACML_DATATYPE.string, value: g }));
  return {
    category: XACML_CATEGORY.accessSubject,
    attributeId: XACML_ATTRIBUTE.role,
    findNow(_category, _attributeId, dataType, _issuer, request) {
      if (dataType !== XACML_DATATYPE.string) return [];
      const id = localSubject(request);
      if (id === undefined) return [];
      const hit = cache?.get(id);
      return hit ? asValues(hit) : undefined;
    },
    async find(_category, _attributeId, dataType, _issuer, request): Promise<AttributeValue[] | undefined> {
      if (dataType !== XACML_DATATYPE.string) return undefined;
      const id = localSubject(request);
      if (id === undefined) return undefined;
      return asValues(await groupsOf(id));
    },
  };
}
