/**
 * The job handler of `processing.execute`: stage-in, run (a built-in, or the package through the
 * execution backend), stage-out, callbacks. Runs wherever the job queue runs jobs (this server,
 * or `meridian worker` processes); everything it needs is in the payload and the stores.
 */
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Subject } from '../../core/auth/types.js';
import type { JobContext } from '../../core/jobs/types.js';
import { fetchRemote, type RemoteFetchLimits } from '../../core/net/remote-fetch.js';
import type { ExecutionBackend } from './backends/types.js';
import type { BuiltinProcess } from './builtins/types.js';
import { readCwlPackage } from './cwl/parse.js';
import { localJobEnds } from './job-store.js';
import { stageInputs, type StageInDeps } from './stage-in.js';
import { discardJobFiles, stageOutputs, type StageOutDeps } from './stage-out.js';
import { UsageMeter } from './backends/run-command.js';
import type { ExecuteRequest, JobResult, ProcessDescription, StoredOutput, UsageRecord } from './types.js';

export const EXECUTE_JOB_TYPE = 'processing.execute';

/** What an execute request leaves on the queue: the process as it was then, so a later replace or undeploy does not change a job already accepted. */
export interface ExecutePayload {
  processId: string;
  kind: 'builtin' | 'cwl';
  description: ProcessDescription;
  cwl?: Record<string, unknown>;
  /** The id of the entry process of a $graph package. */
  entry?: string;
  inputs: Record<string, unknown>;
  subject: Subject;
  statusUrl?: string;
  subscriber?: ExecuteRequest['subscriber'];
}

export interface JobRunnerDeps {
  logger: Logger;
  workRoot: string;
  keepWorkDirs: boolean;
  backend: ExecutionBackend;
  builtins: ReadonlyMap<string, BuiltinProcess>;
  stageIn: StageInDeps;
  stageOut: StageOutDeps;
  callbackLimits: RemoteFetchLimits;
  recordUsage(record: UsageRecord): Promise<void>;
  /** Sends a subscriber callback body; the engine builds the OGC documents. */
  callbackBody(kind: 'inProgress' | 'success' | 'failed', job: JobContext, result?: JobResult, error?: string): Promise<unknown>;
}

