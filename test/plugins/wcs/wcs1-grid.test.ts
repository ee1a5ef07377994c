/**
 * The grids WCS 1.0 and 1.1 GetCoverage requests describe (plugins/wcs/wcs1/target-grid.ts):
 * BBOX edges with WIDTH/HEIGHT or RESX/RESY (1.0), grid-point BOUNDINGBOX with GridOrigin and
 * GridOffsets (1.1), the native grid by default, snapping onto the native grid, limits.
 */
import assert from 'node:assert/strict';
import { lookupCrs } from '../../../core/ows/index.js';
import type { CoverageDescription } from '../../../plugins/coverages/types.js';
import { checkGridLimits, grid10, grid11 } from '../../../plugins/wcs/wcs1/target-grid.js';

const crs = (id: string) => lookupCrs(id)!.crs;

/** 200 x 100 cells of 0.01° from (10 E, 50 N), like the rgb fixture. */
const rgb = {
  id: 'rgb',
  grid: { crs: 'EPSG:4326', width: 200, height: 100, transform: [10, 0.01, 0, 50, 0, -0.01] },
  bbox: [10, 49, 12, 50],
  wgs84Bbox: [10, 49, 12, 50],
  bands: [{ name: 'red', sampleType: 'uint8' }],
} as unknown as CoverageDescription;

/** 300 x 200 cells of 30 m in UTM 31N, like the dem fixture. */
const dem = {
  id: 'dem',
  grid: { crs: 'EPSG:32631', width: 300, height: 200, transform: [500000, 30, 0, 5000000, 0, -30] },
  bbox: [500000, 4994000, 509000, 5000000],
  wgs84Bbox: [3, 45.09, 3.12, 45.16],
  bands: [{ name: 'elevation', sampleType: 'float32' }],
} as unknown as CoverageDescription;

function fail(locator: string, message: string): never {
  throw Object.assign(new Error(message), { locator });
}

function close(actual: readonly number[], expected: readonly number[], tolerance = 1e-9): void {
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= tolerance, `${actual} vs ${expected}`));
}

describe('wcs 1.x target grids', () => {
  it('1.0.0: BBOX edges and WIDTH/HEIGHT; a native window comes out with the native numbers exactly', () => {
    const g = grid10(rgb, { crs: crs('EPSG:4326'), responseCrs: crs('EPSG:4326'), bbox: [10.3, 49.5, 10.7, 49.8], width: 40, height: 30 }, fail);
    assert.deepEqual([g.width, g.height, g.crs], [40, 30, 'EPSG:4326']);
    // 10 + 30 * 0.01, not 10.3 read back from a division: the engine sees the native grid.
    assert.deepEqual(g.transform, [10 + 30 * 0.01, 0.01, 0, 50 + 20 * -0.01, 0, -0.01]);
  });

  it('1.0.0: RESX/RESY give the size; neither gives the native cell size; another RESPONSE_CRS takes the transformed box', () => {
    const r = grid10(rgb, { crs: crs('EPSG:4326'), responseCrs: crs('EPSG:4326'), bbox: [10, 49, 11, 50], resx: 0.02, resy: 0.05 }, fail);
    assert.deepEqual([r.width, r.height], [50, 20]);
    const n = grid10(dem, { crs: crs('EPSG:32631'), responseCrs: crs('EPSG:32631'), bbox: [500000, 4994000, 503000, 4995500] }, fail);
    assert.deepEqual([n.width, n.height], [100, 50]);
    const w = grid10(dem, { crs: crs('EPSG:32631'), responseCrs: crs('EPSG:4326'), bbox: [500000, 4994000, 509000, 5000000], width: 64, height: 32 }, fail);
    assert.equal(w.crs, 'EPSG:4326');
    assert.ok(Math.abs(w.transform[0] - 3) < 1e-6 && Math.abs(w.transform[3] - 45.1535) < 1e-3, `${w.transform}`);
    assert.throws(() => grid10(rgb, { crs: crs('EPSG:4326'), responseCrs: crs('EPSG:4326'), bbox: [20, 49, 21, 50], width: 5, height: 5 }, fail), /does not meet/);
  });

  it('1.1: a 2dSimpleGrid of QGIS (box of cell centres, origin at the first one) is the native window of those cells', () => {
    // QGIS asks for a 40 x 30 view of [10.3, 10.7] x [49.5, 49.8]: centres from 10.305 and 49.795.
    const g = grid11(rgb, { bboxCrs: crs('EPSG:4326'), bbox: [10.305, 49.505, 10.695, 49.795], gridBaseCrs: crs('EPSG:4326'), origin: [10.305, 49.795], offsets: { dx: 0.01, dy: -0.01 } }, fail);
    assert.deepEqual([g.width, g.height], [40, 30]);
    assert.deepEqual(g.transform, [10 + 30 * 0.01, 0.01, 0, 50 + 20 * -0.01, 0, -0.01]);
  });

  it('1.1: without GridCRS parameters the native grid points inside the box; with coarser offsets the same extent in fewer cells', () => {
    const native = grid11(rgb, { bboxCrs: crs('OGC:CRS84'), bbox: [10, 49.9, 10.2, 50] }, fail);
    assert.deepEqual([native.width, native.height], [20, 10]);
    close(native.transform, [10, 0.01, 0, 50, 0, -0.01]);
    const coarse = grid11(rgb, { bboxCrs: crs('EPSG:4326'), bbox: [10.01, 49.91, 10.19, 49.99], gridBaseCrs: crs('EPSG:4326'), origin: [10.01, 49.99], offsets: { dx: 0.02, dy: -0.02 } }, fail);
    assert.deepEqual([coarse.width, coarse.height], [10, 5]);
    close(coarse.transform, [10, 0.02, 0, 50, 0, -0.02]);
    // A positive northing step with the origin at the bottom: the same grid.
    const up = grid11(rgb, { bboxCrs: crs('EPSG:4326'), bbox: [10.01, 49.91, 10.19, 49.99], gridBaseCrs: crs('EPSG:4326'), origin: [10.01, 49.91], offsets: { dx: 0.02, dy: 0.02 } }, fail);
    assert.deepEqual([up.width, up.height], [coarse.width, coarse.height]);
    close(up.transform, coarse.transform);
    assert.throws(() => grid11(rgb, { bboxCrs: crs('EPSG:4326'), bbox: [10.001, 49.991, 10.002, 49.992], gridBaseCrs: crs('EPSG:4326'), origin: [10.005, 49.995], offsets: { dx: 0.01, dy: -0.01 } }, fail), /holds no point/);
  });

  it('refuses a grid above the engine limits before any read, naming the parameter', () => {
    const g = grid10(rgb, { crs: crs('EPSG:4326'), responseCrs: crs('EPSG:4326'), bbox: [10, 49, 12, 50], width: 2000, height: 1000 }, fail);
    assert.throws(
      () => checkGridLimits(g, 3, { maxCells: 1_000_000, maxWidth: 10_000, maxHeight: 10_000 }, fail, 'WIDTH'),
      (err: Error & { locator?: string }) => err.locator === 'WIDTH' && /2000 x 1000 cells x 3 bands \(6000000 cells\)/.test(err.message),
    );
  });
});
