/**
 * Reprojection against gdalwarp: one UTM 31N source (a smooth field with a ramp and a nodata
 * hole) warped to EPSG:4326 and EPSG:3857 by gdalwarp and by warp(), with each kernel. Targets
 * are finer than the source, so GDAL does not widen its kernels (it does when downsampling).
 *
 * Against gdalwarp with exact transformations (-et 0) the results are nearly identical. Against
 * its default approximate transformer (-et 0.125, interpolating along whole rows) nearest picks
 * another neighbour for a few percent of pixels, those whose centres fall within GDAL's error of
 * a source pixel edge.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { transformBbox } from '../../../../core/ows/index.js';
import { warp } from '../../../../plugins/coverages/warp/index.js';
import type { Grid, Resampling } from '../../../../plugins/coverages/types.js';
import { compareRasters, functionSource, readWithGdal, runOk, tempDir, writeVrt, type MemoryRasterSource } from './support.js';

const NODATA = -9999;
const GDAL_RESAMPLING: Record<Resampling, string> = { nearest: 'near', bilinear: 'bilinear', cubic: 'cubic' };

/** 300 x 300 pixels of 100 m west of the zone's central meridian, around 45 N. */
function utmSource(): MemoryRasterSource {
  return functionSource({
    id: 'utm', crs: 'EPSG:32631', width: 300, height: 300, transform: [440000, 100, 0, 5010000, 0, -100], sampleType: 'float32', nodata: NODATA,
    values: (x, y, c, r) => {
      if (c >= 120 && c < 140 && r >= 150 && r < 170) return [NODATA];
      // Long waves and a ramp, plus short waves (about 15 pixels) on which the kernels differ.
      return [1000 + 400 * Math.sin(x / 2500) * Math.cos(y / 1800) + (x - 440000) / 100 + 150 * Math.sin(x / 230) * Math.cos(y / 170)];
    },
  });
}

/** A target over the source's extent in `crs` plus a margin, with `size` pixels. */
function targetOver(source: MemoryRasterSource, crs: string, size: [number, number]): { grid: Grid; te: number[] } {
  const t = source.transform;
  const box = transformBbox([t[0], t[3] + source.height * t[5], t[0] + source.width * t[1], t[3]], source.crs, crs);
  const mx = (box[2] - box[0]) * 0.05;
  const my = (box[3] - box[1]) * 0.05;
  const te = [box[0] - mx, box[1] - my, box[2] + mx, box[3] + my];
  const [w, h] = size;
  return { grid: { crs, width: w, height: h, transform: [te[0]!, (te[2]! - te[0]!) / w, 0, te[3]!, 0, -(te[3]! - te[1]!) / h] }, te };
}

describe('coverages warp: reprojection against gdalwarp', function () {
  this.timeout(120_000);
  const tmp = tempDir('meridian-warp-');
  const source = utmSource();
  let vrt: string;
  let range: number;
  before(() => {
    vrt = writeVrt(source, tmp.dir, 'utm');
    const valid = Array.from(source.levels[0]!.bands[0]!).filter((v) => v !== NODATA);
    range = Math.max(...valid) - Math.min(...valid);
  });
  after(() => tmp.remove());

  // Target sizes make pixels of about 70 m on the ground (source: 100 m).
  const targets: Array<[string, [number, number]]> = [['EPSG:4326', [480, 470]], ['EPSG:3857', [470, 470]]];
  /** Largest mean absolute difference accepted, as a share of the value range (about 1,900), and least share of equal nearest values. */
  const tolerances: Record<'exact' | 'approximate', { mad: Record<Resampling, number>; nearestEqual: number }> = {
    exact: { mad: { nearest: 0.0001, bilinear: 0.00001, cubic: 0.00001 }, nearestEqual: 0.999 },
    approximate: { mad: { nearest: 0.005, bilinear: 0.003, cubic: 0.003 }, nearestEqual: 0.95 },
  };

  type Transformer = 'exact' | 'approximate';
  const gdalOutputs = new Map<string, Float64Array>();
  const gdalwarp = async (crs: string, size: [number, number], resampling: Resampling, transformer: Transformer) => {
    const key = `${crs} ${resampling} ${transformer}`;
    const known = gdalOutputs.get(key);
    if (known) return known;
    const { te } = targetOver(source, crs, size);
    const out = path.join(tmp.dir, `gdal-${crs.replace(':', '')}-${resampling}-${transformer}.tif`);
    await runOk('gdalwarp', ['-q', '-overwrite', '-t_srs', crs, '-te', ...te.map((v) => v.toPrecision(17)), '-ts', String(size[0]), String(size[1]),
      '-r', GDAL_RESAMPLING[resampling], '-et', transformer === 'exact' ? '0' : '0.125', '-ot', 'Float32', '-dstnodata', String(NODATA), vrt, out]);
    const gdal = await readWithGdal(out, tmp.dir);
    assert.deepEqual([gdal.width, gdal.height], size);
    gdalOutputs.set(key, gdal.values);
    return gdal.values;
  };
  const ours = async (crs: string, size: [number, number], resampling: Resampling) => {
    const out = await warp([source], targetOver(source, crs, size).grid, { bands: [0], resampling, sampleType: 'float32', nodata: NODATA });
    return { values: out.bands[0]!, mask: out.mask! };
  };

  for (const [crs, size] of targets) {
    for (const resampling of ['nearest', 'bilinear', 'cubic'] as const) {
      for (const transformer of ['exact', 'approximate'] as const) {
        it(`UTM 31N -> ${crs}, ${resampling}: same values and mask as gdalwarp (${transformer} transformations)`, async () => {
          const c = compareRasters(await ours(crs, size, resampling), await gdalwarp(crs, size, resampling, transformer), size[0], size[1], NODATA);
          const report = JSON.stringify({ ...c, madShare: c.mad / range });
          if (process.env.WARP_REPORT) console.log(crs, resampling, transformer, report);
          const tolerance = tolerances[transformer];
          assert.ok(c.common > size[0] * size[1] * 0.7, report);
          assert.ok(c.mad < tolerance.mad[resampling] * range, report);
          if (resampling === 'nearest') assert.ok(c.equalShare > tolerance.nearestEqual, report);
          // Masks agree but for pixels on an edge (the source's border, the hole's), at most 0.1%.
          assert.equal(c.maskDifferencesAwayFromEdges, 0, report);
          assert.ok(c.maskDifferences <= size[0] * size[1] * 0.001, report);
        });
      }
    }

    it(`UTM 31N -> ${crs}: each kernel is far closer to gdalwarp's same kernel than to its others`, async () => {
      const kernels = ['nearest', 'bilinear', 'cubic'] as const;
      for (const mine of kernels) {
        const values = await ours(crs, size, mine);
        const mad = (theirs: Resampling) => gdalwarp(crs, size, theirs, 'exact').then((g) => compareRasters(values, g, size[0], size[1], NODATA).mad);
        const same = await mad(mine);
        for (const other of kernels.filter((k) => k !== mine)) {
          const different = await mad(other);
          assert.ok(different > 20 * same, `ours ${mine} vs gdal ${mine}: ${same}, vs gdal ${other}: ${different}`);
        }
      }
    });
  }
});
