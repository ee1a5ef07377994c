import assert from 'node:assert/strict';
import { createJobQueue, JobAbortedError, type JobQueue, type JobsConfig } from '../../../core/jobs/index.js';
import { MeridianError } from '../../../core/errors.js';
import type { Database } from '../../../core/storage/db/types.js';
import { testDatabaseKinds, type TestDatabase } from '../../helpers/databases.js';
import { aborted, checkShutdownRequeue, deferred, silentLogger, waitFor, type Deferred } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`in-process job queue on ${kind.name}`, function () {
    let database: TestDatabase;
    let db: Database;
    const queues: JobQueue[] = [];

    async function openQueue(config: Partial<JobsConfig> = {}, role: 'all' | 'producer' | 'worker' = 'all'): Promise<JobQueue> {
      const queue = await createJobQueue({ pollIntervalMs: 50, shutdownGraceMs: 0, ...config }, { db, logger: silentLogger, role });
      queues.push(queue);
      return queue;
    }

    async function settled(queue: JobQueue, id: string) {
      return waitFor(`job ${id} to end`, async () => {
        const job = await queue.get(id);
        return job && ['succeeded', 'failed', 'dismissed'].includes(job.state) ? job : null;
      });
    }

    beforeEach(async () => {
      database = await kind.open();
      db = database.db;
    });

    afterEach(async () => {
      for (const q of queues.splice(0)) await q.close();
      await database.dispose();
    });

    it('runs a job from queued through running to succeeded and stores its result', async () => {
      const queue = await openQueue();
      const seen = deferred<string>();
      const release = deferred();
      queue.register('echo', async (job) => {
        seen.resolve(String(job.attempt));
        await release.promise;
        return { echoed: job.payload };
      });
      const id = await queue.enqueue('echo', { text: 'hello' }, { owner: 'alice' });
      const queued = await queue.get(id);
      assert.equal(queued?.state, 'queued');
      assert.deepEqual(queued?.payload, { text: 'hello' });
      assert.equal(queued?.owner, 'alice');
      assert.equal(queued?.attempts, 0);
      assert.equal(queued?.maxAttempts, 1);

      await queue.start();
      assert.equal(await seen.promise, '1');
      const running = await queue.get(id);
      assert.equal(running?.state, 'running');
      assert.equal(running?.attempts, 1);
      assert.ok(running?.startedAt instanceof Date);

      release.resolve();
      const done = await settled(queue, id);
      assert.equal(done.state, 'succeeded');
      assert.deepEqual(done.result, { echoed: { text: 'hello' } });
      assert.equal(done.progress, 100);
      assert.equal(done.error, undefined);
      assert.ok(done.finishedAt instanceof Date);
    });

    it('starts a job enqueued after start without waiting for a poll', async () => {
      // A poll interval far longer than the test timeout: only the enqueue wake-up can start it.
      const queue = await openQueue({ pollIntervalMs: 3_600_000 });
      queue.register('quick', async () => 'done');
      await queue.start();
      const id = await queue.enqueue('quick', null);
      assert.equal((await settled(queue, id)).state, 'succeeded');
    });

    it('records progress, message and log lines while a job runs', async () => {
      const queue = await openQueue();
      const reported = deferred();
      const release = deferred();
      queue.register('steps', async (job) => {
        await job.log('step one');
        await job.progress(40, 'halfway there');
        await job.log('step two');
        reported.resolve();
        await release.promise;
        return 'ok';
      });
      await queue.start();
      const id = await queue.enqueue('steps', {});
      await reported.promise;
      const mid = await queue.get(id);
      assert.equal(mid?.progress, 40);
      assert.equal(mid?.message, 'halfway there');
      assert.deepEqual(await queue.logs(id), ['step one', 'step two']);
      release.resolve();
      assert.equal((await settled(queue, id)).state, 'succeeded');
    });

    it('retries a failing job with exponential backoff and succeeds on a later attempt', async () => {
      const queue = await openQueue();
      const starts: number[] = [];
      const failures: number[] = [];
      queue.register('flaky', async (job) => {
        starts.push(Date.now());
        if (job.attempt < 3) {
          failures.push(Date.now());
          throw new Error(`boom ${job.attempt}`);
        }
        return { attempt: job.attempt };
      });
      await queue.start();
      const id = await queue.enqueue('flaky', {}, { attempts: 4, backoffMs: 40 });
      const done = await settled(queue, id);
      assert.equal(done.state, 'succeeded');
      assert.equal(done.attempts, 3);
      assert.deepEqual(done.result, { attempt: 3 });
      // Each retry waits at least its backoff: 40 ms, then 80 ms.
      assert.ok(starts[1] - failures[0] >= 40, `second try started ${starts[1] - failures[0]} ms after the first failed`);
      assert.ok(starts[2] - failures[1] >= 80, `third try started ${starts[2] - failures[1]} ms after the second failed`);
      assert.deepEqual(await queue.logs(id), [
        'attempt 1 of 4 failed: boom 1; retrying in 40 ms',
        'attempt 2 of 4 failed: boom 2; retrying in 80 ms',
      ]);
    });

    it('fails a job with the last error message once its attempts are spent', async () => {
      const queue = await openQueue();
      let calls = 0;
      queue.register('doomed', async (job) => {
        calls += 1;
        throw new Error(`broken on try ${job.attempt}`);
      });
      await queue.start();
      const id = await queue.enqueue('doomed', {}, { attempts: 2, backoffMs: 5 });
      const done = await settled(queue, id);
      assert.equal(done.state, 'failed');
      assert.equal(done.error, 'broken on try 2');
      assert.equal(done.attempts, 2);
      assert.equal(done.result, undefined);
      assert.equal(calls, 2);
    });

    it('never starts a queued job that was dismissed', async () => {
      const queue = await openQueue();
      const ran: string[] = [];
      queue.register('task', async (job) => {
        ran.push(job.id);
        return null;
      });
      const dismissedId = await queue.enqueue('task', { n: 1 });
      assert.equal(await queue.cancel(dismissedId), true);
      assert.equal(await queue.cancel(dismissedId), false, 'a second dismissal changes nothing');
      await queue.start();
      const laterId = await queue.enqueue('task', { n: 2 });
      assert.equal((await settled(queue, laterId)).state, 'succeeded');
      const dismissed = await queue.get(dismissedId);
      assert.equal(dismissed?.state, 'dismissed');
      assert.equal(dismissed?.attempts, 0);
      assert.deepEqual(ran, [laterId]);
    });

    it('removes an ended job with its log lines, and refuses to remove a queued or running one', async () => {
      const queue = await openQueue();
      const release = deferred();
      queue.register('logged', async (job) => {
        await job.log('working');
        if ((job.payload as { wait?: boolean }).wait) await release.promise;
        return { ok: true };
      });
      const queuedId = await queue.enqueue('logged', { wait: true });
      assert.equal(await queue.remove(queuedId), false, 'a queued job stays');
      await queue.start();
      await waitFor('the job to run', async () => ((await queue.get(queuedId))?.state === 'running' ? true : null));
      assert.equal(await queue.remove(queuedId), false, 'a running job stays');
      assert.equal((await queue.get(queuedId))?.state, 'running');
      release.resolve();
      assert.equal((await settled(queue, queuedId)).state, 'succeeded');
      assert.deepEqual(await queue.logs(queuedId), ['working']);
      assert.equal(await queue.remove(queuedId), true);
      assert.equal(await queue.get(queuedId), null);
      assert.deepEqual(await queue.logs(queuedId), []);
      assert.equal(await queue.remove(queuedId), false, 'nothing left to remove');
      const dismissedId = await queue.enqueue('logged', { wait: true }, { delayMs: 60_000 });
      assert.equal(await queue.cancel(dismissedId), true);
      assert.equal(await queue.remove(dismissedId), true, 'a dismissed job can be removed');
      assert.equal(await queue.get(dismissedId), null);
    });

    it('aborts a running job when dismissed and keeps it dismissed whatever the handler returns', async () => {
      const queue = await openQueue();
      const started = deferred();
      const reasons: unknown[] = [];
      let returned = false;
      queue.register('long', async (job) => {
        started.resolve();
        reasons.push(await aborted(job.signal));
        await job.progress(99, 'too late');
        returned = true;
        return 'a result nobody wants';
      });
      await queue.start();
      const id = await queue.enqueue('long', {});
      await started.promise;
      assert.equal(await queue.cancel(id), true);
      await waitFor('the handler to return after the abort', () => returned);
      assert.ok(reasons[0] instanceof JobAbortedError);
      assert.equal((reasons[0] as JobAbortedError).kind, 'dismissed');
      await waitFor('the runner to let the job go', async () => (await queue.counts()).running === 0);
      const job = await queue.get(id);
      assert.equal(job?.state, 'dismissed');
      assert.equal(job?.result, undefined);
      assert.equal(job?.error, 'dismissed');
      assert.notEqual(job?.progress, 99);
      assert.equal(await queue.cancel(id), false);
    });

    it('counts jobs per state', async () => {
      const queue = await openQueue();
      queue.register('ok', async () => 1);
      queue.register('bad', async () => {
        throw new Error('no');
      });
      await queue.start();
      const done = await Promise.all([queue.enqueue('ok', {}), queue.enqueue('ok', {}), queue.enqueue('bad', {})]);
      for (const id of done) await settled(queue, id);
      await queue.enqueue('unhandled', {});
      await queue.cancel(await queue.enqueue('unhandled', {}));
      assert.deepEqual(await queue.counts(), { queued: 1, running: 0, succeeded: 2, failed: 1, dismissed: 1 });
    });

    it('lists jobs by type, state and owner, newest first', async () => {
      const queue = await openQueue();
      const a = await queue.enqueue('kind-a', {}, { owner: 'ann', id: 'job-a' });
      const b = await queue.enqueue('kind-b', {}, { owner: 'bob', id: 'job-b' });
      const c = await queue.enqueue('kind-a', {}, { owner: 'bob', id: 'job-c' });
      await queue.cancel(c);
      assert.deepEqual((await queue.list({ type: 'kind-a' })).map((j) => j.id).sort(), [a, c].sort());
      assert.deepEqual((await queue.list({ owner: 'bob', state: 'queued' })).map((j) => j.id), [b]);
      assert.deepEqual((await queue.list({ state: ['dismissed', 'queued'], limit: 2 })).length, 2);
      assert.equal(await queue.get('no-such-job'), null);
    });

    it('refuses a caller-chosen id that already exists, and a payload that is not JSON', async () => {
      const queue = await openQueue();
      await queue.enqueue('x', {}, { id: 'fixed-id' });
      await assert.rejects(queue.enqueue('x', {}, { id: 'fixed-id' }), (err: unknown) => err instanceof MeridianError && err.status === 409);
      const circular: Record<string, unknown> = {};
      circular.self = circular;
      await assert.rejects(queue.enqueue('x', circular), (err: unknown) => err instanceof MeridianError && err.status === 400);
      await assert.rejects(queue.enqueue('x', {}, { attempts: 0 }), (err: unknown) => err instanceof MeridianError && err.status === 400);
      assert.equal((await queue.counts()).queued, 1);
    });

    it('runs no more jobs of one type at once than its concurrency, while other types proceed', async () => {
      const queue = await openQueue({ concurrency: 5 });
      let running = 0;
      let maxRunning = 0;
      const gates: Deferred[] = [];
      queue.register(
        'limited',
        async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          const gate = deferred();
          gates.push(gate);
          await gate.promise;
          running -= 1;
          return null;
        },
        { concurrency: 2 },
      );
      queue.register('other', async () => 'free');
      await queue.start();
      const ids = [];
      for (let i = 0; i < 6; i++) ids.push(await queue.enqueue('limited', { i }));
      await waitFor('two limited jobs to run', () => gates.length === 2);
      // Another type is not held up by the full one.
      const otherId = await queue.enqueue('other', {});
      assert.equal((await settled(queue, otherId)).state, 'succeeded');
      assert.equal((await queue.counts()).running, 2);
      for (let released = 0; released < 6; released++) {
        await waitFor('a gate', () => gates.length > released);
        gates[released].resolve();
      }
      for (const id of ids) assert.equal((await settled(queue, id)).state, 'succeeded');
      assert.equal(maxRunning, 2);
    });

    it('lets the config set a type concurrency over what the plugin registered', async () => {
      const queue = await openQueue({ concurrencyByType: { limited: 1 } });
      let running = 0;
      let maxRunning = 0;
      queue.register(
        'limited',
        async () => {
          running += 1;
          maxRunning = Math.max(maxRunning, running);
          await new Promise<void>((r) => setImmediate(r));
          running -= 1;
          return null;
        },
        { concurrency: 3 },
      );
      await queue.start();
      const ids = await Promise.all([1, 2, 3, 4].map((i) => queue.enqueue('limited', { i })));
      for (const id of ids) await settled(queue, id);
      assert.equal(maxRunning, 1);
    });

    it('queues a running job again when shutdown interrupts it, without spending an attempt', async () => {
      const logs = await checkShutdownRequeue(() => openQueue({ shutdownGraceMs: 0 }), () => openQueue(), settled);
      assert.deepEqual(logs, ['interrupted by shutdown; queued again']);
    });

    it('lets running jobs finish within the shutdown grace period', async () => {
      const queue = await openQueue({ shutdownGraceMs: 20_000 });
      const started = deferred();
      const release = deferred();
      queue.register('short', async () => {
        started.resolve();
        await release.promise;
        return 'finished';
      });
      await queue.start();
      const id = await queue.enqueue('short', {});
      await started.promise;
      const closing = queue.close();
      await assert.rejects(queue.enqueue('short', {}), (err: unknown) => err instanceof MeridianError && err.status === 503);
      release.resolve();
      await closing;
      const job = await queue.get(id);
      assert.equal(job?.state, 'succeeded');
      assert.equal(job?.result, 'finished');
    });

    it('runs nothing in a producer-only process', async () => {
      const producer = await openQueue({}, 'producer');
      let ran = false;
      producer.register('task', async () => {
        ran = true;
        return null;
      });
      await producer.start();
      const id = await producer.enqueue('task', {});
      const worker = await openQueue({}, 'worker');
      worker.register('task', async () => 'by the worker');
      await worker.start();
      const done = await settled(worker, id);
      assert.equal(done.result, 'by the worker');
      assert.equal(ran, false);
    });

    it('runs a delayed job only once its delay has passed', async () => {
      const queue = await openQueue();
      let startedAt = 0;
      queue.register('later', async () => {
        startedAt = Date.now();
        return null;
      });
      await queue.start();
      const enqueuedAt = Date.now();
      const id = await queue.enqueue('later', {}, { delayMs: 60 });
      await settled(queue, id);
      assert.ok(startedAt - enqueuedAt >= 60, `started ${startedAt - enqueuedAt} ms after enqueue`);
    });
  });
}
