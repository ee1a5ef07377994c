import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { bodyMd5, OFFLOAD_MIN_BYTES } from '../../core/body-hash.js';

const MiB = 1024 * 1024;
const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

/** Feeds `data` in pieces of `sizes` (cycled), each update a batch of `perUpdate` pieces, as a sink would. */
async function hashInPieces(data: Buffer, announced: number | undefined, sizes: number[], perUpdate = 1): Promise<string> {
  const hash = bodyMd5(announced);
  let batch: Buffer[] = [];
  for (let at = 0, i = 0; at < data.length; i++) {
    const piece = data.subarray(at, at + sizes[i % sizes.length]!);
    at += piece.length;
    batch.push(piece);
    if (batch.length === perUpdate) {
      hash.update(batch);
      batch = [];
      await hash.ready();
    }
  }
  if (batch.length) hash.update(batch);
  return hash.digest();
}

describe('core/body-hash', () => {
  it('gives the MD5 of the bytes whatever the size and the pieces (in place below the threshold, on the thread above)', async () => {
    for (const size of [0, 1, 1000, OFFLOAD_MIN_BYTES - 1, OFFLOAD_MIN_BYTES, 256 * 1024 * 3, 5 * MiB + 17]) {
      const data = randomBytes(size);
      assert.equal(await hashInPieces(data, size, [65536]), md5(data), `size ${size}`);
      assert.equal(await hashInPieces(data, undefined, [1, 4095, 70000, 300000], 3), md5(data), `size ${size}, size unknown, odd pieces`);
    }
  });

  it('keeps bodies hashed at the same time apart', async () => {
    const bodies = Array.from({ length: 6 }, (_, i) => randomBytes(MiB + i * 1001));
    const digests = await Promise.all(bodies.map((b, i) => hashInPieces(b, undefined, [8192 + i * 512, 65536])));
    assert.deepEqual(digests, bodies.map(md5));
  });

  it('copies what it is given: the caller may overwrite its buffers once update returns', async () => {
    const data = randomBytes(2 * MiB);
    const scratch = Buffer.alloc(64 * 1024);
    const hash = bodyMd5(undefined);
    for (let at = 0; at < data.length; at += scratch.length) {
      data.copy(scratch, 0, at, at + scratch.length);
      hash.update([scratch]);
      scratch.fill(0xee);
    }
    assert.equal(await hash.digest(), md5(data));
  });

  it('holds the writer back while more than a few MiB wait to be hashed, and lets it go once they are', async () => {
    const hash = bodyMd5(undefined);
    const data = randomBytes(12 * MiB);
    hash.update([data]);
    const now = Symbol('now');
    const first = await Promise.race([hash.ready().then(() => 'ready'), Promise.resolve(now)]);
    assert.equal(first, now, 'ready() must wait while 12 MiB are queued');
    await hash.ready();
    assert.equal(await hash.digest(), md5(data));
  });

  it('drops an aborted body; the next ones hash as before', async () => {
    const hash = bodyMd5(undefined);
    hash.update([randomBytes(MiB)]);
    hash.abort();
    const data = randomBytes(MiB);
    assert.equal(await hashInPieces(data, undefined, [65536]), md5(data));
  });

  it('does not keep a process alive once its bodies are hashed', function () {
    this.timeout(30000);
    const child = fileURLToPath(new URL('../fixtures/body-hash-child.ts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', child], { encoding: 'utf8', timeout: 20000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout, md5(Buffer.alloc(3 * MiB, 7)));
  });
});
