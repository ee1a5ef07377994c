import assert from 'node:assert/strict';
import type { Filter } from '../../../core/filter/ast.js';
import { parseCql2Text } from '../../../core/filter/cql2-text.js';
import { FilterError } from '../../../core/filter/errors.js';
import { parseOgcCql } from '../../../core/filter/ogc-cql.js';
import { filterToCrs84 } from '../../../core/filter/crs.js';

const comparable = (f: Filter): unknown =>
  JSON.parse(JSON.stringify(f, function (this: Record<string, unknown>, key, value: unknown) {
    return key === 'text' && this.kind === 'time' ? undefined : value;
  }));

describe('OGC CQL (CSW) parser', () => {
  const equivalents: Array<[string, string]> = [
    ["dc:title LIKE 'Sentinel%' AND dc:type = 'dataset'", "dc:title LIKE 'Sentinel%' AND dc:type = 'dataset'"],
    ["csw:AnyText ILIKE '%water%'", "CASEI(csw:AnyText) LIKE CASEI('%water%')"],
    ['apiso:CloudCover < 10 OR apiso:CloudCover IS NULL', 'apiso:CloudCover < 10 OR apiso:CloudCover IS NULL'],
    ["NOT (a BETWEEN 1 AND 5) AND b NOT IN ('x', 'y') AND c IS NOT NULL", "NOT (a BETWEEN 1 AND 5) AND b NOT IN ('x', 'y') AND c IS NOT NULL"],
    ['INTERSECTS(ows:BoundingBox, POLYGON((0 0, 10 0, 10 10, 0 0)))', 'S_INTERSECTS(ows:BoundingBox, POLYGON((0 0, 10 0, 10 10, 0 0)))'],
    ['WITHIN(geometry, POLYGON((0 0, 10 0, 10 10, 0 0))) OR CONTAINS(geometry, POINT(1 2))', 'S_WITHIN(geometry, POLYGON((0 0, 10 0, 10 10, 0 0))) OR S_CONTAINS(geometry, POINT(1 2))'],
    ['dc:date AFTER 2020-05-17T10:30:00Z', "T_AFTER(dc:date, TIMESTAMP('2020-05-17T10:30:00Z'))"],
    ['dc:date BEFORE 2020-05-17T10:30:00Z AND x = 1', "T_BEFORE(dc:date, TIMESTAMP('2020-05-17T10:30:00Z')) AND x = 1"],
    ['dc:date DURING 2020-01-01T00:00:00Z/2020-12-31T00:00:00Z', "T_DURING(dc:date, INTERVAL('2020-01-01T00:00:00Z', '2020-12-31T00:00:00Z'))"],
    [
      'dc:date BEFORE OR DURING 2020-01-01T00:00:00Z/2020-12-31T00:00:00Z',
      "T_BEFORE(dc:date, INTERVAL('2020-01-01T00:00:00Z', '2020-12-31T00:00:00Z')) OR T_DURING(dc:date, INTERVAL('2020-01-01T00:00:00Z', '2020-12-31T00:00:00Z'))",
    ],
  ];
  for (const [cql, cql2] of equivalents) {
    it(`reads ${cql} as the CQL2 ${cql2}`, () => {
      assert.deepEqual(comparable(parseOgcCql(cql)), comparable(parseCql2Text(cql2)));
    });
  }

  it('reads BBOX with an optional CRS into a bbox node, and DWITHIN with units', () => {
    assert.deepEqual(parseOgcCql("BBOX(ows:BoundingBox, -10, 40, 5, 50, 'EPSG:4326')"), {
      op: 'bbox', expr: { kind: 'property', name: 'ows:BoundingBox', path: ['ows:BoundingBox'] }, bbox: [-10, 40, 5, 50], crs: 'EPSG:4326',
    });
    const projected = filterToCrs84(parseOgcCql("BBOX(g, 0, 0, 1113194.9079327357, 1113194.9079327357, 'EPSG:3857')"));
    assert.ok(projected.op === 'bbox');
    assert.deepEqual(projected.bbox.map((v) => Math.round(v * 1e6) / 1e6), [0, 0, 10, 9.949614]);
    const d = parseOgcCql('DWITHIN(geometry, POINT(1 2), 10, kilometers)');
    assert.ok(d.op === 'dwithin');
    assert.deepEqual([d.distance, d.units], [10, 'kilometers']);
  });

  it('reads periods with a duration', () => {
    const f = parseOgcCql('dc:date DURING 2020-01-01T00:00:00Z/P1D');
    assert.ok(f.op === 'temporal' && f.right.kind === 'time');
    assert.deepEqual([f.right.begin, f.right.end], [Date.parse('2020-01-01T00:00:00Z'), Date.parse('2020-01-02T00:00:00Z')]);
  });

  const refusals: Array<[string, string, number | undefined]> = [
    ["dc:title LIKE", 'The pattern of LIKE must be a string', 13],
    ['dc:date AFTER yesterday', 'Expected an ISO 8601 time or period', 14],
    ['dc:date AFTER 2020-13-01', 'is not an ISO 8601 time', 14],
    ['BBOX(g, 5, 0, 1, 1)', 'BBOX minimum is greater than its maximum', 18],
    ['a = 1 b', 'Expected AND, OR or the end of the filter', 6],
  ];
  for (const [cql, message, position] of refusals) {
    it(`refuses ${cql} with "${message}"`, () => {
      assert.throws(
        () => parseOgcCql(cql),
        (err: unknown) => err instanceof FilterError && err.message.includes(message) && err.position === position && err.locator === 'CONSTRAINT',
      );
    });
  }
});
