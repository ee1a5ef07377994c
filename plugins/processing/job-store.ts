/**
 * Jobs of a processing service: a row per job (which process it runs, its owner, its subscriber)
 * beside the core job queue's state, read together as ProcessJobs and authorized job by job.
 * Each service keeps its rows in a table of its own of that shape (the engine's
 * meridian_process_jobs, the EMS's meridian_ems_jobs) and authorizes them as its own resources.
 */
import type { AuthHooks, Resource, Subject } from '../../core/auth/types.js';
import { Forbidden, NotFound } from '../../core/errors.js';
import type { JobQueue, JobRecord, JobState } from '../../core/jobs/types.js';
import type { Database } from '../../core/storage/db/types.js';
import { jobPrefix } from './stage-out.js';
import type { ExecuteRequest, JobListFilter, JobResult, JobStatus, ProcessJob } from './types.js';

const STATUS_OF: Record<JobState, JobStatus> = { queued: 'accepted', running: 'running', succeeded: 'successful', failed: 'failed', dismissed: 'dismissed' };
const STATE_OF: Record<JobStatus, JobState> = { accepted: 'queued', running: 'running', successful: 'succeeded', failed: 'failed', dismissed: 'dismissed' };

/** OGC API Processes exception code, which the ADES maps to the standard's type URI. */
export class NoSuchJob extends NotFound {
  constructor(id: string) {
    super(`No job '${id}'`, { code: 'NoSuchJob', locator: 'jobId' });
  }
}

export interface JobRow {
  job_id: string;
  process_id: string;
  owner: string | null;
  created: string;
  subscriber: string | null;
}

/** A job the subject may read: its queue record and its row. */
export interface StoredJob {
  record: JobRecord;
  row: JobRow;
}

export interface JobStoreOptions {
  db: Database;
  jobs: JobQueue;
  auth: AuthHooks;
  /** The service's job table (the shape of processing's 002-process-jobs). */
  table: string;
  /** The resource a job is authorized as. */
  resource(id: string, owner: string | undefined, processId: string): Resource;
  /** waitForJob's polling: the first pause, doubled after each read up to the longest. */
  poll: { firstMs: number; maxMs: number };
}

/**
 * Tries of jobs that ended in this process (their handler returned or threw), so that a wait for
 * one need not sleep until its next poll: notified by the job handler, before the queue writes
 * the outcome. A notification is kept for a minute, for a waiter that was reading the record
 * when it came.
 */
export class JobEndSignal {
  private readonly waiters = new Map<string, Set<() => void>>();
  private readonly recent = new Map<string, number>();

  notify(id: string): void {
    const now = Date.now();
    for (const [old, at] of this.recent) {
      if (now - at < RECENT_END_MS) break;
      this.recent.delete(old);
    }
    this.recent.delete(id);
    this.recent.set(id, now);
    const waiting = this.waiters.get(id);
    this.waiters.delete(id);
    for (const wake of waiting ?? []) wake();
  }

  /** Resolves true once a try of `id` ended here (or did in the last minute), false after `ms`. */
  wait(id: string, ms: number): Promise<boolean> {
    const at = this.recent.get(id);
    if (at !== undefined && Date.now() - at < RECENT_END_MS) return Promise.resolve(true);
    return new Promise((resolve) => {
      let waiting = this.waiters.get(id);
      if (!waiting) this.waiters.set(id, (waiting = new Set()));
      const set = waiting;
      const wake = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const timer = setTimeout(() => {
        set.delete(wake);
        if (set.size === 0 && this.waiters.get(id) === set) this.waiters.delete(id);
        resolve(false);
      }, ms);
      set.add(wake);
    });
  }
}

const RECENT_END_MS = 60_000;

/** The process's signal: the processing job handler notifies it, every JobStore's wait listens. */
export const localJobEnds = new JobEndSignal();

export class JobStore {
  constructor(private readonly options: JobStoreOptions) {}

  private resourceOf(row: JobRow): Resource {
    return this.options.resource(row.job_id, row.owner ?? undefined, row.process_id);
  }

  private async permitted(subject: Subject, row: JobRow, action: string): Promise<boolean> {
    return (await this.options.auth.authorize(subject, this.resourceOf(row), action)).decision === 'Permit';
  }

  /** Records the job and enqueues it; the record is removed again when the queue refuses it. */
  async submit(type: string, payload: unknown, job: { id: string; processId: string; subject: Subject; subscriber?: ExecuteRequest['subscriber']; attempts: number }): Promise<void> {
    const { db, jobs, table } = this.options;
    const owner = job.subject.anonymous ? undefined : job.subject.id;
    const created = new Date().toISOString();
    await db.knex(table).insert({ job_id: job.id, process_id: job.processId, owner: owner ?? null, created, subscriber: job.subscriber ? JSON.stringify(job.subscriber) : null });
    try {
      await jobs.enqueue(type, payload, { id: job.id, owner, attempts: job.attempts });
    } catch (err) {
      await db.knex(table).where({ job_id: job.id }).delete();
      throw err;
    }
  }

