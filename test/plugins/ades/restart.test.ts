/**
 * A server restart in the middle of a queue loses no job: four jobs queued behind a running one
 * (one at a time), the server closed while the first runs (its try is aborted and queued again),
 * a new server on the same database runs them all to success.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { fixture, startAdes } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`ades restart (${kind.name})`, function () {
    this.timeout(180_000);

    it('runs every accepted job after a restart, the interrupted one included', async () => {
      const test = await kind.open();
      await test.db.close();
      const database = kind.name === 'sqlite' ? { client: 'sqlite', filename: join(mkdtempSync(join(tmpdir(), 'ades-restart-')), 'meridian.db') } : (test.config as unknown as Record<string, unknown>);
      const options = { database, catalogue: false, processing: { concurrency: 1 } };
      const first = await startAdes(null, options);
      const ids: string[] = [];
      try {
        assert.equal((await first.request('POST', '/processes', { as: 'alice', body: fixture('sleeper.cwl'), type: 'application/cwl+yaml' })).status, 201);
        for (let i = 0; i < 4; i++) {
          const res = await first.request('POST', '/processes/sleeper/execution', { as: 'alice', headers: { Prefer: 'respond-async' }, body: { inputs: { seconds: i === 0 ? '6' : '0.2', tag: `job-${i}` } } });
          assert.equal(res.status, 201, res.text);
          ids.push(res.json.jobID);
        }
        const deadline = Date.now() + 60_000;
        while ((await first.request('GET', `/jobs/${ids[0]}`, { as: 'alice' })).json.status !== 'running') {
          assert.ok(Date.now() < deadline, 'the first job never started');
          await new Promise((r) => setTimeout(r, 100));
        }
        const queued = await first.request('GET', '/jobs?status=accepted', { as: 'alice' });
        assert.equal(queued.json.jobs.length, 3);
      } finally {
        await first.close();
      }
      // The interrupted try did not count: the job runs again from the start on the new server.
      const second = await startAdes(null, options);
      try {
        for (const id of ids) {
          const done = await second.waitJob(id, 'alice', 120_000);
          assert.equal(done.status, 'successful', JSON.stringify(done));
        }
        const logs = await second.request('GET', `/jobs/${ids[0]}/logs`, { as: 'alice' });
        assert.match(logs.text, /interrupted by shutdown; queued again/);
        const all = await second.request('GET', '/jobs?processID=sleeper&limit=100', { as: 'alice' });
        assert.deepEqual(all.json.jobs.map((j: { jobID: string }) => j.jobID).sort(), [...ids].sort());
      } finally {
        await second.close();
        await test.dispose().catch(() => {});
      }
    });
  });
}
