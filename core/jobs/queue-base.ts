import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { BadRequest, MeridianError } from '../errors.js';
import type { Database } from '../storage/db/types.js';
import type { ResolvedJobsConfig } from './config.js';
import { JobExecutor } from './executor.js';
import { isRunnerGone, newRunnerId, retireRunnerId } from './runner-identity.js';
import { JobStore, retryDelayMs, type QueuedJob, type RunningJob } from './store.js';
import type { EnqueueOptions, JobFilter, JobHandler, JobQueue, JobRecord, JobState } from './types.js';

/**
 * What this process does with jobs: `producer` enqueues and reads them only (`serve` next to
 * separate workers), `worker` runs them (`meridian worker`), `all` does both (embedded default).
 */
export type JobQueueRole = 'all' | 'producer' | 'worker';

export interface JobQueueDeps {
  db: Database;
  logger: Logger;
  role?: JobQueueRole;
}

/** Why a try ended when its runner disappeared. */
export const INTERRUPTED_BY_RESTART = 'interrupted by restart';
export const INTERRUPTED_LEASE_EXPIRED = 'interrupted: its runner stopped renewing the lease';
export const DISMISSED_REASON = 'dismissed';

/** How long shutdown waits for handlers to return once their signal was aborted. */
export const ABORT_WAIT_MS = 5000;

const MAX_TYPE_LENGTH = 100;
const MAX_ID_LENGTH = 200;

interface Registration {
  handler: JobHandler;
  concurrency?: number;
}

/**
 * What every backend shares: records in the database, registration, cancellation and the
 * recovery of jobs whose runner died. Subclasses decide how a queued job reaches a runner.
 */
export abstract class DatabaseJobQueue implements JobQueue {
  abstract readonly backend: string;
  protected readonly db: Database;
  protected readonly store: JobStore;
  protected readonly logger: Logger;
  protected readonly role: JobQueueRole;
  protected readonly runnerId: string;
  protected readonly executor: JobExecutor;
  protected readonly handlers = new Map<string, Registration>();
  protected started = false;
  protected closed = false;

  constructor(
    protected readonly config: ResolvedJobsConfig,
    deps: JobQueueDeps,
  ) {
    this.store = new JobStore(deps.db);
    this.db = deps.db;
    this.role = deps.role ?? 'all';
    this.runnerId = newRunnerId();
    this.logger = deps.logger.child({ component: 'jobs', backend: config.backend });
    this.executor = new JobExecutor({
      store: this.store,
      logger: this.logger,
      runnerId: this.runnerId,
      leaseMs: config.leaseMs,
      watchIntervalMs: config.pollIntervalMs,
    });
  }

  /** Hands a newly queued (or re-queued) job to whoever runs jobs. */
  protected abstract dispatch(job: QueuedJob): Promise<void>;
  /** A job was dismissed: stop it wherever it runs. */
  protected abstract onDismissed(job: JobRecord): Promise<void>;
  /** A handler was registered after `start`. */
  protected abstract onRegistered(type: string): void;
  abstract start(): Promise<void>;
  abstract close(): Promise<void>;

  protected get runsJobs(): boolean {
    return this.role !== 'producer';
  }

