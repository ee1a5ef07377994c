import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { startCli, waitForLog } from '../../helpers/cli.js';

const sleeper = fileURLToPath(new URL('../../fixtures/plugins-jobs/sleeper/index.ts', import.meta.url));

interface JobView {
  state: string;
  attempts: number;
  result?: { pid: number; attempt: number };
  logs: string[];
}

async function serve(config: string): Promise<{ child: ChildProcess; url: string }> {
  const child = startCli(['serve', '--config', config]);
  const listening = await waitForLog(child, 'Meridian is listening');
  return { child, url: `http://127.0.0.1:${(listening.ports as Record<string, number>).main}` };
}

async function waitForJob(url: string, id: string, until: (j: JobView) => boolean): Promise<JobView> {
  for (let i = 0; i < 300; i++) {
    const res = await fetch(`${url}/sleeper/jobs/${id}`);
    if (res.status === 200) {
      const job = (await res.json()) as JobView;
      if (until(job)) return job;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} never reached the expected state`);
}

async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill(signal);
  await once(child, 'exit');
}

describe('jobs across server processes', function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'meridian-jobs-e2e-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('a job running when the server is killed is retried and finished by the restarted server', async () => {
    const config = join(dir, 'restart.yaml');
    writeFileSync(
      config,
      [
        `dataDir: ${join(dir, 'restart')}`,
        'server: { port: 0, host: 127.0.0.1 }',
        'log: { level: info, access: false }',
        'jobs: { leaseMs: 2000, pollIntervalMs: 100 }',
        'builtinPlugins: false',
        'plugins:',
        `  sleeper: { package: ${sleeper} }`,
      ].join('\n'),
    );
    let { child, url } = await serve(config);
    const { apiKey } = JSON.parse(readFileSync(join(dir, 'restart', 'admin-credentials.json'), 'utf8')) as { apiKey: string };
    try {
      const created = await fetch(`${url}/sleeper/jobs`, { method: 'POST', headers: { 'X-API-Key': apiKey }, body: JSON.stringify({ ms: 1500, attempts: 2 }) });
      assert.equal(created.status, 201);
      const { id } = (await created.json()) as { id: string };
      const running = await waitForJob(url, id, (j) => j.state === 'running');
      assert.equal(running.attempts, 1);
      const firstPid = child.pid;
      await stop(child, 'SIGKILL');

      ({ child, url } = await serve(config));
      const done = await waitForJob(url, id, (j) => j.state === 'succeeded' || j.state === 'failed');
      assert.equal(done.state, 'succeeded');
      assert.equal(done.result?.attempt, 2);
      assert.notEqual(done.result?.pid, firstPid);
      assert.ok(done.logs.some((l) => l.startsWith('attempt 1 in process')), done.logs.join('\n'));
    } finally {
      await stop(child);
    }
  });

  it('in the scaled-out mode the server only enqueues and a `meridian worker` process runs the job', async function () {
    const pg = process.env.MERIDIAN_TEST_PG;
    const redis = process.env.MERIDIAN_TEST_REDIS;
    if (!pg || !redis) {
      // Needs a database and a queue shared by two processes: PostgreSQL and Redis.
      this.skip();
    }
    const schema = `e2e_${process.pid}_${Date.now()}`;
    const config = join(dir, 'scaled.yaml');
    writeFileSync(
      config,
      [
        `dataDir: ${join(dir, 'scaled')}`,
        'server: { port: 0, host: 127.0.0.1 }',
        'log: { level: info, access: false }',
        `database: { client: postgres, url: "${pg}", schema: ${schema} }`,
        `jobs: { backend: bullmq, redis: "${redis}", prefix: ${schema}, runInServer: false }`,
        'builtinPlugins: false',
        'plugins:',
        `  sleeper: { package: ${sleeper} }`,
      ].join('\n'),
    );
    const { child: server, url } = await serve(config);
    const worker = startCli(['worker', '--config', config]);
    try {
      await waitForLog(worker, 'worker running');
      const { apiKey } = JSON.parse(readFileSync(join(dir, 'scaled', 'admin-credentials.json'), 'utf8')) as { apiKey: string };
      const created = await fetch(`${url}/sleeper/jobs`, { method: 'POST', headers: { 'X-API-Key': apiKey }, body: JSON.stringify({ ms: 50 }) });
      const { id } = (await created.json()) as { id: string };
      const done = await waitForJob(url, id, (j) => j.state === 'succeeded' || j.state === 'failed');
      assert.equal(done.state, 'succeeded');
      assert.equal(done.result?.pid, worker.pid, 'the worker process ran it, not the server');
    } finally {
      await stop(worker);
      await stop(server);
      const { default: knex } = await import('knex');
      const admin = knex({ client: 'pg', connection: pg });
      await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      await admin.destroy();
      const { Redis } = await import('ioredis');
      const client = new Redis(redis!);
      const keys = await client.keys(`${schema}:*`);
      if (keys.length) await client.del(...keys);
      await client.quit();
    }
  });
});
