import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readlinkSync, type BigIntStats } from 'node:fs';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createServer, get, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { setTimeout as sleep } from 'node:timers/promises';
import { BlobNotFound } from '../../../../core/storage/blobs/errors.js';
import { FsBlobStore } from '../../../../core/storage/blobs/fs.js';
import { SETTLED_MS, SMALL_CONTENT_BYTES, SmallContents } from '../../../../core/storage/blobs/fs-contents.js';
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

  it('opens the body only when read; body and writeTo of a large object exclude each other', async () => {
    const large = pattern(SMALL_CONTENT_BYTES + 100_000, 5);
    await writeFile(join(sandbox, 'store', 'k'), large);
    const read = await store.get('k', { forSending: true });
    assert.ok((await buffer(read.body)).equals(large));
    await assert.rejects(read.writeTo!(createServerResponseLike()), /writeTo after its body/);
    const sent = await store.get('k', { forSending: true });
    const sink = createServerResponseLike();
    await sent.writeTo!(sink);
    assert.ok(Buffer.concat(sink.chunks).equals(large));
    assert.throws(() => sent.body, /body read after writeTo/);
    // A small object is read whole at once: both give its bytes, and changing the body's changes nothing.
    await store.put('small', 'tiny');
    const small = await store.get('small', { forSending: true });
    const smallBody = await buffer(small.body);
    smallBody.fill(0);
    const smallSink = createServerResponseLike();
    await small.writeTo!(smallSink);
    assert.equal(Buffer.concat(smallSink.chunks).toString(), 'tiny');
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

describe('core/storage/blobs/fs small contents kept for sending', () => {
  let sandbox: string;
  let store: FsBlobStore;
  const kept = () => (store as unknown as { contents: SmallContents }).contents;
  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'meridian-fs-contents-'));
    store = await FsBlobStore.open({ root: join(sandbox, 'store') });
  });
  afterEach(async () => {
    await rm(sandbox, { recursive: true, force: true });
  });

  async function sent(key: string, range?: { start: number; end: number }): Promise<{ bytes: string; etag: string }> {
    const object = await store.get(key, { forSending: true, ...(range ? { range } : {}) });
    const sink = createServerResponseLike();
    await object.writeTo!(sink);
    return { bytes: Buffer.concat(sink.chunks).toString(), etag: object.etag };
  }

  it('keeps a settled small object and sends the current bytes and ETag after any change', async function () {
    this.timeout(20_000);
    const md5s = (s: string) => md5(Buffer.from(s));
    await store.put('k', 'version one', { metadata: { a: '1' } });
    // Not kept while fresh (mtime within SETTLED_MS): a change in place could keep its mtime.
    assert.deepEqual(await sent('k'), { bytes: 'version one', etag: md5s('version one') });
    assert.equal(kept().size, 0);
    await sleep(SETTLED_MS + 200);
    assert.deepEqual(await sent('k'), { bytes: 'version one', etag: md5s('version one') });
    assert.equal(kept().size, 'version one'.length);
    // Served from memory: bytes, a range, metadata.
    assert.deepEqual(await sent('k'), { bytes: 'version one', etag: md5s('version one') });
    assert.deepEqual(await sent('k', { start: 8, end: 10 }), { bytes: 'one', etag: md5s('version one') });
    assert.deepEqual((await store.get('k', { forSending: true })).metadata, { a: '1' });
    // Replaced by a put here, by another store on the same root, renamed in, changed in place.
    await store.put('k', 'version two');
    assert.deepEqual(await sent('k'), { bytes: 'version two', etag: md5s('version two') });
    await sleep(SETTLED_MS + 200);
    await sent('k');
    assert.ok(kept().size > 0);
    const other = await FsBlobStore.open({ root: join(sandbox, 'store') });
    await other.put('k', 'version 3!!');
    assert.deepEqual(await sent('k'), { bytes: 'version 3!!', etag: md5s('version 3!!') });
    await sleep(SETTLED_MS + 200);
    await sent('k');
    assert.ok(kept().size > 0);
    await writeFile(join(sandbox, 'store', 'k'), 'in place 4!');
    const inPlace = await sent('k');
    assert.equal(inPlace.bytes, 'in place 4!');
    assert.equal(inPlace.etag, md5s('in place 4!'));
    await writeFile(join(sandbox, 'store', 'k'), 'in place 5!');
    assert.equal((await sent('k')).bytes, 'in place 5!');
    await writeFile(join(sandbox, 'k2'), 'renamed in!');
    await rename(join(sandbox, 'k2'), join(sandbox, 'store', 'k'));
    assert.equal((await sent('k')).bytes, 'renamed in!');
    // Deleted: not found, and forgotten.
    await sleep(SETTLED_MS + 200);
    await store.put('gone', 'soon gone');
    await sleep(SETTLED_MS + 200);
    await sent('gone');
    await sent('gone');
    const before = kept().size;
    await rm(join(sandbox, 'store', 'gone'));
    await assert.rejects(store.get('gone', { forSending: true }), BlobNotFound);
    assert.equal(kept().size, before - 'soon gone'.length);
  });

  it('keeps an object of up to 1 MiB sent whole, and reads only the range of one not kept yet', async function () {
    this.timeout(20_000);
    const body = pattern(SMALL_CONTENT_BYTES, 3);
    await store.put('m', body);
    await sleep(SETTLED_MS + 200);
    // A range first: only the range is read, nothing is kept.
    const range = await store.get('m', { forSending: true, range: { start: 1000, end: 1999 } });
    const rangeSink = createServerResponseLike();
    await range.writeTo!(rangeSink);
    assert.ok(Buffer.concat(rangeSink.chunks).equals(body.subarray(1000, 2000)));
    assert.equal(kept().size, 0);
    // Sent whole: kept; then whole and ranges come from the kept bytes, with the same bytes.
    const whole = await store.get('m', { forSending: true });
    const wholeSink = createServerResponseLike();
    await whole.writeTo!(wholeSink);
    assert.ok(Buffer.concat(wholeSink.chunks).equals(body));
    assert.equal(kept().size, SMALL_CONTENT_BYTES);
    const again = await store.get('m', { forSending: true, range: { start: SMALL_CONTENT_BYTES - 10, end: SMALL_CONTENT_BYTES - 1 } });
    const againSink = createServerResponseLike();
    await again.writeTo!(againSink);
    assert.ok(Buffer.concat(againSink.chunks).equals(body.subarray(SMALL_CONTENT_BYTES - 10)));
    assert.equal(openFilesUnder(sandbox), 0);
  });

  it('keeps at most its byte budget, the least recently sent going first, and only small settled files', () => {
    let now = 1_000_000;
    const contents = new SmallContents(100, () => now);
    const stats = (ino: number, size: number, mtimeMs = 0) =>
      ({ ino: BigInt(ino), size: BigInt(size), mtimeNs: BigInt(mtimeMs) * 1_000_000n, mtimeMs: BigInt(mtimeMs) }) as unknown as BigIntStats;
    contents.remember('a', stats(1, 40), Buffer.alloc(40, 1));
    contents.remember('b', stats(2, 40), Buffer.alloc(40, 2));
    assert.ok(contents.match('a', stats(1, 40))); // a is now the most recent
    contents.remember('c', stats(3, 40), Buffer.alloc(40, 3));
    assert.equal(contents.has('b'), false);
    assert.equal(contents.size, 80);
    // Another identity at the path: forgotten.
    assert.equal(contents.match('a', stats(9, 40)), undefined);
    assert.equal(contents.has('a'), false);
    // Not kept: unsettled, larger than the budget or the limit, or not the whole file.
    contents.remember('d', stats(4, 10, now - SETTLED_MS + 10), Buffer.alloc(10));
    contents.remember('e', stats(5, 200), Buffer.alloc(200));
    contents.remember('f', stats(6, 20), Buffer.alloc(10));
    assert.deepEqual(['d', 'e', 'f'].map((p) => contents.has(p)), [false, false, false]);
    const big = new SmallContents(1 << 30, () => now);
    big.remember('g', stats(7, SMALL_CONTENT_BYTES + 1), Buffer.alloc(SMALL_CONTENT_BYTES + 1));
    assert.equal(big.has('g'), false);
    now += 1;
  });
});
