/**
 * One compiled PDP per domain, swapped atomically when the domain's policies change: a request
 * holds the PDP it started with, so requests in flight finish on the old one. Changes made by
 * other processes are found by polling the domains' change counters.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Database } from '../../core/storage/db/types.js';
import {
  activeSetXml,
  builtinPolicyXml,
  contentsSharePolicy,
  domainTopId,
  FIRST_APPLICABLE,
  sharePolicyId,
  sharePolicyXml,
  sharesByResource,
  sharesSetXml,
  topSetXml,
  type TopSetParts,
} from './generated-policies.js';
import { loadShares, type Share } from './ownership/store.js';
import { searchSharesOf, type SearchShares } from './search-shares.js';
import { activePolicies, allRevisions, domainSettings, loadPolicies, type DomainRevisions } from './pap/store.js';
import type { AttributeFinderRegistry } from './pips/registry.js';
import { OwnerCache, resourceOwnerFinder } from './pips/resource-owner.js';
import {
  compilePolicyDocument,
  createPolicyDecisionPoint,
  type AttributeFinder,
  type CompiledPolicyDocument,
  type PolicyDecisionPoint,
  type XacmlRequest,
  type XacmlResponse,
} from './xacml/index.js';

export interface DomainPdp {
  domain: string;
  revisions: DomainRevisions;
  pdp: PolicyDecisionPoint;
  /** Documents the PDP was made of (kept to remake it when finders change). */
  root: CompiledPolicyDocument;
  referenced: CompiledPolicyDocument[];
  /** Stored documents and share policies, for counts. */
  storedCount: number;
  shareCount: number;
  /** Ids shared for reading, by kind and grantee, for searches (search-shares.ts). */
  searchShares: SearchShares;
}

export interface DomainsOptions {
  db: Database;
  logger: Logger;
  finders: AttributeFinderRegistry;
  /** Finders of the plugin itself (subject groups), asked before registered ones. */
  builtinFinders: AttributeFinder[];
  owners: OwnerCache;
  maxMultipleDecisions: number;
  pollIntervalMs: number;
  /** Called after any change that may change decisions (the core decision cache is cleared). */
  onChange(): void;
}

/** A domain's policy data, read in one go (inside the PAP's transaction when checking a change). */
interface DomainState {
  domain: string;
  revisions: DomainRevisions;
  parts: TopSetParts;
  stored: Array<{ key: string; xml: string }>;
  sharePolicies: Array<{ xml: string }>;
  shares: Share[];
}

async function readState(knex: Knex, domain: string): Promise<DomainState> {
  const [settings, policies, active, shares] = await Promise.all([domainSettings(knex, domain), loadPolicies(knex, domain), activePolicies(knex, domain), loadShares(knex, domain)]);
  const kinds = new Map(policies.map((p) => [`${p.policyId}\u0000${p.version}`, p.kind]));
  const byResource = sharesByResource(shares);
  // One policy per shared resource, and one more for the contents of a shared container (a bucket's objects).
  const sharePolicies = [...byResource.values()].flatMap((r) => {
    const contents = contentsSharePolicy(r.key, r.shares);
    return [{ id: sharePolicyId(r.key), xml: sharePolicyXml(r.key, r.shares) }, ...(contents ? [contents] : [])];
  });
  return {
    domain,
    revisions: settings.revisions,
    parts: {
      domain,
      version: String(settings.revisions.policies),
      active: active.map((a) => ({ policyId: a.policyId, version: a.version, kind: kinds.get(`${a.policyId}\u0000${a.version}`) ?? 'Policy' })),
      combiningAlgorithm: settings.combiningAlgorithm ?? FIRST_APPLICABLE,
      includeDefaults: settings.includeDefaults,
      sharePolicyIds: sharePolicies.map((s) => s.id),
    },
    stored: policies.map((p) => ({ key: `${p.policyId}\u0000${p.version}`, xml: p.xml })),
    sharePolicies,
    shares,
  };
}

export class Domains {
  private readonly current = new Map<string, DomainPdp>();
  private readonly loading = new Map<string, Promise<DomainPdp>>();
  private readonly builtins: CompiledPolicyDocument[];
  // Compiled documents by their XML text: stored versions never change, generated ones are
  // rebuilt only when their text does.
  private compiled = new Map<string, CompiledPolicyDocument>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;
  private closed = false;

  constructor(private readonly options: DomainsOptions) {
    this.builtins = builtinPolicyXml().map((xml) => compilePolicyDocument(xml));
    options.finders.onChange(() => this.remakeAll());
  }

  /** The PDP of a domain already loaded (the hot path), else undefined. */
  loaded(domain: string): DomainPdp | undefined {
    return this.current.get(domain);
  }

  /** The domain's PDP, loading it on first use. */
  get(domain: string): Promise<DomainPdp> {
    const pdp = this.current.get(domain);
    if (pdp) return Promise.resolve(pdp);
    return this.reload(domain);
  }

  async evaluate(domain: string, request: XacmlRequest): Promise<XacmlResponse> {
    const pdp = this.current.get(domain) ?? (await this.get(domain));
    return pdp.pdp.evaluate(request);
  }

