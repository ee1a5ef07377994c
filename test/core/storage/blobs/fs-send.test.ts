import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readlinkSync } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { FsBlobStore } from '../../../../core/storage/blobs/fs.js';
import type { BlobObject } from '../../../../core/storage/blobs/types.js';

const MiB = 1024 * 1024;
const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');
/** Descriptors of this process open on files under `dir` (sockets and the rest left out). */
function openFilesUnder(dir: string): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir)) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

/** Bytes that differ from chunk to chunk, so a reused buffer sent twice would show. */
function pattern(size: number, seed = 0): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 131 + (i >> 12) * 7 + seed) & 0xff;
  return b;
}

/** An http server whose handler sends what `serve` gives it through writeTo. */
async function httpServer(serve: (req: IncomingMessage, res: ServerResponse) => Promise<void>): Promise<{ server: Server; url: string; errors: unknown[] }> {
  const errors: unknown[] = [];
  const server = createServer((req, res) => {
    serve(req, res).catch((err: unknown) => {
      errors.push(err);
      res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, errors };
}

function fetchBytes(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => get(url, (res) => buffer(res).then(resolve, reject)).on('error', reject));
}

describe('core/storage/blobs/fs writeTo (forSending)', () => {
  let sandbox: string;
  let store: FsBlobStore;
  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'meridian-fs-send-'));
    store = await FsBlobStore.open({ root: join(sandbox, 'store') });
  });
  afterEach(async () => {
    await rm(sandbox, { recursive: true, force: true });
  });

  it('sends every byte of objects and ranges of any size through an http response, and closes the file', async () => {
    const sizes = [0, 1, 1000, 64 * 1024, 64 * 1024 + 1, MiB, 3 * MiB + 5];
    for (const size of sizes) await store.put(`o/${size}`, pattern(size, size));
    const { server, url, errors } = await httpServer(async (req, res) => {
      const [, size, from, to] = /^\/(\d+)(?:\/(\d+)-(\d+))?$/.exec(req.url!)!;
      const range = from !== undefined ? { start: Number(from), end: Number(to) } : undefined;
      const object = await store.get(`o/${size}`, { chunkSize: MiB, forSending: true, ...(range ? { range } : {}) });
      res.setHeader('content-length', object.range ? object.range.end - object.range.start + 1 : object.size);
      await object.writeTo!(res);
    });
    try {
            for (const size of sizes) {
        const got = await fetchBytes(`${url}/${size}`);
        assert.equal(got.length, size);
        assert.equal(md5(got), md5(pattern(size, size)), `object of ${size} bytes`);
      }
      const big = pattern(3 * MiB + 5, 3 * MiB + 5);
      for (const [from, to] of [[0, 0], [MiB - 3, MiB + 2], [100, 2 * MiB + 100], [3 * MiB, 3 * MiB + 4], [5, 64 * 1024 + 4]] as const) {
        assert.ok((await fetchBytes(`${url}/${3 * MiB + 5}/${from}-${to}`)).equals(big.subarray(from, to + 1)), `range ${from}-${to}`);
      }
      await sleep(20);
      assert.equal(openFilesUnder(sandbox), 0, 'every file closed');
      assert.deepEqual(errors, []);
    } finally {
      server.close();
    }
  });

  it('keeps the bytes of concurrent sends apart (buffers are reused only once written)', async () => {
    const objects = Array.from({ length: 8 }, (_, i) => pattern(2 * MiB + i * 4099, i + 1));
    for (const [i, body] of objects.entries()) await store.put(`c/${i}`, body);
    const { server, url } = await httpServer(async (req, res) => {
      const object = await store.get(`c${req.url!}`, { chunkSize: 256 * 1024, forSending: true });
      res.setHeader('content-length', object.size);
      await object.writeTo!(res);
    });
    try {
      for (let round = 0; round < 3; round++) {
        const got = await Promise.all(objects.map((_, i) => fetchBytes(`${url}/${i}`)));
        for (const [i, body] of objects.entries()) assert.equal(md5(got[i]!), md5(body), `object ${i}, round ${round}`);
      }
    } finally {
      server.close();
    }
  });

  it('sends the version it opened whole while the key is replaced', async () => {
    const first = pattern(4 * MiB, 1);
    await store.put('v', first);
    let object: BlobObject | undefined;
    const { server, url } = await httpServer(async (_req, res) => {
      object = await store.get('v', { chunkSize: 64 * 1024, forSending: true });
      res.setHeader('content-length', object.size);
      await store.put('v', pattern(MiB, 2));
      await object.writeTo!(res);
    });
    try {
      assert.equal(md5(await fetchBytes(`${url}/`)), md5(first));
      assert.equal(object?.etag, md5(first));
    } finally {
      server.close();
    }
  });

  it('rejects with a premature close when the client goes away mid-body, closing the file', async () => {
    await store.put('big', pattern(16 * MiB));
    let sent: Promise<void> | undefined;
    const { server, url } = await httpServer(async (_req, res) => {
      const object = await store.get('big', { chunkSize: 64 * 1024, forSending: true });
      res.setHeader('content-length', object.size);
      sent = object.writeTo!(res);
      await sent.catch(() => undefined);
    });
    try {
            await new Promise<void>((resolve) => {
        const req = get(`${url}/`, (res) => {
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', () => undefined);
      });
      await assert.rejects(sent!, (err: { code?: string }) => err.code === 'ERR_STREAM_PREMATURE_CLOSE' || err.code === 'ERR_STREAM_DESTROYED' || err.code === 'ECONNRESET' || err.code === 'EPIPE');
      await sleep(20);
      assert.equal(openFilesUnder(sandbox), 0, 'the file is closed');
    } finally {
      server.close();
    }
  });

  it('opens the body only when read; body and writeTo exclude each other', async () => {
    await writeFile(join(sandbox, 'store', 'k'), 'by hand');
        const read = await store.get('k', { forSending: true });
    assert.equal((await buffer(read.body)).toString(), 'by hand');
    await assert.rejects(read.writeTo!(createServerResponseLike()), /writeTo after its body/);
    const sent = await store.get('k', { forSending: true });
    const sink = createServerResponseLike();
    await sent.writeTo!(sink);
    assert.equal(Buffer.concat(sink.chunks).toString(), 'by hand');
    assert.throws(() => sent.body, /body read after writeTo/);
    // Not asked for: no writeTo, the body as before.
    const plain = await store.get('k');
    assert.equal(plain.writeTo, undefined);
    plain.body.destroy();
    await sleep(20);
    assert.equal(openFilesUnder(sandbox), 0);
  });

  it('still finds the object a rename put in place', async () => {
    await store.put('r', 'one');
    const tmp = join(sandbox, 'other');
    await writeFile(tmp, 'two, by hand');
    await rename(tmp, join(sandbox, 'store', 'r'));
    const object = await store.get('r', { forSending: true });
    const sink = createServerResponseLike();
    await object.writeTo!(sink);
    assert.equal(Buffer.concat(sink.chunks).toString(), 'two, by hand');
    assert.equal(object.etag, md5(Buffer.from('two, by hand')));
  });
});

/** The least of a Writable writeTo uses, recording what it gets. */
function createServerResponseLike(): ServerResponse & { chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const sink = {
    chunks,
    destroyed: false,
    write(chunk: Buffer, cb?: (err?: Error | null) => void) {
      chunks.push(Buffer.from(chunk));
      cb?.();
      return true;
    },
    end(chunk?: Buffer) {
      if (chunk) chunks.push(Buffer.from(chunk));
      return sink;
    },
    once: () => sink,
    on: () => sink,
    off: () => sink,
  };
  return sink as unknown as ServerResponse & { chunks: Buffer[] };
}
