/** Access filters that do not depend on the row are folded to true or false; the rest is kept as it is. */
import assert from 'node:assert/strict';
import { evaluateFilter, parseCql2Text, type Filter } from '../../../core/filter/index.js';
import type { ScalarValue } from '../../../core/filter/ast.js';
import { foldConstants } from '../../../plugins/features/constant-filter.js';

const cmp = (op: '=' | '<>', a: string | number | null, b: string | number | null): Filter => ({ op, left: { kind: 'literal', value: a as ScalarValue }, right: { kind: 'literal', value: b as ScalarValue }, matchCase: true, matchAccent: true });
const T: Filter = { op: 'constant', value: true };
const F: Filter = { op: 'constant', value: false };

describe('features access filters folded (constant-filter.ts)', () => {
  it('folds comparisons of literals and the logic around them', () => {
    // What the default policy makes of a public collection for anonymous.
    assert.deepEqual(foldConstants({ op: 'or', args: [F, cmp('<>', 'public', 'private')] }), T);
    assert.deepEqual(foldConstants({ op: 'or', args: [F, cmp('<>', 'private', 'private')] }), F);
    assert.deepEqual(foldConstants({ op: 'and', args: [cmp('=', 1, 1), { op: 'not', arg: cmp('=', 'a', 'b') }] }), T);
    assert.deepEqual(foldConstants({ op: 'not', arg: { op: 'and', args: [T, cmp('=', 2, 3)] } }), T);
  });

  it('keeps what depends on the row, dropping only the constants beside it', () => {
    const owner = parseCql2Text("owner = 'alice'");
    assert.deepEqual(foldConstants({ op: 'or', args: [owner, cmp('=', 'a', 'b')] }), owner);
    assert.deepEqual(foldConstants({ op: 'and', args: [owner, cmp('=', 'a', 'a')] }), owner);
    assert.deepEqual(foldConstants({ op: 'and', args: [owner, cmp('=', 'a', 'b')] }), F);
    const ids: Filter = { op: 'ids', ids: ['x'] };
    assert.deepEqual(foldConstants(ids), ids);
  });

  it('leaves a comparison with null alone (unknown under NOT is not true)', () => {
    const unknown: Filter = { op: 'not', arg: cmp('=', null, 'a') };
    assert.deepEqual(foldConstants(unknown), unknown);
    assert.equal(evaluateFilter(unknown, { properties: {} }), false);
  });
});
