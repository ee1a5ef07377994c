/**
 * Pixel values the TIFF reader gives, checked bit for bit against GDAL's reading of the same file,
 * for every sample type, codec, predictor and layout (tiled, striped, planar, big-endian, BigTIFF),
 * at full resolution and at every overview level.
 */
import assert from 'node:assert/strict';
import { fileRangeReader, openTiff, TileCache, type TiffRasterSource } from '../../../../plugins/coverages/tiff/index.js';
import type { SampleArray } from '../../../../plugins/coverages/types.js';
import { bytesOf, gdalWindows, SAMPLE_TYPE_OF, TiffFixtures, type TiffSpec } from './support.js';

const COG = (options: string[]): Pick<TiffSpec, 'driver' | 'options'> => ({ driver: 'COG', options: ['BLOCKSIZE=128', 'OVERVIEW_RESAMPLING=NEAREST', ...options] });

/** 300 x 220 pixels: edge tiles of 128 (and 64) are partial both ways. */
const base = { width: 300, height: 220, bands: 3 } as const;

const exact: TiffSpec[] = [
  // Every sample type, deflate with the predictor GDAL would pick.
  { name: 'uint8.tif', ...base, type: 'Byte', ...COG(['COMPRESS=DEFLATE', 'PREDICTOR=2']) },
  { name: 'int8.tif', ...base, type: 'Int8', driver: 'GTiff', options: ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=DEFLATE', 'PREDICTOR=2'], overviews: [2, 4] },
  { name: 'uint16.tif', ...base, type: 'UInt16', ...COG(['COMPRESS=DEFLATE', 'PREDICTOR=2']) },
  { name: 'int16.tif', ...base, type: 'Int16', ...COG(['COMPRESS=DEFLATE', 'PREDICTOR=2']) },
  { name: 'uint32.tif', ...base, type: 'UInt32', ...COG(['COMPRESS=DEFLATE', 'PREDICTOR=2']) },
  { name: 'int32.tif', ...base, type: 'Int32', ...COG(['COMPRESS=DEFLATE', 'PREDICTOR=2']) },
  { name: 'float32.tif', ...base, type: 'Float32', ...COG(['COMPRESS=DEFLATE', 'PREDICTOR=3']) },
  { name: 'float64.tif', ...base, type: 'Float64', ...COG(['COMPRESS=DEFLATE', 'PREDICTOR=3']) },
  { name: 'float32-pred2.tif', ...base, type: 'Float32', ...COG(['COMPRESS=DEFLATE', 'PREDICTOR=2']) },
  // Codecs.
  { name: 'none.tif', ...base, type: 'UInt16', ...COG(['COMPRESS=NONE']) },
  { name: 'lzw.tif', ...base, type: 'UInt16', ...COG(['COMPRESS=LZW', 'PREDICTOR=2']) },
  { name: 'lzw-float.tif', ...base, type: 'Float32', ...COG(['COMPRESS=LZW', 'PREDICTOR=3']) },
  { name: 'packbits.tif', ...base, type: 'Byte', driver: 'GTiff', options: ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=PACKBITS'] },
  { name: 'zstd.tif', ...base, type: 'Int16', ...COG(['COMPRESS=ZSTD', 'PREDICTOR=2']) },
  { name: 'zstd-float.tif', ...base, type: 'Float64', ...COG(['COMPRESS=ZSTD', 'PREDICTOR=3']) },
  { name: 'lerc.tif', ...base, type: 'Float32', ...COG(['COMPRESS=LERC', 'MAX_Z_ERROR=0']) },
  { name: 'lerc-deflate.tif', ...base, type: 'UInt16', ...COG(['COMPRESS=LERC_DEFLATE', 'MAX_Z_ERROR=0']) },
  { name: 'lerc-zstd.tif', ...base, type: 'Float64', ...COG(['COMPRESS=LERC_ZSTD', 'MAX_Z_ERROR=0']) },
  { name: 'webp-lossless.tif', ...base, type: 'Byte', ...COG(['COMPRESS=WEBP', 'QUALITY=100']) },
  // Layouts.
  { name: 'striped.tif', ...base, type: 'Int16', driver: 'GTiff', options: ['BLOCKYSIZE=7', 'COMPRESS=DEFLATE', 'PREDICTOR=2'], overviews: [2, 4] },
  { name: 'striped-one-strip.tif', width: 700, height: 300, bands: 2, type: 'Int16', driver: 'GTiff', options: ['BLOCKYSIZE=300'] },
  { name: 'striped-float.tif', ...base, type: 'Float32', driver: 'GTiff', options: ['BLOCKYSIZE=16', 'COMPRESS=LZW', 'PREDICTOR=3'] },
  { name: 'planar-tiled.tif', ...base, type: 'UInt16', driver: 'GTiff', options: ['TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=48', 'INTERLEAVE=BAND', 'COMPRESS=DEFLATE', 'PREDICTOR=2'], overviews: [2, 4] },
  { name: 'planar-striped.tif', ...base, type: 'Float32', driver: 'GTiff', options: ['INTERLEAVE=BAND', 'BLOCKYSIZE=10', 'COMPRESS=DEFLATE', 'PREDICTOR=3'] },
  { name: 'planar-uncompressed.tif', width: 600, height: 250, bands: 3, type: 'Int32', driver: 'GTiff', options: ['INTERLEAVE=BAND', 'BLOCKYSIZE=250'] },
  { name: 'big-endian-int16.tif', ...base, type: 'Int16', driver: 'GTiff', options: ['ENDIANNESS=BIG', 'TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=DEFLATE', 'PREDICTOR=2'], overviews: [2] },
  { name: 'big-endian-float32.tif', ...base, type: 'Float32', driver: 'GTiff', options: ['ENDIANNESS=BIG', 'BLOCKYSIZE=9', 'COMPRESS=DEFLATE', 'PREDICTOR=3'] },
  { name: 'big-endian-none.tif', ...base, type: 'UInt32', driver: 'GTiff', options: ['ENDIANNESS=BIG', 'TILED=YES', 'BLOCKXSIZE=32', 'BLOCKYSIZE=32'] },
  { name: 'big-endian-lzw-float64.tif', ...base, type: 'Float64', driver: 'GTiff', options: ['ENDIANNESS=BIG', 'TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=LZW', 'PREDICTOR=2'] },
  { name: 'bigtiff.tif', ...base, type: 'Float32', driver: 'GTiff', options: ['BIGTIFF=YES', 'TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=64', 'COMPRESS=DEFLATE', 'PREDICTOR=3'], overviews: [2, 4] },
  { name: 'one-band.tif', width: 1000, height: 700, bands: 1, type: 'UInt16', ...COG(['COMPRESS=DEFLATE', 'PREDICTOR=2']) },
  { name: 'with-mask.tif', ...base, type: 'Byte', mask: true, ...COG(['COMPRESS=DEFLATE']) },
];

const lossy: TiffSpec[] = [
  { name: 'jpeg-rgb.tif', ...base, type: 'Byte', pattern: 'smooth', ...COG(['COMPRESS=JPEG', 'QUALITY=95']) },
  { name: 'jpeg-gray.tif', ...base, bands: 1, type: 'Byte', pattern: 'smooth', ...COG(['COMPRESS=JPEG', 'QUALITY=95']) },
  { name: 'webp-lossy.tif', ...base, type: 'Byte', pattern: 'smooth', ...COG(['COMPRESS=WEBP', 'QUALITY=90']) },
];

/**
 * Bit for bit, except that any NaN equals any NaN: GDAL quiets signalling NaNs on its way out
 * (the big-endian float files this libtiff writes with predictor 3 are full of them).
 */
function sameSamples(ours: SampleArray, gdal: Buffer): boolean {
  if (bytesOf(ours).equals(gdal)) return true;
  if (!(ours instanceof Float32Array || ours instanceof Float64Array)) return false;
  const theirs = ours instanceof Float32Array
    ? new Float32Array(gdal.buffer.slice(gdal.byteOffset, gdal.byteOffset + gdal.length))
    : new Float64Array(gdal.buffer.slice(gdal.byteOffset, gdal.byteOffset + gdal.length));
  if (theirs.length !== ours.length) return false;
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    if (a !== b && !(Number.isNaN(a) && Number.isNaN(b))) return false;
  }
  return true;
}

type Window = { level: number; x: number; y: number; width: number; height: number; bands: number[] };

/** Windows inside every level: whole levels, one across block edges, a pixel, bands reordered. */
function windowsFor(source: TiffRasterSource): Window[] {
  const all = source.bands.map((_, i) => i);
  const windows: Window[] = source.levels.map((l, level) => ({ level, x: 0, y: 0, width: l.width, height: l.height, bands: all }));
  const l0 = source.levels[0]!;
  windows.push({ level: 0, x: 37, y: 21, width: Math.min(70, l0.width - 37), height: Math.min(50, l0.height - 21), bands: [...all].reverse() });
  windows.push({ level: 0, x: l0.width - 1, y: l0.height - 1, width: 1, height: 1, bands: [all.length - 1] });
  windows.push({ level: 0, x: 127, y: 63, width: 2, height: 3, bands: [0] });
  if (source.levels.length > 1) {
    const l1 = source.levels[1]!;
    windows.push({ level: 1, x: 5, y: 3, width: l1.width - 10, height: l1.height - 4, bands: [all.length - 1, 0] });
  }
  return windows;
}

describe('TIFF reader: pixel values against GDAL', function () {
  this.timeout(120_000);
  const fixtures = new TiffFixtures();
  let paths: Record<string, string>;
  const cache = new TileCache({ maxBytes: 64 * 1024 * 1024 });

  before(() => {
    paths = fixtures.make([...exact, ...lossy]);
  });
  after(() => fixtures.remove());

  for (const spec of exact) {
    it(`reads ${spec.name} (${spec.type}, ${spec.driver ?? 'GTiff'} ${(spec.options ?? []).join(' ')}) exactly as GDAL does, every level`, async () => {
      const source = await openTiff(fileRangeReader(paths[spec.name]!), { cache });
      try {
        if (spec.type !== 'UInt64') assert.equal(source.sampleType, SAMPLE_TYPE_OF[spec.type]);
        assert.equal(source.bands.length, spec.bands);
        const windows = windowsFor(source);
        const expected = gdalWindows(paths[spec.name]!, windows);
        for (const [i, w] of windows.entries()) {
          const raster = await source.readWindow(w.level, w, w.bands);
          if (!spec.mask) assert.equal(raster.mask, undefined, 'a window inside a file without nodata has no mask');
          for (const [j, band] of w.bands.entries()) {
            assert.ok(sameSamples(raster.bands[j]!, expected[i]![j]!), `level ${w.level} window ${JSON.stringify(w)} band ${band} differs from GDAL's`);
          }
        }
      } finally {
        await source.close();
      }
    });
  }

  for (const spec of lossy) {
    it(`reads ${spec.name} within a few grey levels of GDAL (lossy codec, decoders differ in rounding)`, async () => {
      const source = await openTiff(fileRangeReader(paths[spec.name]!), { cache });
      try {
        const windows = windowsFor(source);
        const expected = gdalWindows(paths[spec.name]!, windows);
        for (const [i, w] of windows.entries()) {
          const raster = await source.readWindow(w.level, w, w.bands);
          for (const [j] of w.bands.entries()) {
            const ours = raster.bands[j] as Uint8Array;
            const theirs = expected[i]![j]!;
            let worst = 0;
            let sum = 0;
            for (let k = 0; k < ours.length; k++) {
              const d = Math.abs(ours[k]! - theirs[k]!);
              worst = Math.max(worst, d);
              sum += d;
            }
            // Chroma is upsampled by nearest neighbour here, by a triangle filter in libjpeg: the
            // largest differences are at colour edges and the padded edges of partial tiles.
            assert.ok(sum / ours.length < 1, `mean difference ${sum / ours.length} at level ${w.level}`);
            assert.ok(worst <= 24, `largest difference ${worst} at level ${w.level}`);
          }
        }
      } finally {
        await source.close();
      }
    });
  }
});
