import assert from 'node:assert/strict';
import {
  composeOver,
  computeStatistics,
  encodeImage,
  namedRamps,
  percentile,
  renderRgba,
  resolveStyle,
  type StyleConfig,
} from '../../../../plugins/coverages/render/index.js';
import type { BandDescription, SampleType } from '../../../../plugins/coverages/types.js';
import { assertNear, decode, hex, raster, rgbaAt, row } from './support.js';

const one = (sampleType: SampleType): BandDescription[] => [{ name: 'v', sampleType }];

/** Renders a row of values with a one-band style; returns each pixel's RGBA. */
function renderRow(values: number[], config: StyleConfig, sampleType: SampleType = 'float32', stats?: ReturnType<typeof computeStatistics>): number[][] {
  const r = row(values, sampleType);
  const rgba = renderRgba(r, resolveStyle(config, one(sampleType)), { stats });
  return values.map((_, i) => rgbaAt(rgba, i));
}

describe('coverages render: ramp styles', () => {
  for (const sampleType of ['float32', 'uint8', 'int16'] as const) {
    it(`greys over min..max: ends, middle and clamping (${sampleType}, through the PNG)`, async () => {
      const values = [0, 25, 50, 75, 100, 110];
      const r = row(values, sampleType);
      const style = resolveStyle({ name: 'g', type: 'ramp', band: 1, ramp: 'greys', min: 0, max: 100 }, one(sampleType));
      const png = await decode(await encodeImage(renderRgba(r, style), values.length, 1, { format: 'png' }));
      assert.equal(png.channels, 3);
      const expected = [0, 64, 128, 191, 255, 255];
      values.forEach((_, i) => assertNear(png.pixel(i, 0), [expected[i], expected[i], expected[i]], 1, `value ${values[i]}`));
    });
  }

  it('viridis ends and middle stop land on its anchor colours; min > max inverts it', () => {
    const viridis = namedRamps.viridis.colors;
    const px = renderRow([-5, 0, 50, 100, 200], { name: 'v', type: 'ramp', band: 1, ramp: 'viridis', min: 0, max: 100 });
    assertNear(px[0], hex(viridis[0]), 0, 'below min');
    assertNear(px[1], hex(viridis[0]), 0, 'min');
    assertNear(px[2], hex(viridis[4]), 1, 'middle');
    assertNear(px[3], hex(viridis[8]), 0, 'max');
    assertNear(px[4], hex(viridis[8]), 0, 'above max');
    const inverted = renderRow([0, 100], { name: 'v', type: 'ramp', band: 1, ramp: 'viridis', min: 100, max: 0 });
    assertNear(inverted[0], hex(viridis[8]), 0, 'inverted 0');
    assertNear(inverted[1], hex(viridis[0]), 0, 'inverted 100');
    const reversed = renderRow([0], { name: 'v', type: 'ramp', band: 1, ramp: 'viridis', min: 0, max: 100, reverse: true });
    assertNear(reversed[0], hex(viridis[8]), 0, 'reversed');
  });

  it('custom stops interpolate colour and alpha between data values (8-bit table and wide-data table agree)', () => {
    const config: StyleConfig = {
      name: 's',
      type: 'ramp',
      band: 1,
      stops: [{ value: 10, color: '#ff0000' }, { value: 0, color: '#000000' }, { value: 20, color: '#ffffff80' }],
    };
    for (const sampleType of ['float32', 'uint8'] as const) {
      const px = renderRow([0, 5, 10, 15, 20, 30], config, sampleType);
      assertNear(px[0], [0, 0, 0, 255], 0, `${sampleType} 0`);
      assertNear(px[1], [128, 0, 0, 255], 1, `${sampleType} 5`);
      assertNear(px[2], [255, 0, 0, 255], 0, `${sampleType} 10`);
      assertNear(px[3], [255, 128, 128, 192], 1, `${sampleType} 15`);
      assertNear(px[4], [255, 255, 255, 128], 0, `${sampleType} 20`);
      assertNear(px[5], [255, 255, 255, 128], 0, `${sampleType} 30`);
    }
  });

  it('discrete custom stops: each value takes the colour of the last stop at or below it', () => {
    const config: StyleConfig = {
      name: 'd',
      type: 'ramp',
      band: 1,
      mode: 'discrete',
      stops: [{ value: 0, color: '#0000ff' }, { value: 10, color: '#00ff00' }, { value: 20, color: '#ff0000' }],
    };
    const values = [-5, 0, 9.999, 10, 19.5, 20, 1000];
    const expected = ['#0000ff', '#0000ff', '#0000ff', '#00ff00', '#00ff00', '#ff0000', '#ff0000'];
    for (const sampleType of ['float64', 'int16'] as const) {
      const input = sampleType === 'int16' ? values.map(Math.trunc) : values;
      const px = renderRow(input, config, sampleType);
      const want = sampleType === 'int16' ? ['#0000ff', '#0000ff', '#0000ff', '#00ff00', '#00ff00', '#ff0000', '#ff0000'] : expected;
      px.forEach((p, i) => assertNear(p, hex(want[i]), 0, `${sampleType} ${input[i]}`));
    }
  });

  it('a discrete named ramp makes equal classes over min..max, one per colour', () => {
    const colors = namedRamps.rdylgn.colors; // 11 colours over 0..110: classes of 10
    const px = renderRow([-1, 5, 15, 55, 105, 110, 500], { name: 'c', type: 'ramp', band: 1, ramp: 'rdylgn', mode: 'discrete', min: 0, max: 110 });
    const classes = [0, 0, 1, 5, 10, 10, 10];
    px.forEach((p, i) => assertNear(p, hex(colors[classes[i]]), 0, `class of pixel ${i}`));
  });

  it('stops moved by min/max: the first stop at min, the last at max', () => {
    const px = renderRow([100, 150, 200], {
      name: 'm',
      type: 'ramp',
      band: 1,
      stops: [{ value: 0, color: '#000000' }, { value: 1, color: '#ffffff' }],
      min: 100,
      max: 200,
    });
    assertNear(px[0], [0, 0, 0, 255], 0, 'min');
    assertNear(px[1], [128, 128, 128, 255], 1, 'middle');
    assertNear(px[2], [255, 255, 255, 255], 0, 'max');
  });

  it('percentile stretch: 10-90 of a uniform 0..999 distribution maps 100 to black and 900 to white', () => {
    const values = Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000); // every value once, shuffled
    const r = raster('float32', 100, 10, [Float32Array.from(values)]);
    const stats = computeStatistics(r);
    assert.ok(Math.abs(percentile(stats[0], 10) - 100) <= 1, `p10 ${percentile(stats[0], 10)}`);
    assert.ok(Math.abs(percentile(stats[0], 90) - 900) <= 1, `p90 ${percentile(stats[0], 90)}`);
    const px = renderRow([50, 100, 500, 900, 950], { name: 'p', type: 'ramp', band: 1, percentile: [10, 90] }, 'float32', stats);
    const greys = px.map((p) => p[0]);
    assert.ok(greys[0] === 0 && greys[1] <= 1, `dark end ${greys}`);
    assert.ok(Math.abs(greys[2] - 128) <= 1, `middle ${greys[2]}`);
    assert.ok(greys[3] >= 254 && greys[4] === 255, `bright end ${greys}`);
  });

  it('a style that needs statistics says so when none are given', () => {
    assert.throws(() => renderRow([1], { name: 'p', type: 'ramp', band: 1, percentile: [2, 98] }), /needs the coverage's statistics/);
  });

  it('masked, nodata and NaN pixels are transparent, and in a PNG without transparency take the background colour', async () => {
    const values = Float32Array.from([10, NaN, 20, -9999]);
    const withMask = raster('float32', 4, 1, [values], Uint8Array.from([255, 255, 0, 255]));
    const withNodata = raster('float32', 4, 1, [values], undefined, -9999);
    const style = resolveStyle({ name: 'g', type: 'ramp', band: 1, min: 0, max: 20 }, one('float32'));
    const masked = renderRgba(withMask, style);
    assert.deepEqual([0, 1, 2].map((i) => rgbaAt(masked, i)[3]), [255, 0, 0]);
    const byNodata = renderRgba(withNodata, style);
    assert.deepEqual([0, 1, 2, 3].map((i) => rgbaAt(byNodata, i)[3]), [255, 0, 255, 0]);

    const transparent = await decode(await encodeImage(byNodata, 4, 1, { format: 'png', transparent: true }));
    assert.equal(transparent.channels, 4);
    assert.deepEqual(transparent.pixel(0, 0), [128, 128, 128, 255]);
    assert.equal(transparent.pixel(1, 0)[3], 0);
    const opaque = await decode(await encodeImage(byNodata, 4, 1, { format: 'png', bgcolor: 0x336699 }));
    assert.equal(opaque.channels, 3);
    assert.deepEqual(opaque.pixel(1, 0), [0x33, 0x66, 0x99]);
    assert.deepEqual(opaque.pixel(2, 0), [255, 255, 255]);
    const defaultWhite = await decode(await encodeImage(byNodata, 4, 1, { format: 'png' }));
    assert.deepEqual(defaultWhite.pixel(3, 0), [255, 255, 255]);
  });
});

