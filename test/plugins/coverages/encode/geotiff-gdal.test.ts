/**
 * The GeoTIFF encoder's files as GDAL reads them: every sample type with every compression and
 * predictor, tiled and striped, plain and COG, BigTIFF; checked with gdalinfo -json (structure,
 * georeferencing, metadata), GDAL's Python bindings (exact samples, overview values) and GDAL's
 * COG validator.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeGeoTiff, type GeoTiffOptions } from '../../../../plugins/coverages/encode/index.js';
import type { Grid, Raster, SampleType } from '../../../../plugins/coverages/types.js';
import { ALL_SAMPLE_TYPES, geographicGrid, patternRaster, utmGrid } from './fixtures.js';
import { gdalinfoJson, readWithGdal, sha256, validateCog, type GdalInfo, type GdalRead } from './support.js';

interface Case {
  name: string;
  raster: Raster;
  grid: Grid;
  options: GeoTiffOptions;
  /** The EPSG code GDAL should find (default: the grid's). */
  epsg?: string;
}

const GDAL_TYPE: Record<SampleType, string> = {
  uint8: 'Byte', int8: 'Byte', uint16: 'UInt16', int16: 'Int16', uint32: 'UInt32', int32: 'Int32', float32: 'Float32', float64: 'Float64',
};
const COMPRESSION_NAME = { deflate: 'DEFLATE', lzw: 'LZW', packbits: 'PACKBITS' } as const;

const isFloat = (t: SampleType) => t === 'float32' || t === 'float64';
const predictorFor = (t: SampleType): 'floatingpoint' | 'horizontal' => (isFloat(t) ? 'floatingpoint' : 'horizontal');

