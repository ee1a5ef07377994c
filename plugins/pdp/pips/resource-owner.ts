/**
 * The ownership attribute finder: `urn:meridian:resource:owner` for a request that names a
 * resource (id, type, service) but not its owner, from the ownership store. Owners are kept in
 * an LRU cache that every ownership change (here or, through the revision poll, elsewhere)
 * clears.
 */
import type { Knex } from 'knex';
import { LRUCache } from 'lru-cache';
import { XACML_ATTRIBUTE, XACML_CATEGORY, XACML_DATATYPE } from '../../../core/auth/decision-points/xacml-json.js';
import { getOwner, resourceKeyText, type ResourceKey } from '../ownership/store.js';
import type { AttributeFinder, AttributeValue, XacmlRequest } from '../xacml/index.js';
import { firstValue } from './request-values.js';

const ENGINE_OWNER_TTL_MS = 5_000;

export class OwnerCache {
  // '' stands for "no owner recorded", so misses are remembered too.
  private readonly cache: LRUCache<string, string> | null;

  constructor(
    private readonly knex: Knex,
    size: number,
    /** Who the resource's own engine says owns it (auth.ownerOf), for resources created before or outside the lifecycle hooks. */
    private readonly engineOwner?: (key: ResourceKey) => Promise<string | undefined>,
  ) {
    this.cache = size > 0 ? new LRUCache<string, string>({ max: size }) : null;
  }

  /** The owner when cached ('' for none recorded), undefined when the store must be asked. */
  cached(domain: string, key: ResourceKey): string | undefined {
    return this.cache?.get(`${domain}\u0000${resourceKeyText(key)}`);
  }

  async owner(domain: string, key: ResourceKey): Promise<string | undefined> {
    const k = `${domain}\u0000${resourceKeyText(key)}`;
    const hit = this.cache?.get(k);
    if (hit !== undefined) return hit || undefined;
    const recorded = await getOwner(this.knex, domain, key);
    if (recorded !== undefined || !this.engineOwner) {
      this.cache?.set(k, recorded ?? '');
      return recorded;
    }
    // The engine's answer can change without an ownership change here: kept only briefly.
    const owner = await this.engineOwner(key);
    this.cache?.set(k, owner ?? '', { ttl: ENGINE_OWNER_TTL_MS });
    return owner;
  }

  clear(): void {
    this.cache?.clear();
  }
}

/** The resource named by a request (id and type; service '' when absent), or undefined. */
function resourceOf(request: XacmlRequest): ResourceKey | undefined {
  const id = firstValue(request, XACML_CATEGORY.resource, XACML_ATTRIBUTE.resourceId);
  const type = firstValue(request, XACML_CATEGORY.resource, XACML_ATTRIBUTE.resourceType);
  if (id === undefined || type === undefined) return undefined;
  return { service: firstValue(request, XACML_CATEGORY.resource, XACML_ATTRIBUTE.resourceService) ?? '', type, id };
}

const asValues = (owner: string | undefined): AttributeValue[] => (owner ? [{ dataType: XACML_DATATYPE.string, value: owner }] : []);

export function resourceOwnerFinder(domain: string, owners: OwnerCache): AttributeFinder {
  return {
    category: XACML_CATEGORY.resource,
    attributeId: XACML_ATTRIBUTE.resourceOwner,
    findNow(_category, _attributeId, dataType, _issuer, request) {
      if (dataType !== XACML_DATATYPE.string) return [];
      const key = resourceOf(request);
      if (!key) return [];
      const hit = owners.cached(domain, key);
      return hit === undefined ? undefined : asValues(hit);
    },
    async find(_category, _attributeId, dataType, _issuer, request): Promise<AttributeValue[] | undefined> {
      if (dataType !== XACML_DATATYPE.string) return undefined;
      const key = resourceOf(request);
      if (!key) return undefined;
      return asValues(await owners.owner(domain, key));
    },
  };
}
