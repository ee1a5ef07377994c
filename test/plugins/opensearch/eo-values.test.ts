import assert from 'node:assert/strict';
import { evaluateFilter } from '../../../core/filter/index.js';
import { OwsException } from '../../../core/ows/index.js';
import { eoCoverageFilter, eoValueFilter, SYNTAX_PATTERNS, type ValueSyntax } from '../../../plugins/opensearch/eo-values.js';

/** Which of `values` the parameter value selects. */
function selects(value: string, syntax: ValueSyntax, values: Array<number | string | Date>): Array<number | string | Date> {
  const filter = eoValueFilter('x', value, syntax, 'x');
  return values.filter((v) => evaluateFilter(filter, { properties: { x: v } }));
}

describe('OpenSearch EO value syntax (OGC 13-026r9)', () => {
  const numbers = [0, 5, 10, 15, 20, 25];

  it('a number, a {list}, closed, open and half-open [ranges]', () => {
    assert.deepEqual(selects('10', 'number', numbers), [10]);
    assert.deepEqual(selects('{5,20}', 'number', numbers), [5, 20]);
    assert.deepEqual(selects('[5,15]', 'number', numbers), [5, 10, 15]);
    assert.deepEqual(selects(']5,15[', 'number', numbers), [10]);
    assert.deepEqual(selects('[5,15[', 'number', numbers), [5, 10]);
    assert.deepEqual(selects(']5,15]', 'number', numbers), [10, 15]);
    assert.deepEqual(selects('[15', 'number', numbers), [15, 20, 25]);
    assert.deepEqual(selects(']15', 'number', numbers), [20, 25]);
    assert.deepEqual(selects('10]', 'number', numbers), [0, 5, 10]);
    assert.deepEqual(selects('10[', 'number', numbers), [0, 5]);
    assert.deepEqual(selects('[-1.5e1,1e1]', 'number', [-20, -15, 0, 10, 11]), [-15, 0, 10]);
  });

  it('times: a reduced-precision value covers its unit, bounds take the side of the unit they need', () => {
    const t = (s: string) => new Date(s);
    const times = ['2020-04-30T23:59:59.999Z', '2020-05-01T00:00:00.000Z', '2020-05-31T23:59:59.999Z', '2020-06-01T00:00:00.000Z'].map(t);
    const iso = (list: Date[]) => list.map((d) => (d as Date).toISOString());
    assert.deepEqual(iso(selects('2020-05', 'time', times) as Date[]), ['2020-05-01T00:00:00.000Z', '2020-05-31T23:59:59.999Z']);
    assert.deepEqual(iso(selects('[2020-05,2020-05]', 'time', times) as Date[]), ['2020-05-01T00:00:00.000Z', '2020-05-31T23:59:59.999Z']);
    assert.deepEqual(iso(selects(']2020-05', 'time', times) as Date[]), ['2020-06-01T00:00:00.000Z']);
    assert.deepEqual(iso(selects('2020-05[', 'time', times) as Date[]), ['2020-04-30T23:59:59.999Z']);
    assert.deepEqual(iso(selects('[2020-05-31T23:59:59.999Z', 'time', times) as Date[]), ['2020-05-31T23:59:59.999Z', '2020-06-01T00:00:00.000Z']);
  });

  it('integers refuse fractions; text takes {lists}, * and ? wildcards, and backslash escapes', () => {
    assert.throws(() => eoValueFilter('x', '1.5', 'integer', 'orbitNumber'), (e: OwsException) => e.locator === 'orbitNumber');
    const words = ['SENTINEL-1', 'SENTINEL-2', 'LANDSAT-8', 'S*', 'VV, VH'];
    assert.deepEqual(selects('SENTINEL*', 'text', words), ['SENTINEL-1', 'SENTINEL-2']);
    assert.deepEqual(selects('SENTINEL-?', 'text', words), ['SENTINEL-1', 'SENTINEL-2']);
    assert.deepEqual(selects('{LANDSAT-8,SENTINEL-1}', 'text', words), ['SENTINEL-1', 'LANDSAT-8']);
    assert.deepEqual(selects('S\\*', 'text', words), ['S*']);
    assert.deepEqual(selects('VV, VH', 'text', words), ['VV, VH']);
    assert.deepEqual(selects('sentinel-1', 'text', words), []);
  });

  it('malformed values are InvalidParameterValue naming the parameter', () => {
    for (const bad of ['[1,2', '1,2]', '[a,2]', '[3,1]', '{}', '{1,,2}', '[1,2,3]', '', ']', '[', '{1,2']) {
      assert.throws(() => eoValueFilter('cloudCover', bad, 'number', 'cloudCover'), (e: OwsException) => e instanceof OwsException && e.locator === 'cloudCover' && e.status === 400, bad);
    }
  });

  it("the advertised patterns accept exactly the syntax's shapes", () => {
    const number = new RegExp(`^(?:${SYNTAX_PATTERNS.number})$`);
    for (const ok of ['1', '-2.5', '{1,2}', '[1,2]', ']1,2[', '[1', '1]', '1e3']) assert.match(ok, number);
    for (const bad of ['[1,2', 'a', '{1;2}', '1,2']) assert.doesNotMatch(bad, number);
    const time = new RegExp(`^(?:${SYNTAX_PATTERNS.time})$`);
    for (const ok of ['2020', '2020-05', '2020-05-01T10:00:00Z', '[2020-01-01,2020-02-01T00:00:00+01:00]']) assert.match(ok, time);
    assert.match('12', new RegExp(`^(?:${SYNTAX_PATTERNS.integer})$`));
    assert.doesNotMatch('1.5', new RegExp(`^(?:${SYNTAX_PATTERNS.integer})$`));
  });

  it('booleans are TRUE or FALSE in any case, alone or in a {list}; anything else is refused', () => {
    const flags = [true, false];
    const pick = (value: string) => flags.filter((v) => evaluateFilter(eoValueFilter('x', value, 'boolean', 'x'), { properties: { x: v } }));
    assert.deepEqual(pick('TRUE'), [true]);
    assert.deepEqual(pick('false'), [false]);
    assert.deepEqual(pick('{TRUE,FALSE}'), [true, false]);
    for (const bad of ['yes', '1', '[TRUE', '']) {
      assert.throws(() => eoValueFilter('x', bad, 'boolean', 'hasSecurityConstraints'), (e: OwsException) => e instanceof OwsException && e.locator === 'hasSecurityConstraints' && e.status === 400, bad);
    }
    const pattern = new RegExp(`^(?:${SYNTAX_PATTERNS.boolean})$`);
    for (const ok of ['TRUE', 'false', 'True']) assert.match(ok, pattern);
    assert.doesNotMatch('maybe', pattern);
  });

  it('a covered range (eo:wavelengths): a value inside the record range, a range overlapping it, bounds honoured', () => {
    // Sensors by [shortest, longest] wavelength in nanometres.
    const sensors: Record<string, [number, number]> = { msi: [443, 2190], oli: [433, 12510], tir: [10600, 12510], sar: [55_500_000, 55_500_000] };
    const covering = (value: string) =>
      Object.entries(sensors)
        .filter(([, [lo, hi]]) => evaluateFilter(eoCoverageFilter('lo', 'hi', value, 'wavelengths'), { properties: { lo, hi } }))
        .map(([name]) => name);
    assert.deepEqual(covering('865'), ['msi', 'oli']);
    assert.deepEqual(covering('{500,11000}'), ['msi', 'oli', 'tir']);
    assert.deepEqual(covering('[3000,5000]'), ['oli']);
    assert.deepEqual(covering('[2190,3000]'), ['msi', 'oli']);
    assert.deepEqual(covering(']2190,3000]'), ['oli']);
    assert.deepEqual(covering('[12000'), ['oli', 'tir', 'sar']);
    assert.deepEqual(covering('433['), []);
    assert.deepEqual(covering('433]'), ['oli']);
    assert.throws(() => eoCoverageFilter('lo', 'hi', '[5,1]', 'wavelengths'), (e: OwsException) => e.locator === 'wavelengths');
  });
});
