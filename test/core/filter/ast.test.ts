import assert from 'node:assert/strict';
import { literal, property, propertiesOf, type Filter } from '../../../core/filter/ast.js';
import { functionNames, lookupFunction, stripAccents } from '../../../core/filter/functions.js';

describe('filter AST', () => {
  it('splits dotted property names into a path and keeps the name as written', () => {
    assert.deepEqual(property('eo.cloudCover'), { kind: 'property', name: 'eo.cloudCover', path: ['eo', 'cloudCover'] });
  });

  it('lists every property a filter reads, through logic, functions and intervals', () => {
    const filter: Filter = {
      op: 'and',
      args: [
        { op: '<', left: property('cloudCover'), right: literal(10), matchCase: true, matchAccent: true },
        { op: 'not', arg: { op: 'isNull', expr: { kind: 'function', name: 'lower', args: [property('platform')] } } },
        { op: 'temporal', relation: 'during', left: { kind: 'interval', start: property('start'), end: property('end') }, right: literal('x') },
        { op: 'ids', ids: ['a'] },
      ],
    };
    assert.deepEqual([...propertiesOf(filter)].sort(), ['cloudCover', 'end', 'platform', 'start']);
  });

  it('registers lower, upper, casei and accenti, matched in any case', () => {
    assert.deepEqual(functionNames().sort(), ['accenti', 'casei', 'lower', 'upper']);
    assert.equal(lookupFunction('CASEI')?.evaluate(['ÄbC']), 'äbc');
    assert.equal(lookupFunction('accenti')?.evaluate(['Zürich Café']), 'Zurich Cafe');
    assert.equal(stripAccents('Ångström'), 'Angstrom');
    assert.equal(lookupFunction('nope'), undefined);
  });
});
