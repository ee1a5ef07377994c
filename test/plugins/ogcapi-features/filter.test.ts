/**
 * Part 3 (Filtering) and CQL2 on every database kind: the queryables document (a JSON Schema
 * the features conform to), filters of each conformance class claimed, in CQL2 text and the same
 * filters in CQL2 JSON selecting the same features as computed here from the data, filter-crs,
 * and 400 problems for bad filters.
 */
import assert from 'node:assert/strict';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { addCollection, PARCELS, parcelFeatures, PLACES, startFeaturesApi, TOWNS, townFeatures, type FeaturesApiHarness } from './support.js';

type Town = (typeof TOWNS)[number] & { observed: string; i: number };
const towns: Town[] = TOWNS.map((t, i) => ({ ...t, i, observed: townFeatures()[i]!.properties.observed as string }));
const idsOf = (pick: (t: Town) => boolean) => towns.filter(pick).map((t) => `t${t.i}`);
const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

/** A box over central Switzerland: longitude 7 to 9, latitude 46.5 to 47.6 (Bern, Zürich, Basel). */
const BOX = [7, 46.5, 9, 47.6] as const;
const inBox = (t: Town) => t.lon >= BOX[0] && t.lon <= BOX[2] && t.lat >= BOX[1] && t.lat <= BOX[3];
const boxPolygon = `POLYGON((${BOX[0]} ${BOX[1]}, ${BOX[2]} ${BOX[1]}, ${BOX[2]} ${BOX[3]}, ${BOX[0]} ${BOX[3]}, ${BOX[0]} ${BOX[1]}))`;
const boxJson = { type: 'Polygon', coordinates: [[[BOX[0], BOX[1]], [BOX[2], BOX[1]], [BOX[2], BOX[3]], [BOX[0], BOX[3]], [BOX[0], BOX[1]]]] };

interface Case {
  conformance: string;
  text: string;
  json: unknown;
  expected: string[];
}

