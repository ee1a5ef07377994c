import type { Knex } from 'knex';
import { BadRequest, MeridianError } from '../errors.js';
import type { Database } from '../storage/db/types.js';
import { JOB_LOGS_TABLE, JOBS_TABLE } from './migrations.js';
import type { JobFilter, JobRecord, JobState } from './types.js';

export const JOB_STATES: readonly JobState[] = ['queued', 'running', 'succeeded', 'failed', 'dismissed'];

export interface NewJob {
  id: string;
  type: string;
  payload: unknown;
  maxAttempts: number;
  backoffMs: number;
  owner?: string;
  runAfter: number;
}

/**
 * Identifies one try of one job by one runner. Every write a runner makes about a running job is
 * conditioned on it, so a runner that lost its job (dismissed, lease expired and taken over,
 * requeued at shutdown) can no longer change the record.
 */
export interface Fence {
  id: string;
  runnerId: string;
  attempt: number;
}

export interface ClaimedJob {
  record: JobRecord;
  fence: Fence;
  backoffMs: number;
}

/** What a runner or the reaper needs to know about a job in state `running`. */
export interface RunningJob {
  id: string;
  type: string;
  leaseOwner: string | null;
  leaseExpiresAt: number | null;
  attempts: number;
  maxAttempts: number;
  backoffMs: number;
}

export interface QueuedJob {
  id: string;
  type: string;
  runAfter: number;
  maxAttempts: number;
  backoffMs: number;
}

interface JobRow {
  id: string;
  type: string;
  state: JobState;
  payload: string;
  result: string | null;
  error: string | null;
  progress: number | string;
  message: string | null;
  attempts: number | string;
  max_attempts: number | string;
  backoff_ms: number | string;
  owner: string | null;
  run_after: number | string;
  lease_owner: string | null;
  lease_expires_at: number | string | null;
  heartbeat_at: number | string | null;
  created_at: number | string;
  updated_at: number | string;
  started_at: number | string | null;
  finished_at: number | string | null;
}

/** Delay before try `attempt + 1` after try `attempt` failed: the first delay, doubled each retry. */
export function retryDelayMs(backoffMs: number, attempt: number): number {
  return backoffMs * 2 ** Math.max(0, attempt - 1);
}

/** All SQL about jobs, the same on SQLite and PostgreSQL except where a claim needs row locks. */
export class JobStore {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {}

  private get knex(): Knex {
    return this.db.knex;
  }

  private jobs(): Knex.QueryBuilder {
    return this.knex(JOBS_TABLE);
  }

  private fenced(fence: Fence): Knex.QueryBuilder {
    return this.jobs().where({ id: fence.id, state: 'running', lease_owner: fence.runnerId, attempts: fence.attempt });
  }

  async insert(job: NewJob): Promise<JobRecord> {
    const now = this.now();
    let payload: string;
    try {
      payload = JSON.stringify(job.payload ?? null);
    } catch (err) {
      throw new BadRequest(`The payload of a job must be JSON: ${(err as Error).message}`, { locator: 'payload', cause: err });
    }
    const row = {
      id: job.id,
      type: job.type,
      state: 'queued',
      payload,
      progress: 0,
      attempts: 0,
      max_attempts: job.maxAttempts,
      backoff_ms: job.backoffMs,
      owner: job.owner ?? null,
      run_after: job.runAfter,
      created_at: now,
      updated_at: now,
    };
    try {
      await this.jobs().insert(row);
    } catch (err) {
      if (await this.get(job.id)) {
        throw new MeridianError(409, `A job with id '${job.id}' already exists`, { code: 'Conflict', cause: err });
      }
      throw err;
    }
    const record = await this.get(job.id);
    if (!record) throw new Error(`Job '${job.id}' vanished right after being inserted`);
    return record;
  }

  /** Deletes a job and (by cascade) its log lines. */
  async remove(id: string): Promise<void> {
    await this.jobs().where({ id }).delete();
  }

  /** Deletes a job that has ended, with (by cascade) its log lines; false when it is queued, running or absent. */
  async removeEnded(id: string): Promise<boolean> {
    return (await this.jobs().where({ id }).whereIn('state', ['succeeded', 'failed', 'dismissed']).delete()) > 0;
  }

  async get(id: string): Promise<JobRecord | null> {
    const row = (await this.jobs().where({ id }).first()) as JobRow | undefined;
    return row ? toRecord(row) : null;
  }

  async list(filter: JobFilter = {}): Promise<JobRecord[]> {
    const q = this.jobs().select('*');
    if (filter.type !== undefined) q.where('type', filter.type);
    if (filter.owner !== undefined) q.where('owner', filter.owner);
    if (filter.state !== undefined) q.whereIn('state', Array.isArray(filter.state) ? filter.state : [filter.state]);
    q.orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    if (filter.limit !== undefined) q.limit(filter.limit);
    if (filter.offset !== undefined) q.offset(filter.offset);
    return ((await q) as JobRow[]).map(toRecord);
  }

