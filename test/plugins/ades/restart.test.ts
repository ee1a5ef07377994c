/**
 * A server restart in the middle of a queue loses no job: four jobs queued behind a running one
 * (one at a time), the server closed while the first runs (its try is aborted and queued again),
 * a new server on the same database runs them all to success.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { createApiKey } from '../../../core/auth/index.js';
import { openDatabase, type DatabaseConfig } from '../../../core/storage/db/connect.js';
import { startCli, waitForLog } from '../../helpers/cli.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { fixture, startAdes, testRules } from './support.js';

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

    it('runs again a job whose server was killed while running it, and the jobs queued behind it', async () => {
      const test = await kind.open();
      await test.db.close();
      const dir = mkdtempSync(join(tmpdir(), 'ades-crash-'));
      const database = kind.name === 'sqlite' ? { client: 'sqlite', filename: join(dir, 'meridian.db') } : (test.config as unknown as Record<string, unknown>);
      const blobs = { type: 'fs', root: join(dir, 'blobs') };
      const auth = { decisionPoint: { type: 'rules', rules: testRules } };
      const config = join(dir, 'serve.json');
      writeFileSync(config, JSON.stringify({ database, blobs, auth, jobs: { pollIntervalMs: 100 }, builtinPlugins: false, sampleData: false, dataDir: join(dir, 'data'), server: { host: '127.0.0.1', port: 0 }, log: { level: 'info' }, plugins: { processing: { concurrency: 1 }, ades: {} } }));
      const server = startCli(['serve', '--config', config]);
      const ids: string[] = [];
      const tag = `crash-${process.pid}-${Date.now()}`;
      try {
        const url = String((await waitForLog(server, 'Meridian is listening')).url).replace(/\/$/, '');
        const db = await openDatabase(database as unknown as DatabaseConfig);
        const key = (await createApiKey(db, { user: 'alice' })).key;
        await db.close();
        const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
          const res = await fetch(`${url}/ades${path}`, { method, headers: { 'X-API-Key': key, ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
          return { status: res.status, json: (await res.json().catch(() => null)) as any };
        };
        assert.equal((await call('POST', '/processes', fixture('sleeper.cwl'), { 'Content-Type': 'application/cwl+yaml' })).status, 201);
        for (let i = 0; i < 3; i++) {
          const res = await call('POST', '/processes/sleeper/execution', { inputs: { seconds: i === 0 ? '4' : '0.2', tag: i === 0 ? tag : `q${i}` } }, { 'Content-Type': 'application/json', Prefer: 'respond-async' });
          assert.equal(res.status, 201);
          ids.push(res.json.jobID);
        }
        const deadline = Date.now() + 60_000;
        while ((await call('GET', `/jobs/${ids[0]}`)).json.status !== 'running') {
          assert.ok(Date.now() < deadline, 'the first job never started');
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        server.kill('SIGKILL');
        await new Promise((r) => (server.exitCode !== null || server.signalCode !== null ? r(null) : server.once('exit', r)));
      }
      const second = await startAdes(null, { database, catalogue: false, processing: { concurrency: 1 }, inline: { blobs } });
      try {
        for (const id of ids) assert.equal((await second.waitJob(id, 'alice', 120_000)).status, 'successful');
        const logs = await second.request('GET', `/jobs/${ids[0]}/logs`, { as: 'alice' });
        assert.match(logs.text, /attempt 1 of 2 interrupted by restart; queued again/);
      } finally {
        await second.close();
        // The killed server's tool was orphaned with it; it ends on its own within seconds.
        await test.dispose().catch(() => {});
      }
    });
  });
}
