/**
 * Crash safety: the server (a child process running `meridian serve`) is killed with SIGKILL in
 * the middle of a PUT and in the middle of a multipart Complete; after a restart the object is
 * the old one or the new one, whole, never a mix or a truncation.
 */
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, startCli, waitForLog } from '../../helpers/cli.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { signRequest } from './support.js';

const MiB = 1024 * 1024;
const md5 = (b: Buffer) => createHash('md5').update(b).digest('hex');

interface Key {
  accessKeyId: string;
  secretAccessKey: string;
}

function call(port: number, key: Key, method: string, path: string, query: Record<string, string> = {}, body?: Buffer): Promise<{ status: number; body: Buffer }> {
  const s = signRequest({ method, path, query, host: `127.0.0.1:${port}`, key });
  return new Promise((resolve, reject) => {
    const req = request(s.url, { method, headers: { ...s.headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (d: Buffer) => parts.push(d));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Largest temporary file of puts in progress (0 when none). */
function tempBytes(blobRoot: string): number {
  const dir = join(blobRoot, '.meridian', 'tmp');
  try {
    return Math.max(0, ...readdirSync(dir).map((f) => statSync(join(dir, f)).size));
  } catch {
    return 0;
  }
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`s3 crash safety (${kind.name})`, function () {
    this.timeout(120_000);
    let dir: string;
    let config: string;
    let dispose: () => Promise<void>;
    let server: ChildProcess | undefined;
    let key: Key;

    const start = async (): Promise<number> => {
      server = startCli(['serve', '--config', config]);
      const ready = await waitForLog(server, 'Meridian is listening');
      return (ready.ports as Record<string, number>).s3!;
    };
    const kill = async () => {
      const child = server!;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
      server = undefined;
    };

    before(async () => {
      const db = await kind.open();
      await db.db.close();
      dispose = db.dispose;
      dir = mkdtempSync(join(tmpdir(), 's3-crash-'));
      config = join(dir, 'meridian.json');
      const database = kind.name === 'sqlite' ? { client: 'sqlite', filename: join(dir, 'meridian.db') } : db.config;
      writeFileSync(
        config,
        JSON.stringify({ dataDir: dir, sampleData: false, database, blobs: { type: 'fs', root: join(dir, 'blobs') }, server: { port: 0, host: '127.0.0.1' }, log: { level: 'info', access: false }, plugins: { s3: { listen: 0 } } }),
      );
      const created = await runCli(['s3', 'keys', 'create', '--user', 'crash', '--json', '--config', config]);
      assert.equal(created.code, 0, created.stderr);
      key = JSON.parse(created.stdout.trim().split('\n').at(-1)!) as Key;
    });
    after(async () => {
      if (server) await kill();
      await dispose?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('a PUT killed half-way leaves the old object whole', async () => {
      let port = await start();
      assert.equal((await call(port, key, 'PUT', '/crash-bucket')).status, 200);
      const old = Buffer.alloc(MiB, 'A');
      assert.equal((await call(port, key, 'PUT', '/crash-bucket/obj', {}, old)).status, 200);
      const size = 32 * MiB;
      const s = signRequest({ method: 'PUT', path: '/crash-bucket/obj', host: `127.0.0.1:${port}`, key });
      const req = request(s.url, { method: 'PUT', headers: { ...s.headers, 'content-length': String(size) } });
      req.on('error', () => undefined);
      req.write(Buffer.alloc(8 * MiB, 'B'));
      await waitFor(() => tempBytes(join(dir, 'blobs')) > 0, 'the upload to reach the temporary file');
      await kill();
      req.destroy();
      port = await start();
      const got = await call(port, key, 'GET', '/crash-bucket/obj');
      assert.equal(got.status, 200);
      assert.equal(md5(got.body), md5(old));
      await kill();
    });

    it('a multipart Complete killed half-way leaves the old object whole, and a retried Complete the new one', async () => {
      let port = await start();
      const old = (await call(port, key, 'GET', '/crash-bucket/obj')).body;
      const init = await call(port, key, 'POST', '/crash-bucket/obj', { uploads: '' });
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(init.body.toString())![1]!;
      const parts = [Buffer.alloc(24 * MiB, 'C'), Buffer.alloc(24 * MiB, 'D'), Buffer.alloc(MiB, 'E')];
      for (let i = 0; i < parts.length; i++) assert.equal((await call(port, key, 'PUT', '/crash-bucket/obj', { partNumber: String(i + 1), uploadId }, parts[i])).status, 200);
      const xml = `<CompleteMultipartUpload>${parts.map((p, i) => `<Part><PartNumber>${i + 1}</PartNumber><ETag>"${md5(p)}"</ETag></Part>`).join('')}</CompleteMultipartUpload>`;
      const completing = call(port, key, 'POST', '/crash-bucket/obj', { uploadId }, Buffer.from(xml)).catch(() => undefined);
      await waitFor(() => tempBytes(join(dir, 'blobs')) > 0, 'the assembly to reach the temporary file');
      await kill();
      await completing;
      port = await start();
      const after = (await call(port, key, 'GET', '/crash-bucket/obj')).body;
      const whole = Buffer.concat(parts);
      assert.ok(md5(after) === md5(old) || md5(after) === md5(whole), `object is neither the old nor the new one (${after.length} bytes)`);
      const retried = await call(port, key, 'POST', '/crash-bucket/obj', { uploadId }, Buffer.from(xml));
      assert.equal(retried.status, 200, retried.body.toString());
      assert.equal(md5((await call(port, key, 'GET', '/crash-bucket/obj')).body), md5(whole));
      await kill();
    });
  });
}