describe('coverages render: rgb styles', () => {
  const bands: BandDescription[] = ['r', 'g', 'b'].map((name) => ({ name, sampleType: 'uint16' as const }));

  it('stretches each band over its own range', () => {
    const r = raster('uint16', 3, 1, [Uint16Array.from([0, 500, 1000]), Uint16Array.from([100, 150, 200]), Uint16Array.from([0, 3000, 6000])]);
    const style = resolveStyle({ name: 'x', type: 'rgb', bands: [1, 2, 3], stretch: [{ min: 0, max: 1000 }, { min: 100, max: 200 }, { min: 0, max: 3000 }] }, bands);
    const rgba = renderRgba(r, style);
    assertNear(rgbaAt(rgba, 0), [0, 0, 0, 255], 0, 'lows');
    assertNear(rgbaAt(rgba, 1), [128, 128, 255, 255], 1, 'middles');
    assertNear(rgbaAt(rgba, 2), [255, 255, 255, 255], 0, 'highs');
  });

  it('reads bands in the order resolveStyle gives, with one stretch for all and a gamma', () => {
    const style = resolveStyle({ name: 'x', type: 'rgb', bands: ['b', 'g', 'r'], stretch: { min: 0, max: 400 }, gamma: 2 }, bands);
    assert.deepEqual(style.bands, [2, 1, 0]);
    // The raster holds the bands in style.bands order: b, g, r.
    const r = raster('float32', 1, 1, [Float32Array.of(100), Float32Array.of(0), Float32Array.of(400)]);
    // t = 0.25 -> 0.25^(1/2) = 0.5
    assertNear(rgbaAt(renderRgba(r, style), 0), [128, 0, 255, 255], 1, 'gamma 2');
  });

  it('shows 8-bit bands as they are by default, and percentile-stretches 16-bit ones per band', () => {
    const eight: BandDescription[] = ['r', 'g', 'b'].map((name) => ({ name, sampleType: 'uint8' as const }));
    const r8 = raster('uint8', 2, 1, [Uint8Array.of(0, 200), Uint8Array.of(17, 100), Uint8Array.of(255, 3)]);
    const rgba8 = renderRgba(r8, resolveStyle({ name: 'x', type: 'rgb', bands: [1, 2, 3] }, eight));
    assert.deepEqual([rgbaAt(rgba8, 0), rgbaAt(rgba8, 1)], [[0, 17, 255, 255], [200, 100, 3, 255]]);

    const n = 1000;
    const band = (scale: number) => Uint16Array.from({ length: n }, (_, i) => ((i * 7919) % n) * scale);
    const r16 = raster('uint16', n, 1, [band(1), band(2), band(4)]);
    const stats = computeStatistics(r16);
    const style = resolveStyle({ name: 'x', type: 'rgb', bands: [1, 2, 3], stretch: { percentile: [0, 50] } }, bands);
    const probe = raster('uint16', 1, 1, [Uint16Array.of(250), Uint16Array.of(500), Uint16Array.of(1000)]);
    // Each band's own 50th percentile (499, 998, 1996) is white; 250, 500, 1000 are half-way for all three.
    const px = rgbaAt(renderRgba(probe, style, { stats }), 0);
    px.slice(0, 3).forEach((v) => assert.ok(Math.abs(v - 128) <= 1, `channel ${v}`));
  });

  it('an RGB pixel is missing when masked, or (without a mask) when all three bands hold nodata', () => {
    const style = resolveStyle({ name: 'x', type: 'rgb', bands: [1, 2, 3], stretch: { min: 0, max: 255 } }, bands);
    const r = raster('uint16', 3, 1, [Uint16Array.of(0, 0, 5), Uint16Array.of(0, 7, 5), Uint16Array.of(0, 0, 5)], undefined, 0);
    assert.deepEqual([0, 1, 2].map((i) => rgbaAt(renderRgba(r, style), i)[3]), [0, 255, 255]);
    const m = raster('uint16', 3, 1, r.bands, Uint8Array.of(255, 0, 255));
    assert.deepEqual([0, 1, 2].map((i) => rgbaAt(renderRgba(m, style), i)[3]), [255, 0, 255]);
  });
});

