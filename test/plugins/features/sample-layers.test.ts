/**
 * The sample collections as a first start serves them: a real server with `sampleData: true`
 * (the features engine, WFS, WMS) loads countries, rivers and populated_places; the WFS lists
 * them and GDAL's WFS driver reads their counts and fields; the WMS draws them with the sample
 * styles (rivers as blue lines, cities as symbols labelled with their names). The countries
 * crossing the antimeridian (Russia, Fiji; Antarctica round the pole) are served as planar
 * polygons cut at ±180: valid, with their areas, and drawn without lines across the map; every
 * country is valid as GEOS (GDAL's Python bindings, ogrinfo's SQLite dialect) reads it from the WFS
 * and from OGC API - Features. QGIS (PyQGIS, headless) lists them in its browser under a WFS and
 * an OGC API - Features connection, and reads each layer added from the URI the browser gives.
 * (Editing over WFS-T in QGIS is wfs/qgis-wfst.test.ts.)
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { SAMPLE_VECTOR_STYLES } from '../../../plugins/wms/vector/sample-styles.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { builtinDir, decode, get as getMap, near, PYTHON, xpath as wmsXpath, type Pixels } from '../wms/support.js';
import { get, run, xpath } from '../wfs/support.js';
import type { FeaturesService } from '../../../plugins/features/types.js';
import 'jsts/org/locationtech/jts/monkey.js';
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import IsValidOp from 'jsts/org/locationtech/jts/operation/valid/IsValidOp.js';

const QGIS_BROWSE = fileURLToPath(new URL('./fixtures/qgis_browse.py', import.meta.url));

interface BrowsedLayer {
  /** What the browser shows: the layer's title. */
  name: string;
  uri: string;
  provider: string;
  valid: boolean;
  error?: string;
  count?: number;
  geometry?: string;
  crs?: string;
  fields?: string[];
  extent?: [number, number, number, number];
  first?: Array<{ attributes: Record<string, unknown>; geometryValid: boolean; geometryEmpty: boolean }>;
}
interface BrowseReport {
  connections: string[];
  layers: BrowsedLayer[];
  errors?: string[];
}

/** The sample collections and their feature counts. */
const COUNTS: Record<string, number> = { countries: 177, rivers: 461, populated_places: 4442 };
const TITLES: Record<string, string> = {
  countries: 'Countries (Natural Earth 1:110m)',
  rivers: 'Rivers and lake centerlines (Natural Earth 1:50m)',
  populated_places: 'Populated places (GeoNames, 100,000 inhabitants or more)',
};
/** The type name in a WFS provider URI (typename='...'). */
const typeName = (uri: string) => /typename='([^']+)'/.exec(uri)?.[1];

const RIVER = [0x1f, 0x78, 0xb4];
const CAPITAL = [0xb2, 0x18, 0x2b];
/** Switzerland and around, 600 × 300 px: about 1:4,000,000, where every city is labelled. */
const SWISS = { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetMap', CRS: 'CRS:84', BBOX: '5,45,11,48', WIDTH: '600', HEIGHT: '300', FORMAT: 'image/png', TRANSPARENT: 'TRUE' };
const pixel = (lon: number, lat: number) => [Math.round(((lon - 5) / 6) * 600), Math.round(((48 - lat) / 3) * 300)] as const;

/** The area (km²) of a lon/lat polygon's rings with straight edges in plate carrée, on the authalic sphere (Lambert cylindrical equal-area). */
function areaKm2(polygons: number[][][][]): number {
  const R = 6371.0072;
  const rad = Math.PI / 180;
  const ring = (r: number[][]) => {
    let s = 0;
    for (let i = 1; i < r.length; i++) s += (r[i]![0]! - r[i - 1]![0]!) * rad * ((Math.sin(r[i]![1]! * rad) + Math.sin(r[i - 1]![1]! * rad)) / 2);
    return Math.abs(s) * R * R;
  };
  return polygons.reduce((sum, p) => sum + ring(p[0]!) - p.slice(1).reduce((h, r) => h + ring(r), 0), 0);
}

/** Web Mercator y of a latitude. */
const mercatorY = (lat: number) => 6378137 * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));

function count(p: Pixels, test: (rgba: [number, number, number, number]) => boolean, box = { x0: 0, y0: 0, x1: p.width, y1: p.height }): number {
  let n = 0;
  for (let y = box.y0; y < box.y1; y++) for (let x = box.x0; x < box.x1; x++) if (test(p.at(x, y))) n++;
  return n;
}

