/**
 * The projected lattice (approximate transformer) against exact per-pixel projection over wide
 * areas, where projections curve the most: every interpolated source position must be within
 * the error threshold (0.125 source pixel) of the exact one, with far fewer proj4 calls than
 * pixels, and pixels outside the projection's domain must be exactly those the exact
 * transformation fails on.
 */
import assert from 'node:assert/strict';
import { resolveCrs, transformPoints } from '../../../../core/ows/index.js';
import { geoTransformAffine, invertAffine } from '../../../../plugins/coverages/warp/affine.js';
import { ProjectedLattice } from '../../../../plugins/coverages/warp/projected-lattice.js';
import type { GeoTransform, Grid } from '../../../../plugins/coverages/types.js';

interface Comparison {
  maxError: number;
  pixels: number;
  exactTransforms: number;
  /** Pixels one side finds a position for and the other not. */
  domainMismatches: number;
  outside: number;
}

function compare(target: Grid, sourceCrs: string, sourceTransform: GeoTransform): Comparison {
  const toPixel = invertAffine(geoTransformAffine(sourceTransform))!;
  const lattice = ProjectedLattice.build(target, resolveCrs(target.crs), resolveCrs(sourceCrs), toPixel);
  const mapping = lattice.view(toPixel);
  const { width } = target;
  const x = new Float64Array(width * mapping.maxStripRows);
  const y = new Float64Array(width * mapping.maxStripRows);
  const t = target.transform;
  let maxError = 0;
  let domainMismatches = 0;
  let outside = 0;
  for (let s = 0; s + 1 < mapping.stripStarts.length; s++) {
    const row0 = mapping.stripStarts[s]!;
    const row1 = mapping.stripStarts[s + 1]!;
    mapping.fillStrip(s, x, y);
    const points: Array<[number, number]> = [];
    for (let j = row0; j < row1; j++) {
      for (let i = 0; i < width; i++) points.push([t[0] + (i + 0.5) * t[1] + (j + 0.5) * t[2], t[3] + (i + 0.5) * t[4] + (j + 0.5) * t[5]]);
    }
    const exact = transformPoints(points, target.crs, sourceCrs);
    exact.forEach(([ex, ey], k) => {
      const px = toPixel.x0 + toPixel.xa * ex + toPixel.xb * ey;
      const py = toPixel.y0 + toPixel.ya * ex + toPixel.yb * ey;
      const exactOk = Number.isFinite(px);
      const approxOk = Number.isFinite(x[k]!) && Number.isFinite(y[k]!);
      if (!exactOk) outside++;
      if (exactOk !== approxOk) {
        domainMismatches++;
        return;
      }
      if (exactOk) maxError = Math.max(maxError, Math.abs(px - x[k]!), Math.abs(py - y[k]!));
    });
  }
  return { maxError, pixels: target.width * target.height, exactTransforms: lattice.exactTransforms, domainMismatches, outside };
}

describe('coverages warp: the projected lattice', function () {
  this.timeout(120_000);

  it('EPSG:4326 over 340 x 160 degrees onto EPSG:3857 at 20 km pixels: within 0.125 pixel', () => {
    const target: Grid = { crs: 'EPSG:4326', width: 1020, height: 480, transform: [-170, 340 / 1020, 0, 80, 0, -160 / 480] };
    const r = compare(target, 'EPSG:3857', [-20037508.34, 20000, 0, 20037508.34, 0, -20000]);
    assert.ok(r.maxError <= 0.125, `max error ${r.maxError}`);
    assert.equal(r.domainMismatches, 0);
    // Mercator bends hard towards 80 degrees: cells there are cut to a few rows.
    assert.ok(r.exactTransforms < r.pixels * 0.1, `${r.exactTransforms} exact transforms for ${r.pixels} pixels`);
  });

  it('EPSG:3857 over 40 degrees of longitude onto UTM 31N at 100 m pixels: within 0.125 pixel', () => {
    const target: Grid = { crs: 'EPSG:3857', width: 1000, height: 900, transform: [-2000000, 4500, 0, 8000000, 0, -4500] };
    const r = compare(target, 'EPSG:32631', [0, 100, 0, 8000000, 0, -100]);
    assert.ok(r.maxError <= 0.125, `max error ${r.maxError}`);
    assert.equal(r.domainMismatches, 0);
    assert.ok(r.exactTransforms < r.pixels * 0.25, `${r.exactTransforms} exact transforms for ${r.pixels} pixels`);
  });

  it('EPSG:4326 over 26 x 30 degrees onto UTM 31N at 60 m pixels: within 0.125 pixel', () => {
    const target: Grid = { crs: 'EPSG:4326', width: 780, height: 900, transform: [-10, 26 / 780, 0, 65, 0, -30 / 900] };
    const r = compare(target, 'EPSG:32631', [-500000, 60, 0, 7500000, 0, -60]);
    assert.ok(r.maxError <= 0.125, `max error ${r.maxError}`);
    assert.equal(r.domainMismatches, 0);
    assert.ok(r.exactTransforms < r.pixels * 0.25, `${r.exactTransforms} exact transforms for ${r.pixels} pixels`);
  });

  it('finds the edge of a projection\'s domain pixel by pixel (the whole world onto a north polar orthographic)', () => {
    const target: Grid = { crs: 'EPSG:4326', width: 720, height: 360, transform: [-180, 0.5, 0, 90, 0, -0.5] };
    const r = compare(target, 'ESRI:102035', [-6400000, 10000, 0, 6400000, 0, -10000]);
    assert.equal(r.domainMismatches, 0);
    assert.ok(r.outside >= 720 * 180, `${r.outside} pixels outside the domain`);
    // Errors are checked at cell midpoints; towards the horizon, where the projection is far from
    // quadratic, the worst error elsewhere in a cell can pass the threshold by a little.
    assert.ok(r.maxError <= 0.25, `max error ${r.maxError}`);
  });

  it('handles one-pixel, one-row and one-column targets', () => {
    const utm: GeoTransform = [400000, 30, 0, 5100000, 0, -30];
    for (const [width, height] of [[1, 1], [1, 40], [40, 1], [17, 2]] as const) {
      const target: Grid = { crs: 'EPSG:4326', width, height, transform: [2, 0.01, 0, 46, 0, -0.01] };
      const r = compare(target, 'EPSG:32631', utm);
      assert.equal(r.domainMismatches, 0, `${width} x ${height}`);
      assert.ok(r.maxError <= 0.125, `${width} x ${height}: max error ${r.maxError}`);
    }
  });

  it('maps a rotated target grid', () => {
    const target: Grid = { crs: 'EPSG:3857', width: 300, height: 200, transform: [300000, 80, 30, 5700000, 30, -80] };
    const r = compare(target, 'EPSG:32631', [400000, 30, 0, 5100000, 0, -30]);
    assert.equal(r.domainMismatches, 0);
    assert.ok(r.maxError <= 0.125, `max error ${r.maxError}`);
  });
});
