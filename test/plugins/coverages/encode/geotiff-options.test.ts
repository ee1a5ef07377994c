/** The encoder's API: its variants give the same bytes, masks and nodata, metadata, refusals. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fromArrayBuffer } from 'geotiff';
import { isCoverageError } from '../../../../plugins/coverages/errors.js';
import { encodeGeoTiff, encodeGeoTiffAsync, encodeGeoTiffChunks, geoTiffCrs } from '../../../../plugins/coverages/encode/index.js';
import { packBitsEncode } from '../../../../plugins/coverages/encode/packbits.js';
import type { Raster } from '../../../../plugins/coverages/types.js';
import { geographicGrid, patternRaster, utmGrid } from './fixtures.js';
import { gdalinfoJson, readWithGdal, sha256, validateCog } from './support.js';

describe('GeoTIFF encoder', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'meridian-geotiff-options-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, body: Buffer) => {
    const path = join(dir, name);
    writeFileSync(path, body);
    return path;
  };

  it('packs bytes as the PackBits example of TIFF 6.0 section 9', () => {
    const input = Buffer.from('AAAAAA80002AAAAAAAAA80002A22AAAAAAAAAAAAAAAAAAAA', 'hex');
    assert.equal(Buffer.from(packBitsEncode(input, input.length)).toString('hex').toUpperCase(), 'FEAA0280002AFDAA0380002A22F7AA');
  });

  it('gives the same bytes as one Buffer, as chunks, asynchronously, and on every call', async () => {
    const raster = patternRaster('uint8', 600, 400, 3);
    const grid = utmGrid(600, 400);
    const options = { cog: true, predictor: 'horizontal' as const };
    const once = encodeGeoTiff(raster, grid, options);
    assert.ok(once.equals(encodeGeoTiff(raster, grid, options)));
    assert.ok(once.equals(Buffer.concat([...encodeGeoTiffChunks(raster, grid, options)])));
    assert.ok(once.equals(await encodeGeoTiffAsync(raster, grid, options)));
  });

  it('starts a COG with GDAL\'s structural metadata, then its first IFD', () => {
    const file = encodeGeoTiff(patternRaster('uint8', 300, 300, 1), utmGrid(300, 300), { cog: true });
    const ghost = file.subarray(8, 8 + 43 + 140).toString('latin1');
    assert.equal(
      ghost,
      'GDAL_STRUCTURAL_METADATA_SIZE=000140 bytes\nLAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\nBLOCK_TRAILER=LAST_4_BYTES_REPEATED\nKNOWN_INCOMPATIBLE_EDITION=NO\n ',
    );
    assert.equal(file.readUInt32LE(4), 192);
  });

  it('writes masked-out pixels as nodata and leaves the raster it was given alone', () => {
    const raster: Raster = { ...patternRaster('int16', 300, 280, 1), nodata: -32768, mask: new Uint8Array(300 * 280).fill(255) };
    for (let i = 0; i < 300 * 50; i++) raster.mask![i] = 0;
    const before = sha256(raster.bands[0]!);
    const path = write('masked.tif', encodeGeoTiff(raster, utmGrid(300, 280), { cog: true, tileWidth: 64, tileHeight: 64 }));
    assert.equal(sha256(raster.bands[0]!), before);
    const expected = Int16Array.from(raster.bands[0]!, (v, i) => (raster.mask![i] ? v : -32768));
    const read = readWithGdal([path])[path]!;
    assert.equal(read.bands[0]!.sha256, sha256(expected));
    assert.equal(read.bands[0]!.nodata, -32768);
    assert.ok(read.bands[0]!.overviews.every((o) => o.emptyIsNodata && o.meanError <= 0.5));
  });

  it('writes NaN as nodata for floats, and overview pixels with no data are NaN', () => {
    const raster: Raster = { ...patternRaster('float32', 400, 300, 1), nodata: NaN };
    for (let y = 0; y < 100; y++) for (let x = 0; x < 150; x++) raster.bands[0]![y * 400 + x] = NaN;
    const path = write('nan.tif', encodeGeoTiff(raster, geographicGrid(400, 300), { cog: true, predictor: 'floatingpoint', tileWidth: 128, tileHeight: 128 }));
    const read = readWithGdal([path])[path]!;
    assert.equal(read.bands[0]!.nodata, 'nan');
    assert.equal(read.bands[0]!.sha256, sha256(raster.bands[0]!));
    assert.equal(read.bands[0]!.overviews.length, 2);
    assert.ok(read.bands[0]!.overviews.every((o) => o.emptyIsNodata && o.meanError < 0.07));
    assert.ok(validateCog(path).valid);
  });

  it('averages only the unmasked pixels into overviews when there is no nodata value', async () => {
    const raster: Raster = { width: 64, height: 32, sampleType: 'uint8', bands: [new Uint8Array(64 * 32).fill(200)], mask: new Uint8Array(64 * 32).fill(255) };
    for (let i = 0; i < raster.bands[0]!.length; i += 2) {
      raster.bands[0]![i] = 0;
      raster.mask![i] = 0;
    }
    const file = encodeGeoTiff(raster, utmGrid(64, 32), { cog: true, tileWidth: 16, tileHeight: 16 });
    const tiff = await fromArrayBuffer(file.buffer.slice(file.byteOffset, file.byteOffset + file.length) as ArrayBuffer);
    const [full] = await (await tiff.getImage(0)).readRasters({ interleave: false });
    assert.deepEqual(Array.from(full as Uint8Array), Array.from(raster.bands[0]!));
    // Every 2x2 block has two pixels of 200 and two masked-out zeros: 200, not 100.
    // Image 1 is the full resolution's mask; 2 the first overview.
    const [overview] = await (await tiff.getImage(2)).readRasters({ interleave: false });
    assert.equal((overview as Uint8Array).length, 32 * 16);
    assert.ok((overview as Uint8Array).every((v) => v === 200));
  });

  for (const [name, options] of [
    ['a COG', { cog: true, tileWidth: 64, tileHeight: 64 }],
    ['a striped file', { tiled: false, rowsPerStrip: 9, compression: 'lzw' }],
    ['an uncompressed tiled BigTIFF', { compression: 'none', bigTiff: true, tileWidth: 32, tileHeight: 32 }],
  ] as const) {
    it(`writes the mask of a raster without nodata as GDAL's internal mask: ${name}`, () => {
      const raster: Raster = { ...patternRaster('float32', 300, 170, 2), mask: new Uint8Array(300 * 170) };
      // A disc of data, as a reprojected footprint would leave.
      for (let y = 0; y < 170; y++) for (let x = 0; x < 300; x++) if ((x - 150) ** 2 + (y - 85) ** 2 < 80 ** 2) raster.mask![y * 300 + x] = 255;
      const path = write(`mask-${name.replace(/\W+/g, '-')}.tif`, encodeGeoTiff(raster, utmGrid(300, 170), options));
      const read = readWithGdal([path])[path]!;
      const expected = Uint8Array.from(raster.mask!, (m) => (m ? 255 : 0));
      for (const [b, band] of read.bands.entries()) {
        assert.equal(band.maskFlags, 2, 'GMF_PER_DATASET');
        assert.equal(band.maskSha256, sha256(expected));
        assert.equal(band.nodata, null);
        assert.equal(band.sha256, sha256(raster.bands[b]!));
      }
      if ('cog' in options) {
        const overviews = read.bands[0]!.overviews;
        assert.deepEqual(overviews.map((o) => o.mask?.size), [[150, 85], [75, 43], [38, 22]]);
        // The disc shrinks with the level: about pi * 40^2 valid pixels at half size.
        assert.ok(Math.abs(overviews[0]!.mask!.valid - Math.PI * 40 * 40) < 300, String(overviews[0]!.mask!.valid));
        const validation = validateCog(path);
        assert.ok(validation.valid, validation.output);
        assert.match(readFileSync(path).subarray(0, 300).toString('latin1'), /MASK_INTERLEAVED_WITH_IMAGERY=YES\n/);
      }
    });
  }

  it('says band names, units and dataset metadata so gdalinfo shows them', () => {
    const raster = patternRaster('float32', 40, 30, 2);
    const path = write('meta.tif', encodeGeoTiff(raster, utmGrid(40, 30), { bandNames: ['height <m> & "more"', 'slope'], bandUnits: ['m', 'deg'], metadata: { PRODUCER: 'Meridian' } }));
    const info = gdalinfoJson(path);
    assert.equal(info.bands[0].description, 'height <m> & "more"');
    assert.equal(info.bands[0].unit, 'm');
    assert.equal(info.bands[1].description, 'slope');
    assert.equal(info.bands[1].unit, 'deg');
    assert.equal(info.metadata[''].PRODUCER, 'Meridian');
  });

  it('compresses harder at a higher deflate level, to the same samples', () => {
    const raster = patternRaster('uint16', 256, 256, 1);
    const fast = encodeGeoTiff(raster, utmGrid(256, 256), { level: 1, predictor: 'horizontal' });
    const small = encodeGeoTiff(raster, utmGrid(256, 256), { level: 9, predictor: 'horizontal' });
    assert.ok(small.length < fast.length);
    const paths = [write('l1.tif', fast), write('l9.tif', small)];
    const read = readWithGdal(paths);
    assert.equal(read[paths[0]!]!.bands[0]!.sha256, read[paths[1]!]!.bands[0]!.sha256);
  });

  it('names the EPSG code and model type for each kind of CRS id', () => {
    assert.deepEqual(geoTiffCrs('EPSG:32632'), { model: 'projected', epsg: 32632 });
    assert.deepEqual(geoTiffCrs('urn:ogc:def:crs:EPSG::4326'), { model: 'geographic', epsg: 4326 });
    assert.deepEqual(geoTiffCrs('CRS:84'), { model: 'geographic', epsg: 4326 });
    assert.deepEqual(geoTiffCrs('OGC:CRS84'), { model: 'geographic', epsg: 4326 });
    assert.deepEqual(geoTiffCrs('http://www.opengis.net/def/crs/EPSG/0/3035'), { model: 'projected', epsg: 3035 });
  });

  describe('refuses', () => {
    const raster = patternRaster('float32', 32, 32, 1);
    const grid = utmGrid(32, 32);
    const refuses = (code: string, fn: () => unknown, pattern: RegExp) =>
      assert.throws(fn, (err: unknown) => isCoverageError(err) && err.coverageCode === code && pattern.test(err.message));

    it('a predictor that does not fit the samples or the compression', () => {
      refuses('UnsupportedFormat', () => encodeGeoTiff(raster, grid, { predictor: 'horizontal' }), /horizontal predictor is for integer/);
      refuses('UnsupportedFormat', () => encodeGeoTiff(patternRaster('uint8', 32, 32, 1), grid, { predictor: 'floatingpoint' }), /floating point predictor is for float/);
      refuses('UnsupportedFormat', () => encodeGeoTiff(raster, grid, { predictor: 'floatingpoint', compression: 'packbits' }), /needs deflate or LZW/);
    });

    it('tile sizes that are not multiples of 16, and deflate levels outside 1-9', () => {
      refuses('UnsupportedFormat', () => encodeGeoTiff(raster, grid, { tileWidth: 100 }), /tileWidth must be a multiple of 16/);
      refuses('UnsupportedFormat', () => encodeGeoTiff(raster, grid, { tileHeight: 0 }), /tileHeight/);
      refuses('UnsupportedFormat', () => encodeGeoTiff(raster, grid, { level: 12 }), /level must be 1 to 9/);
    });

    it('a nodata value the sample type cannot hold', () => {
      refuses('UnsupportedFormat', () => encodeGeoTiff({ ...patternRaster('uint8', 32, 32, 1), nodata: -1 }, grid), /Nodata -1 is not a uint8 value/);
      refuses('UnsupportedFormat', () => encodeGeoTiff(patternRaster('int16', 32, 32, 1), grid, { nodata: 0.5 }), /not a int16 value/);
    });

    it('bands that do not match the raster or the grid', () => {
      refuses('InvalidGrid', () => encodeGeoTiff(raster, utmGrid(32, 31)), /grid 32x31/);
      refuses('InvalidGrid', () => encodeGeoTiff({ ...raster, bands: [new Float32Array(10)] }, grid), /10 samples/);
      refuses('InvalidGrid', () => encodeGeoTiff({ ...raster, bands: [new Float64Array(1024)] }, grid), /not a float32 array/);
      refuses('InvalidGrid', () => encodeGeoTiff({ ...raster, bands: [] }, grid), /1 to 65535 bands/);
    });

    it('CRSs a GeoTIFF cannot name by EPSG code, and degenerate transforms', () => {
      refuses('InvalidCrs', () => encodeGeoTiff(raster, { ...grid, crs: 'EPSG:999999' }), /Unknown CRS/);
      refuses('InvalidCrs', () => encodeGeoTiff(raster, { ...grid, crs: 'EPSG:5703' }), /cannot be written in a GeoTIFF/);
      refuses('InvalidGrid', () => encodeGeoTiff(raster, { ...grid, transform: [0, 0, 0, 0, 0, -1] }), /not invertible/);
    });
  });
});
