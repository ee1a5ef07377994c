/**
 * GDAL/OGR's own OGC API - Features client (the OAPIF driver) against the real server on every
 * database kind: ogrinfo lists the collections with their titles, counts, extents and fields,
 * pages through a layer, selects with attribute and spatial filters (the latter sent as bbox); and
 * ogr2ogr copies a layer to a GeoPackage equal to the source (ids, attributes, geometries).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { addCollection, GRID, gridFeatures, PARCELS, parcelFeatures, PLACES, PYTHON, run, startFeaturesApi, TOWNS, townFeatures, type FeaturesApiHarness } from './support.js';

const GRID_SIZE = 137;

/** Reads a GeoPackage layer with GDAL's Python bindings: fields and features in order of fid. */
const READ_GPKG = `
import json, sys
from osgeo import ogr
ds = ogr.Open(sys.argv[1])
layer = ds.GetLayerByName(sys.argv[2])
defn = layer.GetLayerDefn()
fields = [defn.GetFieldDefn(i).GetName() for i in range(defn.GetFieldCount())]
types = {defn.GetFieldDefn(i).GetName(): defn.GetFieldDefn(i).GetTypeName() for i in range(defn.GetFieldCount())}
features = []
for f in layer:
    g = f.GetGeometryRef()
    features.append({'fields': {n: f.GetField(n) for n in fields}, 'geometry': json.loads(g.ExportToJson()) if g else None})
srs = layer.GetSpatialRef()
print(json.dumps({'fields': fields, 'types': types, 'features': features, 'srs': srs.GetAuthorityCode(None) if srs else None}))
`;