  async counts(): Promise<Record<JobState, number>> {
    const counts = Object.fromEntries(JOB_STATES.map((s) => [s, 0])) as Record<JobState, number>;
    const rows = (await this.jobs().select('state').count({ n: '*' }).groupBy('state')) as { state: string; n: number | string }[];
    for (const row of rows) {
      if ((JOB_STATES as readonly string[]).includes(row.state)) counts[row.state as JobState] = Number(row.n);
    }
    return counts;
  }

  async logs(id: string): Promise<string[]> {
    const rows = (await this.knex(JOB_LOGS_TABLE).where({ job_id: id }).orderBy('id').select('line')) as { line: string }[];
    return rows.map((r) => r.line);
  }

  async appendLog(id: string, line: string): Promise<void> {
    await this.knex(JOB_LOGS_TABLE).insert({ job_id: id, at: this.now(), line });
  }

  /**
   * Atomically moves the next due queued job of one of `types` to running for `runnerId`.
   * PostgreSQL: the candidate row is locked with SKIP LOCKED, so concurrent runners each get a
   * different job without waiting; SQLite: the single UPDATE runs under the database write
   * lock and re-checks `state = 'queued'`, so two processes can never claim the same row.
   */
  async claimNext(types: string[], runnerId: string, leaseMs: number): Promise<ClaimedJob | null> {
    if (types.length === 0) return null;
    const now = this.now();
    const candidate = this.jobs()
      .select('id')
      .where('state', 'queued')
      .whereIn('type', types)
      .where('run_after', '<=', now)
      .orderBy([{ column: 'run_after' }, { column: 'created_at' }, { column: 'id' }])
      .limit(1);
    if (this.db.dialect === 'postgres') candidate.forUpdate().skipLocked();
    // `id = (subquery)` is an uncorrelated scalar subquery, run once; with `IN (...)` PostgreSQL
    // may run it again per row and claim several jobs at once.
    const rows = (await this.jobs()
      .where('id', '=', candidate)
      .where('state', 'queued')
      .update(this.claimChanges(runnerId, leaseMs, now), '*')) as JobRow[];
    return rows.length > 0 ? toClaimed(rows[0], runnerId) : null;
  }

  /** Claims job `id` if it is queued, whatever its run_after (a dispatcher decided it is due). */
  async claim(id: string, runnerId: string, leaseMs: number): Promise<ClaimedJob | null> {
    const rows = (await this.jobs()
      .where({ id, state: 'queued' })
      .update(this.claimChanges(runnerId, leaseMs, this.now()), '*')) as JobRow[];
    return rows.length > 0 ? toClaimed(rows[0], runnerId) : null;
  }

  private claimChanges(runnerId: string, leaseMs: number, now: number): Record<string, unknown> {
    return {
      state: 'running',
      attempts: this.knex.raw('?? + 1', ['attempts']),
      lease_owner: runnerId,
      lease_expires_at: now + leaseMs,
      heartbeat_at: now,
      started_at: now,
      updated_at: now,
      finished_at: null,
      progress: 0,
      message: null,
    };
  }

  /** Extends the lease; false when the runner no longer holds the job. */
  async heartbeat(fence: Fence, leaseMs: number): Promise<boolean> {
    const now = this.now();
    return (await this.fenced(fence).update({ heartbeat_at: now, lease_expires_at: now + leaseMs })) > 0;
  }

  async progress(fence: Fence, percent: number, message?: string): Promise<boolean> {
    const changes: Record<string, unknown> = { progress: percent, updated_at: this.now() };
    if (message !== undefined) changes.message = message;
    return (await this.fenced(fence).update(changes)) > 0;
  }

  async complete(fence: Fence, resultJson: string): Promise<boolean> {
    const now = this.now();
    return (
      (await this.fenced(fence).update({
        state: 'succeeded',
        result: resultJson,
        error: null,
        progress: 100,
        finished_at: now,
        updated_at: now,
        ...releasedLease(),
      })) > 0
    );
  }

  /** Records a failed try: queued again until `retryAt`, or failed for good when retryAt is null. */
  async fail(fence: Fence, error: string, retryAt: number | null): Promise<boolean> {
    const now = this.now();
    const changes =
      retryAt === null
        ? { state: 'failed', error, finished_at: now, updated_at: now, ...releasedLease() }
        : { state: 'queued', error, run_after: retryAt, updated_at: now, ...releasedLease() };
    return (await this.fenced(fence).update(changes)) > 0;
  }

  /** Puts a job interrupted by shutdown back in the queue; the interrupted try does not count. */
  async requeue(fence: Fence): Promise<boolean> {
    const now = this.now();
    return (
      (await this.fenced(fence).update({
        state: 'queued',
        attempts: fence.attempt - 1,
        run_after: now,
        updated_at: now,
        ...releasedLease(),
      })) > 0
    );
  }

