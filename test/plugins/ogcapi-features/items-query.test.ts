/**
 * The items parameters as the engine's FeatureQuery: paging, bbox and bbox-crs axis order,
 * datetime ranges, crs, CQL2 filters (text and JSON, filter-crs moved to CRS84 x/y) and typed
 * `name=value` property filters; bad values are 400s naming the parameter.
 */
import assert from 'node:assert/strict';
import type { MeridianError } from '../../../core/errors.js';
import type { CollectionDescription, PropertyDefinition } from '../../../plugins/features/types.js';
import { offeredCrs, parseCrsParameter } from '../../../plugins/ogcapi-features/crs.js';
import { parseItemsQuery, type ItemsQueryContext } from '../../../plugins/ogcapi-features/items-query.js';

const properties: PropertyDefinition[] = [
  { name: 'name', type: 'string' },
  { name: 'population', type: 'integer' },
  { name: 'area', type: 'number' },
  { name: 'capital', type: 'boolean' },
  { name: 'founded', type: 'date' },
  { name: 'tags', type: 'json' },
];

const collection: CollectionDescription = {
  id: 'cities',
  title: 'Cities',
  keywords: [],
  geometryType: 'Point',
  crs: 'EPSG:2056',
  properties,
  visibility: 'public',
  temporalProperty: 'founded',
  count: 0,
  bbox: null,
  nativeBbox: null,
  created: '2024-01-01T00:00:00.000Z',
  updated: '2024-01-01T00:00:00.000Z',
  version: '1',
};

const context = (over: Partial<ItemsQueryContext> = {}): ItemsQueryContext => ({
  collection,
  queryables: properties,
  offeredCrs: offeredCrs(['http://www.opengis.net/def/crs/EPSG/0/4326', 'EPSG:3857'], collection.crs),
  defaultLimit: 10,
  maxLimit: 100,
  ...over,
});

const parse = (params: Record<string, string>, over: Partial<ItemsQueryContext> = {}) => parseItemsQuery(new Map(Object.entries(params)), context(over));

function refused(params: Record<string, string>, locator: string, over: Partial<ItemsQueryContext> = {}): MeridianError {
  try {
    parse(params, over);
  } catch (err) {
    const e = err as MeridianError;
    assert.equal(e.status, 400, e.message);
    assert.equal(e.locator, locator, e.message);
    return e;
  }
  assert.fail(`${JSON.stringify(params)} was accepted`);
}

