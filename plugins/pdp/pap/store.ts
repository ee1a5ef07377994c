/**
 * Policy documents in the database, per domain, with versions; the ordered list of active
 * versions; change counters. Only reads and writes rows: compiling and checking policies is the
 * caller's (pap/administration.ts).
 */
import type { Knex } from 'knex';
import { ACTIVE_TABLE, DOMAINS_TABLE, POLICIES_TABLE } from '../tables.js';
import { compareVersions } from './versions.js';

export interface StoredPolicy {
  domain: string;
  policyId: string;
  version: string;
  kind: 'Policy' | 'PolicySet';
  xml: string;
  createdAt: string;
  createdBy?: string;
}

export interface ActivePolicy {
  policyId: string;
  version: string;
  position: number;
}

export interface DomainRevisions {
  policies: number;
  ownership: number;
}

interface PolicyRow {
  domain: string;
  policy_id: string;
  version: string;
  kind: string;
  xml: string;
  created_at: string;
  created_by: string | null;
}

function toPolicy(row: PolicyRow): StoredPolicy {
  return {
    domain: row.domain,
    policyId: row.policy_id,
    version: row.version,
    kind: row.kind === 'PolicySet' ? 'PolicySet' : 'Policy',
    xml: row.xml,
    createdAt: row.created_at,
    ...(row.created_by ? { createdBy: row.created_by } : {}),
  };
}

/** Every stored version of every policy of the domain (the PDP's referenceable documents). */
export async function loadPolicies(knex: Knex, domain: string): Promise<StoredPolicy[]> {
  const rows = (await knex(POLICIES_TABLE).where({ domain }).select()) as PolicyRow[];
  return rows.map(toPolicy);
}

export async function getPolicy(knex: Knex, domain: string, policyId: string, version: string): Promise<StoredPolicy | undefined> {
  const row = (await knex(POLICIES_TABLE).where({ domain, policy_id: policyId, version }).first()) as PolicyRow | undefined;
  return row ? toPolicy(row) : undefined;
}

/** Versions of one policy, oldest first. */
export async function policyVersions(knex: Knex, domain: string, policyId: string): Promise<StoredPolicy[]> {
  const rows = (await knex(POLICIES_TABLE).where({ domain, policy_id: policyId }).select()) as PolicyRow[];
  return rows.map(toPolicy).sort((a, b) => compareVersions(a.version, b.version));
}

export async function insertPolicy(knex: Knex, policy: StoredPolicy): Promise<void> {
  await knex(POLICIES_TABLE).insert({
    domain: policy.domain,
    policy_id: policy.policyId,
    version: policy.version,
    kind: policy.kind,
    xml: policy.xml,
    created_at: policy.createdAt,
    created_by: policy.createdBy ?? null,
  });
}

/** Deletes one version, or every version when `version` is undefined; returns how many. */
export async function deletePolicy(knex: Knex, domain: string, policyId: string, version?: string): Promise<number> {
  const q = knex(POLICIES_TABLE).where({ domain, policy_id: policyId });
  if (version !== undefined) q.andWhere({ version });
  const deleted = await q.delete();
  const active = knex(ACTIVE_TABLE).where({ domain, policy_id: policyId });
  if (version !== undefined) active.andWhere({ version });
  await active.delete();
  return deleted;
}

/** The active versions in evaluation order. */
export async function activePolicies(knex: Knex, domain: string): Promise<ActivePolicy[]> {
  const rows = (await knex(ACTIVE_TABLE).where({ domain }).orderBy('position').select('policy_id', 'version', 'position')) as Array<{ policy_id: string; version: string; position: number }>;
  return rows.map((r) => ({ policyId: r.policy_id, version: r.version, position: Number(r.position) }));
}

