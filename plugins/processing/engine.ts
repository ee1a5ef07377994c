/**
 * The processing engine: the process registry (built-ins and deployed packages), execution on
 * the core job queue, and reads of jobs and their results, each authorized for the subject.
 */
import type { ValidateFunction } from 'ajv';
import type { Logger } from 'pino';
import type { AuthHooks, Resource, Subject } from '../../core/auth/types.js';
import { BadRequest, Forbidden, MeridianError, NotFound } from '../../core/errors.js';
import type { JobQueue } from '../../core/jobs/types.js';
import type { RemoteFetchLimits } from '../../core/net/remote-fetch.js';
import type { BlobStore } from '../../core/storage/blobs/types.js';
import type { Database } from '../../core/storage/db/types.js';
import type { CatalogueService } from '../catalogue/types.js';
import type { S3ObjectsService } from '../s3/types.js';
import type { BuiltinProcess } from './builtins/types.js';
import { readDeployBody } from './deploy-body.js';
import { EXECUTE_JOB_TYPE, type ExecutePayload } from './job-runner.js';
import { JobStore } from './job-store.js';
import { PROCESS_JOBS_TABLE, PROCESS_USAGE_TABLE } from './migrations.js';
import { ProcessStore } from './process-store.js';
import { quote } from './quotation.js';
import { checkInputs } from './check-inputs.js';
import { precheckInputs } from './stage-in.js';
import { discardJobFiles } from './stage-out.js';
import type { UsageRecord, DeployBody, ExecuteRequest, JobListFilter, ProcessingService, ProcessJob, ProcessRecord, ProcessVisibility } from './types.js';

export { NoSuchJob } from './job-store.js';

export const SERVICE = 'processing';

/** OGC API Processes exception codes, which the ADES maps to the standard's type URIs. */
export class NoSuchProcess extends NotFound {
  constructor(id: string) {
    super(`No process '${id}'`, { code: 'NoSuchProcess', locator: 'processId' });
  }
}
export class DuplicateProcess extends MeridianError {
  constructor(id: string) {
    super(409, `A process '${id}' exists already; replace it with PUT /processes/${id}`, { code: 'DuplicateProcess', locator: 'id' });
  }
}
export class ImmutableProcess extends MeridianError {
  constructor(id: string) {
    super(403, `Process '${id}' is built in; it cannot be replaced or undeployed`, { code: 'ImmutableProcess', locator: 'processId' });
  }
}

export interface EngineDeps {
  db: Database;
  jobs: JobQueue;
  auth: AuthHooks;
  blobs: BlobStore;
  logger: Logger;
  builtins: ReadonlyMap<string, BuiltinProcess>;
  defaultVisibility: ProcessVisibility;
  fetchLimits: RemoteFetchLimits;
  /** Attempts per job (a try interrupted by a restart counts as one). */
  attempts: number;
  catalogue?: CatalogueService;
  /** The s3 plugin's object references, for the stage-in checks of s3:// inputs. */
  s3?: S3ObjectsService;
}

export function processResource(p: { id: string; owner?: string; visibility: ProcessVisibility; kind: string }): Resource {
  return { type: 'process', service: SERVICE, id: p.id, owner: p.owner, attributes: { visibility: p.visibility, kind: p.kind } };
}

export function jobResource(id: string, owner: string | undefined, processId: string): Resource {
  return { type: 'job', service: SERVICE, id, owner, attributes: { visibility: 'private', process: processId } };
}

export class ProcessingEngine implements ProcessingService {
  private readonly store: ProcessStore;
  private readonly jobs: JobStore;
  private readonly validators = new WeakMap<object, ValidateFunction>();

  constructor(private readonly deps: EngineDeps) {
    this.store = new ProcessStore(deps.db);
    this.jobs = new JobStore({ db: deps.db, jobs: deps.jobs, auth: deps.auth, table: PROCESS_JOBS_TABLE, resource: jobResource, poll: { firstMs: 20, maxMs: 250 } });
  }

  private builtinRecord(b: BuiltinProcess): ProcessRecord {
    return { id: b.description.id, kind: 'builtin', description: b.description, visibility: 'public', created: '1970-01-01T00:00:00.000Z', updated: '1970-01-01T00:00:00.000Z' };
  }

  private async permitted(subject: Subject, resource: Resource, action: string): Promise<boolean> {
    return (await this.deps.auth.authorize(subject, resource, action)).decision === 'Permit';
  }

  private async require(subject: Subject, resource: Resource, action: string, message: string): Promise<void> {
    if (!(await this.permitted(subject, resource, action))) throw new Forbidden(message);
  }

  async listProcesses(subject: Subject): Promise<ProcessRecord[]> {
    const all = [...[...this.deps.builtins.values()].map((b) => this.builtinRecord(b)), ...(await this.store.all())];
    const out: ProcessRecord[] = [];
    for (const p of all) if (await this.permitted(subject, processResource(p), 'read')) out.push(p);
    return out;
  }