describe('coverages render: statistics', () => {
  it('exact integer percentiles, min, max, mean over valid pixels only', () => {
    const values = Uint16Array.from({ length: 1001 }, (_, i) => (i < 1000 ? (i * 7919) % 1000 : 60000));
    const mask = new Uint8Array(1001).fill(255);
    mask[1000] = 0; // the outlier is masked
    const [stats] = computeStatistics(raster('uint16', 1001, 1, [values], mask));
    assert.equal(stats.count, 1000);
    assert.equal(stats.min, 0);
    assert.equal(stats.max, 999);
    assert.equal(stats.mean, 499.5);
    assert.equal(percentile(stats, 10), 99);
    assert.equal(percentile(stats, 90), 899);
    assert.equal(percentile(stats, 0), 0);
    assert.equal(percentile(stats, 100), 999);
  });

  it('a band with no valid pixel has count 0 and NaN values', () => {
    const [stats] = computeStatistics(raster('float32', 2, 1, [Float32Array.of(NaN, 5)], Uint8Array.of(255, 0)));
    assert.equal(stats.count, 0);
    assert.ok(Number.isNaN(stats.min) && Number.isNaN(percentile(stats, 50)));
  });
});

describe('coverages render: composing layers', () => {
  it('draws straight-alpha RGBA over, Porter-Duff', () => {
    const dst = new Uint8ClampedArray([0, 0, 255, 255, 0, 0, 255, 128, 10, 20, 30, 255, 1, 2, 3, 0]);
    const src = new Uint8ClampedArray([255, 0, 0, 128, 255, 0, 0, 128, 0, 0, 0, 0, 200, 100, 50, 77]);
    composeOver(dst, src);
    assertNear(rgbaAt(dst, 0), [128, 0, 127, 255], 1, 'half over opaque');
    assertNear(rgbaAt(dst, 1), [170, 0, 85, 192], 1, 'half over half');
    assert.deepEqual(rgbaAt(dst, 2), [10, 20, 30, 255], 'transparent over');
    assert.deepEqual(rgbaAt(dst, 3), [200, 100, 50, 77], 'over transparent');
  });
});
