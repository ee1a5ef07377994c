import type { Logger } from 'pino';
import { retryDelayMs, type ClaimedJob, type Fence, type JobStore } from './store.js';
import type { JobContext, JobHandler } from './types.js';

/** Why a running job's AbortSignal fired. */
export type JobAbortKind = 'dismissed' | 'shutdown' | 'lease-lost';

/** The `reason` of a job's AbortSignal. */
export class JobAbortedError extends Error {
  constructor(
    readonly kind: JobAbortKind,
    message: string,
  ) {
    super(message);
    this.name = 'JobAbortedError';
  }
}

/** How one try of a job ended, once its record says so. */
export type JobOutcome =
  | { kind: 'succeeded' }
  | { kind: 'retry'; error: string; retryAt: number }
  | { kind: 'failed'; error: string }
  | { kind: 'dismissed' }
  /** Interrupted by shutdown and queued again; the try did not count. */
  | { kind: 'requeued' }
  /** The record is no longer this runner's (its lease expired and another runner took it). */
  | { kind: 'lost' };

interface ActiveJob {
  claimed: ClaimedJob;
  controller: AbortController;
  abortedBy?: JobAbortKind;
  done?: Promise<JobOutcome>;
}

type Settled = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface JobExecutorOptions {
  store: JobStore;
  logger: Logger;
  runnerId: string;
  leaseMs: number;
  /** How often to look for dismissals of the jobs running here (made in other processes). */
  watchIntervalMs: number;
}

const ABORT_MESSAGES: Record<JobAbortKind, string> = {
  dismissed: 'job dismissed',
  shutdown: 'runner shutting down',
  'lease-lost': 'job lease lost to another runner',
};

/**
 * Runs claimed jobs in this process: gives each handler its context, keeps its lease alive,
 * aborts it when it is dismissed (here or elsewhere) or at shutdown, and writes how it ended.
 */
export class JobExecutor {
  private readonly active = new Map<string, ActiveJob>();
  private readonly perType = new Map<string, number>();
  private heartbeatTimer?: NodeJS.Timeout;
  private watchTimer?: NodeJS.Timeout;
  private heartbeatBusy = false;
  private watchBusy = false;

  constructor(private readonly options: JobExecutorOptions) {}

  get size(): number {
    return this.active.size;
  }

  runningOf(type: string): number {
    return this.perType.get(type) ?? 0;
  }

  has(id: string): boolean {
    return this.active.has(id);
  }

