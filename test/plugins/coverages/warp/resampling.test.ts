/**
 * The kernels on rasters whose right answer is known: nearest repeats pixels, bilinear is exact
 * on a linear ramp, cubic (Keys, a = -0.5) on a quadratic one; nodata neighbours are left out of
 * the weights; integer outputs are rounded and clamped.
 */
import assert from 'node:assert/strict';
import { warp } from '../../../../plugins/coverages/warp/index.js';
import type { GeoTransform, Grid, Resampling } from '../../../../plugins/coverages/types.js';
import { functionSource, MemoryRasterSource } from './support.js';

const ORIGIN: GeoTransform = [600000, 10, 0, 5000000, 0, -10];

/** Source pixel coordinates (continuous) of a CRS point. */
const pixelX = (x: number) => (x - ORIGIN[0]) / 10;
const pixelY = (y: number) => (ORIGIN[3] - y) / 10;

function rampSource(f: (px: number, py: number) => number, width = 40, height = 30) {
  return functionSource({
    crs: 'EPSG:32631', width, height, transform: ORIGIN, sampleType: 'float64',
    values: (x, y) => [f(pixelX(x), pixelY(y))],
  });
}

/** A target in the source CRS with pixels of `size` metres starting `dx`, `dy` metres into the source. */
function finerGrid(size: number, dx: number, dy: number, width: number, height: number): Grid {
  return { crs: 'EPSG:32631', width, height, transform: [ORIGIN[0] + dx, size, 0, ORIGIN[3] - dy, 0, -size] };
}

function centre(grid: Grid, i: number, j: number): [number, number] {
  const t = grid.transform;
  return [pixelX(t[0] + (i + 0.5) * t[1] + (j + 0.5) * t[2]), pixelY(t[3] + (i + 0.5) * t[4] + (j + 0.5) * t[5])];
}

