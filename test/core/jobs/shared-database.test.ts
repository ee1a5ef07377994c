import assert from 'node:assert/strict';
import { createJobQueue, type JobQueue } from '../../../core/jobs/index.js';
import { openDatabase } from '../../../core/storage/db/connect.js';
import type { Database } from '../../../core/storage/db/types.js';
import type { TestDatabase } from '../../helpers/databases.js';
import { sharedDatabaseKinds, silentLogger, sleep, waitFor } from './support.js';

const JOBS = 60;

for (const name of ['sqlite file', 'postgres']) {
  describe(`two in-process runners sharing one database (${name})`, function () {
    this.timeout(60_000);
    let database: TestDatabase;
    let secondDb: Database;
    const queues: JobQueue[] = [];

    before(function () {
      if (!sharedDatabaseKinds().some((k) => k.name === name)) {
        console.log(`      (skipped: set MERIDIAN_TEST_PG to run the ${name} variant)`);
        this.skip();
      }
    });

    beforeEach(async () => {
      const kind = sharedDatabaseKinds().find((k) => k.name === name);
      if (!kind) throw new Error(`no database kind '${name}'`);
      database = await kind.open();
      // Its own connection pool, as a second server process would have.
      secondDb = await openDatabase(database.config);
    });

    afterEach(async () => {
      for (const q of queues.splice(0)) await q.close();
      await secondDb?.close();
      await database?.dispose();
    });

    it('never runs a job twice, and both runners take a share', async () => {
      const executions = new Map<string, string[]>();
      const runners: JobQueue[] = [];
      // One after the other: the first applies the migrations, as a first server start would.
      for (const [index, db] of [database.db, secondDb].entries()) {
        const queue = await createJobQueue({ concurrency: 3, pollIntervalMs: 10 }, { db, logger: silentLogger });
        queues.push(queue);
        const runner = `runner ${index + 1}`;
        queue.register('work', async (job) => {
          executions.set(job.id, [...(executions.get(job.id) ?? []), runner]);
          await job.log(`ran by ${runner}`);
          await sleep(2);
          return runner;
        });
        runners.push(queue);
      }
      await Promise.all(runners.map((q) => q.start()));
      const ids: string[] = [];
      for (let i = 0; i < JOBS; i++) ids.push(await runners[i % 2].enqueue('work', { i }));

      await waitFor('every job to succeed', async () => (await runners[0].counts()).succeeded === JOBS);
      for (const id of ids) {
        assert.equal(executions.get(id)?.length, 1, `job ${id} ran ${executions.get(id)?.length} times`);
        assert.equal((await runners[0].logs(id)).length, 1);
        const job = await runners[1].get(id);
        assert.equal(job?.attempts, 1);
        assert.equal(job?.result, executions.get(id)?.[0]);
      }
      const byRunner = [...executions.values()].flat();
      assert.ok(byRunner.includes('runner 1') && byRunner.includes('runner 2'), 'both runners ran jobs');
    });
  });
}
