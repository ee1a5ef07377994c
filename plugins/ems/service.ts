/**
 * The EMS as a ProcessingService, so the ADES's OGC API Processes routes serve it unchanged:
 * its processes are deployed workflows (table meridian_ems_workflows, authorized as resources of
 * service `ems`), its jobs are `ems.workflow` jobs on the core queue, and its job files are the
 * steps' outputs, read from the ADES that holds them.
 */
import { Readable } from 'node:stream';
import type { ValidateFunction } from 'ajv';
import type { Logger } from 'pino';
import type { AuthHooks, Resource, Subject } from '../../core/auth/types.js';
import { BadRequest, Forbidden, NotFound } from '../../core/errors.js';
import type { JobQueue } from '../../core/jobs/types.js';
import type { RemoteFetchLimits } from '../../core/net/remote-fetch.js';
import type { Database } from '../../core/storage/db/types.js';
import { checkInputs } from '../processing/check-inputs.js';
import { readDeployBody } from '../processing/deploy-body.js';
import { DuplicateProcess, NoSuchProcess } from '../processing/engine.js';
import { JobStore } from '../processing/job-store.js';
import { ProcessStore } from '../processing/process-store.js';
import type { DeployBody, ExecuteRequest, JobListFilter, ProcessingService, ProcessJob, ProcessRecord, ProcessVisibility, UsageRecord } from '../processing/types.js';
import type { AdesEndpoint, StepValue } from './endpoints.js';
import { EMS_JOBS_TABLE, WORKFLOWS_TABLE } from './migrations.js';
import type { EndpointRegistry } from './registry.js';
import { WORKFLOW_JOB_TYPE, type WorkflowPayload } from './runner.js';
import type { StepRecord, StepStore } from './step-store.js';
import { readWorkflowPlan } from './workflow.js';

export const EMS_SERVICE = 'ems';

export function workflowResource(p: { id: string; owner?: string; visibility: ProcessVisibility }): Resource {
  return { type: 'process', service: EMS_SERVICE, id: p.id, owner: p.owner, attributes: { visibility: p.visibility, kind: 'workflow' } };
}

export function workflowJobResource(id: string, owner: string | undefined, processId: string): Resource {
  return { type: 'job', service: EMS_SERVICE, id, owner, attributes: { visibility: 'private', process: processId } };
}

export interface EmsDeps {
  db: Database;
  jobs: JobQueue;
  auth: AuthHooks;
  logger: Logger;
  registry: EndpointRegistry;
  steps: StepStore;
  defaultVisibility: ProcessVisibility;
  fetchLimits: RemoteFetchLimits;
  attempts: number;
}

export class EmsService implements ProcessingService {
  private readonly store: ProcessStore;
  private readonly jobs: JobStore;
  private readonly validators = new WeakMap<object, ValidateFunction>();

  constructor(private readonly deps: EmsDeps) {
    this.store = new ProcessStore(deps.db, WORKFLOWS_TABLE);
    // Polled less often than the engine's jobs: a workflow job waits on its steps' jobs.
    this.jobs = new JobStore({ db: deps.db, jobs: deps.jobs, auth: deps.auth, table: EMS_JOBS_TABLE, resource: workflowJobResource, poll: { firstMs: 50, maxMs: 500 } });
  }

  private async permitted(subject: Subject, resource: Resource, action: string): Promise<boolean> {
    return (await this.deps.auth.authorize(subject, resource, action)).decision === 'Permit';
  }

  async listProcesses(subject: Subject): Promise<ProcessRecord[]> {
    const out: ProcessRecord[] = [];
    for (const p of await this.store.all()) if (await this.permitted(subject, workflowResource(p), 'read')) out.push(p);
    return out;
  }

  async getProcess(id: string, subject: Subject): Promise<ProcessRecord> {
    const p = await this.store.get(id);
    if (!p || !(await this.permitted(subject, workflowResource(p), 'read'))) throw new NoSuchProcess(id);
    return p;
  }