for (const kind of testDatabaseKinds()) {
  describe(`features sample layers served (${kind.name})`, function () {
    this.timeout(180_000);
    let server: TestServer;
    let dispose: () => Promise<void>;
    before(async () => {
      const test = await kind.open();
      await test.db.close();
      dispose = test.dispose;
      server = await startTestServer(
        {
          sampleData: true,
          database: test.config,
          plugins: { coverages: { workers: 1, sampleRasters: false, refreshSeconds: 0, coverages: [] }, features: {}, 'ogcapi-features': {}, wfs: {}, wms: {} },
        },
        { builtinDir },
      );
    });
    after(async () => {
      await server?.close();
      await dispose?.();
    });

    it('loads the three samples at start-up', async () => {
      const features = server.meridian.service<FeaturesService>('features');
      const counts = await Promise.all(Object.keys(COUNTS).map(async (id) => (await features.collection(id, ANONYMOUS))?.count));
      assert.deepEqual(counts, Object.values(COUNTS));
    });

    it('lists them in the WFS capabilities', async () => {
      const res = await get(`${server.url}/wfs`, { SERVICE: 'WFS', REQUEST: 'GetCapabilities' });
      assert.equal(res.status, 200);
      assert.deepEqual(xpath(res.body, '//wfs:FeatureType/wfs:Name').sort(), ['meridian:countries', 'meridian:populated_places', 'meridian:rivers']);
      assert.deepEqual(xpath(res.body, "//wfs:FeatureType[wfs:Name='meridian:rivers']/wfs:Title"), ['Rivers and lake centerlines (Natural Earth 1:50m)']);
    });

    it("reads them with GDAL's WFS driver: layers, geometry types, feature counts and fields", async () => {
      const ogrinfo = async (...args: string[]) => {
        const res = await run('ogrinfo', ['-ro', ...args], { GDAL_HTTP_TIMEOUT: '60' });
        assert.equal(res.code, 0, `ogrinfo ${args.join(' ')} failed:\n${res.stderr}\n${res.stdout}`);
        assert.ok(!/ERROR/.test(res.stderr), res.stderr);
        return res.stdout;
      };
      const list = await ogrinfo(`WFS:${server.url}/wfs`);
      assert.match(list, /: meridian:countries \(title: Countries \(Natural Earth 1:110m\)\) \(Multi Surface\)/);
      assert.match(list, /: meridian:rivers \(title: [^\n]*\) \(Multi Curve\)/);
      assert.match(list, /: meridian:populated_places \(title: [^\n]*\) \(Point\)/);
      const summary = await ogrinfo('-so', `WFS:${server.url}/wfs`, 'meridian:rivers', 'meridian:populated_places');
      const counts = [...summary.matchAll(/Layer name: ([\w:]+)[\s\S]*?Feature Count: (\d+)/g)].map((m) => [m[1], Number(m[2])]);
      assert.deepEqual(counts, [['meridian:rivers', 461], ['meridian:populated_places', 4442]]);
      for (const field of ['name: String', 'country: String', 'population: Integer', 'feature_code: String', 'geonames_id: Integer']) assert.match(summary, new RegExp(`${field}`), field);
      // An attribute filter goes to the server as FES; GDAL reads back the feature.
      const bern = await ogrinfo(`WFS:${server.url}/wfs`, 'meridian:populated_places', '-where', "name = 'Bern'");
      assert.match(bern, /Feature Count: 1/);
      assert.match(bern, /population \(Integer(64)?\) = 121631/);
      assert.match(bern, /feature_code \(String\) = PPLC/);
    });

    it('offers them as WMS layers with the sample styles', async () => {
      const res = await getMap(`${server.url}/wms`, { SERVICE: 'WMS', REQUEST: 'GetCapabilities' });
      assert.equal(res.status, 200);
      const layer = (name: string) => `//wms:Layer[wms:Name='${name}']`;
      assert.deepEqual(wmsXpath(res.text, `${layer('rivers')}/wms:Style/wms:Title`), [SAMPLE_VECTOR_STYLES.rivers![0]!.title!]);
      assert.deepEqual(wmsXpath(res.text, `${layer('populated_places')}/wms:Style/wms:Name`), ['default']);
      assert.deepEqual(wmsXpath(res.text, `${layer('countries')}/wms:Style/wms:Title`), ['Default']);
    });

    it('draws the rivers as blue lines (the Rhine, the Aare, the Rhône)', async () => {
      const res = await getMap(`${server.url}/wms`, { ...SWISS, LAYERS: 'rivers', STYLES: '' });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.contentType, 'image/png');
      const p = await decode(res.body);
      const river = count(p, (c) => c[3] > 200 && near(c.slice(0, 3), RIVER, 24));
      const drawn = count(p, (c) => c[3] > 0);
      assert.ok(river > 500, `${river} pixels of the river colour`);
      // Only lines: most of the map stays transparent, and what is drawn is the river colour (antialiased edges aside).
      assert.ok(drawn < p.width * p.height * 0.1, `${drawn} pixels drawn`);
      assert.ok(count(p, (c) => c[3] > 0 && !(c[2] > c[0] + 40)) === 0, 'every drawn pixel is blue');
    });

    it('draws the cities as symbols with the names of the large ones (Bern as a capital star, labelled)', async () => {
      const res = await getMap(`${server.url}/wms`, { ...SWISS, LAYERS: 'countries,rivers,populated_places', STYLES: ',,', TRANSPARENT: 'FALSE' });
      assert.equal(res.status, 200, res.text);
      const p = await decode(res.body);
      const [x, y] = pixel(7.4474, 46.9481);
      assert.ok(near(p.at(x, y).slice(0, 3), CAPITAL, 30), `Bern at ${x},${y}: ${p.at(x, y)}`);
      // The label right of the star: dark letters with a white halo.
      const letters = count(p, (c) => c[0] < 80 && c[1] < 80 && c[2] < 80, { x0: x + 6, y0: y - 8, x1: x + 45, y1: y + 8 });
      assert.ok(letters > 15, `${letters} label pixels right of Bern`);
      assert.ok(count(p, (c) => near(c.slice(0, 3), RIVER, 24)) > 300, 'rivers under the cities');
    });

    it('serves the countries crossing the antimeridian as valid polygons cut at ±180, with their areas', async () => {
      const res = await get(`${server.url}/wfs`, { SERVICE: 'WFS', VERSION: '2.0.0', REQUEST: 'GetFeature', TYPENAMES: 'countries', OUTPUTFORMAT: 'application/json' });
      assert.equal(res.status, 200);
      const collection = JSON.parse(res.body) as { features: Array<{ properties: { name: string }; geometry: { type: string; coordinates: number[][][][] } }> };
      const reader = new GeoJSONReader(new GeometryFactory());
      const byName = new Map(collection.features.map((f) => [f.properties.name, f.geometry]));
      // Natural Earth's areas (km², Russia 17.1 M, Fiji 18,300, Antarctica's land 12.3 M) within what 1:110m keeps of them.
      const expected: Record<string, [number, number]> = { Russia: [16.4e6, 17.6e6], Fiji: [15_000, 22_000], Antarctica: [11.8e6, 12.8e6] };
      for (const [name, [min, max]] of Object.entries(expected)) {
        const g = byName.get(name)!;
        assert.equal(g.type, 'MultiPolygon', name);
        // No edge steps across the map (but along a pole, which Antarctica's ring follows from 180 to -180).
        for (const p of g.coordinates) for (const r of p) for (let i = 1; i < r.length; i++) {
          const [a, b] = [r[i - 1]!, r[i]!];
          assert.ok(Math.abs(b[0]! - a[0]!) <= 180 || (Math.abs(a[1]!) === 90 && b[1] === a[1]), `${name}: an edge from ${a} to ${b}`);
        }
        const op = new IsValidOp(reader.read(g));
        assert.ok(op.isValid(), `${name}: ${op.getValidationError()?.toString()}`);
        const area = areaKm2(g.coordinates);
        assert.ok(area > min && area < max, `${name}: ${Math.round(area)} km²`);
        const xs = g.coordinates.flat(2).map((c) => c[0]!);
        assert.equal(Math.min(...xs), -180, name);
        assert.equal(Math.max(...xs), 180, name);
      }
    });

    it("keeps them valid through GDAL: ogr2ogr from the WFS to a GeoPackage, GEOS's IsValid and their cut parts", async () => {
      const dir = mkdtempSync(join(tmpdir(), 'meridian-countries-'));
      try {
        const gpkg = join(dir, 'countries.gpkg');
        const copied = await run('ogr2ogr', ['-f', 'GPKG', gpkg, `WFS:${server.url}/wfs`, 'meridian:countries', '-nln', 'countries'], { GDAL_HTTP_TIMEOUT: '60' });
        assert.equal(copied.code, 0, copied.stderr);
        const script = ['from osgeo import ogr', 'import sys', 'source = ogr.Open(sys.argv[1])', 'layer = source.GetLayer(0)', 'for f in layer:', '    g = f.GetGeometryRef()', "    print(f.GetField('name'), g.GetGeometryCount(), int(g.IsValid()), sep='|')"].join('\n');
        const checked = await run(PYTHON, ['-c', script, gpkg]);
        assert.equal(checked.code, 0, checked.stderr);
        const rows = new Map(checked.stdout.trim().split('\n').map((l) => l.split('|')).map(([name, parts, valid]) => [name!, { parts: Number(parts), valid: valid === '1' }]));
        assert.equal(rows.size, 177);
        // Every country (issue 6: North Korea's collapsed islet and Sudan's self-crossing ring were not).
        assert.deepEqual([...rows].filter(([, r]) => !r.valid).map(([name]) => name), []);
        // Cut at ±180: Russia's mainland and Wrangel Island, Fiji's Taveuni; Antarctica closed over the pole.
        assert.deepEqual(['Russia', 'Fiji', 'Antarctica'].map((n) => rows.get(n)), [{ parts: 14, valid: true }, { parts: 3, valid: true }, { parts: 8, valid: true }]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });

    it("every country valid by GEOS as ogrinfo's SQLite dialect (SpatiaLite ST_IsValid) judges it, read over WFS and OGC API - Features", async () => {
      const sql = 'SELECT count(*) AS n, sum(ST_IsValid(geometry)) AS valid, group_concat(CASE WHEN ST_IsValid(geometry) THEN NULL ELSE name END) AS invalid FROM %s';
      for (const [source, layer] of [[`WFS:${server.url}/wfs`, '"meridian:countries"'], [`OAPIF:${server.url}/ogcapi`, 'countries']] as const) {
        const res = await run('ogrinfo', ['-ro', '-q', source, '-dialect', 'SQLite', '-sql', sql.replace('%s', layer)], { GDAL_HTTP_TIMEOUT: '60' });
        assert.equal(res.code, 0, `${source}: ${res.stderr}`);
        assert.match(res.stdout, /n \(Integer\) = 177/, `${source}: ${res.stdout}`);
        assert.match(res.stdout, /valid \(Integer\) = 177/, `${source}: ${res.stdout}`);
        assert.match(res.stdout, /invalid \(String\) = \(null\)/, `${source}: ${res.stdout}`);
      }
    });

    for (const crs of ['CRS:84', 'EPSG:3857'] as const) {
      it(`draws a world map in ${crs} without lines across the sea at ~70°N and ~16°S (the antimeridian's countries)`, async () => {
        const [W, H] = [1440, crs === 'CRS:84' ? 720 : 1440];
        const maxY = crs === 'CRS:84' ? 90 : mercatorY(85.0511287798);
        const maxX = crs === 'CRS:84' ? 180 : 20037508.342789244;
        const res = await getMap(`${server.url}/wms`, { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetMap', CRS: crs, BBOX: `${-maxX},${-maxY},${maxX},${maxY}`, WIDTH: String(W), HEIGHT: String(H), FORMAT: 'image/png', TRANSPARENT: 'TRUE', LAYERS: 'countries', STYLES: '' });
        assert.equal(res.status, 200, res.text);
        const p = await decode(res.body);
        if (process.env.SAMPLE_MAP_OUT) writeFileSync(`${process.env.SAMPLE_MAP_OUT}-${crs.replace(':', '')}.png`, res.body);
        const at = (lon: number, lat: number) => {
          const y = crs === 'CRS:84' ? lat : mercatorY(lat);
          return [Math.floor(((lon + 180) / 360) * W), Math.floor(((maxY - y) / (2 * maxY)) * H)] as const;
        };
        const box = (lon0: number, lat0: number, lon1: number, lat1: number) => {
          const [x0, y0] = at(lon0, lat1);
          const [x1, y1] = at(lon1, lat0);
          return { x0, y0, x1: x1 + 1, y1: y1 + 1 };
        };
        const land = (c: [number, number, number, number]) => c[3] > 0;
        // Sea: the Chukchi Sea from 70 to 72°N, the Norwegian and Greenland Seas from 67 to 72°N; the Pacific east of Fiji and the South Atlantic from 14 to 19°S.
        const seas = { 'Chukchi Sea': box(-170, 70, -166, 72), 'Norwegian Sea': box(-12, 67, 8, 72), 'South Pacific': box(-170, -19, -150, -14), 'South Atlantic': box(-30, -19, 0, -14) };
        for (const [name, b] of Object.entries(seas)) assert.equal(count(p, land, b), 0, `land colour over the ${name}`);
        // Land: Fiji's Vanua Levu, Chukotka on both sides of 180°, Antarctica's interior.
        for (const [name, lon, lat] of [['Vanua Levu', 179.2, -16.6], ['Chukotka west of 180°', 175, 67], ['Chukotka east of 180°', -175, 67], ['Antarctica', -100, -80]] as const) {
          if (crs === 'EPSG:3857' && lat < -85) continue;
          const [x, y] = at(lon, lat);
          assert.ok(land(p.at(x, y)), `${name} at ${lon},${lat} is drawn: ${p.at(x, y)}`);
        }
      });
    }

    /** A fresh HOME for each QGIS run (its settings and caches), removed with the suite. */
    const homes: string[] = [];
    const home = () => {
      homes.push(mkdtempSync(join(tmpdir(), 'meridian-qgis-browse-')));
      return homes[homes.length - 1]!;
    };
    after(() => {
      for (const dir of homes) rmSync(dir, { recursive: true, force: true });
    });

    const browse = async (url: string, version: string): Promise<BrowseReport> => {
      const res = await run(PYTHON, [QGIS_BROWSE, url, version], { HOME: home(), QT_QPA_PLATFORM: 'offscreen' });
      assert.equal(res.code, 0, `QGIS failed:\n${res.stderr}\n${res.stdout}`);
      return JSON.parse(res.stdout) as BrowseReport;
    };

    const checkLayers = (report: BrowseReport, name: (id: string) => string, provider: string) => {
      assert.deepEqual(report.connections, ['meridian']);
      assert.equal(report.errors, undefined, `browser errors: ${report.errors?.join('; ')}`);
      assert.deepEqual(report.layers.map((l) => typeName(l.uri)).sort(), Object.keys(COUNTS).map(name).sort());
      for (const [id, count] of Object.entries(COUNTS)) {
        const layer = report.layers.find((l) => typeName(l.uri) === name(id))!;
        assert.equal(layer.name, TITLES[id], 'the title the browser shows');
        assert.ok(layer.valid, `${layer.name}: ${layer.error}`);
        assert.equal(layer.provider, provider);
        assert.equal(layer.count, count, `${layer.name} feature count`);
        assert.equal(layer.crs, 'EPSG:4326');
        assert.ok(layer.first!.length === 5 && layer.first!.every((f) => !f.geometryEmpty && f.geometryValid), `${layer.name}: five valid geometries`);
        const [minx, miny, maxx, maxy] = layer.extent!;
        assert.ok(minx >= -180 && maxx <= 180 && miny >= -90 && maxy <= 90 && maxx - minx > 100, `${layer.name} extent ${layer.extent}`);
      }
      const geometry = (id: string) => report.layers.find((l) => typeName(l.uri) === name(id))!.geometry;
      assert.match(geometry('countries')!, /Polygon|Surface/i);
      assert.match(geometry('rivers')!, /Line|Curve/i);
      assert.match(geometry('populated_places')!, /Point/i);
      const places = report.layers.find((l) => typeName(l.uri) === name('populated_places'))!;
      assert.ok(places.fields!.includes('name'), `fields ${places.fields}`);
      assert.ok(places.first!.every((f) => typeof f.attributes.name === 'string' && f.attributes.name !== ''), 'place names read');
    };

    it("in QGIS's browser (PyQGIS, headless): lists the three sample layers of a WFS 2.0.0 connection, and each reads in full", async () => {
      checkLayers(await browse(`${server.url}/wfs`, '2.0.0'), (id) => `meridian:${id}`, 'WFS');
    });

    it("in QGIS's browser (PyQGIS, headless): lists the three sample collections of an OGC API - Features connection, and each reads in full", async () => {
      checkLayers(await browse(`${server.url}/ogcapi`, 'OGC_API_FEATURES'), (id) => id, 'OAPIF');
    });
  });
}
