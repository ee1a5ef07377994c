/** GetLegendGraphic (SLD 1.1 / GeoServer KVP): LAYER, STYLE, FORMAT, WIDTH, HEIGHT. */
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { get, startWms, type WmsHarness } from './support.js';

describe('wms GetLegendGraphic', function () {
  this.timeout(60_000);
  let h: WmsHarness;
  before(async () => {
    h = await startWms();
  });
  after(async () => h?.close());

  const legend = async (params: Record<string, string>) => {
    const res = await get(h.url, { SERVICE: 'WMS', REQUEST: 'GetLegendGraphic', ...params });
    assert.equal(res.status, 200, res.text);
    return { contentType: res.contentType, meta: await sharp(res.body).metadata(), body: res.body };
  };

  it('draws the legend of a style at the size asked, in each image format', async () => {
    for (const [format, type] of [['image/png', 'png'], ['image/jpeg', 'jpeg'], ['image/webp', 'webp']] as const) {
      const { contentType, meta } = await legend({ VERSION: '1.3.0', LAYER: 'values', STYLE: 'viridis', FORMAT: format, WIDTH: '160', HEIGHT: '40' });
      assert.equal(contentType, format);
      assert.equal(meta.format, type);
      assert.deepEqual([meta.width, meta.height], [160, 40]);
    }
  });

  it('uses the default style without STYLE, PNG without FORMAT, and takes 1.1.1-era VERSION values', async () => {
    const byDefault = await legend({ LAYER: 'values' });
    assert.equal(byDefault.contentType, 'image/png');
    const named = await legend({ LAYER: 'values', STYLE: 'grey' });
    assert.ok(byDefault.body.equals(named.body), 'the default style is grey');
    const other = await legend({ LAYER: 'values', STYLE: 'viridis' });
    assert.ok(!other.body.equals(named.body));
    for (const version of ['1.1.1', '1.1.0', '1.0.0']) assert.equal((await legend({ VERSION: version, LAYER: 'pattern', SLD_VERSION: '1.1.0' })).contentType, 'image/png');
  });
});
