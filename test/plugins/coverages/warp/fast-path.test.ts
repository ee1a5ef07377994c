/**
 * Grids aligned with a source level's pixels are copied, not resampled: a WCS GetCoverage on
 * the native grid returns exactly the stored values, whatever resampling was asked for.
 */
import assert from 'node:assert/strict';
import { warp } from '../../../../plugins/coverages/warp/index.js';
import type { GeoTransform, Grid } from '../../../../plugins/coverages/types.js';
import { functionSource } from './support.js';

/** Deterministic noise: any smoothing by a kernel would change it. */
function noise(col: number, row: number, band: number): number {
  const h = Math.sin(col * 12.9898 + row * 78.233 + band * 37.719) * 43758.5453;
  return h - Math.floor(h);
}

const UTM: GeoTransform = [500000, 10, 0, 4800000, 0, -10];

function noisySource(sampleType: 'float32' | 'uint16', nodata?: number) {
  return functionSource({
    crs: 'EPSG:32631', width: 300, height: 200, transform: UTM, sampleType, nodata, overviews: [2, 4],
    values: (_x, _y, c, r, level) => {
      const v = [noise(c, r, 0) * 1000 + level * 10000, noise(c, r, 1) * 1000];
      if (nodata !== undefined && level === 0 && c >= 50 && c < 60 && r >= 20 && r < 25) return [nodata, nodata];
      return sampleType === 'uint16' ? v.map(Math.round) : v;
    },
  });
}

/** The grid of level-0 pixels [col, col + width) x [row, row + height). */
function subGrid(col: number, row: number, width: number, height: number, crs = 'EPSG:32631'): Grid {
  return { crs, width, height, transform: [UTM[0] + col * 10, 10, 0, UTM[3] - row * 10, 0, -10] };
}

describe('coverages warp: aligned grids are copied', () => {
  for (const resampling of ['nearest', 'bilinear', 'cubic'] as const) {
    it(`returns exactly the source values of an aligned window (${resampling} asked)`, async () => {
      const source = noisySource('float32');
      const out = await warp([source], subGrid(37, 11, 64, 48), { bands: [1, 0], resampling, sampleType: 'float32' });
      const level = source.levels[0]!;
      for (let r = 0; r < 48; r++) {
        for (let c = 0; c < 64; c++) {
          const k = (r + 11) * level.width + (c + 37);
          assert.equal(out.bands[0]![r * 64 + c], level.bands[1]![k]);
          assert.equal(out.bands[1]![r * 64 + c], level.bands[0]![k]);
        }
      }
      assert.ok(out.mask!.every((m) => m === 255));
      assert.deepEqual(source.reads, [{ level: 0, window: { x: 37, y: 11, width: 64, height: 48 }, bands: [1, 0] }]);
    });
  }

  it('copies the whole native grid of a uint16 source value for value', async () => {
    const source = noisySource('uint16');
    const out = await warp([source], { crs: source.crs, width: source.width, height: source.height, transform: source.transform }, { bands: [0], resampling: 'cubic', sampleType: 'uint16' });
    assert.deepEqual(Array.from(out.bands[0]!), Array.from(source.levels[0]!.bands[0]!));
  });

  it('masks aligned pixels beyond the source and nodata pixels, writing the requested nodata there', async () => {
    const source = noisySource('float32', -9999);
    const out = await warp([source], subGrid(-5, 15, 70, 20), { bands: [0], resampling: 'bilinear', sampleType: 'float32', nodata: -1 });
    assert.equal(out.nodata, -1);
    const level = source.levels[0]!;
    for (let r = 0; r < 20; r++) {
      for (let c = 0; c < 70; c++) {
        const col = c - 5;
        const row = r + 15;
        const hole = col >= 50 && col < 60 && row >= 20 && row < 25;
        const o = r * 70 + c;
        if (col < 0 || hole) {
          assert.equal(out.mask![o], 0, `pixel ${c},${r}`);
          assert.equal(out.bands[0]![o], -1);
        } else {
          assert.equal(out.mask![o], 255);
          assert.equal(out.bands[0]![o], level.bands[0]![row * level.width + col]);
        }
      }
    }
    // Only the part inside the level is read.
    assert.deepEqual(source.reads[0]!.window, { x: 0, y: 15, width: 65, height: 20 });
  });

  it('copies from the overview whose pixels the grid is aligned with', async () => {
    const source = noisySource('float32');
    const grid: Grid = { crs: 'EPSG:32631', width: 30, height: 20, transform: [UTM[0] + 40 * 20, 20, 0, UTM[3] - 10 * 20, 0, -20] };
    const out = await warp([source], grid, { bands: [0], resampling: 'bilinear', sampleType: 'float32' });
    const level = source.levels[1]!;
    assert.equal(source.reads[0]!.level, 1);
    for (let r = 0; r < 20; r++) {
      for (let c = 0; c < 30; c++) assert.equal(out.bands[0]![r * 30 + c], level.bands[0]![(r + 10) * level.width + c + 40]);
    }
  });

  it('treats CRS:84 and EPSG:4326 as one CRS (x/y order): still a copy', async () => {
    const source = functionSource({
      crs: 'EPSG:4326', width: 40, height: 30, transform: [2, 0.01, 0, 49, 0, -0.01], sampleType: 'float64',
      values: (_x, _y, c, r) => [noise(c, r, 2)],
    });
    const out = await warp([source], { crs: 'CRS:84', width: 40, height: 30, transform: source.transform }, { bands: [0], resampling: 'cubic', sampleType: 'float64' });
    assert.deepEqual(Array.from(out.bands[0]!), Array.from(source.levels[0]!.bands[0]!));
  });

  it('rounds and clamps when copying into a narrower sample type', async () => {
    const source = functionSource({
      crs: 'EPSG:32631', width: 4, height: 1, transform: UTM, sampleType: 'float32',
      values: (_x, _y, c) => [[-3.2, 12.5, 254.4, 300][c]!],
    });
    const out = await warp([source], subGrid(0, 0, 4, 1), { bands: [0], resampling: 'nearest', sampleType: 'uint8' });
    assert.deepEqual(Array.from(out.bands[0]!), [0, 13, 254, 255]);
  });
});
