/**
 * The sample collections as a first start serves them: a real server with `sampleData: true`
 * (the features engine, WFS, WMS) loads countries, rivers and populated_places; the WFS lists
 * them and GDAL's WFS driver reads their counts and fields; the WMS draws them with the sample
 * styles (rivers as blue lines, cities as symbols labelled with their names).
 */
import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { SAMPLE_VECTOR_STYLES } from '../../../plugins/wms/vector/sample-styles.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { builtinDir, decode, get as getMap, near, xpath as wmsXpath, type Pixels } from '../wms/support.js';
import { get, run, xpath } from '../wfs/support.js';
import type { FeaturesService } from '../../../plugins/features/types.js';

const RIVER = [0x1f, 0x78, 0xb4];
const CAPITAL = [0xb2, 0x18, 0x2b];
/** Switzerland and around, 600 × 300 px: about 1:4,000,000, where every city is labelled. */
const SWISS = { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetMap', CRS: 'CRS:84', BBOX: '5,45,11,48', WIDTH: '600', HEIGHT: '300', FORMAT: 'image/png', TRANSPARENT: 'TRUE' };
const pixel = (lon: number, lat: number) => [Math.round(((lon - 5) / 6) * 600), Math.round(((48 - lat) / 3) * 300)] as const;

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
          plugins: { coverages: { workers: 1, sampleRasters: false, refreshSeconds: 0, coverages: [] }, features: {}, wfs: {}, wms: {} },
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
      const counts = await Promise.all(['countries', 'rivers', 'populated_places'].map(async (id) => (await features.collection(id, ANONYMOUS))?.count));
      assert.deepEqual(counts, [177, 461, 4442]);
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
  });
}
