import assert from 'node:assert/strict';
import { property, type DistanceFilter, type Filter } from '../../../core/filter/ast.js';
import { parseCql2Text } from '../../../core/filter/cql2-text.js';
import { FilterError } from '../../../core/filter/errors.js';
import { arithmetic, compileFilter, evaluateFilter, temporalRelationHolds, type FilterRecord } from '../../../core/filter/evaluate.js';
import { distanceInDegrees } from '../../../core/filter/spatial.js';

const records: FilterRecord[] = [
  { id: 1, properties: { title: 'Zürich Sentinel', cloudCover: 5, platform: 'sentinel-2a', datetime: '2020-05-17T10:30:00.000Z', eo: { band: 'B04' }, tags: ['a', 'b'], online: true }, geometry: { type: 'Point', coordinates: [8.5, 47.4] } },
  { id: 2, properties: { title: 'landsat scene_1', cloudCover: 40, platform: 'landsat-8', datetime: '2021-01-01T00:00:00.000Z', tags: ['b', 'c'], online: false }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]] } },
  { id: 3, properties: { title: 'no cloud', cloudCover: null, platform: 'SENTINEL-2B', datetime: null }, geometry: null },
];

const ids = (cql: string) => {
  const match = compileFilter(parseCql2Text(cql));
  return records.filter(match).map((r) => r.id);
};