  register(type: string, handler: JobHandler, options: { concurrency?: number } = {}): void {
    checkType(type);
    if (typeof handler !== 'function') throw new TypeError(`The handler of job type '${type}' must be a function`);
    if (this.handlers.has(type)) throw new Error(`Job type '${type}' is already registered`);
    if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 1)) {
      throw new TypeError(`The concurrency of job type '${type}' must be a positive integer`);
    }
    this.handlers.set(type, { handler, concurrency: options.concurrency });
    if (this.started && !this.closed && this.runsJobs) this.onRegistered(type);
  }

  /** Integrator config first, then what the plugin registered, then the queue's default. */
  protected concurrencyOf(type: string): number {
    return this.config.concurrencyByType[type] ?? this.handlers.get(type)?.concurrency ?? this.config.concurrency;
  }

  async enqueue(type: string, payload: unknown, options: EnqueueOptions = {}): Promise<string> {
    if (this.closed) throw new MeridianError(503, 'The job queue is closed', { code: 'ServiceUnavailable' });
    checkType(type);
    const id = options.id ?? randomUUID();
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) {
      throw new BadRequest(`A job id must be a string of 1 to ${MAX_ID_LENGTH} characters`, { locator: 'id' });
    }
    const maxAttempts = options.attempts ?? 1;
    if (!Number.isInteger(maxAttempts) || maxAttempts < 1) throw new BadRequest('attempts must be an integer >= 1', { locator: 'attempts' });
    const backoffMs = options.backoffMs ?? 0;
    if (!Number.isInteger(backoffMs) || backoffMs < 0) throw new BadRequest('backoffMs must be an integer >= 0', { locator: 'backoffMs' });
    const delayMs = options.delayMs ?? 0;
    if (!Number.isInteger(delayMs) || delayMs < 0) throw new BadRequest('delayMs must be an integer >= 0', { locator: 'delayMs' });
    const runAfter = Date.now() + delayMs;
    await this.store.insert({ id, type, payload, maxAttempts, backoffMs, owner: options.owner, runAfter });
    try {
      await this.dispatch({ id, type, runAfter, maxAttempts, backoffMs });
    } catch (err) {
      // Nobody would ever run it: do not leave a record that promises otherwise.
      await this.store.remove(id).catch((e: unknown) => this.logger.error({ err: e, job: id }, 'could not remove an undispatched job'));
      throw new MeridianError(503, 'The job queue cannot accept jobs now', { code: 'ServiceUnavailable', cause: err });
    }
    return id;
  }

  get(id: string): Promise<JobRecord | null> {
    return this.store.get(id);
  }

  list(filter?: JobFilter): Promise<JobRecord[]> {
    return this.store.list(filter);
  }

  logs(id: string): Promise<string[]> {
    return this.store.logs(id);
  }

  counts(): Promise<Record<JobState, number>> {
    return this.store.counts();
  }

  async cancel(id: string): Promise<boolean> {
    if (!(await this.store.dismiss(id, DISMISSED_REASON))) return false;
    await this.store.appendLog(id, 'dismissed on request');
    const record = await this.store.get(id);
    if (record) await this.onDismissed(record);
    return true;
  }

  remove(id: string): Promise<boolean> {
    return this.store.removeEnded(id);
  }

  async ping(): Promise<void> {
    await this.db.ping();
  }

  /**
   * Ends the tries of running jobs whose runner is gone: its process died on this host, or its
   * lease expired. Each is queued again when attempts remain, else failed with the reason.
   * Returns the jobs queued again.
   */
  protected async recoverInterrupted(): Promise<QueuedJob[]> {
    const now = Date.now();
    const requeued: QueuedJob[] = [];
    for (const job of await this.store.running()) {
      if (job.leaseOwner === this.runnerId) continue;
      const gone = job.leaseOwner === null || isRunnerGone(job.leaseOwner);
      if (!gone && (job.leaseExpiresAt === null || job.leaseExpiresAt >= now)) continue;
      const outcome = await this.interrupt(job, gone ? INTERRUPTED_BY_RESTART : INTERRUPTED_LEASE_EXPIRED);
      if (outcome) requeued.push(outcome);
    }
    return requeued;
  }

  /** Ends one interrupted try; returns the job when it was queued again. */
  protected async interrupt(job: RunningJob, reason: string): Promise<QueuedJob | null> {
    const retry = job.attempts < job.maxAttempts;
    const retryAt = retry ? Date.now() + retryDelayMs(job.backoffMs, job.attempts) : null;
    if (!(await this.store.interrupt(job, reason, retryAt))) return null;
    const tries = `attempt ${job.attempts} of ${job.maxAttempts} ${reason}`;
    await this.store.appendLog(job.id, retry ? `${tries}; queued again` : `${tries}; no attempts left`);
    this.logger.warn({ job: job.id, type: job.type, runner: job.leaseOwner, reason, retry }, 'recovered an interrupted job');
    return retryAt === null ? null : { id: job.id, type: job.type, runAfter: retryAt, maxAttempts: job.maxAttempts, backoffMs: job.backoffMs };
  }

  /** Shutdown of the jobs running here: wait `shutdownGraceMs`, then abort and queue them again. */
  protected async drain(waitForHandlers: () => Promise<void>): Promise<void> {
    const finished = waitForHandlers();
    if (!(await within(finished, this.config.shutdownGraceMs))) {
      this.logger.info({ running: this.executor.size }, 'aborting running jobs for shutdown');
      this.executor.abortAll('shutdown');
      if (!(await within(finished, ABORT_WAIT_MS))) await this.executor.releaseAll();
    }
    this.executor.stop();
  }

  protected retire(): void {
    retireRunnerId(this.runnerId);
  }
}

function checkType(type: string): void {
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE_LENGTH) {
    throw new BadRequest(`A job type must be a string of 1 to ${MAX_TYPE_LENGTH} characters`, { locator: 'type' });
  }
}

/** Resolves true when `promise` settles within `ms`, false otherwise. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
