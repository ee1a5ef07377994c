import assert from 'node:assert/strict';
import { once } from 'node:events';
import { get } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { startCli, waitForLog } from '../../helpers/cli.js';

const sleeper = fileURLToPath(new URL('../../fixtures/plugins-jobs/sleeper/index.ts', import.meta.url));

/** The pid of the process that answers, on a new connection each time (the cluster balances connections). */
function answeringPid(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`${url}/sleeper/pid`, { agent: false }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve((JSON.parse(body) as { pid: number }).pid));
    }).on('error', reject);
  });
}

async function pidsAnswering(url: string, requests: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < requests; i++) pids.add(await answeringPid(url));
  return pids;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('core/server: several HTTP processes (server.processes)', function () {
  this.timeout(120000);
  const dir = mkdtempSync(join(tmpdir(), 'meridian-cluster-'));
  let child: ChildProcess | undefined;
  let url = '';
  after(async () => {
    if (child && child.exitCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts the processes once the primary has set the platform up, and every one of them answers', async () => {
    const config = join(dir, 'cluster.yaml');
    writeFileSync(
      config,
      [
        `dataDir: ${join(dir, 'data')}`,
        'server: { port: 0, host: 127.0.0.1, processes: 2 }',
        'log: { level: info, access: false }',
        'jobs: { pollIntervalMs: 100 }',
        'builtinPlugins: false',
        'plugins:',
        `  sleeper: { package: ${sleeper} }`,
      ].join('\n'),
    );
    child = startCli(['serve', '--config', config]);
    const listening = await waitForLog(child, 'Meridian is listening');
    assert.equal(listening.processes, 2);
    url = `http://127.0.0.1:${(listening.ports as Record<string, number>).main}`;
    const pids = await pidsAnswering(url, 30);
    assert.equal(pids.size, 2, `answered by ${[...pids].join(', ')}`);
    assert.ok(!pids.has(child.pid!), 'the primary serves no requests');
  });

  it('gives each HTTP process a 64 MiB young-generation semi-space', async () => {
    for (const pid of await pidsAnswering(url, 10)) {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      assert.ok(args.includes('--max-semi-space-size=64'), `process ${pid}: ${args.join(' ')}`);
    }
  });

  it('runs jobs that any process enqueued in the primary', async () => {
    // Written once by the primary, before any HTTP process started.
    const admin = JSON.parse(readFileSync(join(dir, 'data', 'admin-credentials.json'), 'utf8')) as { apiKey: string };
    const created = await fetch(`${url}/sleeper/jobs`, { method: 'POST', headers: { 'X-API-Key': admin.apiKey }, body: JSON.stringify({ ms: 10 }) });
    assert.equal(created.status, 201);
    const { id } = (await created.json()) as { id: string };
    let result: { pid: number } | undefined;
    for (let i = 0; i < 100 && !result; i++) {
      const job = (await (await fetch(`${url}/sleeper/jobs/${id}`)).json()) as { state: string; result?: { pid: number } };
      if (job.state === 'succeeded' || job.state === 'completed' || job.result) result = job.result;
      else await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(result?.pid, child!.pid);
  });

  it('starts another process when one dies, and keeps serving meanwhile', async () => {
    const before = await pidsAnswering(url, 20);
    const [victim] = [...before];
    process.kill(victim!, 'SIGKILL');
    let after = new Set<number>();
    for (let i = 0; i < 50; i++) {
      await new Promise((r) => setTimeout(r, 200));
      after = await pidsAnswering(url, 10);
      if (after.size === 2 && !after.has(victim!)) break;
    }
    assert.ok(!after.has(victim!));
    assert.equal(after.size, 2, 'a replacement answers beside the survivor');
  });

  it('stops every process on SIGTERM to the primary', async () => {
    const pids = await pidsAnswering(url, 20);
    child!.kill('SIGTERM');
    const [code] = (await once(child!, 'exit')) as [number];
    assert.equal(code, 0);
    for (const pid of pids) {
      for (let i = 0; i < 50 && alive(pid); i++) await new Promise((r) => setTimeout(r, 100));
      assert.ok(!alive(pid), `process ${pid} still runs`);
    }
  });
});