/** Makes `version` the active one of `policyId`: in its predecessor's place, else last. */
export async function activate(knex: Knex, domain: string, policyId: string, version: string): Promise<void> {
  const existing = (await knex(ACTIVE_TABLE).where({ domain, policy_id: policyId }).first()) as { position: number } | undefined;
  if (existing) {
    await knex(ACTIVE_TABLE).where({ domain, policy_id: policyId }).update({ version });
    return;
  }
  const max = (await knex(ACTIVE_TABLE).where({ domain }).max({ m: 'position' }).first()) as { m: number | null } | undefined;
  await knex(ACTIVE_TABLE).insert({ domain, policy_id: policyId, version, position: Number(max?.m ?? -1) + 1 });
}

export async function deactivate(knex: Knex, domain: string, policyId: string): Promise<number> {
  return knex(ACTIVE_TABLE).where({ domain, policy_id: policyId }).delete();
}

/** Replaces the active list (in this order). */
export async function replaceActive(knex: Knex, domain: string, active: Array<{ policyId: string; version: string }>): Promise<void> {
  await knex(ACTIVE_TABLE).where({ domain }).delete();
  if (active.length) await knex(ACTIVE_TABLE).insert(active.map((a, position) => ({ domain, policy_id: a.policyId, version: a.version, position })));
}

export interface DomainSettings {
  combiningAlgorithm?: string;
  includeDefaults: boolean;
  revisions: DomainRevisions;
}

export async function domainSettings(knex: Knex, domain: string): Promise<DomainSettings> {
  const row = (await knex(DOMAINS_TABLE).where({ domain }).first()) as
    | { combining_algorithm: string | null; include_defaults: boolean | number | null; policies_revision: number; ownership_revision: number }
    | undefined;
  return {
    ...(row?.combining_algorithm ? { combiningAlgorithm: row.combining_algorithm } : {}),
    includeDefaults: row?.include_defaults === undefined || row.include_defaults === null ? true : Boolean(row.include_defaults),
    revisions: { policies: Number(row?.policies_revision ?? 0), ownership: Number(row?.ownership_revision ?? 0) },
  };
}

/** Sets how the active policies combine and whether the default set follows them (undefined: unchanged). */
export async function setDomainSettings(knex: Knex, domain: string, settings: { combiningAlgorithm?: string; includeDefaults?: boolean }): Promise<void> {
  const changes: Record<string, unknown> = {};
  if (settings.combiningAlgorithm !== undefined) changes.combining_algorithm = settings.combiningAlgorithm;
  if (settings.includeDefaults !== undefined) changes.include_defaults = settings.includeDefaults;
  if (Object.keys(changes).length === 0) return;
  await knex(DOMAINS_TABLE).insert({ domain, policies_revision: 0, ownership_revision: 0, ...changes }).onConflict('domain').merge(changes);
}

/** Counts a change of the domain's policies (or ownership), so that every process sees it. */
export async function bumpRevision(knex: Knex, domain: string, which: keyof DomainRevisions): Promise<void> {
  const column = which === 'policies' ? 'policies_revision' : 'ownership_revision';
  await knex(DOMAINS_TABLE)
    .insert({ domain, policies_revision: which === 'policies' ? 1 : 0, ownership_revision: which === 'ownership' ? 1 : 0 })
    .onConflict('domain')
    .merge({ [column]: knex.raw('??.?? + 1', [DOMAINS_TABLE, column]) });
}

/** Every domain's counters (one cheap query, polled). */
export async function allRevisions(knex: Knex): Promise<Map<string, DomainRevisions>> {
  const rows = (await knex(DOMAINS_TABLE).select('domain', 'policies_revision', 'ownership_revision')) as Array<{ domain: string; policies_revision: number; ownership_revision: number }>;
  return new Map(rows.map((r) => [r.domain, { policies: Number(r.policies_revision), ownership: Number(r.ownership_revision) }]));
}

/** Domains that have stored policies or settings. */
export async function knownDomains(knex: Knex): Promise<string[]> {
  const a = (await knex(POLICIES_TABLE).distinct('domain')) as Array<{ domain: string }>;
  const b = (await knex(DOMAINS_TABLE).select('domain')) as Array<{ domain: string }>;
  return [...new Set([...a, ...b].map((r) => r.domain))].sort();
}
