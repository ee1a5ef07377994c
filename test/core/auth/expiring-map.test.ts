import assert from 'node:assert/strict';
import { ExpiringMap } from '../../../core/auth/expiring-map.js';

describe('core/auth/expiring-map', () => {
  it('answers an entry until its time runs out, then forgets it', () => {
    let now = 1_000;
    const map = new ExpiringMap<string, number>(10, () => now);
    map.set('a', 1, 500);
    now += 499;
    assert.equal(map.get('a'), 1);
    now += 1;
    assert.equal(map.get('a'), undefined);
    assert.equal(map.size, 0, 'an expired entry read is dropped');
  });

  it('keeps nothing for a time of 0 or less, and storing again replaces the entry and its time', () => {
    let now = 0;
    const map = new ExpiringMap<string, string>(10, () => now);
    map.set('a', 'x', 0);
    map.set('b', 'y', -5);
    assert.equal(map.size, 0);
    map.set('a', 'first', 100);
    map.set('a', 'second', 1_000);
    now = 500;
    assert.equal(map.get('a'), 'second');
    map.set('a', 'gone', 0);
    assert.equal(map.get('a'), undefined);
  });

  it('holds at most max entries, dropping the one stored longest ago (storing again counts as new)', () => {
    const map = new ExpiringMap<string, number>(3);
    map.set('a', 1, 60_000);
    map.set('b', 2, 60_000);
    map.set('c', 3, 60_000);
    map.set('a', 10, 60_000); // a is now the newest
    map.set('d', 4, 60_000);
    assert.equal(map.size, 3);
    assert.equal(map.get('b'), undefined);
    assert.deepEqual(['a', 'c', 'd'].map((k) => map.get(k)), [10, 3, 4]);
  });

  it('drops expired entries before live ones when making room', () => {
    let now = 0;
    const map = new ExpiringMap<string, number>(3, () => now);
    map.set('short', 1, 10);
    map.set('long1', 2, 1_000);
    map.set('long2', 3, 1_000);
    now = 20;
    map.set('new', 4, 1_000);
    assert.equal(map.size, 3);
    assert.deepEqual(['long1', 'long2', 'new'].map((k) => map.get(k)), [2, 3, 4]);
  });

  it('forgets on delete and clear, and refuses a max that is not positive', () => {
    const map = new ExpiringMap<number, number>(5);
    map.set(1, 1, 1_000);
    map.set(2, 2, 1_000);
    map.delete(1);
    assert.equal(map.get(1), undefined);
    map.clear();
    assert.equal(map.size, 0);
    assert.throws(() => new ExpiringMap(0), /max must be positive/);
  });
});
