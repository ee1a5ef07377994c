/**
 * The ADES endpoints a workflow step can run on, behind one interface: this server's own engine
 * (called in process, as the workflow's user) and remote OGC API Processes servers (over HTTP,
 * with the credentials configured for them).
 */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { Readable } from 'node:stream';
import type { Subject } from '../../core/auth/types.js';
import { MeridianError } from '../../core/errors.js';
import { isInternalAddress } from '../../core/net/remote-fetch.js';
import type { JobStatus, ProcessingService, StoredOutput } from '../processing/types.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A file a step produced: on the local engine a blob key, on a remote ADES its result href. */
export interface StepFile {
  href?: string;
  blobKey?: string;
  type?: string;
}

/** One output value of a step, as the EMS keeps it. */
export type StepValue = { file: StepFile } | { value: unknown } | { list: StepValue[] };

/** A step's job on an endpoint. */
export interface StepJobRef {
  jobId: string;
  statusUrl?: string;
}

export interface StepStatus {
  status: JobStatus;
  progress: number;
  message?: string;
}

export interface Credentials {
  apiKey?: string;
  /** Header of the API key (default X-API-Key). */
  apiKeyHeader?: string;
  bearer?: string;
}

export interface EndpointInfo {
  id: string;
  /** Hosts (host or host:port) whose data counts as being at this endpoint. */
  dataHosts: string[];
  /** Catalogue collections whose products this endpoint is next to. */
  collections: string[];
  /** Result hrefs readable without credentials (handed to the next step as they are). */
  publicResults: boolean;
  /** Why the endpoint may not be used (a discovered one on an internal network): placement passes it by, saying so. */
  refused?: string;
}

export interface AdesEndpoint extends EndpointInfo {
  kind: 'local' | 'remote';
  /** Deploys the package as `processId` unless the endpoint has it already. */
  ensureProcess(processId: string, pkg: Json, subject: Subject): Promise<'deployed' | 'present'>;
  submit(processId: string, inputs: Json, subject: Subject): Promise<StepJobRef>;
  status(job: StepJobRef, subject: Subject): Promise<StepStatus>;
  results(job: StepJobRef, subject: Subject): Promise<Record<string, StepValue>>;
  logs(job: StepJobRef, subject: Subject): Promise<string[]>;
  dismiss(job: StepJobRef, subject: Subject): Promise<void>;
  open(file: StepFile, job: StepJobRef, subject: Subject): Promise<{ body: NodeJS.ReadableStream; size?: number; contentType?: string }>;
}

/** Why a call to an endpoint failed (the step fails with this message). */
export class EndpointError extends Error {}

/** Why the host of `url` is not public ('is on an internal network', 'does not resolve'), or undefined when it is. */
export async function internalHost(url: string): Promise<string | undefined> {
  const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true, verbatim: true }).catch(() => []);
  if (addresses.length === 0) return `(host '${host}') does not resolve`;
  if (addresses.some((a) => isInternalAddress(a.address))) return 'is on an internal network';
  return undefined;
}

function storedToStep(o: StoredOutput): StepValue {
  if (o.items) return { list: o.items.map(storedToStep) };
  if (o.blobKey) return { file: { blobKey: o.blobKey, type: o.mediaType } };
  return { value: o.value };
}

/** This server's processing engine, called as the workflow's user. */
export class LocalEndpoint implements AdesEndpoint {
  readonly kind = 'local';
  constructor(
    readonly id: string,
    private readonly processing: ProcessingService,
    readonly dataHosts: string[],
    readonly collections: string[],
  ) {}
  readonly publicResults = false;

  async ensureProcess(processId: string, pkg: Json, subject: Subject): Promise<'deployed' | 'present'> {
    try {
      await this.processing.getProcess(processId, subject);
      return 'present';
    } catch (err) {
      if (!(err instanceof MeridianError && err.status === 404)) throw err;
    }
    try {
      await this.processing.deploy({ contentType: 'application/cwl+json', text: JSON.stringify(pkg) }, subject);
      return 'deployed';
    } catch (err) {
      // Deployed meanwhile by a parallel step of the same package.
      if (err instanceof MeridianError && err.status === 409) return 'present';
      throw err;
    }
  }

