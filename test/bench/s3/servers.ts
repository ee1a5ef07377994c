// The targets of the s3 benchmark, each in a child process of its own (`node --import tsx
// servers.ts <kind> <dir>`): `meridian` (the real server with the s3 plugin on the fs blob store
// under <dir>/blobs) and `plain-put` (a bare node:http server writing each PUT body to a file
// with the same durability as the blob store: temporary file, fsync, rename, fsync of the folder —
// without it the rename, so the acknowledged object, may not survive a crash). The plain writer
// writes as competently as the store: the socket's chunks that gather while a write is in flight
// go out in one writev (1 MiB high-water mark), not one positional write each. It computes no
// digest and keeps no metadata; under /md5/ it also computes the MD5 of the body (sent as the
// ETag), which S3 needs for every object: the cost of the ETag alone, shown beside. `raw-get` is
// bare node:http serving <dir>/blobs/s3's files by path as nginx does (open, fstat, read, close
// per request; no auth, no metadata), and under /mem/ the same bytes from memory: what Node's own
// HTTP and fs cost for a GET, so that a gap to nginx splits into Node's share and Meridian's.
// The child prints one JSON line {port, pid, accessKeyId?, secretAccessKey?} when ready.
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Writable } from 'node:stream';
import { loadConfig } from '../../../core/config/load.js';
import { createLogger } from '../../../core/logger.js';
import { assemble } from '../../../core/server/assemble.js';
import type { AccessKeys } from '../../../plugins/s3/access-keys.js';

const [kind, dir] = process.argv.slice(2) as [string, string];

async function meridian(): Promise<void> {
  const builtinDir = new URL('../../../plugins/', import.meta.url).pathname;
  const loaded = await loadConfig({
    inline: {
      builtinPlugins: false,
      dataDir: dir,
      sampleData: false,
      database: { client: 'sqlite', filename: join(dir, 'meridian.db') },
      blobs: { type: 'fs', root: join(dir, 'blobs') },
      server: { port: 0, host: '127.0.0.1' },
      log: { level: 'warn', access: false },
      plugins: { s3: { listen: 0, workspaces: { enabled: false } } },
    },
    builtinDir,
  });
  const m = await assemble(loaded, createLogger(loaded.config.log), 'serve');
  const ports = await m.listen();
  const keys = (m.plugins.find((p) => p.name === 's3')!.instance.provide!.s3 as { keys: AccessKeys }).keys;
  const key = await keys.create({ user: 'bench', groups: ['admin'] });
  process.stdout.write(`${JSON.stringify({ port: ports.s3, pid: process.pid, accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey })}\n`);
}

async function plainPut(): Promise<void> {
  const root = join(dir, 'plain');
  const tmp = mkdtempSync(join(dir, 'plain-tmp-'));
  mkdirSync(root, { recursive: true });
  const server = createServer((req, res) => {
    const url = req.url ?? '/x';
    const md5 = url.startsWith('/md5/') ? createHash('md5') : undefined;
    const name = url.slice(md5 ? 5 : 1).replace(/[^a-zA-Z0-9._-]/g, '_');
    const temporary = join(tmp, randomUUID());
    void (async () => {
      const handle = await open(temporary, 'w');
      let position = 0;
      try {
        await pipeline(
          req,
          new Writable({
            highWaterMark: 1 << 20,
            write(chunk: Buffer, _e, callback) {
              md5?.update(chunk);
              handle.write(chunk, 0, chunk.length, position).then(() => callback(), callback);
              position += chunk.length;
            },
            writev(chunks: Array<{ chunk: Buffer }>, callback) {
              const buffers = chunks.map((c) => c.chunk);
              if (md5) for (const b of buffers) md5.update(b);
              const at = position;
              for (const b of buffers) position += b.length;
              // Short writes do not happen on a local file; the store handles them, a baseline need not.
              handle.writev(buffers, at).then(() => callback(), callback);
            },
          }),
        );
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temporary, join(root, name));
      const folder = await open(root, 'r');
      await folder.sync().finally(() => folder.close());
      res.writeHead(200, { 'content-length': '0', ...(md5 ? { etag: `"${md5.digest('hex')}"` } : {}) }).end();
    })().catch(async () => {
      await unlink(temporary).catch(() => undefined);
      res.writeHead(500).end();
    });
  });
  server.keepAliveTimeout = 75_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`);
}

async function rawGet(): Promise<void> {
  const root = join(dir, 'blobs', 's3');
  // Under /mem/: the file's bytes read once, then answered from memory by URL with nothing else
  // done per request, the ceiling of node:http itself for that response.
  const inMemory = new Map<string, Buffer>();
  const headers = (size: number) => ({ 'content-type': 'application/octet-stream', 'content-length': String(size) });
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const kept = inMemory.get(url);
    if (kept) {
      res.writeHead(200, headers(kept.length)).end(kept);
      return;
    }
    const fromMemory = url.startsWith('/mem/');
    const path = join(root, decodeURIComponent((fromMemory ? url.slice(4) : url).split('?')[0]!).replace(/\.\.+/g, '_'));
    void (async () => {
      // As nginx does: open, fstat, read (small files at once, large ones in 1 MiB reads), close;
      // under /mem/ whole, whatever the size, to be kept.
      const handle = await open(path, 'r');
      try {
        const size = (await handle.stat()).size;
        if (size <= 1 << 20 || fromMemory) {
          const bytes = await handle.readFile();
          if (fromMemory) inMemory.set(url, bytes);
          res.writeHead(200, headers(size)).end(bytes);
        } else {
          await pipeline(handle.createReadStream({ highWaterMark: 1 << 20, autoClose: false }), res.writeHead(200, headers(size)));
        }
      } finally {
        await handle.close();
      }
    })().catch(() => {
      if (!res.headersSent) res.writeHead(404, { 'content-length': '0' }).end();
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 75_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`);
}

// Stopped by SIGTERM from the bench: exit normally, so that a --cpu-prof profile gets written.
process.once('SIGTERM', () => process.exit(0));
await (kind === 'meridian' ? meridian() : kind === 'raw-get' ? rawGet() : plainPut());
