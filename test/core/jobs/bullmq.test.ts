import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createJobQueue, JobAbortedError, type JobQueue, type JobRecord, type JobsConfig } from '../../../core/jobs/index.js';
import type { TestDatabase } from '../../helpers/databases.js';
import { aborted, checkShutdownRequeue, deferred, deleteRedisKeys, Fixture, sharedDatabaseKinds, silentLogger, waitFor } from './support.js';

const redisUrl = process.env.MERIDIAN_TEST_REDIS;

for (const kind of sharedDatabaseKinds()) {
  describe(`BullMQ job queue on Redis, records on ${kind.name}`, function () {
    this.timeout(90_000);
    let database: TestDatabase;
    let prefix: string;
    const queues: JobQueue[] = [];
    const fixtures: Fixture[] = [];

    before(function () {
      if (!redisUrl) {
        console.log('      (skipped: set MERIDIAN_TEST_REDIS to run the BullMQ tests)');
        this.skip();
      }
    });

    beforeEach(async () => {
      database = await kind.open();
      prefix = `meridian-test-${randomBytes(6).toString('hex')}`;
    });

    afterEach(async () => {
      await Promise.all(fixtures.splice(0).map((f) => f.stop()));
      for (const q of queues.splice(0)) await q.close();
      if (redisUrl) await deleteRedisKeys(redisUrl, prefix);
      await database?.dispose();
    });

    async function openQueue(role: 'all' | 'producer' | 'worker', config: Partial<JobsConfig> = {}): Promise<JobQueue> {
      const queue = await createJobQueue(
        { backend: 'bullmq', redis: redisUrl, prefix, pollIntervalMs: 50, shutdownGraceMs: 0, ...config },
        { db: database.db, logger: silentLogger, role },
      );
      queues.push(queue);
      return queue;
    }

    /** A worker in a process of its own, with its own database and Redis connections. */
    async function workerProcess(name: string, leaseMs = 3_600_000): Promise<Fixture> {
      const worker = new Fixture('bullmq-worker.ts', {
        FIXTURE_DB: JSON.stringify(database.config),
        REDIS_URL: redisUrl ?? '',
        REDIS_PREFIX: prefix,
        WORKER_NAME: name,
        LEASE_MS: String(leaseMs),
      });
      fixtures.push(worker);
      await worker.line(/^ready$/);
      return worker;
    }

    async function ended(queue: JobQueue, id: string): Promise<JobRecord> {
      return waitFor(`job ${id} to end`, async () => {
        const job = await queue.get(id);
        return job && ['succeeded', 'failed', 'dismissed'].includes(job.state) ? job : null;
      });
    }

    it('shares jobs between two worker processes and runs each exactly once', async () => {
      const producer = await openQueue('producer');
      await producer.ping();
      // The first worker applies the migrations before the second opens the database.
      await workerProcess('worker A');
      await workerProcess('worker B');
      const ids: string[] = [];
      for (let i = 0; i < 40; i++) ids.push(await producer.enqueue('share', { i }));
      await waitFor('every job to succeed', async () => (await producer.counts()).succeeded === ids.length);
      const ranBy = new Set<string>();
      for (const id of ids) {
        const logs = await producer.logs(id);
        assert.equal(logs.length, 1, `job ${id} ran ${logs.length} times: ${logs.join(', ')}`);
        const job = await producer.get(id);
        assert.equal(job?.attempts, 1);
        assert.deepEqual(job?.result, { by: logs[0].replace('ran by ', '') });
        ranBy.add(logs[0]);
      }
      assert.deepEqual([...ranBy].sort(), ['ran by worker A', 'ran by worker B']);
    });

    it('dismisses a job running in another process: its signal fires there and it ends dismissed', async () => {
      const worker = await workerProcess('worker A');
      const producer = await openQueue('producer');
      const id = await producer.enqueue('wait-for-dismissal', {});
      await worker.line(new RegExp(`^started ${id}$`));
      assert.equal((await producer.get(id))?.state, 'running');

      assert.equal(await producer.cancel(id), true);
      await worker.line(new RegExp(`^aborted ${id} dismissed$`));
      await waitFor('the handler to log its abort', async () => (await producer.logs(id)).includes('aborted (dismissed)'));
      const job = await producer.get(id);
      assert.equal(job?.state, 'dismissed');
      assert.equal(job?.error, 'dismissed');
      assert.equal(job?.result, undefined);
    });

    it('never starts a queued job that was dismissed', async () => {
      const producer = await openQueue('producer');
      const dismissedId = await producer.enqueue('task', { n: 1 });
      assert.equal(await producer.cancel(dismissedId), true);

      const worker = await openQueue('worker');
      const ran: string[] = [];
      worker.register('task', async (job) => {
        ran.push(job.id);
        return null;
      });
      await worker.start();
      const laterId = await producer.enqueue('task', { n: 2 });
      assert.equal((await ended(producer, laterId)).state, 'succeeded');
      assert.equal((await producer.get(dismissedId))?.state, 'dismissed');
      assert.deepEqual(ran, [laterId]);
    });

    it('retries a failing job with exponential backoff, records progress and logs, and succeeds', async () => {
      const queue = await openQueue('all');
      const starts: number[] = [];
      const failures: number[] = [];
      queue.register('flaky', async (job) => {
        starts.push(Date.now());
        await job.progress(50, `try ${job.attempt}`);
        await job.log(`try ${job.attempt}`);
        if (job.attempt < 3) {
          failures.push(Date.now());
          throw new Error(`boom ${job.attempt}`);
        }
        return { attempt: job.attempt };
      });
      await queue.start();
      const id = await queue.enqueue('flaky', {}, { attempts: 3, backoffMs: 50 });
      const done = await ended(queue, id);
      assert.equal(done.state, 'succeeded');
      assert.equal(done.attempts, 3);
      assert.deepEqual(done.result, { attempt: 3 });
      assert.equal(done.message, 'try 3');
      assert.ok(starts[1] - failures[0] >= 50, `second try started ${starts[1] - failures[0]} ms after the first failed`);
      assert.ok(starts[2] - failures[1] >= 100, `third try started ${starts[2] - failures[1]} ms after the second failed`);
      assert.deepEqual(await queue.logs(id), [
        'try 1',
        'attempt 1 of 3 failed: boom 1; retrying in 50 ms',
        'try 2',
        'attempt 2 of 3 failed: boom 2; retrying in 100 ms',
        'try 3',
      ]);
    });

    it('fails a job with the last error once its attempts are spent', async () => {
      const queue = await openQueue('all');
      let calls = 0;
      queue.register('doomed', async (job) => {
        calls += 1;
        throw new Error(`broken on try ${job.attempt}`);
      });
      await queue.start();
      const id = await queue.enqueue('doomed', {}, { attempts: 2, backoffMs: 10 });
      const done = await ended(queue, id);
      assert.equal(done.state, 'failed');
      assert.equal(done.error, 'broken on try 2');
      assert.equal(done.attempts, 2);
      assert.equal(calls, 2);
    });

    it('queues a job interrupted by a worker shutdown again, and another worker finishes it', async () => {
      await checkShutdownRequeue(() => openQueue('worker'), () => openQueue('worker'), ended);
    });

    for (const attempts of [2, 1]) {
      it(`${attempts > 1 ? 'retries' : 'fails, giving the reason,'} a job whose worker process was killed mid-job`, async () => {
        const doomed = await workerProcess('worker A', 1000);
        const producer = await openQueue('producer');
        const id = await producer.enqueue('resumable', {}, { attempts });
        await doomed.line(new RegExp(`^started ${id}$`));
        await doomed.kill('SIGKILL');

        // BullMQ hands the job on once the dead worker's lock expires; the record says how.
        const survivor = await openQueue('worker', { leaseMs: 1000 });
        const ran: number[] = [];
        survivor.register('resumable', async (job) => {
          ran.push(job.attempt);
          return { resumedBy: 'survivor', attempt: job.attempt };
        });
        await survivor.start();
        const done = await ended(producer, id);
        if (attempts > 1) {
          assert.equal(done.state, 'succeeded');
          assert.deepEqual(done.result, { resumedBy: 'survivor', attempt: 2 });
          assert.deepEqual(ran, [2]);
        } else {
          assert.equal(done.state, 'failed');
          assert.equal(done.error, 'interrupted by restart');
          assert.deepEqual(ran, []);
        }
        assert.equal(done.attempts, attempts);
      });
    }

    it('takes over a job from a frozen worker process once its lease expires, and the frozen worker lets go', async () => {
      const frozen = await workerProcess('worker A', 1000);
      const producer = await openQueue('producer');
      const id = await producer.enqueue('resumable', {}, { attempts: 2 });
      await frozen.line(new RegExp(`^started ${id}$`));
      frozen.child.kill('SIGSTOP');

      const survivor = await openQueue('worker', { leaseMs: 1000 });
      survivor.register('resumable', async (job) => ({ resumedBy: 'survivor', attempt: job.attempt }));
      await survivor.start();
      const done = await ended(producer, id);
      assert.equal(done.state, 'succeeded');
      assert.deepEqual(done.result, { resumedBy: 'survivor', attempt: 2 });

      frozen.child.kill('SIGCONT');
      await frozen.line(new RegExp(`^aborted ${id} lease-lost$`));
      const after = await producer.get(id);
      assert.equal(after?.state, 'succeeded');
      assert.deepEqual(after?.result, { resumedBy: 'survivor', attempt: 2 });
      assert.ok((await producer.logs(id)).includes('attempt 1 of 2 interrupted: its runner stopped renewing the lease; queued again'));
    });
  });
}
