/** Catalogue collections with COG products served as series coverages, on each test database. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { ANONYMOUS } from '../../../core/auth/index.js';
import type { CoveragesEngine } from '../../../plugins/coverages/engine.js';
import { isCoverageError } from '../../../plugins/coverages/errors.js';
import type { CatalogueService } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { builtinDir, user } from '../catalogue/support.js';

/** A 32x32 uint16 COG, all pixels `value`, 100 m pixels in UTM 31N with its top-left at (x, y). */
function writeConstant(path: string, value: number, x: number, y: number): void {
  const script = `
from osgeo import gdal, osr
import numpy as np
m = gdal.GetDriverByName('MEM').Create('', 32, 32, 1, gdal.GDT_UInt16)
m.SetGeoTransform([${x}, 100, 0, ${y}, 0, -100])
s = osr.SpatialReference(); s.ImportFromEPSG(32631); m.SetProjection(s.ExportToWkt())
m.GetRasterBand(1).WriteArray(np.full((32, 32), ${value}, dtype='uint16'))
gdal.GetDriverByName('COG').CreateCopy('${path}', m, options=['COMPRESS=DEFLATE'])
`;
  execFileSync('/usr/bin/python3', ['-c', script]);
}

/** A 32x32 uint16 COG whose pixels rise from `from` (top left) by 1 per pixel, placed as writeConstant's. */
function writeRamp(path: string, from: number, x: number, y: number): void {
  const script = `
from osgeo import gdal, osr
import numpy as np
m = gdal.GetDriverByName('MEM').Create('', 32, 32, 1, gdal.GDT_UInt16)
m.SetGeoTransform([${x}, 100, 0, ${y}, 0, -100])
s = osr.SpatialReference(); s.ImportFromEPSG(32631); m.SetProjection(s.ExportToWkt())
m.GetRasterBand(1).WriteArray((${from} + np.arange(1024, dtype='uint16')).reshape(32, 32))
gdal.GetDriverByName('COG').CreateCopy('${path}', m, options=['COMPRESS=DEFLATE'])
`;
  execFileSync('/usr/bin/python3', ['-c', script]);
}

const footprint = (w: number, s: number, e: number, n: number) => ({ type: 'Polygon' as const, coordinates: [[[w, s], [e, s], [e, n], [w, n], [w, s]]] });