function cases(): Case[] {
  const list: Case[] = [];
  for (const t of ALL_SAMPLE_TYPES) {
    // Sizes that are no multiple of the tile size, so edge tiles are padded and the last strip short.
    const small = patternRaster(t, 150, 100, 1, 3);
    const grid = utmGrid(150, 100);
    list.push(
      { name: `${t}, deflate + ${predictorFor(t)} predictor, 64x48 tiles`, raster: small, grid, options: { compression: 'deflate', predictor: predictorFor(t), tileWidth: 64, tileHeight: 48 } },
      { name: `${t}, deflate level 1, strips of 13 rows`, raster: small, grid, options: { compression: 'deflate', level: 1, tiled: false, rowsPerStrip: 13 } },
      { name: `${t}, LZW + ${predictorFor(t)} predictor, strips`, raster: small, grid, options: { compression: 'lzw', predictor: predictorFor(t), tiled: false, rowsPerStrip: 7 } },
      { name: `${t}, LZW, 32x32 tiles`, raster: small, grid, options: { compression: 'lzw', tileWidth: 32, tileHeight: 32 } },
      { name: `${t}, PackBits, 64x64 tiles`, raster: small, grid, options: { compression: 'packbits', tileWidth: 64, tileHeight: 64 } },
      { name: `${t}, PackBits, strips`, raster: small, grid, options: { compression: 'packbits', tiled: false } },
      { name: `${t}, uncompressed, 16x16 tiles`, raster: small, grid, options: { compression: 'none', tileWidth: 16, tileHeight: 16 } },
      { name: `${t}, uncompressed, strips`, raster: small, grid, options: { compression: 'none', tiled: false, rowsPerStrip: 1 } },
    );
    const big = patternRaster(t, 600, 330, 2, 5);
    const nodata = isFloat(t) ? -9999 : t === 'uint8' || t === 'uint16' || t === 'uint32' ? 0 : -1;
    // Blocks of nodata so that some overview pixels have no valid parent at all.
    for (let y = 40; y < 120; y++) for (let x = 200; x < 330; x++) for (const band of big.bands) band[y * 600 + x] = nodata;
    list.push({
      name: `${t}, 2-band COG, deflate + ${predictorFor(t)} predictor, nodata ${nodata}, 128x128 tiles`,
      raster: { ...big, nodata },
      grid: geographicGrid(600, 330),
      options: { cog: true, predictor: predictorFor(t), tileWidth: 128, tileHeight: 128, bandNames: ['first', 'second'] },
    });
  }
  const rgb = patternRaster('uint8', 700, 520, 3, 7);
  list.push(
    { name: 'uint8 RGB COG, deflate + horizontal, 256x256 tiles, band names', raster: rgb, grid: utmGrid(700, 520), options: { cog: true, predictor: 'horizontal', bandNames: ['red', 'green', 'blue'] } },
    { name: 'uint8 RGB COG, LZW', raster: rgb, grid: utmGrid(700, 520), options: { cog: true, compression: 'lzw' } },
    { name: 'uint8 RGB COG, uncompressed, BigTIFF', raster: rgb, grid: utmGrid(700, 520), options: { cog: true, compression: 'none', bigTiff: true } },
    { name: 'uint8 RGB, deflate, striped BigTIFF', raster: rgb, grid: utmGrid(700, 520), options: { tiled: false, bigTiff: true } },
    { name: 'uint8 RGB, deflate run-length + horizontal (WCS output defaults)', raster: rgb, grid: utmGrid(700, 520), options: { level: 1, predictor: 'horizontal', deflateStrategy: 'rle' } },
    { name: 'float32, deflate run-length + floating point, 512x512 tiles', raster: patternRaster('float32', 600, 530, 1, 17), grid: utmGrid(600, 530), options: { level: 1, predictor: 'floatingpoint', deflateStrategy: 'rle', tileWidth: 512, tileHeight: 512 } },
    { name: 'int16 4-band COG with nearest overviews', raster: patternRaster('int16', 300, 300, 4, 9), grid: utmGrid(300, 300), options: { cog: true, tileWidth: 64, tileHeight: 64, overviewResampling: 'nearest', compression: 'packbits' } },
    { name: 'float32 5-band, LZW + floating point predictor', raster: patternRaster('float32', 200, 90, 5, 11), grid: utmGrid(200, 90), options: { compression: 'lzw', predictor: 'floatingpoint', tileWidth: 48, tileHeight: 48 } },
  );
  // High-entropy bytes: LZW codes reach 12 bits and the table is cleared many times.
  const noise = patternRaster('uint8', 700, 600, 1, 13);
  for (let i = 0; i < noise.bands[0]!.length; i++) if ((i >> 9) % 3 !== 0) noise.bands[0]![i] = (Math.imul(i, 2654435761) >>> 13) & 0xff;
  list.push({ name: 'uint8 high-entropy bytes, LZW in one 700x600 strip', raster: noise, grid: utmGrid(700, 600), options: { compression: 'lzw', tiled: false, rowsPerStrip: 600 } });
  const flat = { width: 512, height: 512, sampleType: 'uint16' as const, bands: [new Uint16Array(512 * 512).fill(4242)] };
  list.push({ name: 'uint16 constant image, LZW (longest strings)', raster: flat, grid: utmGrid(512, 512), options: { compression: 'lzw', tileWidth: 512, tileHeight: 512 } });
  // CRSs and transforms.
  const px = patternRaster('uint16', 64, 64, 1);
  list.push(
    { name: 'CRS:84 is written as EPSG:4326', raster: px, grid: geographicGrid(64, 64, 'CRS:84'), options: {}, epsg: '4326' },
    { name: 'OGC:CRS84 URI is written as EPSG:4326', raster: px, grid: geographicGrid(64, 64, 'http://www.opengis.net/def/crs/OGC/1.3/CRS84'), options: {}, epsg: '4326' },
    { name: 'EPSG:4258 (geographic ETRS89)', raster: px, grid: geographicGrid(64, 64, 'EPSG:4258'), options: {} },
    { name: 'EPSG:3857 (projected)', raster: px, grid: { crs: 'EPSG:3857', width: 64, height: 64, transform: [1000000, 30, 0, 6000000, 0, -30] }, options: {} },
    { name: 'EPSG:3035 (projected, northing first in EPSG)', raster: px, grid: { crs: 'EPSG:3035', width: 64, height: 64, transform: [4000000, 100, 0, 3000000, 0, -100] }, options: {} },
    { name: 'a rotated grid (ModelTransformation)', raster: px, grid: { crs: 'EPSG:32632', width: 64, height: 64, transform: [460000, 8.660254, -5, 5260000, -5, -8.660254] }, options: {} },
    { name: 'a south-up grid (ModelTransformation)', raster: px, grid: { crs: 'EPSG:32632', width: 64, height: 64, transform: [460000, 10, 0, 5250000, 0, 10] }, options: {} },
  );
  return list;
}

function expectedEpsg(c: Case): string {
  return c.epsg ?? c.grid.crs.replace(/^EPSG:/, '');
}