describe('ogcapi-features items parameters', () => {
  it('offers CRS84 first, then the storage CRS, then the configured ones, each once', () => {
    assert.deepEqual(offeredCrs(['http://www.opengis.net/def/crs/EPSG/0/4326', 'EPSG:2056', 'OGC:CRS84'], 'EPSG:2056'), [
      'http://www.opengis.net/def/crs/OGC/1.3/CRS84',
      'http://www.opengis.net/def/crs/EPSG/0/2056',
      'http://www.opengis.net/def/crs/EPSG/0/4326',
    ]);
  });

  it('pages with the default limit, caps a larger limit at the maximum and refuses a limit of 0 or a negative offset', () => {
    assert.deepEqual([parse({}).limit, parse({}).offset], [10, 0]);
    assert.deepEqual([parse({ limit: '5000', offset: '20' }).limit, parse({ limit: '5000', offset: '20' }).offset], [100, 20]);
    refused({ limit: '0' }, 'limit');
    refused({ limit: 'ten' }, 'limit');
    refused({ offset: '-1' }, 'offset');
  });

  it('reads bbox in CRS84 by default, 4 or 6 numbers, and in the axis order of bbox-crs (EPSG:4326 is lat/lon)', () => {
    assert.deepEqual(parse({ bbox: '5,45,10,48' }).query.bbox, [5, 45, 10, 48]);
    assert.equal(parse({ bbox: '5,45,10,48' }).query.bboxCrs, 'OGC:CRS84');
    assert.deepEqual(parse({ bbox: '5,45,0,10,48,4000' }).query.bbox, [5, 45, 10, 48]);
    const lat = parse({ bbox: '45,5,48,10', 'bbox-crs': 'http://www.opengis.net/def/crs/EPSG/0/4326' });
    assert.deepEqual(lat.query.bbox, [5, 45, 10, 48]);
    assert.equal(lat.query.bboxCrs, 'EPSG:4326');
    const swiss = parse({ bbox: '2600000,1200000,2601000,1201000', 'bbox-crs': 'http://www.opengis.net/def/crs/EPSG/0/2056' });
    assert.deepEqual(swiss.query.bbox, [2600000, 1200000, 2601000, 1201000]);
    refused({ bbox: '1,2,3' }, 'bbox');
    refused({ bbox: '1,2,x,4' }, 'bbox');
    refused({ bbox: '0,10,1,5' }, 'bbox');
    refused({ bbox: '1,2,3,4', 'bbox-crs': 'http://www.opengis.net/def/crs/EPSG/0/32632' }, 'bbox-crs');
    refused({ bbox: '1,2,3,4', 'bbox-crs': 'not a crs' }, 'bbox-crs');
  });

  it('reads datetime instants, reduced-precision dates and intervals with open ends', () => {
    assert.deepEqual(parse({ datetime: '2020-05-17T10:00:00Z' }).query.datetime, { start: '2020-05-17T10:00:00.000Z', end: '2020-05-17T10:00:00.000Z' });
    assert.deepEqual(parse({ datetime: '2020-05-17' }).query.datetime, { start: '2020-05-17T00:00:00.000Z', end: '2020-05-17T23:59:59.999Z' });
    assert.deepEqual(parse({ datetime: '2020-01-01T00:00:00Z/..' }).query.datetime, { start: '2020-01-01T00:00:00.000Z', end: null });
    assert.deepEqual(parse({ datetime: '../2020-01-01T00:00:00Z' }).query.datetime, { start: null, end: '2020-01-01T00:00:00.000Z' });
    assert.deepEqual(parse({ datetime: '/2020-01-01T00:00:00Z' }).query.datetime, { start: null, end: '2020-01-01T00:00:00.000Z' });
    refused({ datetime: 'yesterday' }, 'datetime');
    refused({ datetime: '2021-01-01/2020-01-01' }, 'datetime');
  });

  it('selects nothing by datetime in a collection without a temporal property', () => {
    const q = parse({ datetime: '2020-05-17' }, { collection: { ...collection, temporalProperty: undefined } });
    assert.equal(q.query.datetime, undefined);
    assert.deepEqual(q.query.filter, { op: 'constant', value: false });
  });

  it('answers in CRS84 by default and in an offered crs, with the axis swap EPSG:4326 needs', () => {
    assert.deepEqual(parse({}).crs, { uri: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84', id: 'OGC:CRS84', swap: false });
    assert.deepEqual(parse({ crs: 'http://www.opengis.net/def/crs/EPSG/0/4326' }).crs, { uri: 'http://www.opengis.net/def/crs/EPSG/0/4326', id: 'EPSG:4326', swap: true });
    assert.equal(parse({ crs: '[EPSG:3857]' }).query.crs, 'EPSG:3857');
    assert.equal(parse({ crs: 'http://www.opengis.net/def/crs/EPSG/0/2056' }).crs.swap, false);
    refused({ crs: 'http://www.opengis.net/def/crs/EPSG/0/25832' }, 'crs');
    assert.throws(() => parseCrsParameter('EPSG:99999999', context().offeredCrs, 'crs'), /not a CRS identifier/);
  });

  it('parses CQL2 text and JSON filters and refuses other languages', () => {
    assert.deepEqual(parse({ filter: "name = 'Bern'" }).query.filter, { op: '=', left: { kind: 'property', name: 'name', path: ['name'] }, right: { kind: 'literal', value: 'Bern' }, matchCase: true, matchAccent: true });
    const json = parse({ filter: JSON.stringify({ op: '>', args: [{ property: 'population' }, 100000] }), 'filter-lang': 'cql2-json' }).query.filter;
    assert.equal((json as { op: string }).op, '>');
    refused({ filter: "name = 'Bern'", 'filter-lang': 'ecql' }, 'filter-lang');
    refused({ filter: 'name = ' }, 'filter');
    refused({ filter: '{"op": "="', 'filter-lang': 'cql2-json' }, 'filter');
  });

  it('moves filter-crs literals (in the CRS axis order) to CRS84 x/y', () => {
    const q = parse({ filter: 'S_INTERSECTS(geometry, POINT(46.95 7.45))', 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/4326' });
    const spatial = q.query.filter as { op: string; right: { kind: string; crs: string; geometry: { coordinates: number[] } } };
    assert.equal(spatial.op, 'spatial');
    assert.equal(spatial.right.crs, 'http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    assert.deepEqual(spatial.right.geometry.coordinates, [7.45, 46.95]);
    const swiss = parse({ filter: 'S_INTERSECTS(geometry, POINT(2600000 1200000))', 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/2056' }).query.filter as typeof spatial;
    const [lon, lat] = swiss.right.geometry.coordinates;
    assert.ok(Math.abs(lon! - 7.43863) < 1e-4 && Math.abs(lat! - 46.95108) < 1e-4, `${lon} ${lat}`);
    refused({ filter: 'S_INTERSECTS(geometry, POINT(0 0))', 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/25832' }, 'filter-crs');
  });

  it('turns name=value on queryables into equality typed as the property, ANDed with the rest', () => {
    const q = parse({ name: 'Bern', population: '134000', capital: 'true', area: '51.6', filter: 'population > 1' });
    const args = (q.query.filter as { op: string; args: Array<{ op: string; right?: { value?: unknown } }> }).args;
    assert.equal((q.query.filter as { op: string }).op, 'and');
    assert.deepEqual(args.map((a) => [a.op, a.right?.value]), [['>', 1], ['=', 'Bern'], ['=', 134000], ['=', 51.6], ['=', true]]);
    const day = parse({ founded: '1191-01-01' }).query.filter as { op: string; relation: string; right: { begin: number; end: number } };
    assert.equal(day.op, 'temporal');
    assert.equal(day.right.end - day.right.begin, 86_400_000 - 1);
    refused({ population: 'many' }, 'population');
    refused({ population: '1.5' }, 'population');
    refused({ capital: 'yes' }, 'capital');
    refused({ tags: 'x' }, 'tags');
  });
});
