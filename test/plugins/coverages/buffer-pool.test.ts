/** The per-thread buffer pool: size classes, only its own buffers taken back, bounded. */
import assert from 'node:assert/strict';
import { BufferPool } from '../../../plugins/coverages/buffer-pool.js';

describe('coverages buffer pool', () => {
  it('hands out power-of-two buffers from 64 KiB and reuses one given back', () => {
    const pool = new BufferPool({ maxBytes: 1 << 20, perClass: 2 });
    const a = pool.take(100);
    assert.equal(a.byteLength, 64 * 1024);
    assert.equal(pool.take(70_000).byteLength, 128 * 1024);
    pool.give(a);
    assert.equal(pool.size, 64 * 1024);
    assert.equal(pool.take(1000), a);
    assert.equal(pool.size, 0);
  });

  it('never takes in a buffer it did not lend, nor one twice', () => {
    const pool = new BufferPool({ maxBytes: 1 << 20, perClass: 4 });
    pool.give(new ArrayBuffer(64 * 1024));
    assert.equal(pool.size, 0);
    const a = pool.take(1);
    pool.give(a);
    pool.give(a);
    assert.equal(pool.size, 64 * 1024);
    assert.notEqual(pool.take(1), pool.take(1));
  });

  it('keeps at most perClass buffers of a size and maxBytes in all', () => {
    const pool = new BufferPool({ maxBytes: 256 * 1024, perClass: 2 });
    const small = [pool.take(1), pool.take(1), pool.take(1)];
    for (const b of small) pool.give(b);
    assert.equal(pool.size, 128 * 1024);
    const big = pool.take(200 * 1024);
    pool.give(big);
    assert.equal(pool.size, 128 * 1024, 'a 256 KiB buffer does not fit beside 128 KiB kept');
  });
});