  async submit(processId: string, inputs: Json, subject: Subject): Promise<StepJobRef> {
    const job = await this.processing.execute(processId, { inputs }, subject);
    return { jobId: job.id };
  }

  async status(job: StepJobRef, subject: Subject): Promise<StepStatus> {
    const j = await this.processing.getJob(job.jobId, subject);
    return { status: j.status, progress: j.progress, message: j.status === 'failed' ? (j.error ?? j.message) : j.message };
  }

  async results(job: StepJobRef, subject: Subject): Promise<Record<string, StepValue>> {
    const j = await this.processing.getJob(job.jobId, subject);
    if (!j.result) throw new EndpointError(`job ${job.jobId} has no results`);
    return Object.fromEntries(Object.entries(j.result.outputs).map(([k, o]) => [k, storedToStep(o)]));
  }

  logs(job: StepJobRef, subject: Subject): Promise<string[]> {
    return this.processing.jobLogs(job.jobId, subject);
  }

  async dismiss(job: StepJobRef, subject: Subject): Promise<void> {
    await this.processing.dismiss(job.jobId, subject);
  }

  async open(file: StepFile, job: StepJobRef, subject: Subject) {
    if (!file.blobKey) throw new EndpointError('a local step file without a blob key');
    return this.processing.readOutput(job.jobId, file.blobKey, subject);
  }
}

export interface RemoteOptions extends EndpointInfo {
  url: string;
  credentials?: Credentials;
  timeoutMs: number;
  /** Refuse hosts on internal networks (for endpoints discovered in the catalogue). */
  publicOnly: boolean;
  /** Found unusable beforehand: every call fails with this. */
  refused?: string;
}

/** A remote OGC API Processes server (Part 1 + Part 2 DRU), over HTTP. */
export class RemoteEndpoint implements AdesEndpoint {
  readonly kind = 'remote';
  readonly id: string;
  readonly dataHosts: string[];
  readonly collections: string[];
  readonly publicResults: boolean;
  readonly refused?: string;
  readonly base: string;
  private checked = false;

  constructor(private readonly options: RemoteOptions) {
    this.id = options.id;
    this.base = options.url.replace(/\/+$/, '');
    this.dataHosts = options.dataHosts.length ? options.dataHosts : [new URL(this.base).host];
    this.collections = options.collections;
    this.publicResults = options.publicResults;
    this.refused = options.refused;
  }

  /** The credentials go only to the endpoint's own origin, never to hosts its documents name. */
  private headers(url: string): Record<string, string> {
    const c = this.options.credentials;
    if (!c || new URL(url).origin !== new URL(this.base).origin) return {};
    if (c.bearer) return { Authorization: `Bearer ${c.bearer}` };
    if (c.apiKey) return { [c.apiKeyHeader ?? 'X-API-Key']: c.apiKey };
    return {};
  }

  private async call(method: string, url: string, init: { body?: string; type?: string; headers?: Record<string, string> } = {}): Promise<Response> {
    if (this.refused) throw new EndpointError(this.refused);
    if (this.options.publicOnly && !this.checked) {
      const why = await internalHost(this.base);
      if (why) throw new EndpointError(`ADES '${this.id}' (${this.base}) ${why}; discovered endpoints must be public (discover.allowPrivateNetworks)`);
      this.checked = true;
    }
    const headers: Record<string, string> = { Accept: 'application/json', ...this.headers(url), ...init.headers };
    if (init.type) headers['Content-Type'] = init.type;
    try {
      return await fetch(url, { method, headers, body: init.body, redirect: 'manual', signal: AbortSignal.timeout(this.options.timeoutMs) });
    } catch (err) {
      throw new EndpointError(`ADES '${this.id}': ${method} ${url} failed: ${err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err)}`);
    }
  }

