import { Queue, UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { ResolvedJobsConfig } from './config.js';
import { INTERRUPTED_BY_RESTART, DatabaseJobQueue, within, type JobQueueDeps } from './queue-base.js';
import type { ClaimedJob, QueuedJob } from './store.js';
import type { JobRecord } from './types.js';

/** What travels through Redis: only the id; the record stays in the database. */
interface Dispatch {
  id: string;
}

interface RedisConnection {
  url: string;
  maxRetriesPerRequest: null;
}

/** BullMQ forbids ':' in queue names and job ids, and integer-looking job ids. */
function queueName(type: string): string {
  return `jobs.${encodeURIComponent(type)}`;
}

function bullJobId(id: string): string {
  return `job-${encodeURIComponent(id)}`;
}

/**
 * Jobs dispatched through Redis with BullMQ to the worker processes that registered their type.
 * The database keeps the record (state, progress, logs, result) and decides each try's fate;
 * BullMQ carries delivery, retries with exponential backoff, and redelivery of jobs whose worker
 * stopped. A dismissal reaches a job running in another process through a Redis message, and
 * through the runners' database polling should the message be missed.
 */
export class BullMQJobQueue extends DatabaseJobQueue {
  readonly backend = 'bullmq';
  private readonly connection: RedisConnection;
  private readonly cancelChannel: string;
  private readonly queues = new Map<string, Queue<Dispatch>>();
  private readonly workers = new Map<string, Worker<Dispatch>>();
  private publisher?: Redis;
  private subscriber?: Redis;
  private reaperTimer?: NodeJS.Timeout;

  constructor(config: ResolvedJobsConfig, deps: JobQueueDeps) {
    super(config, deps);
    if (!config.redis) throw new Error('jobs.redis: the bullmq backend needs a Redis URL');
    this.connection = { url: config.redis, maxRetriesPerRequest: null };
    this.cancelChannel = `${config.prefix}:meridian-jobs:dismissed`;
  }

  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    if (!this.runsJobs) return;
    this.executor.start();
    const subscriber = new Redis(this.config.redis as string, { maxRetriesPerRequest: null });
    subscriber.on('error', (err: Error) => this.logger.warn({ err }, 'redis subscriber error'));
    subscriber.on('message', (_channel: string, id: string) => {
      if (this.executor.abort(id, 'dismissed')) this.logger.info({ job: id }, 'running job dismissed');
    });
    this.subscriber = subscriber;
    await subscriber.subscribe(this.cancelChannel);
    for (const type of this.handlers.keys()) this.startWorker(type);
    await this.reap();
    // Queued records whose dispatch never reached Redis (a crash after the insert, a Redis
    // that lost its data) are dispatched again; BullMQ ignores ids it already holds.
    for (const job of await this.store.queued([...this.handlers.keys()])) await this.dispatch(job);
    const reapEvery = Math.max(this.config.pollIntervalMs, Math.floor(this.config.leaseMs / 2));
    this.reaperTimer = setInterval(() => void this.reap(), reapEvery);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.reaperTimer);
    const workers = [...this.workers.values()];
    if (workers.length > 0) {
      // Worker.close stops fetching and resolves once the jobs it holds have ended.
      const closing = Promise.all(workers.map((w) => w.close())).then(() => undefined);
      await this.drain(() => closing);
      if (!(await within(closing, 1000))) await Promise.all(workers.map((w) => w.close(true)));
    } else {
      this.executor.stop();
    }
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    // Queues leave a shared connection open; it is closed here, after them.
    await Promise.all([this.subscriber, this.publisher].map((c) => c?.quit().catch(() => c.disconnect())));
    this.retire();
  }

  override async ping(): Promise<void> {
    await super.ping();
    await this.redis().ping();
  }

  protected async dispatch(job: QueuedJob): Promise<void> {
    await this.queueFor(job.type).add(
      job.type,
      { id: job.id },
      {
        jobId: bullJobId(job.id),
        attempts: job.maxAttempts,
        backoff: job.backoffMs > 0 ? { type: 'exponential', delay: job.backoffMs } : undefined,
        delay: Math.max(0, job.runAfter - Date.now()),
        removeOnComplete: true,
        removeOnFail: true,
      },
    );
  }

  protected async onDismissed(job: JobRecord): Promise<void> {
    this.executor.abort(job.id, 'dismissed');
    try {
      await this.redis().publish(this.cancelChannel, job.id);
    } catch (err) {
      this.logger.warn({ err, job: job.id }, 'could not signal a dismissal through redis; runners will see it in the database');
    }
    try {
      // A waiting or delayed delivery is dropped now, rather than found dismissed when due.
      await this.queueFor(job.type).remove(bullJobId(job.id));
    } catch (err) {
      // An active delivery is locked by its worker, which stops on the message above.
      this.logger.debug({ err, job: job.id }, 'dismissed job still held by a worker');
    }
  }

  protected onRegistered(type: string): void {
    this.startWorker(type);
  }

  private redis(): Redis {
    if (!this.publisher) {
      // ioredis' default retry limit: an enqueue fails (503) rather than hang while Redis is away.
      this.publisher = new Redis(this.config.redis as string);
      this.publisher.on('error', (err: Error) => this.logger.warn({ err }, 'redis connection error'));
    }
    return this.publisher;
  }

  private queueFor(type: string): Queue<Dispatch> {
    let queue = this.queues.get(type);
    if (!queue) {
      // Queues share one connection; workers open their own (BullMQ blocks on them).
      queue = new Queue<Dispatch>(queueName(type), { connection: this.redis(), prefix: this.config.prefix });
      queue.on('error', (err: Error) => this.logger.warn({ err, type }, 'bullmq queue error'));
      this.queues.set(type, queue);
    }
    return queue;
  }

  private startWorker(type: string): void {
    if (this.workers.has(type)) return;
    const worker = new Worker<Dispatch>(queueName(type), (job, token) => this.process(type, job, token), {
      connection: this.connection,
      prefix: this.config.prefix,
      concurrency: this.concurrencyOf(type),
      lockDuration: this.config.leaseMs,
      stalledInterval: this.config.leaseMs,
      // A stalled job always goes back to wait: the record's attempts decide whether it runs.
      maxStalledCount: 1_000_000,
      removeOnComplete: { count: 0 },
      removeOnFail: { count: 0 },
    });
    worker.on('error', (err: Error) => this.logger.warn({ err, type }, 'bullmq worker error'));
    this.workers.set(type, worker);
  }

  private async process(type: string, delivery: Job<Dispatch>, token?: string): Promise<null> {
    const registration = this.handlers.get(type);
    if (!registration) throw new UnrecoverableError(`no handler registered for job type '${type}'`);
    const claimed = await this.claimDelivered(delivery.data.id);
    if (!claimed) return null;
    const outcome = await this.executor.run(claimed, registration.handler);
    switch (outcome.kind) {
      case 'retry':
        throw new Error(outcome.error);
      case 'failed':
        throw new UnrecoverableError(outcome.error);
      case 'requeued':
        return this.deliverAgain(delivery, token);
      case 'lost':
        // Our lease expired (a stalled event loop) and a reaper queued the record again: the
        // delivery must not complete, or nothing would ever deliver that record.
        if ((await this.store.get(claimed.record.id))?.state === 'queued') return this.deliverAgain(delivery, token);
        return null;
      default:
        return null;
    }
  }

  /** Back to waiting (any worker wakes for it) without spending a BullMQ attempt, as the record did. */
  private async deliverAgain(delivery: Job<Dispatch>, token?: string): Promise<never> {
    await delivery.moveToWait(token);
    throw new WaitingError();
  }

  /**
   * Claims a delivered job. A record still `running` means BullMQ redelivered it because its
   * worker stopped renewing the lock: that try ends as interrupted, and this delivery is the
   * retry when attempts remain.
   */
  private async claimDelivered(id: string): Promise<ClaimedJob | null> {
    const claimed = await this.store.claim(id, this.runnerId, this.config.leaseMs);
    if (claimed) return claimed;
    const [running] = await this.store.running([id]);
    if (!running || running.leaseOwner === this.runnerId) return null;
    if (!(await this.interrupt(running, INTERRUPTED_BY_RESTART))) return null;
    return this.store.claim(id, this.runnerId, this.config.leaseMs);
  }

  private async reap(): Promise<void> {
    try {
      for (const job of await this.recoverInterrupted()) await this.dispatch(job);
    } catch (err) {
      this.logger.error({ err }, 'recovering interrupted jobs failed');
    }
  }
}
