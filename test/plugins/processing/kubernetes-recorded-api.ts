/**
 * A KubernetesApi that replays a recorded contract (test/fixtures/kubernetes/*.json): each call
 * is turned into the REST request the API server would receive (method, path, query, body, as
 * client-node sends them), checked deep-equal against the next recorded request, and answered
 * with the recorded response. Generated values are normalised: the Job name the backend chose
 * is `${JOB}` and the job's working area `${WORK}`. An exchange may also say what the pod did
 * meanwhile: files it wrote in the shared working area (`podWrites`), objects the stage-out
 * sidecar put in the blob store (`blobWrites`), and blobs that must exist by then (`expectBlobs`).
 */
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Ajv } from 'ajv';
import { kubernetesConfigSchema, type KubernetesBackendConfig } from '../../../plugins/processing/backends/kubernetes/config.js';
import { KubernetesApiError, type Job, type KubernetesApi, type Pod } from '../../../plugins/processing/backends/kubernetes/api.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

export interface Exchange {
  request: RecordedRequest;
  response: { status: number; body: unknown };
  podWrites?: Record<string, string>;
  blobWrites?: Record<string, string>;
  expectBlobs?: string[];
}

export class RecordedKubernetesApi implements KubernetesApi {
  private next = 0;
  /** The Job name the backend generated (learnt from its create call). */
  jobName?: string;
  readonly sent: RecordedRequest[] = [];

  constructor(
    private readonly exchanges: Exchange[],
    private readonly workDir: string,
    private readonly blobs?: BlobStore,
  ) {}

  get remaining(): number {
    return this.exchanges.length - this.next;
  }

  private normalise<T>(value: T): T {
    let text = JSON.stringify(value).replaceAll(this.workDir, '${WORK}');
    if (this.jobName) text = text.replaceAll(this.jobName, '${JOB}');
    return JSON.parse(text) as T;
  }

  private instantiate<T>(value: T): T {
    if (value === undefined || value === null) return value;
    let text = JSON.stringify(value).replaceAll('${WORK}', this.workDir);
    if (this.jobName) text = text.replaceAll('${JOB}', this.jobName);
    return JSON.parse(text) as T;
  }

  /** One call as the API server receives it: checked against the next recorded one, answered as recorded. */
  async exchange(request: RecordedRequest): Promise<unknown> {
    if (request.method === 'POST' && /\/jobs$/.test(request.path)) this.jobName = (request.body as Job).metadata.name;
    const actual = this.normalise(request);
    this.sent.push(actual);
    const at = this.next++;
    const recorded = this.exchanges[at];
    assert.ok(recorded, `call ${at + 1} is beyond the recorded contract: ${JSON.stringify(actual)}`);
    assert.deepStrictEqual(actual, recorded.request, `call ${at + 1} differs from the recorded contract`);
    for (const key of recorded.expectBlobs ?? []) assert.ok(await this.blobs!.head(this.instantiate(key)), `blob ${key} is there before call ${at + 1}`);
    for (const [rel, content] of Object.entries(recorded.podWrites ?? {})) {
      const target = join(this.workDir, rel);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, this.instantiate(content));
    }
    for (const [key, content] of Object.entries(recorded.blobWrites ?? {})) await this.blobs!.put(this.instantiate(key), this.instantiate(content));
    const body = this.instantiate(recorded.response.body);
    if (recorded.response.status >= 300) {
      const status = body as { message?: string; reason?: string } | null;
      throw new KubernetesApiError(recorded.response.status, status?.message ?? `HTTP ${recorded.response.status}`, status?.reason);
    }
    return body;
  }

  async createJob(namespace: string, job: Job): Promise<Job> {
    return (await this.exchange({ method: 'POST', path: `/apis/batch/v1/namespaces/${namespace}/jobs`, body: job })) as Job;
  }

  async listJobs(namespace: string, labelSelector: string): Promise<Job[]> {
    return ((await this.exchange({ method: 'GET', path: `/apis/batch/v1/namespaces/${namespace}/jobs`, query: { labelSelector } })) as { items: Job[] }).items;
  }

  async readJobStatus(namespace: string, name: string): Promise<Job> {
    return (await this.exchange({ method: 'GET', path: `/apis/batch/v1/namespaces/${namespace}/jobs/${name}/status` })) as Job;
  }

  async listPods(namespace: string, labelSelector: string): Promise<Pod[]> {
    return ((await this.exchange({ method: 'GET', path: `/api/v1/namespaces/${namespace}/pods`, query: { labelSelector } })) as { items: Pod[] }).items;
  }

  async readPodLog(namespace: string, name: string, options: { container: string; sinceSeconds?: number }): Promise<string> {
    const query: Record<string, string> = { container: options.container, timestamps: 'true' };
    if (options.sinceSeconds !== undefined) query.sinceSeconds = String(options.sinceSeconds);
    return (await this.exchange({ method: 'GET', path: `/api/v1/namespaces/${namespace}/pods/${name}/log`, query })) as string;
  }

  async deleteJob(namespace: string, name: string): Promise<void> {
    await this.exchange({ method: 'DELETE', path: `/apis/batch/v1/namespaces/${namespace}/jobs/${name}`, query: { propagationPolicy: 'Foreground' } });
  }
}

/** The backend's config as the plugin would get it: a contract's section with the schema's defaults. */
export function configOf(section: Record<string, unknown>): KubernetesBackendConfig {
  const config = structuredClone(section);
  const validate = new Ajv({ useDefaults: true, strict: false }).compile(kubernetesConfigSchema);
  assert.ok(validate(config), JSON.stringify(validate.errors));
  return config as unknown as KubernetesBackendConfig;
}
