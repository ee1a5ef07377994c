/**
 * The endpoints a workflow may use: this server's engine (`local`), the configured remote ADES,
 * and — when discovery is on — the OGC API Processes servers the catalogue's service records
 * name (records of type 'service' with a link of rel `http://www.opengis.net/def/rel/ogc/1.0/processes`,
 * or a link whose `conformsTo` names ogcapi-processes), as the workflow's user may read them.
 */
import type { Subject } from '../../core/auth/types.js';
import type { CatalogueRecord, CatalogueService } from '../catalogue/types.js';
import type { ProcessingService } from '../processing/types.js';
import { LocalEndpoint, RemoteEndpoint, type AdesEndpoint, type Credentials } from './endpoints.js';

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

export class EndpointRegistry {
  private readonly configured: RemoteEndpoint[];

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

  private async discovered(subject: Subject, known: AdesEndpoint[]): Promise<AdesEndpoint[]> {
    const found = await this.catalogue!.search({ type: 'service', limit: 100 }, subject).catch(() => ({ records: [] as CatalogueRecord[] }));
    const urls = new Set(this.configured.map((e) => e.base));
    const out: AdesEndpoint[] = [];
    for (const record of found.records) {
      const url = processesUrlOf(record);
      if (!url || urls.has(url) || known.some((e) => e.id === `catalogue:${record.identifier}`)) continue;
      urls.add(url);
      const collections = Array.isArray(record.properties?.collections) ? (record.properties.collections as unknown[]).filter((c): c is string => typeof c === 'string') : [];
      out.push(
        new RemoteEndpoint({
          id: `catalogue:${record.identifier}`,
          url,
          credentials: this.config.discover.credentials[record.identifier],
          dataHosts: [],
          collections,
          publicResults: false,
          timeoutMs: this.config.requestTimeoutMs,
          publicOnly: !this.config.discover.allowPrivateNetworks,
        }),
      );
    }
    return out;
  }

  /** The default endpoint: `defaultAdes`, else the local engine, else the first configured. */
  fallback(endpoints: AdesEndpoint[]): AdesEndpoint | undefined {
    if (this.config.defaultAdes) return endpoints.find((e) => e.id === this.config.defaultAdes);
    return endpoints.find((e) => e.kind === 'local') ?? endpoints[0];
  }
}
