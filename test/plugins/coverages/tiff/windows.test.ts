/**
 * Windows past the edges of a level, and nodata: pixels outside the level and nodata pixels are
 * 0 in the mask (outside ones set to nodata), pixels inside are GDAL's values.
 */
import assert from 'node:assert/strict';
import type { PixelWindow } from '../../../../plugins/coverages/raster-source.js';
import { fileRangeReader, openTiff, TileCache, type TiffRasterSource } from '../../../../plugins/coverages/tiff/index.js';
import type { SampleArray } from '../../../../plugins/coverages/types.js';
import { bytesOf, cropBytes, gdalWindows, TiffFixtures, type TiffSpec } from './support.js';

const cog = { driver: 'COG', options: ['BLOCKSIZE=128', 'COMPRESS=DEFLATE', 'OVERVIEW_RESAMPLING=NEAREST'] } as const;
const specs: TiffSpec[] = [
  { name: 'uint16-nodata.tif', width: 300, height: 200, bands: 3, type: 'UInt16', nodata: 9, nodataPattern: true, ...cog },
  { name: 'float32-plain.tif', width: 300, height: 200, bands: 2, type: 'Float32', ...cog },
  { name: 'float32-nan.tif', width: 300, height: 200, bands: 2, type: 'Float32', nodata: 'nan', nodataPattern: true, ...cog },
  { name: 'float32-big-nodata.tif', width: 300, height: 200, bands: 1, type: 'Float32', nodata: -3.4028234663852886e38, nodataPattern: true, ...cog },
  { name: 'uint8-first-band-nodata.tif', width: 300, height: 200, bands: 2, type: 'Byte', nodata: 0, nodataPattern: true, nodataBands: 'first', ...cog },
  { name: 'masked-jpeg-cog.tif', width: 700, height: 500, bands: 3, type: 'Byte', mask: true, pattern: 'smooth', driver: 'COG', options: ['BLOCKSIZE=128', 'COMPRESS=JPEG'] },
  { name: 'masked-gtiff.tif', width: 700, height: 500, bands: 1, type: 'Int16', mask: true, driver: 'GTiff', options: ['TILED=YES', 'BLOCKXSIZE=64', 'BLOCKYSIZE=32', 'COMPRESS=LZW'], overviews: [2, 4, 8] },
  { name: 'int16-striped-nodata.tif', width: 300, height: 200, bands: 1, type: 'Int16', nodata: -9999, nodataPattern: true, driver: 'GTiff', options: ['BLOCKYSIZE=11', 'COMPRESS=DEFLATE', 'PREDICTOR=2'] },
];

/** A window over the top-left corner of a masked file: outside masked, inside GDAL's mask. */
async function checkWindowMask(source: TiffRasterSource, path: string): Promise<void> {
  const raster = await source.readWindow(0, { x: -10, y: -10, width: 60, height: 60 }, [0]);
  const [expected] = gdalWindows(path, [{ level: 0, x: 0, y: 0, width: 50, height: 50, bands: [0], mask: true }]);
  for (let r = 0; r < 60; r++) {
    for (let c = 0; c < 60; c++) {
      const m = raster.mask![r * 60 + c];
      const want = r < 10 || c < 10 ? 0 : expected![1]![(r - 10) * 50 + (c - 10)];
      assert.equal(m, want, `mask at (${c - 10}, ${r - 10})`);
    }
  }
}

function sample(band: SampleArray, i: number): number {
  return band[i]!;
}

function isNodata(v: number, nodata: number | undefined): boolean {
  return nodata !== undefined && (Number.isNaN(nodata) ? Number.isNaN(v) : v === nodata);
}