const p = (name: string) => ({ property: name });
const CASES: Case[] = [
  { conformance: 'basic-cql2', text: 'population > 150000', json: { op: '>', args: [p('population'), 150000] }, expected: idsOf((t) => t.population > 150000) },
  { conformance: 'basic-cql2', text: "name = 'Bern'", json: { op: '=', args: [p('name'), 'Bern'] }, expected: ['t0'] },
  { conformance: 'basic-cql2', text: 'capital = TRUE', json: { op: '=', args: [p('capital'), true] }, expected: ['t0'] },
  { conformance: 'basic-cql2', text: "canton <> 'BE' AND population < 100000", json: { op: 'and', args: [{ op: '<>', args: [p('canton'), 'BE'] }, { op: '<', args: [p('population'), 100000] }] }, expected: idsOf((t) => t.canton !== 'BE' && t.population < 100000) },
  { conformance: 'basic-cql2', text: 'NOT (population > 100000) OR area < 20', json: { op: 'or', args: [{ op: 'not', args: [{ op: '>', args: [p('population'), 100000] }] }, { op: '<', args: [p('area'), 20] }] }, expected: idsOf((t) => !(t.population > 100000) || t.area < 20) },
  { conformance: 'basic-cql2', text: 'area IS NULL', json: { op: 'isNull', args: [p('area')] }, expected: [] },
  { conformance: 'basic-cql2', text: "founded < DATE('1220-01-01')", json: { op: '<', args: [p('founded'), { date: '1220-01-01' }] }, expected: idsOf((t) => t.founded < '1220-01-01') },
  { conformance: 'basic-cql2', text: "observed >= TIMESTAMP('2020-06-01T00:00:00Z')", json: { op: '>=', args: [p('observed'), { timestamp: '2020-06-01T00:00:00Z' }] }, expected: idsOf((t) => t.observed >= '2020-06-01') },
  { conformance: 'advanced-comparison-operators', text: "name LIKE 'L%'", json: { op: 'like', args: [p('name'), 'L%'] }, expected: idsOf((t) => t.name.startsWith('L')) },
  { conformance: 'advanced-comparison-operators', text: 'population BETWEEN 100000 AND 200000', json: { op: 'between', args: [p('population'), 100000, 200000] }, expected: idsOf((t) => t.population >= 100000 && t.population <= 200000) },
  { conformance: 'advanced-comparison-operators', text: "canton IN ('BE', 'ZH', 'XX')", json: { op: 'in', args: [p('canton'), ['BE', 'ZH', 'XX']] }, expected: ['t0', 't1'] },
  { conformance: 'case-insensitive-comparison', text: "CASEI(name) = casei('BERN')", json: { op: '=', args: [{ op: 'casei', args: [p('name')] }, { op: 'casei', args: ['BERN'] }] }, expected: ['t0'] },
  { conformance: 'accent-insensitive-comparison', text: "ACCENTI(name) = accenti('Zurich')", json: { op: '=', args: [{ op: 'accenti', args: [p('name')] }, { op: 'accenti', args: ['Zurich'] }] }, expected: ['t1'] },
  { conformance: 'accent-insensitive-comparison', text: "CASEI(ACCENTI(name)) LIKE casei(accenti('gen%'))", json: { op: 'like', args: [{ op: 'casei', args: [{ op: 'accenti', args: [p('name')] }] }, { op: 'casei', args: [{ op: 'accenti', args: ['gen%'] }] }] }, expected: idsOf((t) => fold(t.name).startsWith('gen')) },
  { conformance: 'basic-spatial-functions', text: `S_INTERSECTS(geometry, BBOX(${BOX.join(', ')}))`, json: { op: 's_intersects', args: [p('geometry'), { bbox: [...BOX] }] }, expected: idsOf(inBox) },
  { conformance: 'basic-spatial-functions-plus', text: `S_INTERSECTS(geometry, ${boxPolygon})`, json: { op: 's_intersects', args: [p('geometry'), boxJson] }, expected: idsOf(inBox) },
  { conformance: 'spatial-functions', text: `S_WITHIN(geometry, ${boxPolygon})`, json: { op: 's_within', args: [p('geometry'), boxJson] }, expected: idsOf(inBox) },
  { conformance: 'spatial-functions', text: `S_DISJOINT(geometry, ${boxPolygon})`, json: { op: 's_disjoint', args: [p('geometry'), boxJson] }, expected: idsOf((t) => !inBox(t)) },
  { conformance: 'spatial-functions', text: 'S_EQUALS(geometry, POINT(7.4474 46.948))', json: { op: 's_equals', args: [p('geometry'), { type: 'Point', coordinates: [7.4474, 46.948] }] }, expected: ['t0'] },
  { conformance: 'temporal-functions', text: "T_BEFORE(observed, TIMESTAMP('2020-03-01T00:00:00Z'))", json: { op: 't_before', args: [p('observed'), { timestamp: '2020-03-01T00:00:00Z' }] }, expected: idsOf((t) => t.observed < '2020-03-01') },
  { conformance: 'temporal-functions', text: "T_DURING(observed, INTERVAL('2020-02-01T00:00:00Z', '2020-04-30T00:00:00Z'))", json: { op: 't_during', args: [p('observed'), { interval: ['2020-02-01T00:00:00Z', '2020-04-30T00:00:00Z'] }] }, expected: idsOf((t) => t.observed > '2020-02-01' && t.observed < '2020-04-30') },
  { conformance: 'temporal-functions', text: "T_INTERSECTS(founded, INTERVAL('1200-01-01', '..'))", json: { op: 't_intersects', args: [p('founded'), { interval: ['1200-01-01', '..'] }] }, expected: idsOf((t) => t.founded >= '1200-01-01') },
  { conformance: 'property-property', text: 'population > area', json: { op: '>', args: [p('population'), p('area')] }, expected: idsOf(() => true) },
  { conformance: 'arithmetic', text: 'population / area > 5000', json: { op: '>', args: [{ op: '/', args: [p('population'), p('area')] }, 5000] }, expected: idsOf((t) => t.population / t.area > 5000) },
];

