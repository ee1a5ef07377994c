/**
 * What a QGIS user sees of the sample layers (countries, rivers, populated_places) after adding
 * the server's WFS and its OGC API - Features endpoint as connections in QGIS (PyQGIS, headless):
 * QGIS's own browser item for each connection lists the three layers, and each layer added from
 * the URI the browser gives reads with its feature count, geometry type, fields, extent and valid
 * geometries. Editing over WFS-T in QGIS is wfs/qgis-wfst.test.ts.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { builtinDir, PYTHON } from '../wms/support.js';
import { run } from '../wfs/support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/qgis_browse.py', import.meta.url));

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

const COUNTS: Record<string, number> = { countries: 177, rivers: 461, populated_places: 4442 };
const TITLES: Record<string, string> = {
  countries: 'Countries (Natural Earth 1:110m)',
  rivers: 'Rivers and lake centerlines (Natural Earth 1:50m)',
  populated_places: 'Populated places (GeoNames, 100,000 inhabitants or more)',
};
/** The type name in a WFS provider URI (typename='...'). */
const typeName = (uri: string) => /typename='([^']+)'/.exec(uri)?.[1];

for (const kind of testDatabaseKinds()) {
  describe(`features sample layers in QGIS: WFS and OGC API - Features connections (PyQGIS, headless, ${kind.name})`, function () {
    this.timeout(240_000);
    let server: TestServer;
    let dispose: () => Promise<void>;
    let home: string;
    before(async () => {
      const test = await kind.open();
      await test.db.close();
      dispose = test.dispose;
      server = await startTestServer(
        {
          sampleData: true,
          database: test.config,
          plugins: { coverages: { workers: 1, sampleRasters: false, refreshSeconds: 0, coverages: [] }, features: {}, 'ogcapi-features': {}, wfs: {} },
        },
        { builtinDir },
      );
      home = mkdtempSync(join(tmpdir(), 'meridian-qgis-browse-'));
    });
    after(async () => {
      await server?.close();
      await dispose?.();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    const browse = async (url: string, version: string): Promise<BrowseReport> => {
      const res = await run(PYTHON, [SCRIPT, url, version], { HOME: mkdtempSync(join(home, 'home-')), QT_QPA_PLATFORM: 'offscreen' });
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

    it('lists the three sample layers of a WFS 2.0.0 connection, and each reads in full', async () => {
      checkLayers(await browse(`${server.url}/wfs`, '2.0.0'), (id) => `meridian:${id}`, 'WFS');
    });

    it('lists the three sample collections of an OGC API - Features connection, and each reads in full', async () => {
      checkLayers(await browse(`${server.url}/ogcapi`, 'OGC_API_FEATURES'), (id) => id, 'OAPIF');
    });
  });
}
