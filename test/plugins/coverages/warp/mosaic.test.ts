/**
 * Several sources on one grid: later sources on top where they have data, the ones below
 * through their nodata holes, nothing where no source covers; sources that cannot show are not
 * read. And the errors a caller can cause.
 */
import assert from 'node:assert/strict';
import { transformPoint } from '../../../../core/ows/index.js';
import { isCoverageError } from '../../../../plugins/coverages/errors.js';
import { warp, type WarpOptions } from '../../../../plugins/coverages/warp/index.js';
import type { Grid } from '../../../../plugins/coverages/types.js';
import { functionSource } from './support.js';

/** A UTM 31N source of 10 m pixels, its top-left corner at (x0, y0), value `value` except in `hole` (source pixel ranges). */
function tile(id: string, x0: number, y0: number, value: number, hole?: { cols: [number, number]; rows: [number, number] }, crs = 'EPSG:32631') {
  return functionSource({
    id, crs, width: 100, height: 100, transform: [x0, 10, 0, y0, 0, -10], sampleType: 'int16', nodata: -1,
    values: (_x, _y, c, r) => [hole && c >= hole.cols[0] && c < hole.cols[1] && r >= hole.rows[0] && r < hole.rows[1] ? -1 : value],
  });
}

/** 10 m pixels over [x0, x0 + 10 * width) x (y0 - 10 * height, y0]. */
const grid = (x0: number, y0: number, width: number, height: number): Grid => ({ crs: 'EPSG:32631', width, height, transform: [x0, 10, 0, y0, 0, -10] });