  /** The record without any authorization: for checks that decide themselves. */
  private async find(id: string): Promise<ProcessRecord | undefined> {
    const builtin = this.deps.builtins.get(id);
    return builtin ? this.builtinRecord(builtin) : this.store.get(id);
  }

  async getProcess(id: string, subject: Subject): Promise<ProcessRecord> {
    const p = await this.find(id);
    // A process the subject may not read is reported as absent: its existence is not disclosed.
    if (!p || !(await this.permitted(subject, processResource(p), 'read'))) throw new NoSuchProcess(id);
    return p;
  }

  async deploy(body: DeployBody, subject: Subject, options: { replace?: string } = {}): Promise<ProcessRecord> {
    const read = await readDeployBody(body, this.deps.fetchLimits);
    const id = read.description.id;
    if (options.replace !== undefined) return this.replace(options.replace, read, subject);
    const visibility = read.visibility ?? this.deps.defaultVisibility;
    const resource = processResource({ id, owner: subject.anonymous ? undefined : subject.id, visibility, kind: 'cwl' });
    await this.require(subject, resource, 'create', `Not allowed to deploy process '${id}'`);
    if (this.deps.builtins.has(id)) throw new DuplicateProcess(id);
    const inserted = await this.store.insert({ id, owner: resource.owner, visibility, description: read.description, cwl: read.pkg.document });
    if (!inserted) throw new DuplicateProcess(id);
    try {
      await this.deps.auth.resourceCreated(subject, resource);
    } catch (err) {
      await this.store.remove(id);
      throw err;
    }
    this.deps.logger.info({ process: id, owner: resource.owner }, 'process deployed');
    return inserted;
  }

  private async replace(id: string, read: Awaited<ReturnType<typeof readDeployBody>>, subject: Subject): Promise<ProcessRecord> {
    if (this.deps.builtins.has(id)) throw new ImmutableProcess(id);
    const existing = await this.store.get(id);
    if (!existing || !(await this.permitted(subject, processResource(existing), 'read'))) throw new NoSuchProcess(id);
    await this.require(subject, processResource(existing), 'update', `Not allowed to replace process '${id}'`);
    if (read.description.id !== id) {
      throw new BadRequest(`The package describes process '${read.description.id}', not '${id}'; a replacement keeps the id`, { code: 'InvalidPackage', locator: 'id' });
    }
    const replaced = await this.store.replace(id, { visibility: read.visibility ?? existing.visibility, description: read.description, cwl: read.pkg.document });
    if (!replaced) throw new NoSuchProcess(id);
    return replaced;
  }

  async undeploy(id: string, subject: Subject): Promise<void> {
    if (this.deps.builtins.has(id)) throw new ImmutableProcess(id);
    const existing = await this.store.get(id);
    if (!existing || !(await this.permitted(subject, processResource(existing), 'read'))) throw new NoSuchProcess(id);
    await this.require(subject, processResource(existing), 'delete', `Not allowed to undeploy process '${id}'`);
    if (!(await this.store.remove(id))) throw new NoSuchProcess(id);
    await this.deps.auth.resourceDeleted(processResource(existing));
    this.deps.logger.info({ process: id }, 'process undeployed');
  }

  async execute(processId: string, request: ExecuteRequest, subject: Subject, options: { statusUrl?: (jobId: string) => string; jobId?: string } = {}): Promise<ProcessJob> {
    const p = await this.getProcess(processId, subject);
    const inputs = this.checkInputs(p, request.inputs ?? {});
    // The quotation goes to the decision point, which may refuse what the caller's credit does not cover.
    const quotation = quote(p, inputs);
    if ((await this.deps.auth.authorize(subject, processResource(p), 'execute', { quotation })).decision !== 'Permit') {
      throw new Forbidden(`Not allowed to execute process '${processId}'`);
    }
    await precheckInputs(p.description, inputs, subject, this.deps);
    if (request.outputs) {
      for (const id of Object.keys(request.outputs)) {
        if (!(id in p.description.outputs)) throw new BadRequest(`Process '${processId}' has no output '${id}'`, { code: 'InvalidParameterValue', locator: `outputs.${id}` });
      }
    }
    const jobId = options.jobId ?? crypto.randomUUID();
    const payload: ExecutePayload = {
      processId,
      kind: p.kind,
      description: p.description,
      cwl: p.cwl,
      entry: p.cwl && Array.isArray(p.cwl.$graph) ? this.entryOf(p) : undefined,
      inputs,
      subject,
      statusUrl: options.statusUrl?.(jobId),
      subscriber: request.subscriber,
    };
    await this.jobs.submit(EXECUTE_JOB_TYPE, payload, { id: jobId, processId, subject, subscriber: request.subscriber, attempts: this.deps.attempts });
    return this.getJob(jobId, subject);
  }