describe('coverages warp: resampling kernels', () => {
  it('nearest repeats each source pixel over the target pixels whose centres fall in it', async () => {
    const source = rampSource((px, py) => Math.floor(px) + 100 * Math.floor(py));
    const grid = finerGrid(5, 0, 0, 80, 60);
    const out = await warp([source], grid, { bands: [0], resampling: 'nearest', sampleType: 'float64' });
    for (let j = 0; j < 60; j++) {
      for (let i = 0; i < 80; i++) assert.equal(out.bands[0]![j * 80 + i], Math.floor(i / 2) + 100 * Math.floor(j / 2));
    }
  });

  it('nearest on a rotated grid (the general path) picks the pixel under each centre', async () => {
    const source = rampSource((px, py) => Math.floor(px) + 100 * Math.floor(py));
    // Target columns run down the source's rows and target rows along its columns: a transpose.
    const grid: Grid = { crs: 'EPSG:32631', width: 30, height: 40, transform: [ORIGIN[0], 0, 10, ORIGIN[3], -10, 0] };
    const out = await warp([source], grid, { bands: [0], resampling: 'nearest', sampleType: 'float64' });
    for (let j = 0; j < 40; j++) {
      for (let i = 0; i < 30; i++) assert.equal(out.bands[0]![j * 30 + i], j + 100 * i);
    }
    assert.ok(out.mask!.every((m) => m === 255));
  });

  it('bilinear of a linear ramp is exact wherever its 2x2 neighbourhood is inside the source', async () => {
    const f = (px: number, py: number) => 3 + 0.5 * px - 2.25 * py;
    const source = rampSource(f);
    const grid = finerGrid(3.7, 13.3, 7.9, 100, 70);
    const out = await warp([source], grid, { bands: [0], resampling: 'bilinear', sampleType: 'float64' });
    let checked = 0;
    for (let j = 0; j < 70; j++) {
      for (let i = 0; i < 100; i++) {
        const [px, py] = centre(grid, i, j);
        if (px < 0.5 || py < 0.5 || px > 39.5 || py > 29.5) continue;
        assert.ok(Math.abs(out.bands[0]![j * 100 + i]! - f(px, py)) < 1e-9, `pixel ${i},${j}`);
        checked++;
      }
    }
    assert.ok(checked > 5000);
  });

  it('cubic (Keys, a = -0.5) of a quadratic ramp is exact inside; bilinear is not', async () => {
    const f = (px: number, py: number) => 0.3 * px * px - 0.2 * px * py + 0.1 * py * py + px;
    const source = rampSource(f);
    const grid = finerGrid(3.7, 13.3, 7.9, 100, 70);
    const cubic = await warp([source], grid, { bands: [0], resampling: 'cubic', sampleType: 'float64' });
    const bilinear = await warp([source], grid, { bands: [0], resampling: 'bilinear', sampleType: 'float64' });
    let worstBilinear = 0;
    for (let j = 0; j < 70; j++) {
      for (let i = 0; i < 100; i++) {
        const [px, py] = centre(grid, i, j);
        if (px < 1.5 || py < 1.5 || px > 38.5 || py > 28.5) continue;
        assert.ok(Math.abs(cubic.bands[0]![j * 100 + i]! - f(px, py)) < 1e-9, `pixel ${i},${j}`);
        worstBilinear = Math.max(worstBilinear, Math.abs(bilinear.bands[0]![j * 100 + i]! - f(px, py)));
      }
    }
    assert.ok(worstBilinear > 0.01, `bilinear error ${worstBilinear}`);
  });

  it('cubic overshoot at a step is clamped to the integer output type', async () => {
    const step = rampSource((px) => (px < 20 ? 0 : 255));
    const grid = finerGrid(2.5, 150, 50, 40, 10);
    const float = await warp([step], grid, { bands: [0], resampling: 'cubic', sampleType: 'float64' });
    const bytes = await warp([step], grid, { bands: [0], resampling: 'cubic', sampleType: 'uint8' });
    const values = Array.from(float.bands[0]!);
    assert.ok(Math.min(...values) < -1 && Math.max(...values) > 256, 'cubic overshoots a step');
    values.forEach((v, k) => assert.equal(bytes.bands[0]![k], Math.min(255, Math.max(0, Math.round(v)))));
  });

  it('rounds bilinear values to the nearest integer, halves up', async () => {
    const source = rampSource((px) => (px < 1 ? 10 : 11), 2, 1);
    // One target pixel centred on the boundary between the two source pixels.
    const grid = finerGrid(1, 9.5, 4.5, 1, 1);
    const out = await warp([source], grid, { bands: [0], resampling: 'bilinear', sampleType: 'uint8' });
    assert.deepEqual(Array.from(out.bands[0]!), [11]);
  });

  describe('next to nodata', () => {
    // 4 x 4 source, value 10 * col + row, pixel (1, 1) nodata.
    const source = () => {
      const values = new Float64Array(16);
      for (let r = 0; r < 4; r++) for (let c = 0; c < 4; c++) values[r * 4 + c] = 10 * c + r;
      values[1 * 4 + 1] = -9999;
      return new MemoryRasterSource({ crs: 'EPSG:32631', sampleType: 'float64', nodata: -9999, levels: [{ width: 4, height: 4, transform: ORIGIN, bands: [values] }] });
    };
    /** A 1-pixel target centred at source pixel coordinates (px, py). */
    const at = (px: number, py: number): Grid => finerGrid(0.1, px * 10 - 0.05, py * 10 - 0.05, 1, 1);
    const value = async (resampling: Resampling, px: number, py: number) => {
      const out = await warp([source()], at(px, py), { bands: [0], resampling, sampleType: 'float64', nodata: -1 });
      return out.mask![0] === 0 ? null : out.bands[0]![0];
    };

    it('bilinear renormalises its weights over the valid neighbours', async () => {
      // Centre at (2.2, 2.2): neighbours (1,1) nodata [weight .09], (2,1) [.21], (1,2) [.21], (2,2) [.49].
      const expected = (0.21 * 21 + 0.21 * 12 + 0.49 * 22) / 0.91;
      assert.ok(Math.abs((await value('bilinear', 2.2, 2.2))! - expected) < 1e-9);
    });

    it('a target pixel whose centre falls in a nodata pixel has no data, whatever the kernel', async () => {
      for (const resampling of ['nearest', 'bilinear', 'cubic'] as const) assert.equal(await value(resampling, 1.6, 1.4), null, resampling);
    });

    it('cubic falls back to the renormalised bilinear where its 4x4 footprint touches nodata', async () => {
      assert.equal(await value('cubic', 2.2, 2.2), await value('bilinear', 2.2, 2.2));
      // Away from the hole and the edges, cubic is its own: on this linear ramp it equals the ramp.
      const values = new Float64Array(64);
      for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) values[r * 8 + c] = 10 * c + r;
      const clean = new MemoryRasterSource({ crs: 'EPSG:32631', sampleType: 'float64', levels: [{ width: 8, height: 8, transform: ORIGIN, bands: [values] }] });
      const out = await warp([clean], at(4.3, 3.8), { bands: [0], resampling: 'cubic', sampleType: 'float64' });
      assert.ok(Math.abs(out.bands[0]![0]! - (10 * 3.8 + 3.3)) < 1e-9);
    });
  });
});
