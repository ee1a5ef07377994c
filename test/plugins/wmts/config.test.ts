/** The WMTS plugin's config: defaults, refusals naming their path, sets checked at start-up, and a mount path of one's own. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { loadConfig } from '../../../core/config/load.js';
import { builtinDir, get, kvp, makeRgbFixture, startWmts, tempDir, xpath } from './support.js';

const load = (wmts: Record<string, unknown>) => loadConfig({ inline: { builtinPlugins: false, plugins: { coverages: { sampleRasters: false }, wmts } }, builtinDir });

describe('wmts config', function () {
  this.timeout(60_000);

  it('fills defaults: both built-in sets, PNG and JPEG, four info formats, the cache on with max-age 3600 and 64 MB in memory, mounted at /wmts', async () => {
    const loaded = await load({});
    const wmts = loaded.plugins.find((p) => p.plugin.name === 'wmts')!;
    const config = wmts.config as Record<string, unknown>;
    assert.deepEqual(config.tileMatrixSets, ['WebMercatorQuad', 'WorldCRS84Quad']);
    assert.deepEqual(config.formats, ['image/png', 'image/jpeg']);
    assert.deepEqual(config.infoFormats, ['application/json', 'text/plain', 'text/html', 'text/xml']);
    assert.deepEqual(config.cache, { enabled: true, prefix: 'wmts-cache', maxAge: 3600, memoryMB: 64 });
    assert.equal(wmts.mountPath, '/wmts');
  });

  it('refuses unknown keys, unknown formats and malformed sets, naming the path', async () => {
    for (const [wmts, where] of [
      [{ cache: { maxage: 5 } }, /plugins\.wmts\.cache/],
      [{ formats: ['image/gif'] }, /plugins\.wmts\.formats\[0\]/],
      [{ tileMatrixSets: [{ id: 'X', crs: 'EPSG:3857', extent: [0, 0, 1, 1] }] }, /plugins\.wmts\.tileMatrixSets\[0\]/],
      [{ tileMatrixSets: ['GoogleCRS84Quad'] }, /plugins\.wmts\.tileMatrixSets\[0\]/],
    ] as const) {
      await assert.rejects(load(wmts), (err: Error) => where.test(err.message), JSON.stringify(wmts));
    }
  });

  it('a set whose CRS is unknown or whose levels do not go finer stops start-up naming the set', async () => {
    await assert.rejects(startWmts({ coverages: [], wmts: { tileMatrixSets: [{ id: 'Bad', crs: 'EPSG:999999', extent: [0, 0, 1, 1], resolutions: [1] }] } }), /Unknown CRS 'EPSG:999999'/);
    await assert.rejects(startWmts({ coverages: [], wmts: { tileMatrixSets: [{ id: 'Up', crs: 'EPSG:3857', extent: [0, 0, 1000, 1000], resolutions: [1, 2] }] } }), /tile matrix set 'Up': levels must go from coarsest to finest/);
  });

  it('mounts where config says; every URL in the capabilities follows', async () => {
    const tmp = tempDir('mount');
    const h = await startWmts({ coverages: [{ id: 'rgb', path: makeRgbFixture(path.join(tmp.dir, 'rgb.tif')) }], wmts: { path: '/tiles/wmts' } });
    try {
      const base = `${h.server.url}/tiles/wmts`;
      const res = await get(kvp(base, { SERVICE: 'WMTS', REQUEST: 'GetCapabilities' }));
      assert.equal(res.status, 200);
      const hrefs = [...xpath(res.text, '//ows:Get/@xlink:href'), ...xpath(res.text, '//wmts:ResourceURL/@template'), ...xpath(res.text, '//wmts:ServiceMetadataURL/@xlink:href')];
      assert.ok(hrefs.length > 5 && hrefs.every((u) => u.startsWith(base)), hrefs.join('\n'));
      const tile = await get(`${base}/1.0.0/rgb/default/WorldCRS84Quad/0/0/1.png`);
      assert.equal(tile.status, 200, tile.text);
    } finally {
      await h.close();
      tmp.remove();
    }
  });
});
