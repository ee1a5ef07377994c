/**
 * Ownership and sharing: the core's resource lifecycle (auth.resourceCreated/resourceDeleted)
 * records owners; owners (or whoever the policy lets administer the resource) grant and revoke
 * shares, each resource's shares compiled into one Permit policy of the domain.
 */
import type { Logger } from 'pino';
import type { Resource, ResourceLifecycleListener, Subject } from '../../../core/auth/types.js';
import { NotFound } from '../../../core/errors.js';
import type { Database } from '../../../core/storage/db/types.js';
import type { Domains } from '../domains.js';
import type { PolicyAdministration } from '../pap/administration.js';
import { bumpRevision } from '../pap/store.js';
import * as store from './store.js';

export function resourceKey(resource: Resource): store.ResourceKey | undefined {
  if (!resource.type || resource.id === undefined || resource.id === '') return undefined;
  return { service: resource.service ?? '', type: resource.type, id: resource.id };
}

export class Ownership {
  constructor(
    private readonly db: Database,
    private readonly domains: Domains,
    private readonly pap: PolicyAdministration,
    /** The domain resources created through the core belong to. */
    readonly domain: string,
    private readonly logger: Logger,
    private readonly engineOwner?: (key: store.ResourceKey) => Promise<string | undefined>,
  ) {}

  /** The listener given to auth.onResourceLifecycle. */
  listener(): ResourceLifecycleListener {
    return {
      created: (subject, resource) => this.created(subject, resource),
      deleted: (resource) => this.deleted(resource),
    };
  }

  async created(subject: Subject, resource: Resource): Promise<void> {
    const key = resourceKey(resource);
    if (!key || subject.anonymous) return;
    await this.db.knex.transaction(async (trx) => {
      await store.setOwner(trx, this.domain, key, subject.id);
      await bumpRevision(trx, this.domain, 'ownership');
    });
    this.domains.ownershipChanged(this.domain);
    this.logger.debug({ resource: key, owner: subject.id }, 'pdp: owner recorded');
  }

  async deleted(resource: Resource): Promise<void> {
    const key = resourceKey(resource);
    if (!key) return;
    const shared = (await store.sharesOf(this.db.knex, this.domain, key)).length > 0;
    if (shared) {
      // Its share policy goes too: a policy change, recompiled like any other.
      await this.pap.change(this.domain, async (trx) => {
        await store.forgetResource(trx, this.domain, key);
        await bumpRevision(trx, this.domain, 'ownership');
      });
    } else {
      await this.db.knex.transaction(async (trx) => {
        await store.forgetResource(trx, this.domain, key);
        await bumpRevision(trx, this.domain, 'ownership');
      });
    }
    this.domains.ownershipChanged(this.domain);
  }

  /** The recorded owner, else the one the resource's engine knows (auth.ownerOf). */
  async owner(key: store.ResourceKey): Promise<string | undefined> {
    return (await store.getOwner(this.db.knex, this.domain, key)) ?? (await this.engineOwner?.(key));
  }

  shares(key: store.ResourceKey): Promise<store.Share[]> {
    return store.sharesOf(this.db.knex, this.domain, key);
  }

  async grant(key: store.ResourceKey, granteeKind: 'user' | 'group', grantee: string, actions: string[], createdBy?: string): Promise<store.Share[]> {
    await this.pap.change(this.domain, (trx) => store.putShare(trx, this.domain, { resource: key, granteeKind, grantee, actions, ...(createdBy ? { createdBy } : {}) }));
    return this.shares(key);
  }

  /** Throws NotFound (and changes nothing) when there is no such share. */
  async revoke(key: store.ResourceKey, granteeKind: 'user' | 'group', grantee: string): Promise<void> {
    await this.pap.change(this.domain, async (trx) => {
      if (!(await store.deleteShare(trx, this.domain, key, granteeKind, grantee))) throw new NotFound(`No share of this resource with ${granteeKind} '${grantee}'`);
    });
  }

  ownedBy(owner: string): Promise<store.ResourceKey[]> {
    return store.ownedBy(this.db.knex, this.domain, owner);
  }
}