  async deploy(body: DeployBody, subject: Subject, options: { replace?: string } = {}): Promise<ProcessRecord> {
    const read = await readDeployBody(body, this.deps.fetchLimits);
    // What the EMS cannot run step by step is refused now, with where and why.
    readWorkflowPlan(read.pkg.document);
    const id = read.description.id;
    if (options.replace !== undefined) {
      const existing = await this.getProcess(options.replace, subject);
      if (!(await this.permitted(subject, workflowResource(existing), 'update'))) throw new Forbidden(`Not allowed to replace workflow '${existing.id}'`);
      if (id !== existing.id) throw new BadRequest(`The package describes '${id}', not '${existing.id}'; a replacement keeps the id`, { code: 'InvalidPackage', locator: 'id' });
      const replaced = await this.store.replace(existing.id, { visibility: read.visibility ?? existing.visibility, description: read.description, cwl: read.pkg.document });
      if (!replaced) throw new NoSuchProcess(existing.id);
      return replaced;
    }
    const visibility = read.visibility ?? this.deps.defaultVisibility;
    const resource = workflowResource({ id, owner: subject.anonymous ? undefined : subject.id, visibility });
    if (!(await this.permitted(subject, resource, 'create'))) throw new Forbidden(`Not allowed to deploy workflow '${id}'`);
    const inserted = await this.store.insert({ id, owner: resource.owner, visibility, description: read.description, cwl: read.pkg.document });
    if (!inserted) throw new DuplicateProcess(id);
    try {
      await this.deps.auth.resourceCreated(subject, resource);
    } catch (err) {
      await this.store.remove(id);
      throw err;
    }
    this.deps.logger.info({ workflow: id, owner: resource.owner }, 'workflow deployed');
    return inserted;
  }

  async undeploy(id: string, subject: Subject): Promise<void> {
    const existing = await this.getProcess(id, subject);
    if (!(await this.permitted(subject, workflowResource(existing), 'delete'))) throw new Forbidden(`Not allowed to undeploy workflow '${id}'`);
    if (!(await this.store.remove(id))) throw new NoSuchProcess(id);
    await this.deps.auth.resourceDeleted(workflowResource(existing));
  }