describe('GeoTIFF encoder output read by GDAL', function () {
  this.timeout(120_000);
  const all = cases();
  const dir = mkdtempSync(join(tmpdir(), 'meridian-geotiff-'));
  const paths = new Map<Case, string>();
  let gdal: Record<string, GdalRead>;
  before(() => {
    all.forEach((c, i) => {
      const path = join(dir, `case-${i}.tif`);
      writeFileSync(path, encodeGeoTiff(c.raster, c.grid, c.options));
      paths.set(c, path);
    });
    gdal = readWithGdal([...paths.values()]);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of all) {
    it(`${c.name}: GDAL reads the same samples, grid and structure`, () => {
      const path = paths.get(c)!;
      const read = gdal[path]!;
      const info: GdalInfo = gdalinfoJson(path);
      const o = c.options;
      const tiled = o.cog || o.tiled !== false;

      assert.deepEqual(info.size, [c.raster.width, c.raster.height]);
      assert.equal(info.driverShortName, 'GTiff');
      const wkt = String(info.coordinateSystem.wkt);
      assert.match(wkt, new RegExp(`ID\\["EPSG",${expectedEpsg(c)}\\]\\]$`));
      assert.equal(read.epsg, expectedEpsg(c));
      info.geoTransform.forEach((v: number, i: number) => assert.ok(Math.abs(v - c.grid.transform[i]!) < 1e-9, `geotransform ${info.geoTransform} != ${c.grid.transform}`));
      assert.equal(info.metadata['']?.AREA_OR_POINT, 'Area');

      const structure = info.metadata.IMAGE_STRUCTURE ?? {};
      const compression = o.compression ?? 'deflate';
      if (compression === 'none') assert.equal(structure.COMPRESSION, undefined);
      else assert.equal(structure.COMPRESSION, COMPRESSION_NAME[compression]);
      if (o.predictor && o.predictor !== 'none') assert.equal(structure.PREDICTOR, o.predictor === 'horizontal' ? '2' : '3');
      assert.equal(structure.INTERLEAVE, c.raster.bands.length > 1 ? 'PIXEL' : 'BAND');
      assert.equal(structure.LAYOUT, o.cog ? 'COG' : undefined);

      assert.equal(info.bands.length, c.raster.bands.length);
      const rgb = c.raster.bands.length === 3 && c.raster.sampleType === 'uint8';
      info.bands.forEach((band: GdalInfo, b: number) => {
        assert.equal(band.type, GDAL_TYPE[c.raster.sampleType]);
        const block = tiled ? [o.tileWidth ?? 256, o.tileHeight ?? 256] : [c.raster.width, Math.min(c.raster.height, o.rowsPerStrip ?? band.block[1])];
        assert.deepEqual(band.block, block);
        assert.equal(band.colorInterpretation, rgb ? ['Red', 'Green', 'Blue'][b] : b === 0 ? 'Gray' : 'Undefined');
        assert.equal(band.description, o.bandNames?.[b]);
        assert.equal(band.noDataValue, c.raster.nodata);
        // GDAL 3.6 has no Int8 type: it reads signed bytes as Byte and says so.
        if (c.raster.sampleType === 'int8') assert.equal(band.metadata?.IMAGE_STRUCTURE?.PIXELTYPE, 'SIGNEDBYTE');
        // The samples, exactly (int8 is read by GDAL 3.6 as bytes with the same bits).
        assert.equal(read.bands[b]!.sha256, sha256(c.raster.bands[b]!), `band ${b + 1} samples differ`);
      });

      const overviews = read.bands[0]!.overviews;
      if (!o.cog) {
        assert.equal(overviews.length, 0);
        return;
      }
      // Halved (rounded up) until the level fits in one tile.
      const tw = o.tileWidth ?? 256;
      const th = o.tileHeight ?? 256;
      let [w, h] = [c.raster.width, c.raster.height];
      const expected: number[][] = [];
      while (w > tw || h > th) {
        w = Math.ceil(w / 2);
        h = Math.ceil(h / 2);
        expected.push([w, h]);
      }
      assert.ok(expected.length > 0);
      assert.deepEqual(info.bands[0].overviews.map((ov: GdalInfo) => ov.size), expected);
      const integer = !isFloat(c.raster.sampleType);
      for (const band of read.bands) {
        for (const ov of band.overviews) {
          assert.deepEqual(ov.block, [tw, th]);
          assert.ok(ov.emptyIsNodata, 'an overview pixel with no valid source pixel is not nodata');
          if (o.overviewResampling !== 'nearest') {
            // Rounded to the nearest integer for integer types; float32 rounding of values up to 1e6 for floats.
            assert.ok(ov.meanError <= (integer ? 0.5 : 0.07), `overview ${ov.size} is ${ov.meanError} away from the mean of its source pixels`);
          }
        }
      }
      const validation = validateCog(path);
      assert.ok(validation.valid, validation.output);
    });
  }
});
