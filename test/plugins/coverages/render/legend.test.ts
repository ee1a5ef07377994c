import assert from 'node:assert/strict';
import {
  computeStatistics,
  defaultLegendSizes,
  legendImage,
  namedRamps,
  resolveStyle,
  type StyleConfig,
} from '../../../../plugins/coverages/render/index.js';
import type { BandDescription } from '../../../../plugins/coverages/types.js';
import { assertNear, decode, hex, raster, type Decoded } from './support.js';

const dem: BandDescription[] = [{ name: 'elevation', sampleType: 'float32', unit: 'm' }];
const s2: BandDescription[] = ['B04', 'B03', 'B02'].map((name) => ({ name, sampleType: 'uint16' as const }));

/** Pixels that differ from the background in columns x0..x1: where labels were drawn. */
function inkIn(img: Decoded, x0: number, x1: number, background: number[]): number {
  let n = 0;
  for (let y = 0; y < img.height; y++) {
    for (let x = x0; x < x1; x++) if (img.pixel(x, y).slice(0, 3).some((v, i) => Math.abs(v - background[i]) > 60)) n++;
  }
  return n;
}

describe('coverages render: legends', () => {
  it('a ramp legend is a bar from the max colour (top) to the min colour (bottom) with value labels, at the default size', async () => {
    const style = resolveStyle({ name: 'v', type: 'ramp', band: 1, ramp: 'viridis', min: 0, max: 1000 }, dem);
    const img = await decode(await legendImage(style, dem, { format: 'png' }));
    assert.deepEqual([img.width, img.height], defaultLegendSizes.ramp);
    assert.equal(img.channels, 3);
    const colors = namedRamps.viridis.colors;
    // The bar spans columns 2..23 and leaves half a line above and below for the end labels.
    assertNear(img.pixel(10, 8), hex(colors[8]).slice(0, 3), 3, 'top of the bar');
    assertNear(img.pixel(10, img.height - 9), hex(colors[0]).slice(0, 3), 3, 'bottom of the bar');
    assertNear(img.pixel(10, img.height / 2), hex(colors[4]).slice(0, 3), 6, 'middle of the bar');
    assert.ok(inkIn(img, 30, 100, [255, 255, 255]) > 40, 'labels drawn right of the bar');
  });

  it('a discrete legend draws one block per class', async () => {
    const config: StyleConfig = {
      name: 'c',
      type: 'ramp',
      band: 1,
      mode: 'discrete',
      stops: [{ value: 0, color: '#0000ff' }, { value: 100, color: '#00ff00' }, { value: 500, color: '#ff0000' }],
    };
    const img = await decode(await legendImage(resolveStyle(config, dem), dem, { format: 'png', width: 80, height: 120 }));
    assert.deepEqual([img.width, img.height], [80, 120]);
    assert.deepEqual(img.pixel(8, 20), [255, 0, 0]);
    assert.deepEqual(img.pixel(8, 60), [0, 255, 0]);
    assert.deepEqual(img.pixel(8, 100), [0, 0, 255]);
  });

  it('an rgb legend shows red, green and blue swatches labelled with band names', async () => {
    const style = resolveStyle({ name: 'tc', type: 'rgb', bands: ['B04', 'B03', 'B02'], stretch: { min: 0, max: 3000 } }, s2);
    const img = await decode(await legendImage(style, s2, { format: 'png', transparent: true }));
    assert.deepEqual([img.width, img.height], defaultLegendSizes.rgb);
    assert.equal(img.channels, 4);
    const row = (i: number) => Math.round(2 + (i + 0.5) * Math.floor(60 / 3));
    assert.deepEqual(img.pixel(8, row(0)), [255, 0, 0, 255]);
    assert.deepEqual(img.pixel(8, row(1)), [0, 255, 0, 255]);
    assert.deepEqual(img.pixel(8, row(2)), [0, 0, 255, 255]);
    assert.equal(img.pixel(90, 1)[3], 0, 'transparent background');
    let ink = 0;
    for (let y = 0; y < img.height; y++) for (let x = 24; x < 100; x++) if (img.pixel(x, y)[3] > 128) ink++;
    assert.ok(ink > 30, 'band names drawn');
  });

  it('a hillshade legend is a grey bar from light to shadow; with a ramp it shows the ramp', async () => {
    const grey = await decode(await legendImage(resolveStyle({ name: 'hs', type: 'hillshade', band: 1 }, dem), dem, { format: 'png' }));
    assert.deepEqual([grey.width, grey.height], defaultLegendSizes.hillshade);
    const top = grey.pixel(10, 8);
    const bottom = grey.pixel(10, grey.height - 9);
    assert.ok(top[0] > 245 && top[0] === top[1] && top[1] === top[2], `top ${top}`);
    assert.ok(bottom[0] < 10, `bottom ${bottom}`);
    const relief = await decode(
      await legendImage(resolveStyle({ name: 'r', type: 'hillshade', band: 1, ramp: 'terrain', min: 0, max: 3000 }, dem), dem, { format: 'png' }),
    );
    assertNear(relief.pixel(10, relief.height - 9), hex(namedRamps.terrain.colors[0]).slice(0, 3), 3, 'terrain bottom');
  });

  it('a percentile ramp legend reads its range from the statistics', async () => {
    const r = raster('float32', 100, 1, [Float32Array.from({ length: 100 }, (_, i) => i)]);
    const style = resolveStyle({ name: 'p', type: 'ramp', band: 1, percentile: [2, 98] }, dem);
    await assert.rejects(legendImage(style, dem, { format: 'png' }), /statistics/);
    const img = await decode(await legendImage(style, dem, { format: 'png', stats: computeStatistics(r) }));
    assert.deepEqual([img.width, img.height], defaultLegendSizes.ramp);
  });

  for (const format of ['png', 'jpeg', 'webp'] as const) {
    it(`a legend of the asked size in ${format}, labelled or (when small) a bare bar`, async () => {
      const style = resolveStyle({ name: 'v', type: 'ramp', band: 1, ramp: 'magma', min: 0, max: 1 }, dem);
      for (const [width, height] of [[20, 20], [150, 300], [1, 1]]) {
        const img = await decode(await legendImage(style, dem, { format, width, height }));
        assert.deepEqual([img.format, img.width, img.height], [format, width, height]);
      }
      const small = await decode(await legendImage(style, dem, { format: 'png', width: 20, height: 20 }));
      assertNear(small.pixel(10, 2), hex(namedRamps.magma.colors[8]).slice(0, 3), 20, 'small bar top');
    });
  }

  it('white labels on a dark background colour', async () => {
    const style = resolveStyle({ name: 'v', type: 'ramp', band: 1, ramp: 'greys', min: 0, max: 1 }, dem);
    const img = await decode(await legendImage(style, dem, { format: 'png', bgcolor: 0x000000 }));
    assert.deepEqual(img.pixel(99, 0), [0, 0, 0]);
    let bright = 0;
    for (let y = 0; y < img.height; y++) for (let x = 30; x < 100; x++) if (img.pixel(x, y)[0] > 200) bright++;
    assert.ok(bright > 20, 'white text');
  });
});