for (const kind of testDatabaseKinds()) {
  describe(`ogcapi-features filtering (${kind.name})`, function () {
    this.timeout(60_000);
    let h: FeaturesApiHarness;
    before(async () => {
      h = await startFeaturesApi(kind, { api: { crs: ['http://www.opengis.net/def/crs/EPSG/0/4326', 'http://www.opengis.net/def/crs/EPSG/0/2056'] } });
      await addCollection(h.features, PLACES, townFeatures());
      await addCollection(h.features, PARCELS, parcelFeatures());
    });
    after(async () => h?.close());

    const select = async (params: Record<string, string>) => {
      const res = await h.get(`/collections/places/items?limit=100&${new URLSearchParams(params).toString()}`);
      assert.equal(res.status, 200, `${JSON.stringify(params)}: ${res.text}`);
      return res.json.features.map((f: { id: string }) => f.id).sort();
    };

    it('describes the queryables as a JSON Schema the features conform to', async () => {
      const res = await h.get('/collections/places/queryables');
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^application\/schema\+json/);
      const schema = res.json;
      assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
      assert.equal(schema.$id, `${h.base}/collections/places/queryables`);
      assert.equal(schema.type, 'object');
      assert.deepEqual(Object.keys(schema.properties), ['geometry', 'name', 'population', 'area', 'capital', 'founded', 'observed', 'canton']);
      assert.deepEqual(schema.properties.geometry, { title: 'Geometry', format: 'geometry-point', 'x-ogc-role': 'primary-geometry' });
      assert.deepEqual(schema.properties.population, { title: 'Population', type: 'integer' });
      assert.deepEqual(schema.properties.observed, { type: 'string', format: 'date-time' });
      const ajv = new Ajv2020({ strict: false, validateFormats: false });
      const { links: _links, ...plain } = schema;
      const validate = ajv.compile(plain);
      for (const f of (await h.get('/collections/places/items')).json.features) {
        assert.ok(validate({ ...f.properties, geometry: f.geometry }), JSON.stringify(validate.errors));
      }
      assert.equal(validate({ colour: 'red' }), false);
      assert.equal((await h.get('/collections/parcels/queryables')).json.properties.geometry.format, 'geometry-polygon');
    });

    it('declares the CQL2 classes it is tested for', async () => {
      const conformsTo = (await h.get('/conformance')).json.conformsTo as string[];
      for (const c of new Set(CASES.map((x) => x.conformance))) assert.ok(conformsTo.includes(`http://www.opengis.net/spec/cql2/1.0/conf/${c}`), c);
    });

    for (const c of CASES) {
      it(`${c.conformance}: ${c.text} (CQL2 text and JSON)`, async () => {
        assert.deepEqual(await select({ filter: c.text }), c.expected.sort());
        assert.deepEqual(await select({ filter: c.text, 'filter-lang': 'cql2-text' }), c.expected.sort());
        assert.deepEqual(await select({ filter: JSON.stringify(c.json), 'filter-lang': 'cql2-json' }), c.expected.sort());
      });
    }

    it('combines filter with bbox, datetime, property filters and paging, numberMatched counting them all', async () => {
      const res = await h.get(`/collections/places/items?filter=${encodeURIComponent('population > 50000')}&bbox=6,46,9,48&datetime=2020-01-01T00:00:00Z/..&capital=false&limit=2`);
      const expected = idsOf((t) => t.population > 50000 && t.lon <= 9 && !t.capital);
      assert.equal(res.json.numberMatched, expected.length);
      assert.deepEqual(res.json.features.map((f: { id: string }) => f.id), expected.slice(0, 2));
      const next = res.json.links.find((l: { rel: string }) => l.rel === 'next').href as string;
      assert.equal(new URL(next).searchParams.get('filter'), 'population > 50000');
      assert.deepEqual((await h.get(next)).json.features.map((f: { id: string }) => f.id), expected.slice(2, 4));
    });

    it('reads geometry literals in filter-crs, in its axis order', async () => {
      const latLon = `POLYGON((${BOX[1]} ${BOX[0]}, ${BOX[1]} ${BOX[2]}, ${BOX[3]} ${BOX[2]}, ${BOX[3]} ${BOX[0]}, ${BOX[1]} ${BOX[0]}))`;
      assert.deepEqual(await select({ filter: `S_INTERSECTS(geometry, ${latLon})`, 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/4326' }), idsOf(inBox));
      const lv95 = 'POLYGON((2599000 1199000, 2602000 1199000, 2602000 1202000, 2599000 1202000, 2599000 1199000))';
      assert.deepEqual(await select({ filter: `S_INTERSECTS(geometry, ${lv95})`, 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/2056' }), ['t0']);
      const parcels = await h.get(`/collections/parcels/items?${new URLSearchParams({ filter: 'S_INTERSECTS(geometry, POINT(2601050 1200050))', 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/2056' })}`);
      assert.deepEqual(parcels.json.features.map((f: { id: string }) => f.id), ['p1']);
    });

    it('refuses bad filters with 400 problems', async () => {
      for (const [params, locator] of [
        [{ filter: 'population >' }, 'filter'],
        [{ filter: "colour = 'red'" }, undefined],
        [{ filter: '{"op": ">", "args": [', 'filter-lang': 'cql2-json' }, 'filter'],
        [{ filter: 'population > 1', 'filter-lang': 'cql-text' }, 'filter-lang'],
        [{ filter: 'S_INTERSECTS(geometry, POINT(0 0))', 'filter-crs': 'http://www.opengis.net/def/crs/EPSG/0/25832' }, 'filter-crs'],
      ] as Array<[Record<string, string>, string | undefined]>) {
        const res = await h.get(`/collections/places/items?${new URLSearchParams(params)}`);
        assert.equal(res.status, 400, `${JSON.stringify(params)}: ${res.text}`);
        assert.match(res.headers.get('content-type')!, /^application\/problem\+json/);
        if (locator) assert.equal(res.json.locator, locator, res.text);
      }
    });
  });
}