  private async json(res: Response, what: string): Promise<Json> {
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const detail = isObject(body) ? (body.detail ?? body.title ?? body.description) : text.slice(0, 200);
      throw new EndpointError(`ADES '${this.id}': ${what} answered ${res.status}${detail ? `: ${String(detail)}` : ''}`);
    }
    if (!isObject(body)) throw new EndpointError(`ADES '${this.id}': ${what} did not answer a JSON object`);
    return body;
  }

  async ensureProcess(processId: string, pkg: Json, _subject: Subject): Promise<'deployed' | 'present'> {
    const url = `${this.base}/processes/${encodeURIComponent(processId)}`;
    const found = await this.call('GET', url);
    await found.arrayBuffer();
    if (found.status === 200) return 'present';
    if (found.status !== 404) throw new EndpointError(`ADES '${this.id}': GET ${url} answered ${found.status}`);
    // OGC API Processes Part 2: the application package with the CWL inline.
    const body = { processDescription: { id: processId }, executionUnit: { value: pkg, mediaType: 'application/cwl+json' } };
    const res = await this.call('POST', `${this.base}/processes`, { body: JSON.stringify(body), type: 'application/ogcapppkg+json' });
    if (res.status === 409) {
      await res.arrayBuffer();
      return 'present';
    }
    await this.json(res, `deploying '${processId}'`);
    return 'deployed';
  }

  async submit(processId: string, inputs: Json, _subject: Subject): Promise<StepJobRef> {
    const res = await this.call('POST', `${this.base}/processes/${encodeURIComponent(processId)}/execution`, {
      body: JSON.stringify({ inputs, response: 'document' }),
      type: 'application/json',
      headers: { Prefer: 'respond-async' },
    });
    const status = await this.json(res, `executing '${processId}'`);
    if (res.status !== 201 || typeof status.jobID !== 'string') throw new EndpointError(`ADES '${this.id}': executing '${processId}' answered ${res.status} without a job`);
    const location = res.headers.get('location');
    return { jobId: status.jobID, statusUrl: location ? new URL(location, this.base).href : `${this.base}/jobs/${encodeURIComponent(status.jobID)}` };
  }

  private statusUrl(job: StepJobRef): string {
    return job.statusUrl ?? `${this.base}/jobs/${encodeURIComponent(job.jobId)}`;
  }

  async status(job: StepJobRef): Promise<StepStatus> {
    const s = await this.json(await this.call('GET', this.statusUrl(job)), `status of job ${job.jobId}`);
    const status = s.status as JobStatus;
    if (!['accepted', 'running', 'successful', 'failed', 'dismissed'].includes(status)) throw new EndpointError(`ADES '${this.id}': job ${job.jobId} has status '${String(s.status)}'`);
    return { status, progress: typeof s.progress === 'number' ? s.progress : 0, message: typeof s.message === 'string' ? s.message : undefined };
  }

  async results(job: StepJobRef): Promise<Record<string, StepValue>> {
    const doc = await this.json(await this.call('GET', `${this.statusUrl(job)}/results`), `results of job ${job.jobId}`);
    const read = (v: unknown): StepValue => {
      if (Array.isArray(v)) return { list: v.map(read) };
      if (isObject(v) && typeof v.href === 'string') return { file: { href: new URL(v.href, this.base).href, type: typeof v.type === 'string' ? v.type : undefined } };
      if (isObject(v) && 'value' in v && Object.keys(v).every((k) => ['value', 'mediaType', 'encoding', 'format'].includes(k))) return { value: v.value };
      return { value: v };
    };
    return Object.fromEntries(Object.entries(doc).map(([k, v]) => [k, read(v)]));
  }

  async logs(job: StepJobRef): Promise<string[]> {
    const res = await this.call('GET', `${this.statusUrl(job)}/logs`, { headers: { Accept: 'text/plain' } });
    const text = await res.text();
    return res.ok ? text.split('\n').filter(Boolean) : [];
  }

  async dismiss(job: StepJobRef): Promise<void> {
    const res = await this.call('DELETE', this.statusUrl(job));
    await res.arrayBuffer();
    if (!res.ok && res.status !== 404 && res.status !== 410) throw new EndpointError(`ADES '${this.id}': dismissing job ${job.jobId} answered ${res.status}`);
  }

  async open(file: StepFile) {
    if (!file.href) throw new EndpointError('a remote step file without an href');
    const res = await this.call('GET', file.href, { headers: { Accept: '*/*' } });
    if (!res.ok || !res.body) {
      await res.arrayBuffer().catch(() => {});
      throw new EndpointError(`ADES '${this.id}': ${file.href} answered ${res.status}`);
    }
    const length = res.headers.get('content-length');
    return {
      body: Readable.fromWeb(res.body as import('node:stream/web').ReadableStream),
      size: length ? Number(length) : undefined,
      contentType: res.headers.get('content-type') ?? file.type,
    };
  }
}
