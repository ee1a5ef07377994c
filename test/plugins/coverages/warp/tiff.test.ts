/**
 * warp() over real GeoTIFFs, read through the engine's TIFF reader (plugins/coverages/tiff),
 * against GDAL reading and warping the same files: native windows come back exactly, overviews
 * are chosen and read as gdalwarp does, multi-band files and mosaics of files with nodata match.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { transformBbox } from '../../../../core/ows/index.js';
import { fileRangeReader, openTiff, TileCache, type TiffRasterSource } from '../../../../plugins/coverages/tiff/index.js';
import { chooseLevel, warp } from '../../../../plugins/coverages/warp/index.js';
import type { GeoTransform, Grid, SampleType } from '../../../../plugins/coverages/types.js';
import { compareRasters, functionSource, readWithGdal, runOk, tempDir, writeVrt } from './support.js';

const NODATA = -9999;

function noise(c: number, r: number, b: number): number {
  const h = Math.sin(c * 12.9898 + r * 78.233 + b * 37.719) * 43758.5453;
  return h - Math.floor(h);
}

describe('coverages warp: GeoTIFFs through the TIFF reader, against GDAL', function () {
  this.timeout(180_000);
  const tmp = tempDir('meridian-warp-tiff-');
  const cache = new TileCache({ maxBytes: 64 * 1024 * 1024 });
  const opened: TiffRasterSource[] = [];
  after(async () => {
    await Promise.all(opened.map((s) => s.close()));
    tmp.remove();
  });

  /** A tiled, deflated GeoTIFF made by gdal_translate from a function source, with gdaladdo overviews. */
  async function makeTiff(name: string, o: { transform: GeoTransform; width: number; height: number; sampleType: SampleType; nodata?: number; overviews?: number[]; values: (x: number, y: number, c: number, r: number) => number[] }): Promise<string> {
    const memory = functionSource({ id: name, crs: 'EPSG:32631', ...o, values: (x, y, c, r) => o.values(x, y, c, r) });
    const vrt = writeVrt(memory, tmp.dir, name);
    const file = path.join(tmp.dir, `${name}.tif`);
    await runOk('gdal_translate', ['-q', '-of', 'GTiff', '-co', 'TILED=YES', '-co', 'COMPRESS=DEFLATE', '-co', 'BLOCKXSIZE=256', '-co', 'BLOCKYSIZE=256', vrt, file]);
    if (o.overviews) await runOk('gdaladdo', ['-q', '-r', 'average', file, ...o.overviews.map(String)]);
    return file;
  }

  async function open(file: string): Promise<TiffRasterSource> {
    const source = await openTiff(fileRangeReader(file), { cache });
    opened.push(source);
    return source;
  }

  /** Runs gdalwarp onto `grid` (exact transformations) and reads band `band` (1-based) back. */
  async function gdalwarp(files: string[], grid: Grid, resampling: string, name: string, band = 1): Promise<Float64Array> {
    const t = grid.transform;
    const te = [t[0], t[3] + grid.height * t[5], t[0] + grid.width * t[1], t[3]];
    const out = path.join(tmp.dir, `gdal-${name}.tif`);
    await runOk('gdalwarp', ['-q', '-overwrite', '-t_srs', grid.crs, '-te', ...te.map((v) => v.toPrecision(17)), '-ts', String(grid.width), String(grid.height),
      '-r', resampling, '-et', '0', '-ot', 'Float64', '-dstnodata', String(NODATA), ...files, out]);
    const single = path.join(tmp.dir, `gdal-${name}.b${band}.tif`);
    await runOk('gdal_translate', ['-q', '-b', String(band), out, single]);
    return (await readWithGdal(single, tmp.dir)).values;
  }

  /** A grid in `crs` over the UTM box [x0, y0, x1, y1] with `width` x `height` pixels. */
  function gridOver(crs: string, box: [number, number, number, number], width: number, height: number): Grid {
    const b = transformBbox(box, 'EPSG:32631', crs);
    return { crs, width, height, transform: [b[0], (b[2] - b[0]) / width, 0, b[3], 0, -(b[3] - b[1]) / height] };
  }

  it('returns a native window of a uint16 GeoTIFF exactly as GDAL reads it', async () => {
    const file = await makeTiff('noise', {
      transform: [500000, 10, 0, 5000000, 0, -10], width: 700, height: 600, sampleType: 'uint16', overviews: [2, 4],
      values: (_x, _y, c, r) => [Math.round(noise(c, r, 0) * 65535)],
    });
    const source = await open(file);
    const grid: Grid = { crs: 'EPSG:32631', width: 300, height: 200, transform: [500000 + 100 * 10, 10, 0, 5000000 - 50 * 10, 0, -10] };
    const ours = await warp([source], grid, { bands: [0], resampling: 'cubic', sampleType: 'uint16' });
    const window = path.join(tmp.dir, 'noise-window.tif');
    await runOk('gdal_translate', ['-q', '-srcwin', '100', '50', '300', '200', file, window]);
    const gdal = await readWithGdal(window, tmp.dir);
    assert.deepEqual(Array.from(ours.bands[0]!), Array.from(gdal.values));
    assert.ok(ours.mask!.every((m) => m === 255));
  });

  it('reads the overview gdalwarp reads when zoomed out, with the same values', async () => {
    const file = await makeTiff('field', {
      transform: [440000, 10, 0, 5010000, 0, -10], width: 1200, height: 1200, sampleType: 'float32', overviews: [2, 4, 8],
      values: (x, y) => [1000 + 400 * Math.sin(x / 900) * Math.cos(y / 700) + 80 * Math.sin(x / 95) * Math.cos(y / 70)],
    });
    const source = await open(file);
    // About 25 m ground pixels in EPSG:3857: between the 20 m and 40 m overviews.
    const grid = gridOver('EPSG:3857', [441000, 4999000, 451000, 5009000], 400, 400);
    assert.equal(chooseLevel(source, grid), 1);
    for (const resampling of ['nearest', 'bilinear'] as const) {
      const ours = await warp([source], grid, { bands: [0], resampling, sampleType: 'float64', nodata: NODATA });
      const gdal = await gdalwarp([file], grid, resampling === 'nearest' ? 'near' : 'bilinear', `field-${resampling}`);
      const c = compareRasters({ values: ours.bands[0]!, mask: ours.mask! }, gdal, 400, 400, NODATA);
      assert.equal(c.common, 400 * 400, JSON.stringify(c));
      if (resampling === 'nearest') assert.ok(c.equalShare > 0.999, JSON.stringify(c));
      // GDAL stretches its bilinear kernel by the downsampling factor (here 1.25 from the 20 m
      // overview); warp() keeps the 2 x 2 kernel: a mean difference of 0.06% of the range (~960).
      else assert.ok(c.mad < 2, JSON.stringify(c));
    }
  });

  it('warps every band of an RGB byte GeoTIFF to EPSG:4326 as gdalwarp does', async () => {
    const file = await makeTiff('rgb', {
      transform: [500000, 30, 0, 4900000, 0, -30], width: 400, height: 300, sampleType: 'uint8',
      values: (x, y, c, r) => [Math.round(127 + 120 * Math.sin(x / 700)), Math.round(127 + 120 * Math.cos(y / 500)), Math.round(noise(c, r, 3) * 255)],
    });
    const source = await open(file);
    // About 25 m pixels: finer than the source's 30 m, so GDAL's kernel is not stretched.
    const grid = gridOver('EPSG:4326', [499000, 4890000, 513000, 4901000], 560, 480);
    const ours = await warp([source], grid, { bands: [0, 1, 2], resampling: 'bilinear', sampleType: 'uint8', nodata: 0 });
    for (let b = 0; b < 3; b++) {
      // GDAL's unrounded result (Float64), rounded as a byte output is.
      const gdal = (await gdalwarp([file], grid, 'bilinear', 'rgb', b + 1)).map((v) => (v === NODATA ? v : Math.round(v)));
      const c = compareRasters({ values: ours.bands[b]!, mask: ours.mask! }, gdal, 560, 480, NODATA);
      // Values differ by at most 1, where the exact value is within rounding noise of a half.
      assert.ok(c.maxDifference <= 1 && c.equalShare > 0.99, `band ${b + 1}: ${JSON.stringify(c)}`);
      assert.equal(c.maskDifferencesAwayFromEdges, 0, JSON.stringify(c));
    }
  });

  it('mosaics two GeoTIFFs with nodata as gdalwarp does (the later one on top where it has data)', async () => {
    const field = (x: number, y: number) => 500 + 200 * Math.sin(x / 800) * Math.cos(y / 600);
    const a = await makeTiff('tile-a', {
      transform: [500000, 20, 0, 5000000, 0, -20], width: 300, height: 300, sampleType: 'float32', nodata: NODATA,
      values: (x, y) => [field(x, y)],
    });
    const b = await makeTiff('tile-b', {
      transform: [504000, 20, 0, 4998000, 0, -20], width: 300, height: 300, sampleType: 'float32', nodata: NODATA,
      values: (x, y, c, r) => [c >= 50 && c < 120 && r >= 60 && r < 100 ? NODATA : field(x, y) + 1000],
    });
    const sources = [await open(a), await open(b)];
    const grid = gridOver('EPSG:4326', [499000, 4991000, 511000, 5001000], 450, 380);
    const ours = await warp(sources, grid, { bands: [0], resampling: 'nearest', sampleType: 'float64', nodata: NODATA });
    const gdal = await gdalwarp([a, b], grid, 'near', 'mosaic');
    const c = compareRasters({ values: ours.bands[0]!, mask: ours.mask! }, gdal, 450, 380, NODATA);
    assert.ok(c.equalShare > 0.999, JSON.stringify(c));
    assert.equal(c.maskDifferencesAwayFromEdges, 0, JSON.stringify(c));
    // Both tiles show: values from b (above 1,000) on top, a's through b's hole and beside it.
    const values = Array.from(ours.bands[0]!).filter((_, k) => ours.mask![k]);
    assert.ok(values.some((v) => v > 1000) && values.some((v) => v < 1000));
  });
});