/** Reads `window` and checks every pixel against GDAL's reading of the part inside the level. */
async function checkWindow(source: TiffRasterSource, path: string, level: number, window: PixelWindow, bands: number[]): Promise<number> {
  const L = source.levels[level]!;
  const raster = await source.readWindow(level, window, bands);
  assert.equal(raster.width, window.width);
  assert.equal(raster.height, window.height);
  assert.equal(raster.sampleType, source.sampleType);
  const nodata = source.nodata;
  if (nodata === undefined) assert.equal(raster.nodata, undefined);
  else assert.ok(Object.is(raster.nodata, nodata), 'the raster carries the nodata value');
  const cx0 = Math.max(0, window.x);
  const cy0 = Math.max(0, window.y);
  const cx1 = Math.min(L.width, window.x + window.width);
  const cy1 = Math.min(L.height, window.y + window.height);
  const inside = cx1 > cx0 && cy1 > cy0;
  const partial = cx0 !== window.x || cy0 !== window.y || cx1 !== window.x + window.width || cy1 !== window.y + window.height;
  if (partial) assert.ok(raster.mask, 'a window past the edges has a mask');
  const mask = raster.mask;
  const fill = nodata ?? 0;
  // Outside the level: mask 0, value nodata (or 0).
  for (let r = 0; r < window.height; r++) {
    for (let c = 0; c < window.width; c++) {
      const x = window.x + c;
      const y = window.y + r;
      if (x >= cx0 && x < cx1 && y >= cy0 && y < cy1) continue;
      const i = r * window.width + c;
      assert.equal(mask![i], 0, `pixel (${x}, ${y}) outside the level is masked`);
      for (const band of raster.bands) assert.ok(Object.is(sample(band, i), fill), `pixel (${x}, ${y}) outside holds ${fill}, not ${sample(band, i)}`);
    }
  }
  if (!inside) return 0;
  const [expected] = gdalWindows(path, [{ level, x: cx0, y: cy0, width: cx1 - cx0, height: cy1 - cy0, bands }]);
  const cw = cx1 - cx0;
  const ch = cy1 - cy0;
  for (const [j, band] of raster.bands.entries()) {
    const ours = cropBytes(band, window.width, cx0 - window.x, cy0 - window.y, cw, ch);
    assert.ok(ours.equals(expected![j]!), `band ${bands[j]} inside the level differs from GDAL's`);
  }
  // Inside: masked exactly where every band read is nodata.
  let masked = 0;
  for (let r = 0; r < ch; r++) {
    for (let c = 0; c < cw; c++) {
      const i = (cy0 - window.y + r) * window.width + (cx0 - window.x + c);
      const all = raster.bands.every((band) => isNodata(sample(band, i), nodata));
      const m = mask ? mask[i] : 255;
      assert.equal(m, all ? 0 : 255, `pixel (${cx0 + c}, ${cy0 + r}): mask ${m} where ${all ? 'every band is' : 'some band is not'} nodata`);
      if (all) masked++;
    }
  }
  if (!partial && masked === 0) assert.equal(mask, undefined, 'no mask when every pixel is valid');
  return masked;
}

