import assert from 'node:assert/strict';
import { constants, readdirSync, readlinkSync, symlinkSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ReadHandle } from '../../../../core/storage/blobs/fs-read-handle.js';

function isOpen(fd: number, path: string): boolean {
  try {
    return readlinkSync(`/proc/self/fd/${fd}`) === path;
  } catch {
    return false;
  }
}

function openFilesUnder(dir: string): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith(dir);
    } catch {
      return false;
    }
  }).length;
}

describe('core/storage/blobs/fs-read-handle', () => {
  let dir: string;
  let path: string;
  const data = Buffer.from(Array.from({ length: 256 * 1024 }, (_, i) => (i * 7) & 0xff));
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meridian-read-handle-'));
    path = join(dir, 'object');
    await writeFile(path, data);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads at a position, stats the file it opened, and closes its descriptor', async () => {
    const handle = ReadHandle.open(path, constants.O_RDONLY);
    assert.equal(handle.stat().size, BigInt(data.length));
    const into = Buffer.alloc(1000);
    assert.deepEqual(await handle.read(into, 0, 1000, 5000), { bytesRead: 1000 });
    assert.deepEqual(into, data.subarray(5000, 6000));
    assert.equal(isOpen(handle.fd, path), true);
    await handle.close();
    assert.equal(isOpen(handle.fd, path), false);
    await handle.close(); // a second close does nothing (the number may be another file's by now)
  });

  it('closes only once the reads in flight are done, so that none reads a reused descriptor', async () => {
    const handle = ReadHandle.open(path, constants.O_RDONLY);
    const into = Buffer.alloc(data.length);
    const reading = handle.read(into, 0, data.length, 0);
    const closed = handle.close();
    // Still open: the read on the pool holds the number.
    assert.equal(isOpen(handle.fd, path), true);
    assert.deepEqual(await reading, { bytesRead: data.length });
    await closed;
    assert.equal(isOpen(handle.fd, path), false);
    assert.deepEqual(into, data);
  });

  it('refuses reads and streams once closed (EBADF), rather than reading whatever has the number now', async () => {
    const handle = ReadHandle.open(path, constants.O_RDONLY);
    await handle.close();
    await assert.rejects(handle.read(Buffer.alloc(10), 0, 10, 0), { code: 'EBADF' });
    assert.throws(() => handle.createReadStream({ start: 0, end: 9 }), { code: 'EBADF' });
  });

  it('hands the descriptor to a stream, which closes it at its end; close() then leaves it to the stream', async () => {
    const handle = ReadHandle.open(path, constants.O_RDONLY);
    const stream = handle.createReadStream({ start: 10, end: 100_009, highWaterMark: 4096 });
    await handle.close();
    assert.deepEqual(await buffer(stream), data.subarray(10, 100_010));
    await new Promise((r) => setImmediate(r));
    assert.equal(openFilesUnder(dir), 0);
  });

  it('closes the descriptor of a handle or stream dropped unclosed, once it is collected', async function () {
    this.timeout(20000);
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const fds: number[] = [];
    (() => {
      fds.push(ReadHandle.open(path, constants.O_RDONLY).fd);
      const handed = ReadHandle.open(path, constants.O_RDONLY);
      fds.push(handed.fd);
      handed.createReadStream({ start: 0, end: 99 }); // made, never read
    })();
    assert.equal(fds.filter((fd) => isOpen(fd, path)).length, 2);
    for (let i = 0; i < 50 && fds.some((fd) => isOpen(fd, path)); i++) {
      gc();
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(fds.filter((fd) => isOpen(fd, path)), []);
  });

  it('throws the open error (ENOENT; ELOOP through a symlink with O_NOFOLLOW)', async () => {
    assert.throws(() => ReadHandle.open(join(dir, 'missing'), constants.O_RDONLY), { code: 'ENOENT' });
    symlinkSync(path, join(dir, 'link'));
    assert.throws(() => ReadHandle.open(join(dir, 'link'), constants.O_RDONLY | constants.O_NOFOLLOW), { code: 'ELOOP' });
  });
});
