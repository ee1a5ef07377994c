import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANONYMOUS } from '../../../../core/auth/index.js';
import { ImportError, importVectorSource, type RowRejection } from '../../../../plugins/features/import/importer.js';
import { openVectorFile } from '../../../../plugins/features/import/readers/index.js';
import type { Feature } from '../../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { admin, collect, openEngine, user, type EngineHarness } from '../support.js';
import { assertSameCoordinates, gdalFeatures, ogr2ogr, SOURCE_FEATURES, writeSource } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`features importer (${kind.name})`, function () {
    this.timeout(120000);
    let h: EngineHarness;
    let dir: string;
    before(async () => {
      h = await openEngine(kind);
      dir = mkdtempSync(join(tmpdir(), 'meridian-features-importer-'));
    });
    after(async () => {
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const all = async (collection: string): Promise<Feature[]> => collect((await h.features.query(collection, { limit: 10000, sortBy: [{ property: 'id' }] }, admin)).features);

    async function run(path: string, options: Parameters<typeof importVectorSource>[4] = {}) {
      const source = await openVectorFile(path);
      const rejected: RowRejection[] = [];
      try {
        const report = await importVectorSource(h.features, source, path, admin, { ...options, onRejected: (r) => rejected.push(r) });
        return { report, rejected };
      } finally {
        await source.close();
      }
    }

    it('creates a collection from a GeoPackage table with its declared schema and CRS, and every feature as GDAL reads it', async () => {
      const path = join(dir, 'towns.gpkg');
      ogr2ogr(['-f', 'GPKG', path, writeSource(join(dir, 'towns.geojson')), '-nln', 'towns', '-t_srs', 'EPSG:2056']);
      const { report, rejected } = await run(path);
      assert.deepEqual(rejected, []);
      assert.equal(report.imported, SOURCE_FEATURES.length);
      assert.deepEqual(report.layers.map((l) => [l.collection, l.created, l.crs, l.imported]), [['towns', true, 'EPSG:2056', 4]]);
      const c = (await h.features.collection('towns', admin))!;
      assert.equal(c.crs, 'EPSG:2056');
      assert.deepEqual(c.properties.map((p) => [p.name, p.type]), [['name', 'string'], ['pop', 'integer'], ['area', 'number'], ['founded', 'date'], ['updated', 'datetime']]);
      const got = await all('towns');
      const gdal = gdalFeatures(path);
      assert.deepEqual(got.map((f) => f.id), ['1', '2', '3', '4'], 'the GeoPackage fids kept');
      got.forEach((f, i) => {
        assertSameCoordinates(f.geometry!.coordinates, gdal[i]!.geometry!.coordinates, `feature ${f.id}`);
        assert.deepEqual({ ...f.properties, updated: (f.properties.updated as string | null)?.replace('.000Z', 'Z') ?? null }, gdal[i]!.properties);
      });
    });

    it('reports bad rows (row, line, reason, locator) and keeps the good ones, across batches', async () => {
      const path = join(dir, 'mixed.csv');
      writeFileSync(path, [
        'WKT,code,label,when',
        '"POINT (1 1)",1,one,2020-01-01',
        '"POINT (2 2)",2,two,2020-01-02',
        '"POINT (3",3,bad wkt,2020-01-03',
        '"POINT (4 4)",four,bad integer,2020-01-04',
        '"POINT (5 5)",5,five,2020-02-30',
        '"POINT (6 6)",6,six,2020-01-06,extra',
        '"LINESTRING (0 0,1 1)",7,a line,2020-01-07',
        '"POINT (8 8)",8,eight,',
        ',9,no geometry,2020-01-09',
      ].join('\n'));
      const { report, rejected } = await run(path, { collection: 'mixed', batchSize: 2, inferRows: 2 });
      assert.deepEqual(rejected.map((r) => [r.row, r.line, r.code, r.locator ?? null]), [
        [3, 4, 'UnreadableRow', null],
        [4, 5, 'InvalidValue', 'code'],
        [5, 6, 'InvalidValue', 'when'],
        [6, 7, 'UnreadableRow', null],
        [7, 8, 'InvalidGeometry', 'geometry'],
      ]);
      assert.match(rejected[0]!.reason, /invalid WKT/);
      assert.match(rejected[1]!.reason, /"four" is not an integer/);
      assert.match(rejected[2]!.reason, /not a date/);
      assert.match(rejected[3]!.reason, /5 fields where the header has 4/);
      assert.match(rejected[4]!.reason, /a LineString in a collection of Point geometries/);
      assert.equal(report.imported, 4);
      assert.equal(report.rejected, 5);
      assert.equal(report.layers[0]!.read, 9);
      const got = await all('mixed');
      assert.deepEqual(got.map((f) => [f.properties.code, f.properties.label, f.properties.when, f.geometry?.type ?? null]), [
        [1, 'one', '2020-01-01', 'Point'],
        [2, 'two', '2020-01-02', 'Point'],
        [8, 'eight', null, 'Point'],
        [9, 'no geometry', '2020-01-09', null],
      ]);
    });

    it('a batch the engine refuses (a duplicate id) is split until the refused row is alone: the rest of the batch is kept', async () => {
      const path = join(dir, 'dups.geojson');
      const point = (id: number | string, n: number) => ({ id, properties: { n }, geometry: { type: 'Point', coordinates: [n, n] } });
      writeSource(path, [point(1, 1), point(2, 2), point(3, 3), point(2, 4), point(5, 5), point(6, 6), point(1, 7)]);
      const { report, rejected } = await run(path, { batchSize: 10 });
      assert.deepEqual(rejected.map((r) => [r.row, r.id, r.code]), [[4, '2', 'DuplicateId'], [7, '1', 'DuplicateId']]);
      assert.equal(report.imported, 5);
      assert.deepEqual((await all('dups')).map((f) => f.properties.n), [1, 2, 3, 5, 6]);
      // Again, with ids assigned by the engine: every row goes in.
      const again = await run(path, { collection: 'dups_assigned', ids: 'assign' });
      assert.equal(again.report.imported, 7);
    });

    it('appends to an existing collection in another CRS: properties matched by sanitised name, geometries moved to its CRS (as GDAL moves them), single parts made multi', async () => {
      await h.features.createCollection({ id: 'regions', geometryType: 'MultiPolygon', crs: 'OGC:CRS84', properties: [{ name: 'Town_Name', type: 'string' }, { name: 'pop', type: 'number' }] }, admin);
      const src = join(dir, 'regions-src.geojson');
      writeSource(src, SOURCE_FEATURES.map((f) => ({ properties: { 'Town Name': f.properties.name, pop: f.properties.pop, extra: 1 }, geometry: f.geometry })));
      const lv95 = join(dir, 'regions.shp');
      ogr2ogr(['-f', 'ESRI Shapefile', lv95, src, '-t_srs', 'EPSG:2056', '-lco', 'ENCODING=UTF-8']);
      const { report, rejected } = await run(lv95, { collection: 'regions' });
      assert.deepEqual(rejected, []);
      assert.equal(report.layers[0]!.created, false);
      assert.equal(report.layers[0]!.crs, 'EPSG:2056');
      assert.ok(report.layers[0]!.warnings.some((w) => /'extra' is not in collection 'regions'/.test(w)), report.layers[0]!.warnings.join('; '));
      const got = await all('regions');
      assert.deepEqual(got.map((f) => f.properties.Town_Name), SOURCE_FEATURES.map((f) => f.properties.name));
      assert.ok(got.every((f) => f.geometry!.type === 'MultiPolygon'));
      // GDAL's own transformation back to CRS84 of the shapefile's coordinates.
      const back = join(dir, 'regions-back.geojson');
      ogr2ogr(['-f', 'GeoJSON', '-t_srs', 'OGC:CRS84', '-lco', 'COORDINATE_PRECISION=12', back, lv95]);
      const gdal = gdalFeatures(back);
      got.forEach((f, i) => {
        const theirs = gdal[i]!.geometry!;
        const multi = theirs.type === 'Polygon' ? [theirs.coordinates] : theirs.coordinates;
        const flat = (c: unknown): number[] => (Array.isArray(c) ? c.flatMap(flat) : [c as number]);
        const a = flat(f.geometry!.coordinates);
        const b = flat(multi);
        assert.equal(a.length, b.length);
        a.forEach((v, j) => assert.ok(Math.abs(v - b[j]!) < 1e-7, `feature ${i + 1} coordinate ${j}: ${v} vs ${b[j]}`));
      });
    });

    it('a property first seen after the inferred rows is reported, not guessed; a given schema and the crs option are used', async () => {
      const path = join(dir, 'late.geojson');
      writeSource(path, [
        { properties: { a: 1 }, geometry: { type: 'Point', coordinates: [600000, 200000] } },
        { properties: { a: 2, b: 'late' }, geometry: { type: 'Point', coordinates: [600001, 200001] } },
      ]);
      const late = await run(path, { collection: 'late', inferRows: 1, crs: 'EPSG:21781' });
      assert.equal(late.report.imported, 2);
      assert.ok(late.report.layers[0]!.warnings.some((w) => /'b' first appears in row 2/.test(w)));
      assert.equal((await h.features.collection('late', admin))!.crs, 'EPSG:21781');
      const given = await run(path, { collection: 'given', schema: { geometryType: 'Point', properties: [{ name: 'a', type: 'string' }, { name: 'b', type: 'string', nullable: false }] }, crs: 'EPSG:21781' });
      assert.deepEqual(given.rejected.map((r) => [r.row, r.locator]), [[1, 'b']]);
      assert.deepEqual((await all('given')).map((f) => f.properties), [{ a: '2', b: 'late' }]);
    });

    it('refuses what it cannot do before writing: an unknown layer, a CRS it cannot know, a subject who may not write there', async () => {
      const path = join(dir, 'towns.gpkg');
      await assert.rejects(run(path, { layer: 'nope' }), (err: Error) => err instanceof ImportError && /No layer 'nope'.*towns/.test(err.message));
      const prj = join(dir, 'odd.shp');
      ogr2ogr(['-f', 'ESRI Shapefile', prj, join(dir, 'towns.geojson'), '-t_srs', '+proj=tmerc +lat_0=1.234 +lon_0=5.678 +k=0.9 +x_0=123 +y_0=456 +ellps=intl +units=m']);
      await assert.rejects(run(prj), (err: Error) => err instanceof ImportError && /CRS of layer 'odd' is unknown/.test(err.message));
      // Bob may not add to the admin's collection, nor anonymous create one: refused, nothing written.
      const source = await openVectorFile(join(dir, 'towns.geojson'));
      await assert.rejects(importVectorSource(h.features, source, 'towns.geojson', user('bob', ['users']), { collection: 'towns', ids: 'assign' }), (err: Error & { status?: number }) => err.status === 403);
      await source.close();
      assert.equal((await h.features.collection('towns', ANONYMOUS))!.count, SOURCE_FEATURES.length);
      const again = await openVectorFile(join(dir, 'towns.geojson'));
      await assert.rejects(importVectorSource(h.features, again, 'towns.geojson', ANONYMOUS, { collection: 'anonymous' }), (err: Error & { status?: number }) => err.status === 401);
      await again.close();
      assert.equal(await h.features.collection('anonymous', ANONYMOUS), undefined);
    });
  });
}
