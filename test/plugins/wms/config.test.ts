/** The plugin's config: defaults, refusals at start-up naming the path, the mount path. */
import assert from 'node:assert/strict';
import { loadConfig } from '../../../core/config/load.js';
import { builtinDir, get, projTransform, serviceException, startWms, xpath } from './support.js';

describe('wms config', function () {
  this.timeout(60_000);

  it('fills the defaults and refuses unknown keys with their path', async () => {
    const inline = (wms: Record<string, unknown>) => ({ builtinPlugins: false, plugins: { coverages: { sampleRasters: false }, wms } });
    const loaded = await loadConfig({ inline: inline({}), builtinDir });
    const wms = loaded.plugins.find((p) => p.plugin.name === 'wms')!;
    const config = wms.config as Record<string, unknown>;
    assert.equal(wms.mountPath, '/wms');
    assert.deepEqual(config.crs, ['EPSG:4326', 'CRS:84', 'EPSG:3857']);
    assert.equal(config.acceptUnlistedCrs, true);
    assert.equal(config.timeRequired, false);
    assert.deepEqual([config.layerLimit, config.maxWidth, config.maxHeight], [16, 4096, 4096]);
    await assert.rejects(loadConfig({ inline: inline({ maxwidth: 10 }), builtinDir }), (err: Error) => /plugins\.wms/.test(err.message) && /maxwidth/.test(err.message));
    await assert.rejects(loadConfig({ inline: inline({ layers: { pattern: { queryable: 'yes' } } }), builtinDir }), (err: Error) => /plugins\.wms\.layers\.pattern\.queryable/.test(err.message));
  });

  it('refuses to start with a CRS it cannot draw in, naming the entry', async () => {
    await assert.rejects(startWms({ wms: { crs: ['EPSG:4326', 'EPSG:999999'] } }), (err: Error) => /plugins\.wms\.crs\[1\]/.test(err.message));
    await assert.rejects(startWms({ wms: { crs: ['EPSG:5773'] } }), (err: Error) => /plugins\.wms\.crs\[0\].*not a 2D CRS/.test(err.message));
  });

  it('offers the configured CRSs, MaxWidth within the engine limit, and mounts where config says', async () => {
    const h = await startWms({ wms: { path: '/maps/wms', crs: ['CRS:84', 'EPSG:3035'], maxWidth: 50_000 }, coverages: { maxWidth: 3000 } });
    try {
      const res = await get(`${h.server.url}/maps/wms`, { SERVICE: 'WMS', REQUEST: 'GetCapabilities' });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(xpath(res.text, '/wms:WMS_Capabilities/wms:Capability/wms:Layer/wms:CRS'), ['CRS:84', 'EPSG:3035']);
      // EPSG:3035 is northing first: the 1.3.0 box is minN,minE,maxN,maxE of the edges PROJ transforms.
      const box = ['minx', 'miny', 'maxx', 'maxy'].map((a) => Number(xpath(res.text, `//wms:Layer[wms:Name='pattern']/wms:BoundingBox[@CRS='EPSG:3035']/@${a}`)[0]));
      const edge: Array<[number, number]> = [];
      for (let i = 0; i <= 20; i++) edge.push([i, 40], [i, 60], [0, 40 + i], [20, 40 + i]);
      const projected = await projTransform('EPSG:4326', 'EPSG:3035', edge);
      const [minE, maxE] = [Math.min(...projected.map((p) => p[0])), Math.max(...projected.map((p) => p[0]))];
      const [minN, maxN] = [Math.min(...projected.map((p) => p[1])), Math.max(...projected.map((p) => p[1]))];
      [minN, minE, maxN, maxE].forEach((v, i) => assert.ok(Math.abs(box[i]! - v) < 1, `${box.join()} vs ${[minN, minE, maxN, maxE].join()}`));
      assert.deepEqual(xpath(res.text, '//wms:Service/wms:MaxWidth'), ['3000']);
      assert.deepEqual([...new Set(xpath(res.text, '//wms:DCPType/wms:HTTP/wms:Get/wms:OnlineResource/@xlink:href'))], [`${h.server.url}/maps/wms?`]);
      const wide = await get(`${h.server.url}/maps/wms`, { SERVICE: 'WMS', VERSION: '1.3.0', REQUEST: 'GetMap', LAYERS: 'pattern', STYLES: '', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '3001', HEIGHT: '10', FORMAT: 'image/png' });
      assert.equal(serviceException(wide.text).locator, 'WIDTH');
    } finally {
      await h.close();
    }
  });

  it('answers methods other than GET in the WMS report', async () => {
    const h = await startWms();
    try {
      const res = await fetch(`${h.url}?SERVICE=WMS&REQUEST=GetCapabilities`, { method: 'POST', body: '<GetMap/>', headers: { 'Content-Type': 'application/xml' } });
      assert.equal(res.status, 405);
      assert.match(res.headers.get('content-type') ?? '', /xml/);
      assert.match(await res.text(), /ServiceExceptionReport/);
    } finally {
      await h.close();
    }
  });
});
