import assert from 'node:assert/strict';
import { InvalidRange } from '../../../../core/storage/blobs/errors.js';
import { rangeHeader, resolveRange } from '../../../../core/storage/blobs/range.js';

describe('core/storage/blobs range', () => {
  it('resolves ranges against the object size as HTTP does', () => {
    assert.deepEqual(resolveRange({ start: 0, end: 9 }, 100), { start: 0, end: 9 });
    assert.deepEqual(resolveRange({ start: 90 }, 100), { start: 90, end: 99 });
    assert.deepEqual(resolveRange({ start: 90, end: 500 }, 100), { start: 90, end: 99 });
    assert.deepEqual(resolveRange({ suffix: 10 }, 100), { start: 90, end: 99 });
    assert.deepEqual(resolveRange({ suffix: 1000 }, 100), { start: 0, end: 99 });
  });

  it('refuses unsatisfiable ranges with a 416 that names the size for Content-Range', () => {
    assert.throws(
      () => resolveRange({ start: 100 }, 100),
      (err: unknown) => err instanceof InvalidRange && err.status === 416 && err.headers['Content-Range'] === 'bytes */100',
    );
    assert.throws(() => resolveRange({ start: 0 }, 0), InvalidRange);
    assert.throws(() => resolveRange({ start: 5, end: 4 }, 100), InvalidRange);
    assert.throws(() => resolveRange({ suffix: 0 }, 100), InvalidRange);
    assert.throws(() => resolveRange({ start: Number.NaN }, 100), InvalidRange);
  });

  it('writes the Range header of each form', () => {
    assert.equal(rangeHeader({ start: 0, end: 99 }), 'bytes=0-99');
    assert.equal(rangeHeader({ start: 100 }), 'bytes=100-');
    assert.equal(rangeHeader({ suffix: 500 }), 'bytes=-500');
  });
});
