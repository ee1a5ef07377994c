import assert from 'node:assert/strict';
import { createJobQueue, type JobQueue, type JobRecord, type JobsConfig } from '../../../core/jobs/index.js';
import type { TestDatabase } from '../../helpers/databases.js';
import { Fixture, sharedDatabaseKinds, silentLogger, waitFor } from './support.js';

for (const kind of sharedDatabaseKinds()) {
  describe(`jobs across a restart of the server process (${kind.name})`, function () {
    this.timeout(90_000);
    let database: TestDatabase;
    const queues: JobQueue[] = [];
    const fixtures: Fixture[] = [];

    async function openQueue(config: Partial<JobsConfig>, role: 'all' | 'producer' = 'all'): Promise<JobQueue> {
      const queue = await createJobQueue({ pollIntervalMs: 50, ...config }, { db: database.db, logger: silentLogger, role });
      queues.push(queue);
      return queue;
    }

    /** Starts a server process that enqueues job `id` and runs it until killed. */
    async function serverRunning(id: string, attempts: number, leaseMs = 60_000): Promise<Fixture> {
      const child = new Fixture('restart-child.ts', {
        FIXTURE_DB: JSON.stringify(database.config),
        JOB_ID: id,
        JOB_ATTEMPTS: String(attempts),
        LEASE_MS: String(leaseMs),
      });
      fixtures.push(child);
      await child.line(new RegExp(`^running ${id} `));
      return child;
    }

    async function ended(queue: JobQueue, id: string): Promise<JobRecord> {
      return waitFor(`job ${id} to end`, async () => {
        const job = await queue.get(id);
        return job && ['succeeded', 'failed', 'dismissed'].includes(job.state) ? job : null;
      });
    }

    beforeEach(async () => {
      database = await kind.open();
    });

    afterEach(async () => {
      for (const child of fixtures.splice(0)) await child.kill('SIGKILL');
      for (const q of queues.splice(0)) await q.close();
      await database.dispose();
    });

    it('retries a job whose process was killed mid-job, and the retry succeeds', async () => {
      const child = await serverRunning('survivor', 2);
      const observer = await openQueue({}, 'producer');
      const before = await observer.get('survivor');
      assert.equal(before?.state, 'running');
      assert.equal(before?.attempts, 1);
      assert.equal(before?.progress, 10);

      await child.kill('SIGKILL');

      // A long lease: only noticing that the holder's process is gone can recover it this soon.
      const restarted = await openQueue({ leaseMs: 600_000 });
      restarted.register('slow', async (job) => ({ attempt: job.attempt, payload: job.payload }));
      await restarted.start();
      const done = await ended(restarted, 'survivor');
      assert.equal(done.state, 'succeeded');
      assert.equal(done.attempts, 2);
      assert.deepEqual(done.result, { attempt: 2, payload: { from: 'child' } });
      assert.deepEqual(await restarted.logs('survivor'), [
        `started in child ${child.child.pid}`,
        'attempt 1 of 2 interrupted by restart; queued again',
      ]);
    });

    it('fails a job whose process was killed mid-job when no attempt is left, giving the reason', async () => {
      const child = await serverRunning('last-chance', 1);
      await child.kill('SIGKILL');

      const restarted = await openQueue({ leaseMs: 600_000 });
      let ran = false;
      restarted.register('slow', async () => {
        ran = true;
        return null;
      });
      await restarted.start();
      const done = await ended(restarted, 'last-chance');
      assert.equal(done.state, 'failed');
      assert.equal(done.error, 'interrupted by restart');
      assert.equal(done.attempts, 1);
      assert.ok(done.finishedAt instanceof Date);
      assert.equal(ran, false);
      assert.deepEqual(await restarted.counts(), { queued: 0, running: 0, succeeded: 0, failed: 1, dismissed: 0 });
    });

    it('takes over a job from a frozen process once its lease expires, and the frozen runner lets go', async () => {
      const child = await serverRunning('frozen', 2, 400);
      child.child.kill('SIGSTOP');

      const other = await openQueue({ leaseMs: 400 });
      other.register('slow', async () => 'taken over');
      await other.start();
      const done = await ended(other, 'frozen');
      assert.equal(done.state, 'succeeded');
      assert.equal(done.result, 'taken over');
      assert.equal(done.attempts, 2);
      assert.ok((await other.logs('frozen')).includes('attempt 1 of 2 interrupted: its runner stopped renewing the lease; queued again'));

      child.child.kill('SIGCONT');
      await child.line(/^aborted lease-lost$/);
      const after = await other.get('frozen');
      assert.equal(after?.state, 'succeeded');
      assert.equal(after?.result, 'taken over');
    });
  });
}
