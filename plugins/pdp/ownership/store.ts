/** Resource owners and shares in the database (rows only; policies are made in share-policies.ts). */
import type { Knex } from 'knex';
import { OWNERS_TABLE, SHARES_TABLE } from '../tables.js';

/** A resource as ownership knows it: service ('' when the resource names none), type and id. */
export interface ResourceKey {
  service: string;
  type: string;
  id: string;
}

export interface Share {
  resource: ResourceKey;
  granteeKind: 'user' | 'group';
  grantee: string;
  /** Actions granted; ['*'] for any. */
  actions: string[];
  createdAt: string;
  createdBy?: string;
}

export function resourceKeyText(key: ResourceKey): string {
  return `${key.service}\u0000${key.type}\u0000${key.id}`;
}

const where = (domain: string, key: ResourceKey) => ({ domain, service: key.service, type: key.type, resource_id: key.id });

export async function getOwner(knex: Knex, domain: string, key: ResourceKey): Promise<string | undefined> {
  const row = (await knex(OWNERS_TABLE).where(where(domain, key)).first('owner')) as { owner: string } | undefined;
  return row?.owner;
}

/** Records (or replaces) the owner. */
export async function setOwner(knex: Knex, domain: string, key: ResourceKey, owner: string): Promise<void> {
  await knex(OWNERS_TABLE)
    .insert({ ...where(domain, key), owner, created_at: new Date().toISOString() })
    .onConflict(['domain', 'service', 'type', 'resource_id'])
    .merge({ owner });
}

/** Drops the owner and the shares of a resource; returns whether anything was there. */
export async function forgetResource(knex: Knex, domain: string, key: ResourceKey): Promise<{ owner: boolean; shares: number }> {
  const owner = await knex(OWNERS_TABLE).where(where(domain, key)).delete();
  const shares = await knex(SHARES_TABLE).where(where(domain, key)).delete();
  return { owner: owner > 0, shares };
}

export async function ownedBy(knex: Knex, domain: string, owner: string): Promise<ResourceKey[]> {
  const rows = (await knex(OWNERS_TABLE).where({ domain, owner }).orderBy(['service', 'type', 'resource_id']).select('service', 'type', 'resource_id')) as Array<{ service: string; type: string; resource_id: string }>;
  return rows.map((r) => ({ service: r.service, type: r.type, id: r.resource_id }));
}

interface ShareRow {
  service: string;
  type: string;
  resource_id: string;
  grantee_kind: string;
  grantee: string;
  actions: string;
  created_at: string;
  created_by: string | null;
}

function toShare(row: ShareRow): Share {
  return {
    resource: { service: row.service, type: row.type, id: row.resource_id },
    granteeKind: row.grantee_kind === 'group' ? 'group' : 'user',
    grantee: row.grantee,
    actions: JSON.parse(row.actions) as string[],
    createdAt: row.created_at,
    ...(row.created_by ? { createdBy: row.created_by } : {}),
  };
}

/** Every share of the domain (compiled into its share policies). */
export async function loadShares(knex: Knex, domain: string): Promise<Share[]> {
  const rows = (await knex(SHARES_TABLE).where({ domain }).orderBy('id').select()) as ShareRow[];
  return rows.map(toShare);
}

export async function sharesOf(knex: Knex, domain: string, key: ResourceKey): Promise<Share[]> {
  const rows = (await knex(SHARES_TABLE).where(where(domain, key)).orderBy('id').select()) as ShareRow[];
  return rows.map(toShare);
}

/** Grants (or replaces the actions of) a share. */
export async function putShare(knex: Knex, domain: string, share: Omit<Share, 'createdAt'>): Promise<void> {
  await knex(SHARES_TABLE)
    .insert({
      ...where(domain, share.resource),
      grantee_kind: share.granteeKind,
      grantee: share.grantee,
      actions: JSON.stringify(share.actions),
      created_at: new Date().toISOString(),
      created_by: share.createdBy ?? null,
    })
    .onConflict(['domain', 'service', 'type', 'resource_id', 'grantee_kind', 'grantee'])
    .merge({ actions: JSON.stringify(share.actions) });
}

export async function deleteShare(knex: Knex, domain: string, key: ResourceKey, granteeKind: 'user' | 'group', grantee: string): Promise<boolean> {
  return (await knex(SHARES_TABLE).where({ ...where(domain, key), grantee_kind: granteeKind, grantee }).delete()) > 0;
}
