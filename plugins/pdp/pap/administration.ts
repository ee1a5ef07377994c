/**
 * Policy administration: add, list, get, activate, deactivate, delete policies of a domain.
 * Every change runs in one transaction that also bumps the domain's revision and compiles the
 * domain as it will be; a change that does not compile is rolled back and refused (400), one
 * that does is installed at once here and reaches other processes through the revision poll.
 */
import type { Knex } from 'knex';
import { NotFound } from '../../../core/errors.js';
import type { Database } from '../../../core/storage/db/types.js';
import type { DomainPdp, Domains } from '../domains.js';
import { Conflict, InvalidPolicy } from '../errors.js';
import { POLICY_COMBINING, POLICY_COMBINING_3, RESERVED_ID_PREFIX } from '../generated-policies.js';
import { compilePolicyDocument } from '../xacml/index.js';
import * as store from './store.js';
import { compareVersions, isVersion } from './versions.js';

export interface PolicySummary {
  policyId: string;
  kind: 'Policy' | 'PolicySet';
  versions: string[];
  /** The active version, if one is. */
  active?: string;
}

export interface DomainRoot {
  combiningAlgorithm: string;
  /** Whether the default policy set follows the active policies. */
  includeDefaults: boolean;
  policies: Array<{ policyId: string; version: string }>;
}

const COMBINING_NAMES = [
  'deny-overrides',
  'permit-overrides',
  'first-applicable',
  'only-one-applicable',
  'ordered-deny-overrides',
  'ordered-permit-overrides',
  'deny-unless-permit',
  'permit-unless-deny',
];

/** A policy-combining algorithm id, given whole or by its short name ('deny-overrides'). */
export function combiningAlgorithmId(name: string): string {
  if (name.startsWith('urn:')) return name;
  if (!COMBINING_NAMES.includes(name)) throw new InvalidPolicy(`unknown combining algorithm '${name}' (one of ${COMBINING_NAMES.join(', ')}, or a full URN)`);
  return name === 'first-applicable' || name === 'only-one-applicable' ? `${POLICY_COMBINING}${name}` : `${POLICY_COMBINING_3}${name}`;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || e.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint/.test(e.message ?? '');
}

export class PolicyAdministration {
  constructor(
    private readonly db: Database,
    private readonly domains: Domains,
  ) {}

  /**
   * Runs `change` and the revision bump in one transaction, compiles the domain as the
   * transaction sees it, commits only when that worked, then installs the new PDP.
   */
  async change<T>(domain: string, change: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    let built: DomainPdp | undefined;
    const result = await this.db.knex.transaction(async (trx) => {
      const value = await change(trx);
      await store.bumpRevision(trx, domain, 'policies');
      try {
        built = await this.domains.check(trx, domain);
      } catch (err) {
        throw new InvalidPolicy(`the domain's policies would not compile: ${(err as Error).message}`);
      }
      return value;
    });
    this.domains.install(built!);
    return result;
  }

  /** Stores a new Policy or PolicySet version; its id and version come from the document. */
  async add(domain: string, xml: string, createdBy?: string): Promise<store.StoredPolicy> {
    let doc;
    try {
      doc = compilePolicyDocument(xml);
    } catch (err) {
      throw new InvalidPolicy((err as Error).message);
    }
    if (doc.id.startsWith(RESERVED_ID_PREFIX)) throw new InvalidPolicy(`policy ids under ${RESERVED_ID_PREFIX} are reserved for the PDP's own policies`);
    if (!isVersion(doc.version)) throw new InvalidPolicy(`Version '${doc.version}' is not a XACML version (digits and dots)`);
    const policy: store.StoredPolicy = { domain, policyId: doc.id, version: doc.version, kind: doc.kind, xml, createdAt: new Date().toISOString(), ...(createdBy ? { createdBy } : {}) };
    try {
      await this.change(domain, (trx) => store.insertPolicy(trx, policy));
    } catch (err) {
      if (isUniqueViolation(err)) throw new Conflict(`${doc.kind} '${doc.id}' version ${doc.version} already exists in domain '${domain}'; give the new document a new Version`);
      throw err;
    }
    return policy;
  }

