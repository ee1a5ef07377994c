import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Expression, Filter } from '../../../core/filter/ast.js';
import { parseCql2Json } from '../../../core/filter/cql2-json.js';
import { parseCql2Text } from '../../../core/filter/cql2-text.js';
import { FilterError } from '../../../core/filter/errors.js';
import { parseOgcCql } from '../../../core/filter/ogc-cql.js';

interface Example {
  name: string;
  text: string;
  json: unknown;
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/cql2-examples.json', import.meta.url), 'utf8')) as { examples: Example[] };

/** The AST without the `text` of time literals, which keeps the spelling each encoding used. */
const comparable = (f: Filter): unknown =>
  JSON.parse(JSON.stringify(f, function (this: Record<string, unknown>, key, value: unknown) {
    return key === 'text' && this.kind === 'time' ? undefined : value;
  }));

function parseError(parse: () => unknown): FilterError {
  try {
    parse();
  } catch (err) {
    assert.ok(err instanceof FilterError, `expected a FilterError, got ${String(err)}`);
    return err;
  }
  assert.fail('expected the filter to be refused');
}

describe('CQL2 parsers', () => {
  describe('official OGC 21-065 examples', () => {
    for (const example of fixture.examples) {
      it(`${example.name}: text and JSON encodings give the same AST`, () => {
        assert.deepEqual(comparable(parseCql2Text(example.text)), comparable(parseCql2Json(example.json)));
      });
    }
  });

  describe('text', () => {
    it('parses comparisons with AND binding tighter than OR and NOT applying to one predicate', () => {
      const f = parseCql2Text("a = 1 OR NOT b < 'x' AND c >= 2.5");
      assert.equal(f.op, 'or');
      assert.deepEqual(comparable(f), {
        op: 'or',
        args: [
          { op: '=', left: { kind: 'property', name: 'a', path: ['a'] }, right: { kind: 'literal', value: 1 }, matchCase: true, matchAccent: true },
          {
            op: 'and',
            args: [
              { op: 'not', arg: { op: '<', left: { kind: 'property', name: 'b', path: ['b'] }, right: { kind: 'literal', value: 'x' }, matchCase: true, matchAccent: true } },
              { op: '>=', left: { kind: 'property', name: 'c', path: ['c'] }, right: { kind: 'literal', value: 2.5 }, matchCase: true, matchAccent: true },
            ],
          },
        ],
      });
    });

    it('reads keywords in any case, quoted names, doubled quotes in strings and negative numbers', () => {
      const f = parseCql2Text(`"eo.cloud cover" between -1.5e1 and 20 and title like 'O''Brien\\%%'`);
      assert.deepEqual(comparable(f), {
        op: 'and',
        args: [
          { op: 'between', expr: { kind: 'property', name: 'eo.cloud cover', path: ['eo', 'cloud cover'] }, lower: { kind: 'literal', value: -15 }, upper: { kind: 'literal', value: 20 } },
          { op: 'like', expr: { kind: 'property', name: 'title', path: ['title'] }, pattern: [{ text: "O'Brien%" }, { wildcard: 'any' }], matchCase: true, matchAccent: true },
        ],
      });
    });

    it('turns CASEI and ACCENTI on both sides into the matchCase and matchAccent flags', () => {
      const f = parseCql2Text("CASEI(ACCENTI(city)) = casei(accenti('zurich')) AND CASEI(name) LIKE CASEI('ber_')");
      assert.ok(f.op === 'and');
      assert.deepEqual(comparable(f.args[0]!), {
        op: '=', left: { kind: 'property', name: 'city', path: ['city'] }, right: { kind: 'literal', value: 'zurich' }, matchCase: false, matchAccent: false,
      });
      assert.deepEqual(comparable(f.args[1]!), {
        op: 'like', expr: { kind: 'property', name: 'name', path: ['name'] }, pattern: [{ text: 'ber' }, { wildcard: 'one' }], matchCase: false, matchAccent: true,
      });
    });

    it('keeps CASEI on one side only as a function call', () => {
      const f = parseCql2Text("CASEI(name) = 'abc'");
      assert.ok(f.op === '=');
      assert.deepEqual(f.left, { kind: 'function', name: 'casei', args: [{ kind: 'property', name: 'name', path: ['name'] }] });
      assert.equal(f.matchCase, true);
    });

    it('parses NOT LIKE, NOT IN, NOT BETWEEN and IS NOT NULL as negations', () => {
      const f = parseCql2Text("a NOT LIKE 'x%' AND b NOT IN (1, 2) AND c NOT BETWEEN 1 AND 2 AND d IS NOT NULL");
      assert.ok(f.op === 'and');
      assert.deepEqual(f.args.map((a) => (a.op === 'not' ? `not ${a.arg.op}` : a.op)), ['not like', 'not in', 'not between', 'not isNull']);
    });

    it('reads WKT and BBOX literals into GeoJSON in x/y order', () => {
      const f = parseCql2Text('S_INTERSECTS(geom, MULTIPOINT(1 2, 3 4)) OR S_WITHIN(geom, BBOX(-10, -5, 10, 5)) OR S_EQUALS(geom, POINT Z (1 2 3))');
      assert.ok(f.op === 'or');
      const geometries = f.args.map((a) => (a.op === 'spatial' && a.right.kind === 'geometry' ? a.right.geometry : undefined));
      assert.deepEqual(geometries, [
        { type: 'MultiPoint', coordinates: [[1, 2], [3, 4]] },
        { type: 'Polygon', coordinates: [[[-10, -5], [10, -5], [10, 5], [-10, 5], [-10, -5]]] },
        { type: 'Point', coordinates: [1, 2, 3] },
      ]);
    });

    it('reads DATE as its whole day, TIMESTAMP as one instant and INTERVAL with open ends', () => {
      const f = parseCql2Text("T_DURING(datetime, INTERVAL('2020-01-01', '..')) AND T_AFTER(updated, TIMESTAMP('2020-05-17T10:30:00+02:00')) AND t_equals(day, DATE('2020-02-29'))");
      assert.ok(f.op === 'and');
      const rights = f.args.map((a) => (a.op === 'temporal' && a.right.kind === 'time' ? [a.relation, a.right.shape, a.right.begin, a.right.end] : undefined));
      assert.deepEqual(rights, [
        ['during', 'interval', Date.parse('2020-01-01T00:00:00Z'), null],
        ['after', 'instant', Date.parse('2020-05-17T08:30:00Z'), Date.parse('2020-05-17T08:30:00Z')],
        ['equals', 'instant', Date.parse('2020-02-29T00:00:00Z'), Date.parse('2020-02-29T23:59:59.999Z')],
      ]);
    });

    it('reads a boolean property or TRUE/FALSE on its own as a predicate', () => {
      assert.deepEqual(parseCql2Text('TRUE'), { op: 'constant', value: true });
      assert.deepEqual(comparable(parseCql2Text('NOT online')), {
        op: 'not', arg: { op: '=', left: { kind: 'property', name: 'online', path: ['online'] }, right: { kind: 'literal', value: true }, matchCase: true, matchAccent: true },
      });
    });

    it('parses arithmetic with * / % div above + - and ^ binding tightest (right to left)', () => {
      const f = parseCql2Text('a + b * 2 ^ 3 ^ 2 > (c - 1) div 2');
      assert.ok(f.op === '>');
      const show = (e: Expression): string => {
        if (e.kind === 'arithmetic') return `(${show(e.left)} ${e.op} ${show(e.right)})`;
        if (e.kind === 'property') return e.name;
        if (e.kind === 'literal') return String(e.value);
        return e.kind;
      };
      assert.equal(show(f.left), '(a + (b * (2 ^ (3 ^ 2))))');
      assert.equal(show(f.right), '((c - 1) div 2)');
      const grouped = parseCql2Text('(a + 1) * 2 > 2 AND (b = 1 OR c = 2)');
      assert.ok(grouped.op === 'and' && grouped.args[0]!.op === '>' && grouped.args[1]!.op === 'or');
      assert.equal(show(grouped.args[0].left), '((a + 1) * 2)');
    });

    it('reads a one-value group as a one-item array in array operators', () => {
      const f = parseCql2Text("A_CONTAINS(tags, ('b'))");
      assert.ok(f.op === 'array');
      assert.deepEqual(f.right, { kind: 'array', items: [{ kind: 'literal', value: 'b' }] });
    });

    const refusals: Array<[string, string, number | undefined]> = [
      ["a = 'open", 'Unterminated string', 4],
      ['a = ', 'Expected a property, a literal or a function, found the end of the filter', 4],
      ['a = 1 b', 'Expected AND, OR or the end of the filter', 6],
      ["T_AFTER(t, DATE('2020-13-01'))", "'2020-13-01' is not a valid DATE", 16],
      ["T_AFTER(t, TIMESTAMP('2020-01-01'))", 'is not a valid TIMESTAMP', 21],
      ['S_INTERSECTS(g, POLYGON((0 0, 1 0, 1 1)))', 'geometry', 16],
      ['S_INTERSECTS(g, BBOX(1, 2, 3))', 'BBOX needs 4 (or 6) numbers', 16],
      ['nosuch(a) = 1', "Unknown function 'nosuch'", 0],
      ['a ~ 1', "Unexpected character '~'", 2],
      ['a NOT = 1', 'Expected LIKE, BETWEEN or IN after NOT', 6],
      ["a LIKE b", 'The pattern of LIKE must be a string', 7],
      ['(a + 1) AND b', 'Expected a comparison, LIKE, BETWEEN, IN or IS NULL', 1],
      ['a = 1 +', 'Expected a property, a literal or a function', 7],
    ];
    for (const [text, message, position] of refusals) {
      it(`refuses ${JSON.stringify(text)} with "${message}" at its position`, () => {
        const err = parseError(() => parseCql2Text(text));
        assert.match(err.message, new RegExp(message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
        assert.equal(err.position, position);
        assert.equal(err.status, 400);
        assert.equal(err.code, 'InvalidParameterValue');
        assert.equal(err.locator, 'filter');
      });
    }

    it('refuses filters nested too deeply with a 400, not a stack overflow', () => {
      for (const text of [`${'('.repeat(5000)}a = 1${')'.repeat(5000)}`, `${'NOT '.repeat(5000)}a = 1`, `a = ${'-'.repeat(5000)}1`, `a = ${'lower('.repeat(3000)}'x'${')'.repeat(3000)}`]) {
        assert.match(parseError(() => parseCql2Text(text)).message, /nested deeper than 100 levels/);
      }
      assert.match(parseError(() => parseCql2Text(`S_INTERSECTS(g, ${'GEOMETRYCOLLECTION('.repeat(3000)}POINT(1 2)${')'.repeat(3000)})`)).message, /nested deeper than 100 levels/);
      assert.match(parseError(() => parseOgcCql(`${'NOT '.repeat(5000)}a = 1`)).message, /nested deeper than 100 levels/);
      let deep: unknown = { op: '=', args: [{ property: 'a' }, 1] };
      for (let i = 0; i < 5000; i++) deep = { op: 'not', args: [deep] };
      assert.match(parseError(() => parseCql2Json(deep)).message, /nested deeper than 100 levels/);
      assert.equal(parseCql2Text(`${'('.repeat(40)}a = 1${')'.repeat(40)}`).op, '=');
    });

    it('names the request parameter in the error locator', () => {
      assert.equal(parseError(() => parseCql2Text('', { locator: 'CONSTRAINT' })).locator, 'CONSTRAINT');
    });
  });

  describe('JSON', () => {
    it('accepts text or a parsed value, and the draft {"function": {...}} form of calls', () => {
      const text = '{"op":"=","args":[{"function":{"name":"lower","args":[{"property":"a"}]}},"x"]}';
      assert.deepEqual(parseCql2Json(text), parseCql2Json(JSON.parse(text)));
      const f = parseCql2Json(text);
      assert.ok(f.op === '=');
      assert.equal(f.left.kind, 'function');
    });

    it('reads bbox literals, intervals of properties and a bare boolean', () => {
      const f = parseCql2Json({
        op: 'and',
        args: [
          { op: 's_intersects', args: [{ property: 'g' }, { bbox: [0, 1, 2, 3] }] },
          { op: 't_intersects', args: [{ interval: [{ property: 's' }, { property: 'e' }] }, { interval: ['..', '2020-01-01'] }] },
          true,
        ],
      });
      assert.ok(f.op === 'and');
      assert.deepEqual(comparable(f.args[1]!), {
        op: 'temporal',
        relation: 'intersects',
        left: { kind: 'interval', start: { kind: 'property', name: 's', path: ['s'] }, end: { kind: 'property', name: 'e', path: ['e'] } },
        right: { kind: 'time', shape: 'interval', begin: null, end: Date.parse('2020-01-01T23:59:59.999Z') },
      });
      assert.deepEqual(f.args[2], { op: 'constant', value: true });
    });

    const refusals: Array<[unknown, string]> = [
      ['{"op":', 'Filter is not JSON'],
      [{ op: 'and', args: [true] }, "'and' needs at least two arguments at $"],
      [{ op: '=', args: [1] }, "'=' takes 2 arguments, got 1 at $"],
      [{ op: 'not', args: [{ op: 'in', args: [{ property: 'a' }, 'x'] }] }, "'in' needs a list at $.args[0].args[1]"],
      [{ op: 's_intersects', args: [{ property: 'g' }, { type: 'Polygon', coordinates: [[[0, 0], [1, 1]]] }] }, 'at $.args[1]'],
      [{ op: '=', args: [{ op: 'nosuch', args: [] }, 1] }, "Unknown function 'nosuch' at $.args[0]"],
      [{ op: 't_after', args: [{ property: 't' }, { date: '2020-1-1' }] }, "'2020-1-1' is not a valid DATE"],
      [{ args: [] }, 'Expected a predicate object'],
    ];
    for (const [input, message] of refusals) {
      it(`refuses ${JSON.stringify(input)} with "${message}"`, () => {
        const err = parseError(() => parseCql2Json(input));
        assert.ok(err.message.includes(message), err.message);
        assert.equal(err.status, 400);
      });
    }
  });
});
