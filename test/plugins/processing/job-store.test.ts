import assert from 'node:assert/strict';
import { pino } from 'pino';
import { authenticatedSubject, createAuthHooks, LOCAL_USER_ISSUER, type MeridianAuthHooks } from '../../../core/auth/index.js';
import type { Subject } from '../../../core/auth/types.js';
import { createJobQueue } from '../../../core/jobs/index.js';
import type { JobQueue } from '../../../core/jobs/types.js';
import { jobResource } from '../../../plugins/processing/engine.js';
import { JobStore } from '../../../plugins/processing/job-store.js';
import { PROCESS_JOBS_TABLE, processingMigrations } from '../../../plugins/processing/migrations.js';
import { testDatabaseKinds, type TestDatabase } from '../../helpers/databases.js';

const logger = pino({ level: 'silent' });
const user = (id: string, groups: string[] = []): Subject => authenticatedSubject({ id, issuer: LOCAL_USER_ISSUER, method: 'basic', groups });

for (const kind of testDatabaseKinds()) {
  describe(`plugins/processing/job-store listing (${kind.name})`, function () {
    this.timeout(60_000);
    let test: TestDatabase;
    let auth: MeridianAuthHooks;
    let queue: JobQueue;
    let store: JobStore;
    const alice = user('alice');
    const bob = user('bob');
    const admin = user('root', ['admin']);
    /** Every job in listing order (newest first, then by id), with its owner and whether it was dismissed. */
    let all: Array<{ id: string; owner: string; process: string; dismissed: boolean }>;

    before(async () => {
      test = await kind.open();
      await test.db.migrate('processing', processingMigrations);
      auth = await createAuthHooks(undefined, { db: test.db, logger });
      await auth.ready();
      // Not started: jobs stay queued unless dismissed.
      queue = await createJobQueue({ pollIntervalMs: 3_600_000, shutdownGraceMs: 0 }, { db: test.db, logger, role: 'producer' });
      store = new JobStore({ db: test.db, jobs: queue, auth, table: PROCESS_JOBS_TABLE, resource: jobResource, poll: { firstMs: 10, maxMs: 50 } });
      // 520 jobs, more than two of the listing's batches: alice owns every third, bob the rest;
      // every fifth of alice's is dismissed; two processes alternate.
      for (let i = 0; i < 520; i++) {
        const owner = i % 3 === 0 ? alice : bob;
        await store.submit('execute', {}, { id: `job-${String(i).padStart(4, '0')}`, processId: i % 2 ? 'odd' : 'even', subject: owner, attempts: 1 });
      }
      const rows = (await test.db.knex(PROCESS_JOBS_TABLE).orderBy([{ column: 'created', order: 'desc' }, { column: 'job_id', order: 'asc' }])) as Array<{ job_id: string; owner: string; process_id: string }>;
      let alices = 0;
      all = [];
      for (const row of rows) {
        const dismissed = row.owner === 'alice' && alices++ % 5 === 0;
        if (dismissed) assert.equal(await queue.cancel(row.job_id), true);
        all.push({ id: row.job_id, owner: row.owner, process: row.process_id, dismissed });
      }
    });
    after(async () => {
      await queue?.close();
      await auth?.close();
      await test?.dispose();
    });

    const ids = (jobs: Array<{ id: string }>) => jobs.map((j) => j.id);

    it('pages through only the jobs the subject may read, in order, with offset, limit and more', async () => {
      const alicesJobs = all.filter((j) => j.owner === 'alice');
      assert.equal(alicesJobs.length, 174);
      const pages: string[] = [];
      for (let offset = 0; ; offset += 50) {
        const page = await store.list({ limit: 50, offset }, alice);
        pages.push(...ids(page.jobs));
        assert.equal(page.more, offset + 50 < alicesJobs.length, `more at offset ${offset}`);
        if (!page.more) break;
      }
      assert.deepEqual(pages, ids(alicesJobs));
      const bobs = await store.list({ limit: 1000 }, bob);
      assert.deepEqual(ids(bobs.jobs), ids(all.filter((j) => j.owner === 'bob')));
      assert.equal(bobs.more, false);
      const everyone = await store.list({ limit: 1000 }, admin);
      assert.deepEqual(ids(everyone.jobs), ids(all));
      assert.equal((await store.list({ limit: 10 }, user('carol'))).jobs.length, 0);
    });

    it('filters by status and process among the readable jobs, offset counting only those', async () => {
      const dismissed = all.filter((j) => j.owner === 'alice' && j.dismissed);
      const got = await store.list({ statuses: ['dismissed'], limit: 1000 }, alice);
      assert.deepEqual(ids(got.jobs), ids(dismissed));
      assert.ok(got.jobs.every((j) => j.status === 'dismissed' && j.owner === 'alice'));
      const accepted = all.filter((j) => j.owner === 'alice' && !j.dismissed && j.process === 'odd');
      const page = await store.list({ statuses: ['accepted'], processIds: ['odd'], limit: 7, offset: 30 }, alice);
      assert.deepEqual(ids(page.jobs), ids(accepted.slice(30, 37)));
      assert.equal(page.more, true);
      assert.deepEqual(ids((await store.list({ statuses: ['dismissed'], limit: 1000 }, bob)).jobs), []);
    });
  });
}