describe('filter evaluation in memory', () => {
  const cases: Array<[string, number[]]> = [
    ['cloudCover < 10', [1]],
    ['cloudCover <> 5', [2]],
    ['NOT cloudCover < 10', [2]],
    ['cloudCover IS NULL', [3]],
    ['NOT (cloudCover IS NULL)', [1, 2]],
    ['cloudCover BETWEEN 5 AND 40', [1, 2]],
    ['cloudCover NOT BETWEEN 6 AND 100', [1]],
    ["platform IN ('landsat-8', 'SENTINEL-2B')", [2, 3]],
    ["platform LIKE 'sentinel%'", [1]],
    ["CASEI(platform) LIKE CASEI('sentinel-2_')", [1, 3]],
    ["ACCENTI(title) LIKE ACCENTI('Zur%')", [1]],
    ["CASEI(ACCENTI(title)) = casei(accenti('ZURICH SENTINEL'))", [1]],
    ["title LIKE '%\\_1'", [2]],
    ["lower(platform) = 'sentinel-2b'", [3]],
    ["eo.band = 'B04'", [1]],
    ['online', [1]],
    ['cloudCover < 10 OR cloudCover IS NULL', [1, 3]],
    ['cloudCover < 10 OR cloudCover > 100', [1]],
    ["T_AFTER(datetime, DATE('2020-12-31'))", [2]],
    ["T_BEFORE(datetime, TIMESTAMP('2021-01-01T00:00:00Z'))", [1]],
    ["T_DURING(datetime, INTERVAL('2020-01-01', '..'))", [1, 2]],
    ["T_INTERSECTS(datetime, DATE('2021-01-01'))", [2]],
    ["T_EQUALS(datetime, TIMESTAMP('2021-01-01T00:00:00Z'))", [2]],
    ["datetime >= TIMESTAMP('2021-01-01T00:00:00Z')", [2]],
    ['S_INTERSECTS(geometry, POINT(5 5))', [2]],
    ['S_INTERSECTS(geometry, BBOX(8, 47, 9, 48))', [1]],
    ['S_DISJOINT(geometry, POINT(5 5))', [1]],
    ['S_WITHIN(geometry, POLYGON((8 47, 9 47, 9 48, 8 48, 8 47)))', [1]],
    ['S_WITHIN(geometry, BBOX(-1, -1, 11, 11))', [2]],
    ['S_EQUALS(geometry, POINT(8.5 47.4))', [1]],
    ['S_CONTAINS(geometry, POINT(10 5))', []],
    ['S_TOUCHES(geometry, POINT(10 5))', [2]],
    ['S_OVERLAPS(geometry, BBOX(5, 5, 15, 15))', [2]],
    ['S_CROSSES(geometry, LINESTRING(8 47, 9 48))', []],
    ['S_CROSSES(geometry, LINESTRING(5 5, 15 5))', [2]],
    ['S_CONTAINS(geometry, MULTIPOINT(1 1, 10 5))', [2]],
    ["A_CONTAINS(tags, ('b'))", [1, 2]],
    ["A_OVERLAPS(tags, ('c', 'x'))", [2]],
    ["A_EQUALS(tags, ('a', 'b'))", [1]],
    ["A_CONTAINEDBY(tags, ('a', 'b', 'z'))", [1]],
  ];
  for (const [cql, expected] of cases) {
    it(`${cql} selects ${JSON.stringify(expected)}`, () => assert.deepEqual(ids(cql), expected));
  }

  it('computes arithmetic as SQL does: real division, truncating div, division by zero unknown', () => {
    assert.equal(arithmetic('/', 7, 2), 3.5);
    assert.equal(arithmetic('div', -7, 2), -3);
    assert.equal(arithmetic('%', 7, 2), 1);
    assert.equal(arithmetic('^', 2, 10), 1024);
    assert.equal(arithmetic('/', 1, 0), null);
    assert.deepEqual(ids('cloudCover / 0 > 1 OR NOT cloudCover / 0 > 1'), []);
    assert.deepEqual(ids('cloudCover * 2 - 10 = 0'), [1]);
  });

  it('matches resource ids as text', () => {
    assert.equal(evaluateFilter({ op: 'ids', ids: ['2'] }, records[1]!), true);
    assert.equal(evaluateFilter({ op: 'ids', ids: ['2'] }, records[0]!), false);
  });

  it('measures dwithin and beyond in degrees, with metres converted at the equatorial degree', () => {
    const near: DistanceFilter = { op: 'dwithin', left: property('geometry'), right: { kind: 'geometry', geometry: { type: 'Point', coordinates: [11, 5] }, crs: 'EPSG:4326' }, distance: 1, units: 'deg' };
    assert.deepEqual(records.filter(compileFilter(near)).map((r) => r.id), [2]);
    assert.deepEqual(records.filter(compileFilter({ ...near, op: 'beyond' })).map((r) => r.id), [1]);
    assert.deepEqual(records.filter(compileFilter({ ...near, distance: 100, units: 'km' })).map((r) => r.id), []);
    assert.deepEqual(records.filter(compileFilter({ ...near, distance: 112, units: 'km' })).map((r) => r.id), [2]);
    assert.ok(Math.abs(distanceInDegrees(111319.49079327357, 'm') - 1) < 1e-12);
  });

  it('implements the CQL2 temporal relations on closed ranges', () => {
    const iv = (a: number, b: number): [number, number] => [a, b];
    assert.equal(temporalRelationHolds('meets', iv(1, 2), iv(2, 3)), true);
    assert.equal(temporalRelationHolds('metBy', iv(2, 3), iv(1, 2)), true);
    assert.equal(temporalRelationHolds('overlaps', iv(1, 3), iv(2, 4)), true);
    assert.equal(temporalRelationHolds('overlappedBy', iv(2, 4), iv(1, 3)), true);
    assert.equal(temporalRelationHolds('starts', iv(1, 2), iv(1, 3)), true);
    assert.equal(temporalRelationHolds('startedBy', iv(1, 3), iv(1, 2)), true);
    assert.equal(temporalRelationHolds('finishes', iv(2, 3), iv(1, 3)), true);
    assert.equal(temporalRelationHolds('finishedBy', iv(1, 3), iv(2, 3)), true);
    assert.equal(temporalRelationHolds('contains', iv(1, 4), iv(2, 3)), true);
    assert.equal(temporalRelationHolds('disjoint', iv(1, 2), iv(3, 4)), true);
    assert.equal(temporalRelationHolds('intersects', iv(1, 2), iv(3, 4)), false);
  });

  it('moves geometry literals in other CRSs to CRS:84, with the axis order their identifier implies', () => {
    const point = (crs: string, coordinates: number[]): Filter => ({ op: 'spatial', relation: 'intersects', left: property('geometry'), right: { kind: 'geometry', geometry: { type: 'Point', coordinates }, crs } });
    const selected = (f: Filter) => records.filter(compileFilter(f)).map((r) => r.id);
    assert.deepEqual(selected(point('EPSG:3857', [556597.4539663679, 556597.4539663679 * 0.99])), [2]);
    assert.deepEqual(selected(point('http://www.opengis.net/def/crs/EPSG/0/4326', [47.4, 8.5])), [1]);
    assert.deepEqual(selected(point('EPSG:4326', [8.5, 47.4])), [1]);
    assert.deepEqual(records.filter(compileFilter(parseCql2Text('S_INTERSECTS(geometry, POINT(47.4 8.5))', { crs: 'http://www.opengis.net/def/crs/EPSG/0/4326' }))).map((r) => r.id), [1]);
    assert.throws(() => selected(point('EPSG:999999', [0, 0])), FilterError);
  });
});