  /**
   * Reads and compiles the domain again and installs it. Concurrent calls share one load; a call
   * made while a load runs waits for a fresh one after it, so it sees its own change.
   */
  reload(domain: string): Promise<DomainPdp> {
    const running = this.loading.get(domain);
    const next: Promise<DomainPdp> = (running ? running.catch(() => undefined) : Promise.resolve()).then(async () => {
      const state = await readState(this.options.db.knex, domain);
      return this.install(this.build(state));
    });
    const tracked = next.finally(() => {
      if (this.loading.get(domain) === tracked) this.loading.delete(domain);
    });
    this.loading.set(domain, tracked);
    return tracked;
  }

  /**
   * Compiles the domain as `knex` (a PAP transaction) sees it, throwing what a policy or the
   * assembly gets wrong; the caller commits only when this succeeds, then calls install().
   */
  async check(knex: Knex, domain: string): Promise<DomainPdp> {
    return this.build(await readState(knex, domain));
  }

  install(pdp: DomainPdp): DomainPdp {
    const previous = this.current.get(pdp.domain);
    // An older load finishing after a newer one must not replace it.
    if (previous && previous.revisions.policies > pdp.revisions.policies) return previous;
    this.current.set(pdp.domain, pdp);
    if (previous) this.options.onChange();
    return pdp;
  }

  private compile(xml: string, next: Map<string, CompiledPolicyDocument>): CompiledPolicyDocument {
    const doc = this.compiled.get(xml) ?? next.get(xml) ?? compilePolicyDocument(xml);
    next.set(xml, doc);
    return doc;
  }

  private finders(domain: string): AttributeFinder[] {
    return [...this.options.builtinFinders, resourceOwnerFinder(domain, this.options.owners), ...this.options.finders.list()];
  }

  private build(state: DomainState): DomainPdp {
    const next = new Map<string, CompiledPolicyDocument>();
    const stored = state.stored.map((s) => this.compile(s.xml, next));
    const shares = state.sharePolicies.map((s) => this.compile(s.xml, next));
    const generated = [
      ...(state.parts.active.length ? [this.compile(activeSetXml(state.parts), next)] : []),
      ...(shares.length ? [this.compile(sharesSetXml(state.parts), next)] : []),
    ];
    const root = compilePolicyDocument(topSetXml(state.parts));
    const referenced = [...this.builtins, ...generated, ...stored, ...shares];
    const pdp = this.make(state.domain, root, referenced);
    // Keep what this domain uses now; other domains' documents stay until their own rebuild.
    for (const [xml, doc] of this.compiled) if (!next.has(xml) && !this.usedElsewhere(state.domain, doc)) this.compiled.delete(xml);
    for (const [xml, doc] of next) this.compiled.set(xml, doc);
    return { domain: state.domain, revisions: state.revisions, pdp, root, referenced, storedCount: stored.length, shareCount: shares.length, searchShares: searchSharesOf(state.shares) };
  }

  private usedElsewhere(domain: string, doc: CompiledPolicyDocument): boolean {
    for (const [d, pdp] of this.current) if (d !== domain && pdp.referenced.includes(doc)) return true;
    return false;
  }

  private make(domain: string, root: CompiledPolicyDocument, referenced: CompiledPolicyDocument[]): PolicyDecisionPoint {
    return createPolicyDecisionPoint({ roots: [root], referenced, attributeFinders: this.finders(domain), maxMultipleDecisions: this.options.maxMultipleDecisions });
  }

  /** New finders: the same documents, PDPs made again with the new finder list. */
  private remakeAll(): void {
    for (const [domain, pdp] of this.current) this.current.set(domain, { ...pdp, pdp: this.make(domain, pdp.root, pdp.referenced) });
    this.options.onChange();
  }

  /** Polls the change counters every `pollIntervalMs` (not at all when 0). */
  start(): void {
    if (this.options.pollIntervalMs <= 0 || this.timer) return;
    this.timer = setInterval(() => void this.poll(), this.options.pollIntervalMs);
    this.timer.unref();
  }

  /** Looks once for changes made elsewhere: recompiles changed domains, forgets changed owners. */
  async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const revisions = await allRevisions(this.options.db.knex);
      let ownersChanged = false;
      for (const [domain, pdp] of this.current) {
        const now = revisions.get(domain) ?? { policies: 0, ownership: 0 };
        if (now.ownership !== pdp.revisions.ownership) {
          ownersChanged = true;
          pdp.revisions = { ...pdp.revisions, ownership: now.ownership };
        }
        if (now.policies !== pdp.revisions.policies) await this.reload(domain);
      }
      if (ownersChanged) {
        this.options.owners.clear();
        this.options.onChange();
      }
    } catch (err) {
      if (!this.closed) this.options.logger.warn({ err }, 'pdp: could not read policy revisions; keeping the policies loaded');
    } finally {
      this.polling = false;
    }
  }

  /** Notes an ownership change made by this process (its cache is cleared at once). */
  ownershipChanged(domain: string, revision?: number): void {
    this.options.owners.clear();
    const pdp = this.current.get(domain);
    if (pdp && revision !== undefined) pdp.revisions = { ...pdp.revisions, ownership: revision };
    this.options.onChange();
  }

  topId(domain: string): string {
    return domainTopId(domain);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