export function createJobHandler(deps: JobRunnerDeps) {
  return async function runProcessJob(job: JobContext): Promise<JobResult> {
    const payload = job.payload as ExecutePayload;
    const workDir = join(deps.workRoot, 'jobs', job.id.replace(/[^A-Za-z0-9._-]/g, '_'));
    const log = (line: string) => void job.log(line).catch(() => {});
    const meter = new UsageMeter();
    const started = new Date();
    // Whose workspace receives the results, and loses them again if the job is dismissed.
    const owner = payload.subject.anonymous ? 'anonymous' : payload.subject.id;
    let bytesIn = 0;
    let result: JobResult | undefined;
    let outcome: UsageRecord['outcome'] = 'failed';
    try {
      await rm(workDir, { recursive: true, force: true });
      await mkdir(join(workDir, 'in'), { recursive: true });
      await mkdir(join(workDir, 'out'), { recursive: true });
      await job.progress(1, 'staging in the inputs');
      await notify(deps, payload, 'inProgress', job);
      const staged = await stageInputs(payload.description, payload.inputs, payload.subject, workDir, deps.stageIn, job.signal);
      bytesIn = await folderBytes(join(workDir, 'in'));
      await job.progress(10, `running ${payload.processId}`);
      let produced: Record<string, unknown>;
      if (payload.kind === 'builtin') {
        const builtin = deps.builtins.get(payload.processId);
        if (!builtin) throw new Error(`built-in process '${payload.processId}' is not available in this version`);
        produced = await builtin.run({ workDir, outDir: join(workDir, 'out'), inputs: staged, signal: job.signal, log, progress: (p, m) => job.progress(p, m), meter });
      } else {
        addDeclaredFormats(payload.cwl!, staged);
        produced = await deps.backend.runCwl({ jobId: job.id, workDir, document: payload.cwl!, entry: payload.entry, inputs: staged, signal: job.signal, log, progress: (p, m) => job.progress(p, m), meter });
      }
      await job.progress(80, 'staging out the results');
      result = await stageOutputs(payload.description, produced, { jobId: job.id, processId: payload.processId, owner, statusUrl: payload.statusUrl }, deps.stageOut, job.signal);
      // Dismissed as the stage-out ended: its files go (below), not a success.
      job.signal.throwIfAborted();
      await job.progress(100, 'finished');
      await notify(deps, payload, 'success', job, result);
      outcome = 'successful';
      return result;
    } catch (err) {
      if (job.signal.aborted) {
        outcome = (job.signal.reason as { kind?: string } | undefined)?.kind === 'dismissed' ? 'dismissed' : 'interrupted';
        if (outcome === 'dismissed') {
          await discardJobFiles(owner, job.id, deps.stageOut.blobs).catch((e: unknown) => deps.logger.error({ err: e, job: job.id }, 'dismissal: could not delete what the job had staged out'));
        }
      } else {
        const message = err instanceof Error ? err.message : String(err);
        log(`failed: ${message}`);
        await notify(deps, payload, 'failed', job, undefined, message);
      }
      throw err;
    } finally {
      const usage: UsageRecord = {
        jobId: job.id,
        processId: payload.processId,
        owner: payload.subject.anonymous ? undefined : payload.subject.id,
        outcome,
        wallMs: Date.now() - started.getTime(),
        cpuMs: meter.cpuMs,
        maxRssKb: meter.maxRssKb,
        bytesIn,
        bytesOut: result ? outputBytes(Object.values(result.outputs)) : 0,
        started: started.toISOString(),
        finished: new Date().toISOString(),
      };
      await deps.recordUsage(usage).catch((err: unknown) => deps.logger.warn({ err, job: job.id }, 'could not store a usage record'));
      if (!deps.keepWorkDirs) await rm(workDir, { recursive: true, force: true }).catch(() => {});
      // A synchronous execution waiting on this job reads its outcome now, not at its next poll.
      localJobEnds.notify(job.id);
    }
  };
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name))).size;
  }
  return total;
}

function outputBytes(outputs: StoredOutput[]): number {
  return outputs.reduce((sum, o) => sum + (o.size ?? 0) + (o.items ? outputBytes(o.items) : 0), 0);
}

/**
 * cwltool checks a File input against the format its parameter declares, and a staged file has
 * none of its own: it is given the declared one (the first, when several are allowed).
 */
function addDeclaredFormats(cwl: Record<string, unknown>, staged: Record<string, unknown>): void {
  const main = readCwlPackage(cwl).main;
  for (const p of main.inputs) {
    const format = Array.isArray(p.format) ? p.format[0] : p.format;
    if (!format || staged[p.id] === undefined) continue;
    const files = Array.isArray(staged[p.id]) ? (staged[p.id] as unknown[]) : [staged[p.id]];
    for (const f of files) if (typeof f === 'object' && f !== null && (f as { class?: string }).class === 'File') (f as { format?: string }).format = format;
  }
}

/** POSTs the subscriber callback of `kind`, when the request asked for it (also used by the EMS for workflow jobs). */
export async function notify(deps: Pick<JobRunnerDeps, 'callbackLimits' | 'callbackBody'>, payload: Pick<ExecutePayload, 'subscriber'>, kind: 'inProgress' | 'success' | 'failed', job: JobContext, result?: JobResult, error?: string): Promise<void> {
  const url = kind === 'inProgress' ? payload.subscriber?.inProgressUri : kind === 'success' ? payload.subscriber?.successUri : payload.subscriber?.failedUri;
  if (!url) return;
  try {
    const body = await deps.callbackBody(kind, job, result, error);
    const response = await fetchRemote(url, deps.callbackLimits, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    await job.log(`callback ${kind} to ${url}: ${response.status}`);
  } catch (err) {
    // A subscriber that cannot be reached does not change the job's outcome.
    await job.log(`callback ${kind} to ${url} failed: ${err instanceof Error ? err.message : String(err)}`).catch(() => {});
  }
}