  /** Dismisses a queued or running job; true when its state changed. */
  async dismiss(id: string, reason: string): Promise<boolean> {
    const now = this.now();
    const changed = await this.jobs()
      .where({ id })
      .whereIn('state', ['queued', 'running'])
      .update({ state: 'dismissed', error: reason, finished_at: now, updated_at: now, ...releasedLease() });
    return changed > 0;
  }

  /** State and holder of each of `ids` (a runner checks whether its jobs were dismissed). */
  async holders(ids: string[]): Promise<Map<string, { state: JobState; leaseOwner: string | null; attempts: number }>> {
    const result = new Map<string, { state: JobState; leaseOwner: string | null; attempts: number }>();
    if (ids.length === 0) return result;
    const rows = (await this.jobs().whereIn('id', ids).select('id', 'state', 'lease_owner', 'attempts')) as Pick<
      JobRow,
      'id' | 'state' | 'lease_owner' | 'attempts'
    >[];
    for (const r of rows) result.set(r.id, { state: r.state, leaseOwner: r.lease_owner, attempts: Number(r.attempts) });
    return result;
  }

  async running(ids?: string[]): Promise<RunningJob[]> {
    const q = this.jobs()
      .where('state', 'running')
      .select('id', 'type', 'lease_owner', 'lease_expires_at', 'attempts', 'max_attempts', 'backoff_ms');
    if (ids) q.whereIn('id', ids);
    const rows = (await q) as Pick<
      JobRow,
      'id' | 'type' | 'lease_owner' | 'lease_expires_at' | 'attempts' | 'max_attempts' | 'backoff_ms'
    >[];
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      leaseOwner: r.lease_owner,
      leaseExpiresAt: r.lease_expires_at === null ? null : Number(r.lease_expires_at),
      attempts: Number(r.attempts),
      maxAttempts: Number(r.max_attempts),
      backoffMs: Number(r.backoff_ms),
    }));
  }

  /**
   * Ends a try whose runner is gone: queued again (at `retryAt`) or failed when retryAt is null,
   * with `reason` as the error. Conditioned on the holder seen, so only one recoverer acts.
   */
  async interrupt(job: RunningJob, reason: string, retryAt: number | null): Promise<boolean> {
    const now = this.now();
    const q = this.jobs().where({ id: job.id, state: 'running', attempts: job.attempts });
    if (job.leaseOwner === null) q.whereNull('lease_owner');
    else q.where('lease_owner', job.leaseOwner);
    const changes =
      retryAt === null
        ? { state: 'failed', error: reason, finished_at: now, updated_at: now, ...releasedLease() }
        : { state: 'queued', error: reason, run_after: retryAt, updated_at: now, ...releasedLease() };
    return (await q.update(changes)) > 0;
  }

  /** The earliest run_after among queued jobs of `types`, or null when none is queued. */
  async nextRunAfter(types: string[]): Promise<number | null> {
    if (types.length === 0) return null;
    const row = (await this.jobs().where('state', 'queued').whereIn('type', types).min({ next: 'run_after' }).first()) as
      | { next: number | string | null }
      | undefined;
    return row && row.next !== null ? Number(row.next) : null;
  }

  async queued(types: string[]): Promise<QueuedJob[]> {
    if (types.length === 0) return [];
    const rows = (await this.jobs()
      .where('state', 'queued')
      .whereIn('type', types)
      .orderBy('run_after')
      .select('id', 'type', 'run_after', 'max_attempts', 'backoff_ms')) as Pick<
      JobRow,
      'id' | 'type' | 'run_after' | 'max_attempts' | 'backoff_ms'
    >[];
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      runAfter: Number(r.run_after),
      maxAttempts: Number(r.max_attempts),
      backoffMs: Number(r.backoff_ms),
    }));
  }
}

function releasedLease(): Record<string, null> {
  return { lease_owner: null, lease_expires_at: null, heartbeat_at: null };
}

function toClaimed(row: JobRow, runnerId: string): ClaimedJob {
  const record = toRecord(row);
  return { record, fence: { id: row.id, runnerId, attempt: record.attempts }, backoffMs: Number(row.backoff_ms) };
}

function toDate(value: number | string | null): Date | undefined {
  return value === null ? undefined : new Date(Number(value));
}

function toRecord(row: JobRow): JobRecord {
  const record: JobRecord = {
    id: row.id,
    type: row.type,
    state: row.state,
    payload: JSON.parse(row.payload) as unknown,
    progress: Number(row.progress),
    attempts: Number(row.attempts),
    maxAttempts: Number(row.max_attempts),
    createdAt: new Date(Number(row.created_at)),
    updatedAt: new Date(Number(row.updated_at)),
  };
  if (row.result !== null) record.result = JSON.parse(row.result) as unknown;
  if (row.error !== null) record.error = row.error;
  if (row.message !== null) record.message = row.message;
  if (row.owner !== null) record.owner = row.owner;
  const startedAt = toDate(row.started_at);
  if (startedAt) record.startedAt = startedAt;
  const finishedAt = toDate(row.finished_at);
  if (finishedAt) record.finishedAt = finishedAt;
  return record;
}
