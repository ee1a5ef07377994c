import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { Redis } from 'ioredis';
import { openDatabase } from '../../../core/storage/db/connect.js';
import type { JobAbortedError } from '../../../core/jobs/index.js';
import type { JobQueue, JobRecord } from '../../../core/jobs/types.js';
import { testDatabaseKinds, type TestDatabase } from '../../helpers/databases.js';

export const silentLogger = pino({ level: 'silent' });

const ROOT = resolve(import.meta.dirname, '../../..');

/** Polls `check` until it returns a truthy value; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(15);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export interface Deferred<T = void> {
  promise: Promise<T>;
  resolve(value: T): void;
}

export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves when `signal` aborts. */
export function aborted(signal: AbortSignal): Promise<unknown> {
  return new Promise((r) => {
    if (signal.aborted) r(signal.reason);
    else signal.addEventListener('abort', () => r(signal.reason), { once: true });
  });
}

/**
 * Database kinds that several processes can open at once: a SQLite file in a temporary
 * directory, and PostgreSQL (its own schema) when MERIDIAN_TEST_PG is set.
 */
export function sharedDatabaseKinds(): { name: string; open(): Promise<TestDatabase> }[] {
  return testDatabaseKinds().map((kind) =>
    kind.name === 'postgres'
      ? kind
      : {
          name: 'sqlite file',
          async open(): Promise<TestDatabase> {
            const dir = mkdtempSync(join(tmpdir(), 'meridian-jobs-'));
            const config = { client: 'sqlite' as const, filename: join(dir, 'meridian.sqlite') };
            const db = await openDatabase(config);
            return {
              db,
              config,
              async dispose() {
                await db.close();
                rmSync(dir, { recursive: true, force: true });
              },
            };
          },
        },
  );
}

/** A Node child process running a fixture script, with its stdout as lines. */
export class Fixture {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private stderr = '';

  constructor(script: string, env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'test/fixtures/jobs', script)], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    createInterface({ input: this.child.stdout! }).on('line', (line) => this.lines.push(line));
    this.child.stderr!.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((r) => this.child.once('exit', (code) => r(code)));
  }

  /** Waits for a stdout line matching `pattern`; fails early when the child exits. */
  async line(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    let exited = false;
    void this.exited.then(() => {
      exited = true;
    });
    return waitFor(
      `a line ${pattern} from the fixture`,
      () => {
        const found = this.lines.find((l) => pattern.test(l));
        if (!found && exited) throw new Error(`The fixture exited before printing ${pattern}:\n${this.stderr}`);
        return found;
      },
      timeoutMs,
    );
  }

  async kill(signal: NodeJS.Signals): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    await this.exited;
  }

  /** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  get errors(): string {
    return this.stderr;
  }
}

/** Deletes every Redis key under `prefix` (tests use a unique prefix each). */
export async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

/**
 * The shutdown contract every backend keeps: a job running when its queue closes sees its signal
 * abort with kind 'shutdown', goes back to queued without spending an attempt, and a second queue
 * finishes it. Returns the first queue's log lines of the job for backend-specific checks.
 */
export async function checkShutdownRequeue(
  openFirst: () => Promise<JobQueue>,
  openSecond: () => Promise<JobQueue>,
  ended: (queue: JobQueue, id: string) => Promise<JobRecord>,
): Promise<string[]> {
  const first = await openFirst();
  const started = deferred();
  const reasons: unknown[] = [];
  first.register('long', async (job) => {
    started.resolve();
    reasons.push(await aborted(job.signal));
    throw new Error('stopped');
  });
  await first.start();
  const id = await first.enqueue('long', {}, { attempts: 1 });
  await started.promise;
  await first.close();
  assert.equal((reasons[0] as JobAbortedError).kind, 'shutdown');
  const requeued = await first.get(id);
  assert.equal(requeued?.state, 'queued');
  assert.equal(requeued?.attempts, 0);
  const logs = await first.logs(id);

  const second = await openSecond();
  second.register('long', async (job) => `finished on attempt ${job.attempt}`);
  await second.start();
  const done = await ended(second, id);
  assert.equal(done.state, 'succeeded');
  assert.equal(done.result, 'finished on attempt 1');
  return logs;
}