describe('coverages warp: mosaics and nodata', () => {
  it('shows the top source where it has data and the bottom one through its nodata holes', async () => {
    const bottom = tile('bottom', 500000, 5000000, 1);
    // Top: shifted 50 pixels right, with a hole over its columns 10-19, rows 30-39.
    const top = tile('top', 500500, 5000000, 2, { cols: [10, 20], rows: [30, 40] });
    const out = await warp([bottom, top], grid(500000, 5000000, 200, 100), { bands: [0], resampling: 'nearest', sampleType: 'int16', nodata: -32768 });
    for (let r = 0; r < 100; r++) {
      for (let c = 0; c < 200; c++) {
        const inTop = c >= 50 && c < 150;
        const inHole = c >= 60 && c < 70 && r >= 30 && r < 40;
        const expected = inTop && !inHole ? 2 : c < 100 ? 1 : null;
        const o = r * 200 + c;
        if (expected === null) {
          assert.equal(out.mask![o], 0, `pixel ${c},${r}`);
          assert.equal(out.bands[0]![o], -32768);
        } else {
          assert.equal(out.mask![o], 255, `pixel ${c},${r}`);
          assert.equal(out.bands[0]![o], expected, `pixel ${c},${r}`);
        }
      }
    }
  });

  it('does the same when reprojecting with bilinear: the hole shows the source below', async () => {
    const bottom = tile('bottom', 500000, 5000000, 100);
    const top = tile('top', 500000, 5000000, 200, { cols: [40, 60], rows: [40, 60] });
    const [lon, lat] = transformPoint([500500, 4999500], 'EPSG:32631', 'EPSG:4326');
    const target: Grid = { crs: 'EPSG:4326', width: 100, height: 100, transform: [lon - 0.006, 0.00012, 0, lat + 0.004, 0, -0.00008] };
    const out = await warp([bottom, top], target, { bands: [0], resampling: 'bilinear', sampleType: 'int16', nodata: -1 });
    const values = new Map<number, number>();
    out.bands[0]!.forEach((v, k) => out.mask![k] && values.set(v, (values.get(v) ?? 0) + 1));
    // Inside the hole the bottom's 100; around it the top's 200; at the hole's edge both weights mix.
    assert.ok((values.get(100) ?? 0) > 200, JSON.stringify([...values]));
    assert.ok((values.get(200) ?? 0) > 5000, JSON.stringify([...values]));
    const centre = transformPoint([500500, 4999500], 'EPSG:32631', 'EPSG:4326');
    const i = Math.floor((centre[0] - target.transform[0]) / 0.00012);
    const j = Math.floor((target.transform[3] - centre[1]) / 0.00008);
    assert.equal(out.bands[0]![j * 100 + i], 100);
  });

  it('masks the whole of a target outside every source, without reading any', async () => {
    const a = tile('a', 500000, 5000000, 1);
    const b = tile('b', 510000, 5000000, 2);
    const out = await warp([a, b], grid(600000, 5000000, 64, 64), { bands: [0], resampling: 'cubic', sampleType: 'float32', nodata: -9999 });
    assert.ok(out.mask!.every((m) => m === 0));
    assert.ok(out.bands[0]!.every((v) => v === -9999));
    assert.equal(out.nodata, -9999);
    assert.deepEqual([a.reads.length, b.reads.length], [0, 0]);
  });

  it('skips sources in another CRS whose footprint misses the target, without reading them', async () => {
    const near = tile('near', 500000, 5000000, 1);
    const far = tile('far', 500000, 2000000, 2);
    const [lon, lat] = transformPoint([500500, 4999500], 'EPSG:32631', 'EPSG:4326');
    const target: Grid = { crs: 'EPSG:4326', width: 50, height: 50, transform: [lon - 0.005, 0.0002, 0, lat + 0.005, 0, -0.0002] };
    const out = await warp([far, near], target, { bands: [0], resampling: 'nearest', sampleType: 'int16' });
    assert.equal(far.reads.length, 0);
    assert.equal(near.reads.length, 1);
    assert.ok(out.bands[0]!.some((v) => v === 1));
  });

  it('does not read sources hidden under a top source that covers the whole target', async () => {
    const bottom = tile('bottom', 500000, 5000000, 1);
    const top = tile('top', 500000, 5000000, 2);
    const out = await warp([bottom, top], grid(500100, 4999900, 50, 50), { bands: [0], resampling: 'nearest', sampleType: 'int16' });
    assert.ok(out.bands[0]!.every((v) => v === 2));
    assert.equal(top.reads.length, 1);
    assert.equal(bottom.reads.length, 0);
  });

  it('draws sources in different CRSs onto one grid', async () => {
    const utm = tile('utm', 500000, 5000000, 1);
    const [lon, lat] = transformPoint([500000, 5000000], 'EPSG:32631', 'EPSG:4326');
    const geographic = functionSource({
      id: 'geo', crs: 'EPSG:4326', width: 100, height: 100, transform: [lon, 0.0001, 0, lat, 0, -0.0001], sampleType: 'int16',
      values: () => [2],
    });
    const out = await warp([utm, geographic], grid(500000, 5000000, 100, 100), { bands: [0], resampling: 'nearest', sampleType: 'int16' });
    const counts = [0, 0, 0];
    out.bands[0]!.forEach((v) => counts[v]!++);
    // The geographic source (0.01 x 0.01 degrees, about 790 x 1110 m) covers the top-left part, the rest is UTM.
    assert.ok(counts[2]! > 70 * 95 && counts[2]! < 85 * 100, JSON.stringify(counts));
    assert.equal(counts[1]! + counts[2]!, 10000);
  });

  describe('errors', () => {
    const source = tile('s', 500000, 5000000, 1);
    const options: WarpOptions = { bands: [0], resampling: 'nearest', sampleType: 'int16' };
    const rejects = (promise: Promise<unknown>, code: Parameters<typeof isCoverageError>[1]) =>
      assert.rejects(promise, (err) => isCoverageError(err, code) || assert.fail(`expected ${code}, got ${String(err)}`));

    it('a band the source lacks is NoSuchBand', () => rejects(warp([source], grid(500000, 5000000, 10, 10), { ...options, bands: [1] }), 'NoSuchBand'));
    it('an empty or singular grid is InvalidGrid', async () => {
      await rejects(warp([source], grid(500000, 5000000, 0, 10), options), 'InvalidGrid');
      await rejects(warp([source], { crs: 'EPSG:32631', width: 10, height: 10, transform: [500000, 10, 0, 5000000, 0, 0] }, options), 'InvalidGrid');
    });
    it('an unknown target CRS is InvalidCrs', () => rejects(warp([source], { ...grid(500000, 5000000, 10, 10), crs: 'EPSG:999999' }, options), 'InvalidCrs'));
    it('a window larger than maxSourcePixels is TooLarge', () =>
      rejects(warp([source], { crs: 'EPSG:32631', width: 10, height: 10, transform: [500000, 100, 0, 5000000, 0, -100] }, { ...options, maxSourcePixels: 5000 }), 'TooLarge'));
  });
});