for (const kind of testDatabaseKinds()) {
  describe(`coverages: catalogue series (${kind.name})`, function () {
    this.timeout(60_000);
    let dir: string;
    let server: TestServer;
    let engine: CoveragesEngine;
    let catalogue: CatalogueService;
    let dispose: () => Promise<void>;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'coverages-series-'));
      writeConstant(join(dir, 'a.tif'), 10, 500000, 4500000);
      writeConstant(join(dir, 'b.tif'), 20, 500000, 4500000);
      writeConstant(join(dir, 'c.tif'), 30, 500000, 4500000);
      writeRamp(join(dir, 'low.tif'), 0, 500000, 4500000);
      writeRamp(join(dir, 'high.tif'), 50000, 500000, 4500000);
      const db = await kind.open();
      await db.db.close();
      dispose = () => db.dispose();
      server = await startTestServer(
        { database: db.config, plugins: { catalogue: { sampleProducts: 0 }, coverages: { workers: 1, refreshSeconds: 0, sampleRasters: false, catalogue: { allowedRoots: [dir] } } } },
        { builtinDir },
      );
      const provided = (name: string) => server.meridian.plugins.find((p) => p.name === name)!.instance.provide!;
      engine = provided('coverages').coverages as CoveragesEngine;
      catalogue = provided('catalogue').catalogue as CatalogueService;
      const area = footprint(2.99, 40.6, 3.05, 40.66);
      const asset = (file: string) => ({ data: { href: join(dir, file), type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'] } });
      await catalogue.upsert([
        { identifier: 'S2-TEST', type: 'collection', title: 'Test series', geometry: area, start: '2021-01-01T00:00:00Z', end: '2021-03-31T00:00:00Z' },
        { identifier: 'scene:jan', type: 'product', parentIdentifier: 'S2-TEST', geometry: area, start: '2021-01-10T10:00:00Z', assets: asset('a.tif') },
        { identifier: 'scene-feb', type: 'product', parentIdentifier: 'S2-TEST', geometry: area, start: '2021-02-10T10:00:00Z', assets: asset('b.tif') },
        { identifier: 'scene-mar', type: 'product', parentIdentifier: 'S2-TEST', geometry: area, start: '2021-03-10T10:00:00Z', assets: asset('c.tif'), owner: 'alice', visibility: 'private' },
        { identifier: 'escape', type: 'product', parentIdentifier: 'S2-TEST', geometry: area, start: '2021-03-20T10:00:00Z', assets: { data: { href: '/etc/passwd', type: 'image/tiff' } } },
        { identifier: 'STRETCHED', type: 'collection', title: 'Stretched by statistics', geometry: area, start: '2022-01-01T00:00:00Z', end: '2022-12-31T00:00:00Z' },
        { identifier: 'ramp-public', type: 'product', parentIdentifier: 'STRETCHED', geometry: area, start: '2022-01-10T10:00:00Z', assets: asset('low.tif') },
        { identifier: 'ramp-alice', type: 'product', parentIdentifier: 'STRETCHED', geometry: area, start: '2022-06-10T10:00:00Z', assets: asset('high.tif'), owner: 'alice', visibility: 'private' },
        { identifier: 'NO-RASTERS', type: 'collection', title: 'Nothing to draw' },
        { identifier: 'other', type: 'product', parentIdentifier: 'NO-RASTERS', assets: { meta: { href: 'x.xml', type: 'application/xml' } } },
      ]);
      await engine.refresh();
    });

    after(async () => {
      await server?.close();
      await dispose?.();
      rmSync(dir, { recursive: true, force: true });
    });

    const point = { coverage: 'S2-TEST', crs: 'EPSG:32631', x: 500050, y: 4499950 };

    it('serves a collection with COG products as a series with the products’ times', async () => {
      const ids = (await engine.list(ANONYMOUS)).map((c) => c.id);
      assert.ok(ids.includes('S2-TEST'));
      assert.ok(!ids.includes('NO-RASTERS'));
      const series = (await engine.get('S2-TEST', ANONYMOUS))!;
      assert.equal(series.kind, 'series');
      assert.equal(series.collection, 'S2-TEST');
      assert.equal(series.grid.crs, 'EPSG:32631');
      assert.equal(series.bands[0]!.sampleType, 'uint16');
      assert.ok(series.time!.values.includes('2021-02-10T10:00:00.000Z'));
      // The shared description is everyone's view: alice's private March scene is not listed.
      assert.ok(!series.time!.values.includes('2021-03-10T10:00:00.000Z'), 'a private product’s time is not in the public series’ dimension');
    });

    it('reads the granule at the asked time, and never one the subject may not read', async () => {
      const at = (iso: string) => ({ begin: iso, end: iso });
      assert.equal((await engine.pointValues({ ...point, time: at('2021-01-10T10:00:00Z') }, ANONYMOUS)).values![0]!.value, 10);
      assert.equal((await engine.pointValues({ ...point, time: at('2021-02-10T10:00:00Z') }, ANONYMOUS)).values![0]!.value, 20);
      // March is alice's: for anonymous there is no data then (as at any time with none it may
      // see: nothing tells that a private scene is there), alice reads it.
      await assert.rejects(engine.pointValues({ ...point, time: at('2021-03-10T10:00:00Z') }, ANONYMOUS), (e) => isCoverageError(e, 'InvalidTime'));
      assert.equal((await engine.pointValues({ ...point, time: at('2021-03-10T10:00:00Z') }, user('alice'))).values![0]!.value, 30);
      // Over the whole quarter the latest readable granule is on top.
      const quarter = { begin: '2021-01-01T00:00:00Z', end: '2021-03-31T00:00:00Z' };
      assert.equal((await engine.pointValues({ ...point, time: quarter }, ANONYMOUS)).values![0]!.value, 20);
    });

    it('lists granules as coverages of their own, with NCName ids that lead back to the product', async () => {
      const granules = await engine.granules('S2-TEST', {}, ANONYMOUS);
      assert.deepEqual(granules.map((g) => g.product), ['scene-feb', 'scene:jan']);
      const jan = granules[1]!;
      assert.match(jan.id, /^[A-Za-z_][A-Za-z0-9_.-]*$/);
      assert.equal(jan.kind, 'granule');
      assert.equal(jan.parent, 'S2-TEST');
      const again = (await engine.get(jan.id, ANONYMOUS))!;
      assert.equal(again.product, 'scene:jan');
      assert.equal((await engine.pointValues({ ...point, coverage: jan.id }, ANONYMOUS)).values![0]!.value, 10);
      assert.equal(await engine.get('scene-mar', ANONYMOUS), undefined, 'a private product is no coverage for others');
    });

    it('does not read asset files outside the allowed roots', async () => {
      assert.equal(await engine.get('escape', ANONYMOUS), undefined);
    });

    it('sees new products written to the catalogue without a restart', async () => {
      writeConstant(join(dir, 'd.tif'), 40, 500000, 4500000);
      const changed = new Promise<void>((resolve) => {
        const off = engine.onChange((c) => {
          if (c.coverage === 'S2-TEST') {
            off();
            resolve();
          }
        });
      });
      await catalogue.upsert([{ identifier: 'scene-apr', type: 'product', parentIdentifier: 'S2-TEST', geometry: footprint(2.99, 40.6, 3.05, 40.66), start: '2021-04-10T10:00:00Z', assets: { data: { href: join(dir, 'd.tif'), type: 'image/tiff' } } }]);
      await changed;
      const series = (await engine.get('S2-TEST', ANONYMOUS))!;
      assert.equal(series.time!.default, '2021-04-10T10:00:00.000Z');
      assert.equal((await engine.pointValues(point, ANONYMOUS)).values![0]!.value, 40);
    });

    it("stretches a map by statistics of granules the subject may read, not of another user's", async () => {
      // uint16 with no known range: the default style stretches between the 2-98 percentiles,
      // computed from a granule. Alice's map of June reads only her granule (values 50000+).
      const target = { crs: 'EPSG:32631', width: 32, height: 32, transform: [500000, 100, 0, 4500000, 0, -100] as [number, number, number, number, number, number] };
      const draw = async (subject: Parameters<CoveragesEngine['map']>[1], time?: { begin: string; end: string }) => {
        const out = await engine.map({ layers: [{ coverage: 'STRETCHED', time }], target, format: 'png' }, subject);
        const { data } = await sharp(out.body).greyscale().raw().toBuffer({ resolveWithObject: true });
        return { min: Math.min(...data), max: Math.max(...data) };
      };
      const alice = await draw(user('alice'), { begin: '2022-06-10T10:00:00Z', end: '2022-06-10T10:00:00Z' });
      assert.ok(alice.max - alice.min > 150, `alice's ramp is stretched over the grey range (${alice.min}-${alice.max})`);
      // Anonymous reads only the public ramp (0-1023): stretched by its own statistics it spans
      // the grey range; by alice's granule's (50000+) it would be one flat colour.
      const anonymous = await draw(ANONYMOUS, { begin: '2022-01-01T00:00:00Z', end: '2022-12-31T00:00:00Z' });
      assert.ok(anonymous.max - anonymous.min > 150, `the public ramp is stretched by its own statistics (${anonymous.min}-${anonymous.max})`);
    });

    it('refuses a time with no granule', async () => {
      await assert.rejects(engine.pointValues({ ...point, time: { begin: '2019-01-01T00:00:00Z', end: '2019-01-01T00:00:00Z' } }, ANONYMOUS), (e) => isCoverageError(e, 'InvalidTime'));
    });
  });
}