describe('TIFF reader: windows past the edges and nodata', function () {
  this.timeout(60_000);
  const fixtures = new TiffFixtures();
  let paths: Record<string, string>;
  const cache = new TileCache({ maxBytes: 32 * 1024 * 1024 });
  const sources = new Map<string, TiffRasterSource>();
  const open = async (name: string): Promise<TiffRasterSource> => {
    let s = sources.get(name);
    if (!s) sources.set(name, (s = await openTiff(fileRangeReader(paths[name]!), { cache })));
    return s;
  };

  before(() => {
    paths = fixtures.make(specs);
  });
  after(async () => {
    for (const s of sources.values()) await s.close();
    fixtures.remove();
  });

  const windows = (w: number, h: number): Array<[string, PixelWindow]> => [
    ['over the top-left corner', { x: -10, y: -7, width: 60, height: 40 }],
    ['over the bottom-right corner', { x: w - 20, y: h - 10, width: 50, height: 30 }],
    ['larger than the level on every side', { x: -3, y: -5, width: w + 9, height: h + 8 }],
    ['over the right edge only', { x: w - 1, y: 10, width: 5, height: 3 }],
    ['inside', { x: 100, y: 50, width: 150, height: 120 }],
  ];

  for (const spec of specs.filter((s) => !s.mask)) {
    it(`${spec.name}: every window past the edges is masked outside, GDAL's values inside, nodata masked`, async () => {
      const source = await open(spec.name);
      const all = source.bands.map((_, i) => i);
      let masked = 0;
      for (const [what, window] of windows(spec.width, spec.height)) {
        masked += await checkWindow(source, paths[spec.name]!, 0, window, all).catch((err: Error) => {
          throw new Error(`${what}: ${err.message}`);
        });
      }
      if (spec.nodataPattern && spec.nodataBands !== 'first') assert.ok(masked > 100, `nodata pixels were found and masked (${masked})`);
      const l1 = source.levels[1];
      if (l1) {
        for (const [what, window] of windows(l1.width, l1.height)) {
          await checkWindow(source, paths[spec.name]!, 1, window, all).catch((err: Error) => {
            throw new Error(`overview, ${what}: ${err.message}`);
          });
        }
      }
    });
  }

  it('masks a pixel only when every band read is nodata (a pixel nodata in one band of two is data)', async () => {
    const source = await open('uint8-first-band-nodata.tif');
    const window = { x: 0, y: 0, width: 300, height: 200 };
    const both = await source.readWindow(0, window, [0, 1]);
    const first = await source.readWindow(0, window, [0]);
    const holes = (first.bands[0] as Uint8Array).reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
    assert.ok(holes > 100, 'the fixture has nodata in band 1');
    assert.ok(first.mask, 'band 1 alone has masked pixels');
    assert.equal(first.mask.reduce((n, v) => n + (v === 0 ? 1 : 0), 0), holes);
    // Band 2 is never 0 where band 1 is (values there are (r*7 + c*3 + 50 + noise) % 256, checked by checkWindow).
    await checkWindow(source, paths['uint8-first-band-nodata.tif']!, 0, window, [0, 1]);
    assert.ok(!both.mask || both.mask.every((v, i) => v === 255 || ((both.bands[0] as Uint8Array)[i] === 0 && (both.bands[1] as Uint8Array)[i] === 0)));
  });

  it('masks what GDAL\'s internal mask masks, at every level, in COGs and GeoTIFFs with overviews', async () => {
    for (const name of ['masked-jpeg-cog.tif', 'masked-gtiff.tif']) {
      const source = await open(name);
      assert.ok(source.hasMask);
      const path = paths[name]!;
      for (const [level, l] of source.levels.entries()) {
        const windows = [
          { level, x: 0, y: 0, width: l.width, height: l.height, bands: [0], mask: true },
          { level, x: Math.floor(l.width / 4), y: Math.floor(l.height / 5), width: Math.floor(l.width / 3), height: Math.floor(l.height / 4), bands: [0], mask: true },
          { level, x: Math.floor(l.width / 2), y: Math.floor(l.height / 2), width: Math.floor(l.width / 2), height: Math.floor(l.height / 2), bands: [0], mask: true },
        ];
        const expected = gdalWindows(path, windows);
        for (const [i, w] of windows.entries()) {
          const raster = await source.readWindow(level, w, [0]);
          const theirs = expected[i]![1]!;
          const zeros = theirs.reduce((k, v) => k + (v === 0 ? 1 : 0), 0);
          if (zeros === 0) assert.equal(raster.mask, undefined, `${name} level ${level} window ${i}: nothing masked, no mask`);
          else assert.ok(Buffer.from(raster.mask!).equals(theirs), `${name} level ${level} window ${i}: the mask is GDAL's`);
        }
      }
      // Edges and the file's mask together.
      await checkWindowMask(source, path);
    }
  });

  it('reads a window wholly outside the level as nodata without reading the file', async () => {
    const source = await open('uint16-nodata.tif');
    const before = source.stats.reads;
    const raster = await source.readWindow(0, { x: 400, y: -100, width: 20, height: 10 }, [2, 0]);
    assert.equal(source.stats.reads, before);
    assert.ok(raster.mask!.every((v) => v === 0));
    for (const band of raster.bands) assert.ok((band as Uint16Array).every((v) => v === 9));
  });

  it('gives the NaN nodata of a float file to the pixels outside it', async () => {
    const source = await open('float32-nan.tif');
    assert.ok(Number.isNaN(source.nodata));
    const raster = await source.readWindow(0, { x: -2, y: 0, width: 4, height: 1 }, [1]);
    assert.deepEqual(Array.from(raster.mask!).slice(0, 2), [0, 0]);
    assert.ok(Number.isNaN(raster.bands[0]![0]!) && Number.isNaN(raster.bands[0]![1]!));
    assert.ok(Number.isNaN(raster.nodata));
  });

  it('rejects a band, a level or a window that does not exist with a CoverageError', async () => {
    const source = await open('float32-plain.tif');
    await assert.rejects(source.readWindow(0, { x: 0, y: 0, width: 2, height: 2 }, [2]), (err: { coverageCode?: string }) => err.coverageCode === 'NoSuchBand');
    await assert.rejects(source.readWindow(source.levels.length, { x: 0, y: 0, width: 2, height: 2 }, [0]), (err: { coverageCode?: string }) => err.coverageCode === 'InvalidGrid');
    await assert.rejects(source.readWindow(0, { x: 0.5, y: 0, width: 2, height: 2 }, [0]), (err: { coverageCode?: string }) => err.coverageCode === 'InvalidGrid');
    await assert.rejects(source.readWindow(0, { x: 0, y: 0, width: 0, height: 2 }, [0]), (err: { coverageCode?: string }) => err.coverageCode === 'InvalidGrid');
  });

  it('keeps the mask absent for a window inside a file without nodata', async () => {
    const source = await open('float32-plain.tif');
    const raster = await source.readWindow(0, { x: 1, y: 1, width: 298, height: 198 }, [0, 1]);
    assert.equal(raster.mask, undefined);
    assert.equal(bytesOf(raster.bands[0]!).length, 298 * 198 * 4);
  });
});
