/**
 * The scaled-out mode (when MERIDIAN_TEST_REDIS is set): jobs dispatched through BullMQ on Redis
 * to two `meridian worker` processes sharing the server's database (a SQLite file) and blob
 * store; the server only enqueues. Every job runs once, both workers take some, and each job's
 * result comes back through the ADES; a job a worker ended is deleted with its files when dismissed.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, waitForLog } from '../../helpers/cli.js';
import { fixture, startAdes, testRules, type AdesHarness } from './support.js';

const REDIS = process.env.MERIDIAN_TEST_REDIS;

(REDIS ? describe : describe.skip)('ades with BullMQ and two meridian worker processes', function () {
  this.timeout(180_000);
  const dir = mkdtempSync(join(tmpdir(), 'ades-bullmq-'));
  const prefix = `ades-test-${process.pid}-${Date.now()}`;
  const shared = {
    database: { client: 'sqlite', filename: join(dir, 'meridian.db') },
    blobs: { type: 'fs', root: join(dir, 'blobs') },
    jobs: { backend: 'bullmq', redis: REDIS, prefix, runInServer: false, pollIntervalMs: 100 },
    auth: { decisionPoint: { type: 'rules', rules: testRules } },
  };
  const workers: ChildProcess[] = [];
  let h: AdesHarness;

  before(async () => {
    // The server first: it applies the migrations the workers then find done.
    h = await startAdes(null, { database: shared.database, catalogue: false, inline: { blobs: shared.blobs, jobs: shared.jobs } });
    const config = join(dir, 'worker.json');
    writeFileSync(config, JSON.stringify({ ...shared, builtinPlugins: false, sampleData: false, dataDir: join(dir, 'worker-data'), log: { level: 'info' }, plugins: { processing: { concurrency: 2 } } }));
    for (let i = 0; i < 2; i++) {
      const w = startCli(['worker', '--config', config]);
      workers.push(w);
      await waitForLog(w, 'worker running');
    }
  });
  after(async () => {
    for (const w of workers) w.kill('SIGTERM');
    await Promise.all(workers.map((w) => new Promise((r) => (w.exitCode !== null ? r(null) : w.once('exit', r)))));
    await h?.close();
  });

  it('shares the jobs between the workers, each run once, results through the ADES', async () => {
    assert.equal((await h.request('POST', '/processes', { as: 'alice', body: fixture('whoami.cwl'), type: 'application/cwl+yaml' })).status, 201);
    const ids: string[] = [];
    for (let n = 0; n < 8; n++) {
      const res = await h.request('POST', '/processes/whoami/execution', { as: 'alice', headers: { Prefer: 'respond-async' }, body: { inputs: { n } } });
      assert.equal(res.status, 201, res.text);
      ids.push(res.json.jobID);
    }
    const workerPids = workers.map((w) => String(w.pid));
    const runners = new Map<string, number>();
    for (const id of ids) {
      const done = await h.waitJob(id, 'alice', 120_000);
      assert.equal(done.status, 'successful', JSON.stringify(done));
      const results = await h.request('GET', `/jobs/${id}/results`, { as: 'alice' });
      const ancestors = (await h.request('GET', results.json.runner.href, { as: 'alice' })).text.trim().split(' ');
      const pid = ancestors.find((a) => workerPids.includes(a));
      assert.ok(pid, `job ${id} run under ${ancestors.join(' < ')}, not by a worker (${workerPids.join(', ')})`);
      runners.set(pid, (runners.get(pid) ?? 0) + 1);
    }
    assert.equal(runners.size, 2, `both workers ran jobs: ${JSON.stringify([...runners])}`);
  });

  it('dismisses a job a worker ran to its end: deleted with its files, then 404', async () => {
    const res = await h.request('POST', '/processes/whoami/execution', { as: 'alice', headers: { Prefer: 'respond-async' }, body: { inputs: { n: 99 } } });
    assert.equal(res.status, 201, res.text);
    const id = res.json.jobID as string;
    assert.equal((await h.waitJob(id, 'alice', 120_000)).status, 'successful');
    const results = await h.request('GET', `/jobs/${id}/results`, { as: 'alice' });
    const href = results.json.runner.href as string;
    assert.equal((await h.request('GET', href, { as: 'alice' })).status, 200);
    const dismissed = await h.request('DELETE', `/jobs/${id}`, { as: 'alice' });
    assert.equal(dismissed.status, 200, dismissed.text);
    assert.equal(dismissed.json.status, 'dismissed');
    assert.equal((await h.request('GET', `/jobs/${id}`, { as: 'alice' })).status, 404);
    assert.equal((await h.request('GET', href, { as: 'alice' })).status, 404);
    assert.deepEqual((await h.server.meridian.stores.blobs.list(`workspaces/alice/jobs/${id}/`)).items, []);
    assert.equal(await h.server.meridian.stores.jobs.get(id), null);
  });
});