for (const kind of testDatabaseKinds()) {
  describe(`ogcapi-features read by GDAL's OAPIF driver (${kind.name})`, function () {
    this.timeout(180_000);
    let h: FeaturesApiHarness;
    let dir: string;
    before(async () => {
      h = await startFeaturesApi(kind, { engine: { maxLimit: 50 } });
      await addCollection(h.features, PLACES, townFeatures());
      await addCollection(h.features, GRID, gridFeatures(GRID_SIZE));
      await addCollection(h.features, PARCELS, parcelFeatures());
      dir = mkdtempSync(path.join(tmpdir(), 'meridian-oapif-'));
    });
    after(async () => {
      await h?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    const ogr = async (command: string, args: string[], env: Record<string, string> = {}) => {
      const res = await run(command, args, { env: { GDAL_HTTP_TIMEOUT: '30', ...env } });
      assert.equal(res.code, 0, `${command} ${args.join(' ')}\n${res.stderr}\n${res.stdout}`);
      return res;
    };

    it('ogrinfo lists the collections of the landing page', async () => {
      const { stdout } = await ogr('ogrinfo', ['-ro', '-q', `OAPIF:${h.base}`]);
      for (const id of ['grid', 'parcels', 'places']) assert.match(stdout, new RegExp(`^\\d+: ${id}( |$)`, 'm'), stdout);
    });

    it('ogrinfo summarises a layer: count, extent, fields with their types', async () => {
      const { stdout } = await ogr('ogrinfo', ['-ro', '-so', `OAPIF:${h.base}`, 'places']);
      assert.match(stdout, /Feature Count: 8/);
      const lons = TOWNS.map((t) => t.lon);
      const lats = TOWNS.map((t) => t.lat);
      assert.match(stdout, new RegExp(`Extent: \\(${Math.min(...lons).toFixed(6)}, ${Math.min(...lats).toFixed(6)}\\) - \\(${Math.max(...lons).toFixed(6)}, ${Math.max(...lats).toFixed(6)}\\)`), stdout);
      assert.match(stdout, /name: String/);
      assert.match(stdout, /population: Integer/);
      assert.match(stdout, /area: Real/);
      assert.match(stdout, /capital: Integer\(Boolean\)/);
      assert.match(stdout, /observed: DateTime/);
    });

    it('reads every feature of a layer through the next links', async () => {
      const { stdout } = await ogr('ogrinfo', ['-ro', '-al', '-q', `OAPIF:${h.base}/collections/grid`]);
      const values = [...stdout.matchAll(/^\s+value \(Integer\) = (\d+)$/gm)].map((m) => Number(m[1]));
      assert.deepEqual(values, Array.from({ length: GRID_SIZE }, (_, i) => i));
    });

    it('selects with an attribute filter (evaluated by GDAL 3.6, which reads queryables from the OpenAPI paths of an unmounted API) and pushes a spatial filter down as bbox', async () => {
      const { stdout } = await ogr('ogrinfo', ['-ro', '-al', '-q', '-where', 'population > 150000', `OAPIF:${h.base}`, 'places']);
      const names = [...stdout.matchAll(/^\s+name \(String\) = (.+)$/gm)].map((m) => m[1]);
      assert.deepEqual(names, TOWNS.filter((t) => t.population > 150000).map((t) => t.name));
      const box = await ogr('ogrinfo', ['-ro', '-al', '-q', '-spat', '7', '46.5', '9', '47.6', `OAPIF:${h.base}`, 'places'], { CPL_DEBUG: 'ON' });
      const inBox = [...box.stdout.matchAll(/^\s+name \(String\) = (.+)$/gm)].map((m) => m[1]);
      assert.deepEqual(inBox, TOWNS.filter((t) => t.lon >= 7 && t.lon <= 9 && t.lat >= 46.5 && t.lat <= 47.6).map((t) => t.name));
      assert.match(box.stderr, /Fetch\(http:[^)]*\/collections\/places\/items\?[^)]*bbox=7(\.0+)?(,|%2C)46\.5/, 'the bbox was not sent to the server');
    });

    it('ogr2ogr copies a layer to a GeoPackage equal to the source', async () => {
      const gpkg = path.join(dir, `places-${kind.name}.gpkg`);
      await ogr('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${h.base}`, 'places']);
      const read = await run(PYTHON, ['-c', READ_GPKG, gpkg, 'places']);
      assert.equal(read.code, 0, read.stderr);
      const copy = JSON.parse(read.stdout) as { fields: string[]; types: Record<string, string>; features: Array<{ fields: Record<string, unknown>; geometry: unknown }>; srs: string };
      assert.equal(copy.srs, '4326');
      for (const p of PLACES.properties) assert.ok(copy.fields.includes(p.name), `${p.name} missing from ${copy.fields}`);
      const source = townFeatures();
      assert.equal(copy.features.length, source.length);
      copy.features.forEach((f, i) => {
        const s = source[i]!;
        assert.equal(f.fields.id, s.id);
        assert.deepEqual(f.geometry, s.geometry);
        assert.equal(f.fields.name, s.properties.name);
        assert.equal(f.fields.population, s.properties.population);
        assert.equal(f.fields.area, s.properties.area);
        assert.equal(Boolean(f.fields.capital), s.properties.capital);
        assert.equal(f.fields.canton, s.properties.canton);
        assert.equal(new Date(`${String(f.fields.observed).replace(/\//g, '-').replace(' ', 'T')}Z`.replace(/\+00Z$/, 'Z')).toISOString(), s.properties.observed);
      });
    });

    it('ogr2ogr copies a layer stored in LV95 in CRS84, where PROJ puts its vertices', async () => {
      const gpkg = path.join(dir, `parcels-${kind.name}.gpkg`);
      await ogr('ogr2ogr', ['-f', 'GPKG', gpkg, `OAPIF:${h.base}`, 'parcels']);
      const read = await run(PYTHON, ['-c', READ_GPKG, gpkg, 'parcels']);
      assert.equal(read.code, 0, read.stderr);
      const copy = JSON.parse(read.stdout) as { features: Array<{ fields: Record<string, unknown>; geometry: { coordinates: number[][][] } }>; srs: string };
      assert.equal(copy.srs, '4326');
      assert.deepEqual(copy.features.map((f) => f.fields.owner_name), ['owner 0', 'owner 1', 'owner 2']);
      for (const [i, source] of parcelFeatures().entries()) {
        const ring = (source.geometry as { coordinates: number[][][] }).coordinates[0]!;
        const proj = await run('gdaltransform', ['-s_srs', 'EPSG:2056', '-t_srs', 'OGC:CRS84', '-output_xy'], { input: ring.map((p) => p.join(' ')).join('\n') + '\n' });
        const expected = proj.stdout.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number));
        copy.features[i]!.geometry.coordinates[0]!.forEach((c, j) => {
          assert.ok(Math.abs(c[0]! - expected[j]![0]!) < 1e-8 && Math.abs(c[1]! - expected[j]![1]!) < 1e-8, `parcel ${i} vertex ${j}: ${c} vs ${expected[j]}`);
        });
      }
    });
  });
}