  private toJob({ record, row }: StoredJob): ProcessJob {
    const job: ProcessJob = {
      id: record.id,
      processId: row.process_id,
      status: STATUS_OF[record.state],
      owner: row.owner ?? undefined,
      message: record.message,
      progress: record.state === 'succeeded' ? 100 : record.progress,
      created: record.createdAt,
      started: record.startedAt,
      finished: record.finishedAt,
      updated: record.updatedAt,
      error: record.error,
    };
    if (record.state === 'succeeded' && record.result) job.result = record.result as JobResult;
    if (row.subscriber) job.subscriber = JSON.parse(row.subscriber) as ProcessJob['subscriber'];
    return job;
  }

  /** The job when the subject may read it (NoSuchJob otherwise, so others' jobs are not disclosed). */
  async readable(id: string, subject: Subject): Promise<StoredJob> {
    const row = (await this.options.db.knex(this.options.table).where({ job_id: id }).first()) as JobRow | undefined;
    if (!row || !(await this.permitted(subject, row, 'read'))) throw new NoSuchJob(id);
    const record = await this.options.jobs.get(id);
    if (!record) throw new NoSuchJob(id);
    return { record, row };
  }

  async get(id: string, subject: Subject): Promise<ProcessJob> {
    return this.toJob(await this.readable(id, subject));
  }

  /** Newest first; the filter's offset and limit count only the jobs the subject may read. */
  async list(filter: JobListFilter, subject: Subject): Promise<{ jobs: ProcessJob[]; more: boolean }> {
    const limit = filter.limit ?? 10;
    const offset = filter.offset ?? 0;
    const states = filter.statuses?.map((s) => STATE_OF[s]);
    const jobs: ProcessJob[] = [];
    let skipped = 0;
    const batch = 200;
    for (let from = 0; ; from += batch) {
      let q = this.options.db.knex(this.options.table).orderBy([{ column: 'created', order: 'desc' }, { column: 'job_id', order: 'asc' }]).limit(batch).offset(from);
      if (filter.processIds?.length) q = q.whereIn('process_id', filter.processIds);
      const rows = (await q) as JobRow[];
      for (const row of rows) {
        if (!(await this.permitted(subject, row, 'read'))) continue;
        const record = await this.options.jobs.get(row.job_id);
        if (!record || (states && !states.includes(record.state))) continue;
        if (skipped < offset) {
          skipped++;
          continue;
        }
        if (jobs.length === limit) return { jobs, more: true };
        jobs.push(this.toJob({ record, row }));
      }
      if (rows.length < batch) return { jobs, more: false };
    }
  }

  async logs(id: string, subject: Subject): Promise<string[]> {
    await this.readable(id, subject);
    return this.options.jobs.logs(id);
  }

  /** Dismisses a job the subject may read and dismiss; `changed` is false when it had ended already. */
  async dismiss(id: string, subject: Subject): Promise<StoredJob & { changed: boolean }> {
    const stored = await this.readable(id, subject);
    if (!(await this.permitted(subject, stored.row, 'dismiss'))) throw new Forbidden(`Not allowed to dismiss job '${id}'`);
    const changed = await this.options.jobs.cancel(id);
    return { ...stored, changed };
  }

  /**
   * Deletes a job that has ended (successful or failed), already authorized by the caller: its row
   * first, so that from then on every read answers NoSuchJob, then the queue's record and log lines.
   * The job as it was; undefined when it has not ended (queued, running) or was dismissed.
   */
  async removeEnded(id: string): Promise<ProcessJob | undefined> {
    const { db, jobs, table } = this.options;
    const row = (await db.knex(table).where({ job_id: id }).first()) as JobRow | undefined;
    const record = row && (await jobs.get(id));
    if (!row || !record || (record.state !== 'succeeded' && record.state !== 'failed')) return undefined;
    await db.knex(table).where({ job_id: id }).delete();
    await jobs.remove(id);
    return this.toJob({ record, row });
  }

  /**
   * Waits until the job ends or `timeoutMs` passes; the job as it is then. Polls the record; a
   * job whose try ends in this process wakes the wait at once (`localJobEnds`), after which the
   * record is read again within a few ms, until the queue has written the outcome.
   */
  async wait(id: string, subject: Subject, timeoutMs: number): Promise<ProcessJob> {
    const deadline = Date.now() + timeoutMs;
    let pause = this.options.poll.firstMs;
    let woken = false;
    for (;;) {
      const job = await this.get(id, subject);
      if ((job.status !== 'accepted' && job.status !== 'running') || Date.now() >= deadline) return job;
      const ms = Math.min(pause, Math.max(1, deadline - Date.now()));
      if (!woken && (await localJobEnds.wait(id, ms))) {
        woken = true;
        pause = 1;
      } else {
        if (woken) await new Promise((r) => setTimeout(r, ms));
        pause = Math.min(this.options.poll.maxMs, pause * 2);
      }
    }
  }

  /** The blob key prefix of the job's files (its owner's workspace). */
  async filesPrefix(id: string, subject: Subject): Promise<string> {
    const { row } = await this.readable(id, subject);
    return jobPrefix(row.owner ?? 'anonymous', id);
  }

  /**
   * A key of the job's files, relative to the job's prefix. Only keys below that prefix: a job
   * id is not a key to someone else's workspace.
   */
  async fileOf(id: string, blobKey: string, subject: Subject): Promise<string> {
    const prefix = await this.filesPrefix(id, subject);
    if (!blobKey.startsWith(prefix)) throw new NotFound(`Job '${id}' has no file '${blobKey}'`, { code: 'NoSuchOutput' });
    return blobKey.slice(prefix.length);
  }
}