  async execute(processId: string, request: ExecuteRequest, subject: Subject, options: { statusUrl?: (jobId: string) => string; jobId?: string } = {}): Promise<ProcessJob> {
    const p = await this.getProcess(processId, subject);
    const inputs = checkInputs(p, request.inputs ?? {}, this.validators);
    if (!(await this.permitted(subject, workflowResource(p), 'execute'))) throw new Forbidden(`Not allowed to execute workflow '${processId}'`);
    const jobId = options.jobId ?? crypto.randomUUID();
    const statusUrl = options.statusUrl?.(jobId);
    const emsBase = statusUrl?.replace(/\/jobs\/[^/]+$/, '');
    const payload: WorkflowPayload = {
      processId,
      description: p.description,
      cwl: p.cwl!,
      inputs,
      subject,
      statusUrl,
      emsBase,
      selfHosts: statusUrl ? [new URL(statusUrl).host] : [],
      subscriber: request.subscriber,
      attempts: this.deps.attempts,
    };
    await this.jobs.submit(WORKFLOW_JOB_TYPE, payload, { id: jobId, processId, subject, subscriber: request.subscriber, attempts: this.deps.attempts });
    return this.getJob(jobId, subject);
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
   * Dismisses the workflow job and, from here too (its runner may be another process), the step
   * jobs still running. A job that has ended is deleted (OGC 18-062r2 §13: dismiss removes a
   * finished job's artefacts): its record first, so every read is no-such-job from then on, then
   * each of its step jobs on its ADES (which deletes an ended one with its results there), then
   * its steps; the answer is the job as it was, dismissed.
   */
  async dismiss(id: string, subject: Subject): Promise<ProcessJob> {
    const { record, changed } = await this.jobs.dismiss(id, subject);
    const owner = (record.payload as WorkflowPayload).subject;
    if (changed) {
      await this.dismissSteps(id, owner, (s) => s.status === 'accepted' || s.status === 'running', { keep: true });
      return this.getJob(id, subject);
    }
    const ended = await this.jobs.removeEnded(id);
    if (!ended) return this.getJob(id, subject);
    await this.dismissSteps(id, owner, () => true, { keep: false });
    await this.deps.steps.removeAll(id);
    const { result: _result, ...job } = ended;
    return { ...job, status: 'dismissed', message: 'dismissed: the job and its step jobs were deleted', updated: new Date() };
  }

  /** Dismisses the step jobs of a workflow job that `which` picks, on their ADES, as the workflow's user; `keep`: their records stay, marked dismissed. */
  private async dismissSteps(id: string, owner: Subject, which: (s: StepRecord) => boolean, options: { keep: boolean }): Promise<void> {
    const steps = (await this.deps.steps.list(id)).filter((s) => s.ref && which(s));
    if (steps.length === 0) return;
    const endpoints = await this.deps.registry.all(owner);
    const results = await Promise.allSettled(
      steps.map(async (s) => {
        const e = endpoints.find((x) => x.id === s.adesId);
        if (!e) return;
        await e.dismiss(s.ref!, owner);
        if (options.keep) await this.deps.steps.save({ ...s, status: 'dismissed' });
      }),
    );
    for (const r of results) if (r.status === 'rejected') this.deps.logger.warn({ err: r.reason, job: id }, 'ems: dismissing a step job failed');
  }

  async waitForJob(id: string, subject: Subject, timeoutMs: number): Promise<ProcessJob> {
    return this.jobs.wait(id, subject, timeoutMs);
  }

  /** The EMS records no usage of its own: each step's usage is on its ADES. */
  async usage(jobId: string, subject: Subject): Promise<UsageRecord[]> {
    await this.jobs.readable(jobId, subject);
    return [];
  }

  async jobFilesPrefix(jobId: string, subject: Subject): Promise<string> {
    return this.jobs.filesPrefix(jobId, subject);
  }

  async readOutput(jobId: string, blobKey: string, subject: Subject) {
    return this.openStepFile(jobId, await this.jobs.fileOf(jobId, blobKey, subject));
  }

  /**
   * A file a step of the job produced (`step/output[/index]`), streamed from the ADES holding it,
   * read as the workflow's user (local engine) or with the EMS's credentials (remote). The step is
   * a record of the runner: `outer/inner` for a step of a sub-workflow, so the output is the last
   * part that is not an index (output ids do not start with a digit).
   */
  async openStepFile(jobId: string, path: string): Promise<{ body: NodeJS.ReadableStream; size: number; contentType?: string }> {
    const missing = () => new NotFound(`Job '${jobId}' has no file '${path}'`, { code: 'NoSuchOutput' });
    const parts = path.split('/');
    let at = parts.length - 1;
    while (at > 0 && /^\d+$/.test(parts[at]!)) at--;
    const stepId = parts.slice(0, at).join('/');
    const outputId = parts[at];
    const indexes = parts.slice(at + 1);
    const record = await this.deps.jobs.get(jobId);
    const step = stepId ? await this.deps.steps.get(jobId, stepId) : undefined;
    if (!record || !step?.outputs || !step.ref || !outputId) throw missing();
    let value: StepValue | undefined = step.outputs[outputId];
    for (const i of indexes) value = value && 'list' in value ? value.list[Number(i)] : undefined;
    if (!value || !('file' in value)) throw missing();
    const owner = (record.payload as WorkflowPayload).subject;
    const endpoint: AdesEndpoint | undefined = (await this.deps.registry.all(owner)).find((e) => e.id === step.adesId);
    if (!endpoint) throw missing();
    const file = await endpoint.open(value.file, step.ref, owner);
    if (file.size !== undefined) return { body: file.body, size: file.size, contentType: file.contentType };
    // No length given: read it whole, as the routes send one.
    const chunks: Buffer[] = [];
    for await (const c of file.body) chunks.push(Buffer.from(c as Buffer));
    const bytes = Buffer.concat(chunks);
    return { body: Readable.from([bytes]), size: bytes.length, contentType: file.contentType };
  }
}