  start(): void {
    if (this.heartbeatTimer) return;
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), Math.max(10, Math.floor(this.options.leaseMs / 3)));
    this.heartbeatTimer.unref();
    this.watchTimer = setInterval(() => void this.watch(), this.options.watchIntervalMs);
    this.watchTimer.unref();
  }

  stop(): void {
    clearInterval(this.heartbeatTimer);
    clearInterval(this.watchTimer);
    this.heartbeatTimer = undefined;
    this.watchTimer = undefined;
  }

  /** Runs `handler` for a job this runner claimed; resolves once the record holds the outcome. */
  run(claimed: ClaimedJob, handler: JobHandler): Promise<JobOutcome> {
    const { record } = claimed;
    const job: ActiveJob = { claimed, controller: new AbortController() };
    this.active.set(record.id, job);
    this.perType.set(record.type, this.runningOf(record.type) + 1);
    job.done = this.execute(job, handler).finally(() => {
      this.active.delete(record.id);
      this.perType.set(record.type, this.runningOf(record.type) - 1);
    });
    return job.done;
  }

  /** Fires the job's AbortSignal; false when it is not running here or was already aborted. */
  abort(id: string, kind: JobAbortKind): boolean {
    const job = this.active.get(id);
    if (!job || job.abortedBy) return false;
    job.abortedBy = kind;
    job.controller.abort(new JobAbortedError(kind, ABORT_MESSAGES[kind]));
    return true;
  }

  abortAll(kind: JobAbortKind): void {
    for (const id of [...this.active.keys()]) this.abort(id, kind);
  }

  /** Resolves once no job runs here. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()].map((j) => j.done));
  }

  /** Queues again the jobs whose handlers still run after shutdown aborted them. */
  async releaseAll(): Promise<void> {
    for (const job of [...this.active.values()]) {
      if (!job.abortedBy) this.abort(job.claimed.fence.id, 'shutdown');
      const { fence } = job.claimed;
      if (await this.options.store.requeue(fence)) {
        await this.note(fence.id, 'interrupted by shutdown (the handler did not stop in time); queued again');
      }
    }
  }

  private context(job: ActiveJob): JobContext {
    const { store } = this.options;
    const { record, fence } = job.claimed;
    return {
      id: record.id,
      type: record.type,
      payload: record.payload,
      attempt: fence.attempt,
      signal: job.controller.signal,
      async progress(percent: number, message?: string) {
        if (typeof percent !== 'number' || Number.isNaN(percent)) {
          throw new TypeError(`progress of job '${record.id}' must be a number from 0 to 100`);
        }
        // Once aborted the record belongs to whoever aborted it; late progress is dropped.
        if (job.abortedBy) return;
        await store.progress(fence, Math.min(100, Math.max(0, percent)), message);
      },
      async log(line: string) {
        await store.appendLog(record.id, String(line));
      },
    };
  }

  private async execute(job: ActiveJob, handler: JobHandler): Promise<JobOutcome> {
    const ctx = this.context(job);
    const settled: Settled = await Promise.resolve()
      .then(() => handler(ctx))
      .then(
        (value): Settled => ({ ok: true, value }),
        (error: unknown): Settled => ({ ok: false, error }),
      );
    return this.conclude(job, settled);
  }

  private async conclude(job: ActiveJob, settled: Settled): Promise<JobOutcome> {
    const { store, logger } = this.options;
    const { record, fence, backoffMs } = job.claimed;
    // An abort decides the outcome whatever the handler did afterwards.
    if (job.abortedBy === 'dismissed') return { kind: 'dismissed' };
    if (job.abortedBy === 'lease-lost') return { kind: 'lost' };
    if (job.abortedBy === 'shutdown') {
      if (!(await store.requeue(fence))) return this.afterLostWrite(fence);
      await this.note(record.id, 'interrupted by shutdown; queued again');
      return { kind: 'requeued' };
    }
    let failure: string | undefined;
    if (settled.ok) {
      const json = toJson(settled.value);
      if (json.ok) {
        if (await store.complete(fence, json.text)) return { kind: 'succeeded' };
        return this.afterLostWrite(fence);
      }
      failure = json.error;
    } else {
      failure = errorMessage(settled.error);
    }
    const retry = fence.attempt < record.maxAttempts;
    const delay = retryDelayMs(backoffMs, fence.attempt);
    const retryAt = retry ? Date.now() + delay : null;
    if (!(await store.fail(fence, failure, retryAt))) return this.afterLostWrite(fence);
    const tries = `attempt ${fence.attempt} of ${record.maxAttempts} failed: ${failure}`;
    await this.note(record.id, retry ? `${tries}; retrying in ${delay} ms` : tries);
    logger.warn({ job: record.id, type: record.type, attempt: fence.attempt, error: failure, retry }, 'job try failed');
    return retryAt === null ? { kind: 'failed', error: failure } : { kind: 'retry', error: failure, retryAt };
  }

  /** A fenced write changed nothing: the job was dismissed, or is someone else's now. */
  private async afterLostWrite(fence: Fence): Promise<JobOutcome> {
    const holder = (await this.options.store.holders([fence.id])).get(fence.id);
    return holder?.state === 'dismissed' ? { kind: 'dismissed' } : { kind: 'lost' };
  }

  private async note(id: string, line: string): Promise<void> {
    try {
      await this.options.store.appendLog(id, line);
    } catch (err) {
      this.options.logger.warn({ job: id, err }, 'could not write a job log line');
    }
  }

  private async heartbeat(): Promise<void> {
    if (this.heartbeatBusy) return;
    this.heartbeatBusy = true;
    try {
      for (const job of [...this.active.values()]) {
        if (job.abortedBy) continue;
        if (!(await this.options.store.heartbeat(job.claimed.fence, this.options.leaseMs))) {
          const outcome = await this.afterLostWrite(job.claimed.fence);
          this.abort(job.claimed.fence.id, outcome.kind === 'dismissed' ? 'dismissed' : 'lease-lost');
        }
      }
    } catch (err) {
      this.options.logger.warn({ err }, 'job heartbeat failed');
    } finally {
      this.heartbeatBusy = false;
    }
  }

  /** Notices dismissals (and lost leases) made by other processes. */
  private async watch(): Promise<void> {
    if (this.watchBusy || this.active.size === 0) return;
    this.watchBusy = true;
    try {
      const jobs = [...this.active.values()].filter((j) => !j.abortedBy);
      const holders = await this.options.store.holders(jobs.map((j) => j.claimed.fence.id));
      for (const job of jobs) {
        const { fence } = job.claimed;
        const holder = holders.get(fence.id);
        if (holder?.state === 'dismissed') this.abort(fence.id, 'dismissed');
        else if (!holder || holder.state !== 'running' || holder.leaseOwner !== fence.runnerId || holder.attempts !== fence.attempt) {
          // Only a record still ours may keep running; a job just finished here is already gone from `active`.
          if (this.active.get(fence.id) === job) this.abort(fence.id, 'lease-lost');
        }
      }
    } catch (err) {
      this.options.logger.warn({ err }, 'job dismissal check failed');
    } finally {
      this.watchBusy = false;
    }
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  if (typeof err === 'string') return err;
  try {
    return JSON.stringify(err) ?? String(err);
  } catch {
    return String(err);
  }
}

function toJson(value: unknown): { ok: true; text: string } | { ok: false; error: string } {
  try {
    return { ok: true, text: JSON.stringify(value ?? null) };
  } catch (err) {
    return { ok: false, error: `the job's result cannot be stored as JSON: ${errorMessage(err)}` };
  }
}
