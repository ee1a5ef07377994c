import type { ClaimedJob, QueuedJob } from './store.js';
import { DatabaseJobQueue } from './queue-base.js';
import type { JobRecord } from './types.js';

/** The shortest pause between two claim rounds, so a contended due job cannot make us spin. */
const MIN_PAUSE_MS = 10;

/**
 * The default backend: runners in this process claim due jobs from the database. Any number of
 * processes may share one database (PostgreSQL, or a SQLite file on one machine); each claim is
 * atomic, so a job runs in one place only. An enqueue in this process wakes the runners at once;
 * other processes notice it within `pollIntervalMs`.
 */
export class InProcessJobQueue extends DatabaseJobQueue {
  readonly backend = 'inprocess';
  private pumping?: Promise<void>;
  private pumpAgain = false;
  private pumpTimer?: NodeJS.Timeout;
  private reaperTimer?: NodeJS.Timeout;

  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    if (!this.runsJobs) return;
    this.executor.start();
    await this.recoverInterrupted();
    // Leases are checked a few times per lease period so a dead runner's jobs wait little.
    const reapEvery = Math.max(this.config.pollIntervalMs, Math.floor(this.config.leaseMs / 2));
    this.reaperTimer = setInterval(() => void this.reap(), reapEvery);
    this.wake();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.reaperTimer);
    clearTimeout(this.pumpTimer);
    // A claim in flight may still hand a job to the executor; let it, so drain sees that job.
    await this.pumping;
    if (this.started && this.runsJobs) await this.drain(() => this.executor.idle());
    this.retire();
  }

  protected async dispatch(_job: QueuedJob): Promise<void> {
    this.wake();
  }

  protected async onDismissed(job: JobRecord): Promise<void> {
    this.executor.abort(job.id, 'dismissed');
    this.wake();
  }

  protected onRegistered(): void {
    this.wake();
  }

  private async reap(): Promise<void> {
    try {
      if ((await this.recoverInterrupted()).length > 0) this.wake();
    } catch (err) {
      this.logger.error({ err }, 'recovering interrupted jobs failed');
    }
  }

  private wake(): void {
    if (!this.started || this.closed || !this.runsJobs) return;
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    clearTimeout(this.pumpTimer);
    this.pumping = this.pump().finally(() => {
      this.pumping = undefined;
      if (this.closed) return;
      if (this.pumpAgain) this.wake();
    });
  }

  /** Claims due jobs while slots are free, then sleeps until the next is due or a poll. */
  private async pump(): Promise<void> {
    let pause = this.config.pollIntervalMs;
    try {
      do {
        this.pumpAgain = false;
        for (let types = this.freeTypes(); types.length > 0 && !this.closed; types = this.freeTypes()) {
          const claimed = await this.store.claimNext(types, this.runnerId, this.config.leaseMs);
          if (!claimed) break;
          this.launch(claimed);
        }
      } while (this.pumpAgain && !this.closed);
      const next = await this.store.nextRunAfter(this.freeTypes());
      if (next !== null) pause = Math.max(MIN_PAUSE_MS, Math.min(pause, next - Date.now()));
    } catch (err) {
      this.logger.error({ err }, 'claiming jobs failed');
    }
    if (!this.closed && !this.pumpAgain) this.pumpTimer = setTimeout(() => this.wake(), pause);
  }

  private freeTypes(): string[] {
    return [...this.handlers.keys()].filter((type) => this.executor.runningOf(type) < this.concurrencyOf(type));
  }

  private launch(claimed: ClaimedJob): void {
    const { record } = claimed;
    const registration = this.handlers.get(record.type);
    if (!registration) throw new Error(`Claimed a job of unregistered type '${record.type}'`);
    this.logger.debug({ job: record.id, type: record.type, attempt: claimed.fence.attempt }, 'job started');
    this.executor
      .run(claimed, registration.handler)
      .then((outcome) => this.logger.debug({ job: record.id, outcome: outcome.kind }, 'job try ended'))
      .catch((err: unknown) => this.logger.error({ err, job: record.id }, 'recording the end of a job failed'))
      .finally(() => this.wake());
  }
}
