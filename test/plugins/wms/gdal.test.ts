/**
 * GDAL's WMS driver against the real server: `gdalinfo WMS:<capabilities URL>` lists the layers
 * as subdatasets; `gdal_translate` pulls an area through a subdataset and through a <GDAL_WMS>
 * service description (1.3.0 in EPSG:4326 with BBOX latitude first, and 1.1.1 in
 * EPSG:3857); the pixels it writes are the pattern's, read back with gdallocationinfo.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { projTransform, run, startWms, type WmsHarness } from './support.js';

const GDAL_ENV = { GDAL_HTTP_TIMEOUT: '60', GDAL_DISABLE_READDIR_ON_OPEN: 'EMPTY_DIR', CPL_VSIL_CURL_USE_HEAD: 'NO', GDAL_HTTP_MAX_RETRY: '0' };

describe("wms with GDAL's WMS driver", function () {
  this.timeout(180_000);
  let h: WmsHarness;
  let dir: string;
  before(async () => {
    h = await startWms();
    dir = mkdtempSync(path.join(tmpdir(), 'meridian-wms-gdal-'));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const gdal = async (command: string, ...args: string[]) => {
    const res = await run(command, args, GDAL_ENV);
    assert.equal(res.code, 0, `${command} ${args.join(' ')} failed:\n${res.stderr}\n${res.stdout}`);
    assert.doesNotMatch(res.stderr, /ERROR/, res.stderr);
    return res.stdout;
  };
  /** The band values GDAL reads at a lon/lat of a file. */
  const valuesAt = async (file: string, lon: number, lat: number) => (await gdal('gdallocationinfo', '-valonly', '-wgs84', file, String(lon), String(lat))).trim().split('\n').map(Number);

  it('lists every layer as a subdataset with its title (1.3.0 and 1.1.1)', async () => {
    for (const version of ['1.3.0', '1.1.1']) {
      const out = await gdal('gdalinfo', `WMS:${h.url}?SERVICE=WMS&VERSION=${version}&REQUEST=GetCapabilities`);
      const names = [...out.matchAll(/SUBDATASET_\d+_NAME=(.+)/g)].map((m) => m[1]!.trim());
      const descs = [...out.matchAll(/SUBDATASET_\d+_DESC=(.+)/g)].map((m) => m[1]!.trim());
      for (const layer of ['pattern', 'overlay', 'values', 'series']) assert.ok(names.some((n) => n.includes(`LAYERS=${layer}`)), `${version}: ${names.join('\n')}`);
      assert.ok(descs.includes('Pattern'), descs.join('\n'));
    }
  });

  it('pulls an area of a subdataset with gdal_translate, the squares where they belong', async () => {
    const out = await gdal('gdalinfo', `WMS:${h.url}?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetCapabilities`);
    const name = [...out.matchAll(/SUBDATASET_\d+_NAME=(.+)/g)].map((m) => m[1]!.trim()).find((n) => n.includes('LAYERS=pattern'))!;
    const file = path.join(dir, 'subdataset.tif');
    await gdal('gdal_translate', '-q', '-projwin', '0', '60', '20', '40', '-projwin_srs', 'EPSG:4326', '-outsize', '200', '200', name, file);
    // GDAL averages its overview blocks down to 200 x 200: within a few levels of the colours.
    const close = (actual: number[], expected: number[]) => assert.ok(expected.every((v, i) => Math.abs(actual[i]! - v) <= 3), `${actual} vs ${expected}`);
    close(await valuesAt(file, 5, 55), [255, 0, 0]);
    close(await valuesAt(file, 15, 45), [0, 0, 255]);
    close(await valuesAt(file, 10, 50), [100, 100, 100]);
  });

  // A <GDAL_WMS> file says the BBOX order itself: yxYX is how GDAL writes 1.3.0 EPSG:4326 latitude first.
  it('pulls a <GDAL_WMS> area in 1.3.0 EPSG:4326 (latitude first) and 1.1.1 EPSG:3857', async () => {
    const [[x0, y0], [x1, y1]] = await projTransform('EPSG:4326', 'EPSG:3857', [[0, 40], [20, 60]]);
    const cases = [
      { version: '1.3.0', crs: 'EPSG:4326', window: [0, 60, 20, 40] },
      { version: '1.1.1', crs: 'EPSG:3857', window: [x0!, y1!, x1!, y0!] },
    ];
    for (const c of cases) {
      const xml = path.join(dir, `service-${c.version}.xml`);
      writeFileSync(
        xml,
        `<GDAL_WMS>
  <Service name="WMS">
    <Version>${c.version}</Version>
    <ServerUrl>${h.url}?</ServerUrl>
    <${c.version === '1.3.0' ? 'CRS' : 'SRS'}>${c.crs}</${c.version === '1.3.0' ? 'CRS' : 'SRS'}>
    <ImageFormat>image/png</ImageFormat>
    <Layers>pattern</Layers>
    <Styles></Styles>${c.version === '1.3.0' ? '\n    <BBoxOrder>yxYX</BBoxOrder>' : ''}
  </Service>
  <DataWindow>
    <UpperLeftX>${c.window[0]}</UpperLeftX><UpperLeftY>${c.window[1]}</UpperLeftY>
    <LowerRightX>${c.window[2]}</LowerRightX><LowerRightY>${c.window[3]}</LowerRightY>
    <SizeX>400</SizeX><SizeY>400</SizeY>
  </DataWindow>
  <BandsCount>3</BandsCount>
  <BlockSizeX>200</BlockSizeX><BlockSizeY>200</BlockSizeY>
</GDAL_WMS>`,
      );
      const file = path.join(dir, `pulled-${c.version}.tif`);
      await gdal('gdal_translate', '-q', xml, file);
      assert.deepEqual(await valuesAt(file, 5, 55), [255, 0, 0], `${c.version} ${c.crs}`);
      assert.deepEqual(await valuesAt(file, 15, 45), [0, 0, 255], `${c.version} ${c.crs}`);
      assert.deepEqual(await valuesAt(file, 2, 42), [100, 100, 100], `${c.version} ${c.crs}`);
    }
  });
});