  async list(domain: string): Promise<PolicySummary[]> {
    const [policies, active] = await Promise.all([store.loadPolicies(this.db.knex, domain), store.activePolicies(this.db.knex, domain)]);
    const activeById = new Map(active.map((a) => [a.policyId, a.version]));
    const byId = new Map<string, PolicySummary>();
    for (const p of policies) {
      const entry = byId.get(p.policyId) ?? { policyId: p.policyId, kind: p.kind, versions: [] };
      entry.versions.push(p.version);
      byId.set(p.policyId, entry);
    }
    return [...byId.values()]
      .map((s) => ({ ...s, versions: s.versions.sort(compareVersions), ...(activeById.has(s.policyId) ? { active: activeById.get(s.policyId)! } : {}) }))
      .sort((a, b) => (a.policyId < b.policyId ? -1 : a.policyId > b.policyId ? 1 : 0));
  }

  async versions(domain: string, policyId: string): Promise<{ policy: PolicySummary; versions: store.StoredPolicy[] }> {
    const versions = await store.policyVersions(this.db.knex, domain, policyId);
    if (versions.length === 0) throw new NotFound(`No policy '${policyId}' in domain '${domain}'`);
    const active = (await store.activePolicies(this.db.knex, domain)).find((a) => a.policyId === policyId);
    return { policy: { policyId, kind: versions[0]!.kind, versions: versions.map((v) => v.version), ...(active ? { active: active.version } : {}) }, versions };
  }

  async get(domain: string, policyId: string, version: string): Promise<store.StoredPolicy> {
    const policy = await store.getPolicy(this.db.knex, domain, policyId, version);
    if (!policy) throw new NotFound(`No version ${version} of policy '${policyId}' in domain '${domain}'`);
    return policy;
  }

  /** Makes `version` the active version of `policyId` ('latest': its newest version). */
  async activate(domain: string, policyId: string, version: string): Promise<{ policyId: string; version: string }> {
    const versions = await store.policyVersions(this.db.knex, domain, policyId);
    if (versions.length === 0) throw new NotFound(`No policy '${policyId}' in domain '${domain}'`);
    const chosen = version === 'latest' ? versions.at(-1)!.version : version;
    if (!versions.some((v) => v.version === chosen)) throw new NotFound(`No version ${chosen} of policy '${policyId}' in domain '${domain}'`);
    await this.change(domain, (trx) => store.activate(trx, domain, policyId, chosen));
    return { policyId, version: chosen };
  }

  async deactivate(domain: string, policyId: string): Promise<void> {
    await this.change(domain, async (trx) => {
      if ((await store.deactivate(trx, domain, policyId)) === 0) throw new NotFound(`Policy '${policyId}' is not active in domain '${domain}'`);
    });
  }

  async root(domain: string): Promise<DomainRoot> {
    const [settings, active] = await Promise.all([store.domainSettings(this.db.knex, domain), store.activePolicies(this.db.knex, domain)]);
    return { combiningAlgorithm: settings.combiningAlgorithm ?? combiningAlgorithmId('first-applicable'), includeDefaults: settings.includeDefaults, policies: active.map((a) => ({ policyId: a.policyId, version: a.version })) };
  }

  /** Replaces the active list and (optionally) how it combines and whether the defaults follow. */
  async setRoot(domain: string, root: { policies: Array<{ policyId: string; version: string }>; combiningAlgorithm?: string; includeDefaults?: boolean }): Promise<DomainRoot> {
    const seen = new Set<string>();
    for (const p of root.policies) {
      if (seen.has(p.policyId)) throw new InvalidPolicy(`policy '${p.policyId}' is listed twice; a domain has one active version of each policy`);
      seen.add(p.policyId);
      if (!(await store.getPolicy(this.db.knex, domain, p.policyId, p.version))) throw new NotFound(`No version ${p.version} of policy '${p.policyId}' in domain '${domain}'`);
    }
    const algorithm = root.combiningAlgorithm !== undefined ? combiningAlgorithmId(root.combiningAlgorithm) : undefined;
    await this.change(domain, async (trx) => {
      await store.replaceActive(trx, domain, root.policies);
      await store.setDomainSettings(trx, domain, { ...(algorithm !== undefined ? { combiningAlgorithm: algorithm } : {}), ...(root.includeDefaults !== undefined ? { includeDefaults: root.includeDefaults } : {}) });
    });
    return this.root(domain);
  }

  /** Deletes one version (or all); an active version deleted is no longer active. */
  async remove(domain: string, policyId: string, version?: string): Promise<number> {
    return this.change(domain, async (trx) => {
      const deleted = await store.deletePolicy(trx, domain, policyId, version);
      if (deleted === 0) throw new NotFound(version ? `No version ${version} of policy '${policyId}' in domain '${domain}'` : `No policy '${policyId}' in domain '${domain}'`);
      return deleted;
    });
  }
}