  /** The entry of a $graph document: the process whose description this is (its CWL id). */
  private entryOf(p: ProcessRecord): string | undefined {
    const graph = (p.cwl!.$graph as Array<Record<string, unknown>>).map((e) => String(e.id ?? '').replace(/^.*#/, ''));
    if (graph.includes('main')) return 'main';
    const workflows = (p.cwl!.$graph as Array<Record<string, unknown>>).filter((e) => e.class === 'Workflow');
    return workflows.length === 1 ? String(workflows[0]!.id).replace(/^.*#/, '') : graph[0];
  }

  /** Occurrences and literal types of the inputs against the description; unknown inputs are refused. */
  private checkInputs(p: ProcessRecord, given: Record<string, unknown>): Record<string, unknown> {
    return checkInputs(p, given, this.validators);
  }

  async getJob(id: string, subject: Subject): Promise<ProcessJob> {
    return this.jobs.get(id, subject);
  }

  async listJobs(filter: JobListFilter, subject: Subject): Promise<{ jobs: ProcessJob[]; more: boolean }> {
    return this.jobs.list(filter, subject);
  }

  async jobLogs(id: string, subject: Subject): Promise<string[]> {
    return this.jobs.logs(id, subject);
  }

  /**
   * A queued or running job is stopped and stays readable, as dismissed. A job that had ended
   * (successful or failed) is deleted with its results (OGC 18-062r2 §13: dismiss removes a
   * finished job's artefacts; 14-065r2 §12: the JobID is released): its record first, so no read
   * sees it half deleted, then its catalogue products and its files. Answered as it was, with
   * status dismissed; NoSuchJob from then on. Its usage records stay, for accounting.
   */
  async dismiss(id: string, subject: Subject): Promise<ProcessJob> {
    const { changed } = await this.jobs.dismiss(id, subject);
    if (changed) return this.getJob(id, subject);
    const ended = await this.jobs.removeEnded(id);
    if (!ended) return this.getJob(id, subject);
    await this.deleteResults(ended);
    const { result: _result, ...job } = ended;
    return { ...job, status: 'dismissed', message: 'dismissed: the job and its results were deleted', updated: new Date() };
  }

  /** The catalogue products and the files (under the owner's workspace) of a deleted job. */
  private async deleteResults(job: ProcessJob): Promise<void> {
    const owner = job.owner ?? 'anonymous';
    const products = job.result?.catalogue?.products ?? [];
    if (this.deps.catalogue && products.length > 0) {
      try {
        // Only the job's own registrations, as they were: a product replaced since is left alone.
        const stamps = await this.deps.catalogue.stamps(products);
        const expect: Record<string, string> = {};
        for (const [identifier, stamp] of stamps) if (stamp.owner === owner && stamp.type === 'product') expect[identifier] = stamp.version;
        if (Object.keys(expect).length > 0) await this.deps.catalogue.delete(Object.keys(expect), { expect });
      } catch (err) {
        this.deps.logger.error({ err, job: job.id }, 'dismissal: could not delete the catalogue products of the job\'s results');
      }
    }
    try {
      await discardJobFiles(owner, job.id, this.deps.blobs);
    } catch (err) {
      this.deps.logger.error({ err, job: job.id }, 'dismissal: could not delete the files of the job\'s results');
    }
  }

  async waitForJob(id: string, subject: Subject, timeoutMs: number): Promise<ProcessJob> {
    return this.jobs.wait(id, subject, timeoutMs);
  }

  async readOutput(jobId: string, blobKey: string, subject: Subject) {
    await this.jobs.fileOf(jobId, blobKey, subject);
    try {
      const blob = await this.deps.blobs.get(blobKey);
      return { body: blob.body, size: blob.size, contentType: blob.contentType };
    } catch (err) {
      if (err instanceof MeridianError && err.status === 404) throw new NotFound(`Job '${jobId}' has no file '${blobKey}'`, { code: 'NoSuchOutput' });
      throw err;
    }
  }

  async recordUsage(u: UsageRecord): Promise<void> {
    await this.deps.db.knex(PROCESS_USAGE_TABLE).insert({
      job_id: u.jobId, process_id: u.processId, owner: u.owner ?? null, outcome: u.outcome, wall_ms: u.wallMs, cpu_ms: u.cpuMs,
      max_rss_kb: u.maxRssKb, bytes_in: u.bytesIn, bytes_out: u.bytesOut, started: u.started, finished: u.finished,
    });
  }

  async usage(jobId: string, subject: Subject): Promise<UsageRecord[]> {
    await this.jobs.readable(jobId, subject);
    const rows = (await this.deps.db.knex(PROCESS_USAGE_TABLE).where({ job_id: jobId }).orderBy('id')) as Array<Record<string, unknown>>;
    return rows.map((r) => ({
      jobId: String(r.job_id), processId: String(r.process_id), ...(r.owner ? { owner: String(r.owner) } : {}), outcome: r.outcome as UsageRecord['outcome'],
      wallMs: Number(r.wall_ms), cpuMs: Number(r.cpu_ms), maxRssKb: Number(r.max_rss_kb), bytesIn: Number(r.bytes_in), bytesOut: Number(r.bytes_out),
      started: String(r.started), finished: String(r.finished),
    }));
  }

  /** The owner's workspace prefix of a job (where its files are). */
  async jobFilesPrefix(jobId: string, subject: Subject): Promise<string> {
    return this.jobs.filesPrefix(jobId, subject);
  }
}
