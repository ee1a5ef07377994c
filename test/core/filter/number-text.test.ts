import assert from 'node:assert/strict';
import { numberText } from '../../../core/filter/number-text.js';
import { seededRandom } from '../../../core/seeded-random.js';

describe('core/filter numberText', () => {
  const random = seededRandom(20261202);
  const same = (values: Iterable<number>) => {
    for (const v of values) assert.equal(numberText(v), JSON.stringify(v), `digits of ${v}`);
  };

  it('writes coordinates of up to seven decimals as JSON.stringify does', () => {
    for (const decimals of [0, 1, 2, 3, 4, 5, 6, 7]) {
      same(Array.from({ length: 20_000 }, () => Number(((random() - 0.5) * 360).toFixed(decimals))));
      same(Array.from({ length: 2_000 }, () => Number(((random() - 0.5) * 2).toFixed(decimals))));
    }
  });

  it('writes full-precision and large numbers as JSON.stringify does', () => {
    same(Array.from({ length: 20_000 }, () => (random() - 0.5) * 360));
    same(Array.from({ length: 2_000 }, () => (random() - 0.5) * 1e9));
    same(Array.from({ length: 2_000 }, () => Number(((random() - 0.5) * 1e6).toFixed(3))));
  });

  it('writes the edges of its fast path as JSON.stringify does', () => {
    same([0, -0, 1, -1, 1e-6, -1e-6, 5e-7, 1.5e-6, 1e-7, 0.1, 0.2, 0.30000000000000004, 0.1 + 0.7, 999.9999999, -999.9999999, 999.99999995, 1000, 1000.5, 123.4560001, 89.9999999, 180, -180, 0.0000010, 12.0000001, 12.00000001, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER, 1e21]);
  });

  it('writes -0 as 0, and every seven-decimal step near a whole degree', () => {
    assert.equal(numberText(-0), '0');
    const near: number[] = [];
    for (let i = -50; i <= 50; i++) near.push((45 * 1e7 + i) / 1e7, (-45 * 1e7 + i) / 1e7, i / 1e7);
    same(near);
  });
});
