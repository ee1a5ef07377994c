/**
 * The endpoints a workflow may use: this server's engine (`local`), the configured remote ADES,
 * and — when discovery is on — the OGC API Processes servers the catalogue's service records
 * name (records of type 'service' with a link of rel `http://www.opengis.net/def/rel/ogc/1.0/processes`,
 * or a link whose `conformsTo` names ogcapi-processes), as the workflow's user may read them.
 */
import type { Subject } from '../../core/auth/types.js';
import type { CatalogueRecord, CatalogueService } from '../catalogue/types.js';
import type { ProcessingService } from '../processing/types.js';
import { internalHost, LocalEndpoint, RemoteEndpoint, type AdesEndpoint, type Credentials } from './endpoints.js';

export interface AdesEntryConfig {
  id: string;
  url: string;
  credentials?: Credentials;
  dataHosts: string[];
  collections: string[];
  publicResults: boolean;
}

export interface RegistryConfig {
  local: { enabled: boolean; id: string; dataHosts: string[]; collections: string[] };
  ades: AdesEntryConfig[];
  defaultAdes?: string;
  discover: { enabled: boolean; allowPrivateNetworks: boolean; credentials: Record<string, Credentials> };
  requestTimeoutMs: number;
}

const PROCESSES_REL = 'http://www.opengis.net/def/rel/ogc/1.0/processes';

/** The ADES base URL a service record names, if any. */
export function processesUrlOf(record: CatalogueRecord): string | undefined {
  for (const link of record.links ?? []) {
    if (link.rel === PROCESSES_REL) return link.href.replace(/\/processes\/?$/, '');
    const conforms = Array.isArray(link.conformsTo) ? link.conformsTo : typeof link.conformsTo === 'string' ? [link.conformsTo] : [];
    if (conforms.some((c) => typeof c === 'string' && c.includes('ogcapi-processes'))) return link.href.replace(/\/+$/, '');
  }
  return undefined;
}

/** How long a discovered host's check (internal or not) is reused. */
const HOST_CHECK_MS = 60_000;

export class EndpointRegistry {
  private readonly configured: RemoteEndpoint[];
  private readonly hostChecks = new Map<string, { why: string | undefined; at: number }>();

  constructor(
    private readonly config: RegistryConfig,
    private readonly processing: ProcessingService,
    private readonly catalogue: CatalogueService | undefined,
  ) {
    this.configured = config.ades.map((a) => new RemoteEndpoint({ ...a, timeoutMs: config.requestTimeoutMs, publicOnly: false }));
  }

  /** Every endpoint; `selfHosts` (the host the EMS was called on) count as the local engine's data hosts. */
  async all(subject: Subject, selfHosts: string[] = []): Promise<AdesEndpoint[]> {
    const out: AdesEndpoint[] = [];
    const l = this.config.local;
    if (l.enabled) out.push(new LocalEndpoint(l.id, this.processing, [...l.dataHosts, ...selfHosts], l.collections));
    out.push(...this.configured);
    if (this.config.discover.enabled && this.catalogue) out.push(...(await this.discovered(subject, out)));
    return out;
  }

  /**
   * The service records the subject may read that name an OGC API Processes server. A record naming
   * a configured ADES adds nothing (the configuration says how to use it); records naming the same
   * server make one endpoint (the first record's id and credentials) serving all their collections.
   * Without `allowPrivateNetworks` a server whose host is internal (or does not resolve) is kept
   * as refused: placement passes it by, saying why, and no request reaches it.
   */
  private async discovered(subject: Subject, known: AdesEndpoint[]): Promise<AdesEndpoint[]> {
    const found = await this.catalogue!.search({ type: 'service', limit: 100 }, subject).catch(() => ({ records: [] as CatalogueRecord[] }));
    const configured = new Set(this.configured.map((e) => e.base));
    const byUrl = new Map<string, { endpoint: RemoteEndpoint; collections: string[] }>();
    for (const record of found.records) {
      const url = processesUrlOf(record)?.replace(/\/+$/, '');
      if (!url || !/^https?:\/\//i.test(url) || configured.has(url) || known.some((e) => e.id === `catalogue:${record.identifier}`)) continue;
      const collections = Array.isArray(record.properties?.collections) ? (record.properties.collections as unknown[]).filter((c): c is string => typeof c === 'string') : [];
      const same = byUrl.get(url);
      if (same) {
        for (const c of collections) if (!same.collections.includes(c)) same.collections.push(c);
        continue;
      }
      const id = `catalogue:${record.identifier}`;
      let refused: string | undefined;
      if (!this.config.discover.allowPrivateNetworks) {
        const why = await this.checkHost(url);
        if (why) refused = `ADES '${id}' (${url}, from service record '${record.identifier}') ${why}; discovered endpoints must be public (plugins.ems.discover.allowPrivateNetworks is false)`;
      }
      const mine = [...collections];
      byUrl.set(url, {
        collections: mine,
        endpoint: new RemoteEndpoint({
          id,
          url,
          credentials: this.config.discover.credentials[record.identifier],
          dataHosts: [],
          collections: mine,
          publicResults: false,
          timeoutMs: this.config.requestTimeoutMs,
          publicOnly: !this.config.discover.allowPrivateNetworks,
          refused,
        }),
      });
    }
    return [...byUrl.values()].map((v) => v.endpoint);
  }

  /** Why a discovered ADES's host is not public (internalHost), remembered a minute per host. */
  private async checkHost(url: string): Promise<string | undefined> {
    const host = new URL(url).host.toLowerCase();
    const known = this.hostChecks.get(host);
    if (known && Date.now() - known.at < HOST_CHECK_MS) return known.why;
    const why = await internalHost(url).catch(() => 'cannot be checked');
    if (this.hostChecks.size > 1000) this.hostChecks.clear();
    this.hostChecks.set(host, { why, at: Date.now() });
    return why;
  }

  /** The default endpoint: `defaultAdes`, else the local engine, else the first configured. */
  fallback(endpoints: AdesEndpoint[]): AdesEndpoint | undefined {
    if (this.config.defaultAdes) return endpoints.find((e) => e.id === this.config.defaultAdes);
    return endpoints.find((e) => e.kind === 'local') ?? endpoints.find((e) => !e.refused);
  }
}
