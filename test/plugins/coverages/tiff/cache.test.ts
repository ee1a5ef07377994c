/**
 * The decoded-block cache and the read path around it: the byte bound holds whatever is read,
 * concurrent reads of a block decode it once, sources of one file share blocks, and reads are
 * as few and as small as the layout allows.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileRangeReader, functionRangeReader, openTiff, TileCache } from '../../../../plugins/coverages/tiff/index.js';
import { bytesOf, cropBytes, gdalWindows, TiffFixtures } from './support.js';

describe('TIFF reader: tile cache and reads', function () {
  this.timeout(60_000);
  const fixtures = new TiffFixtures();
  let paths: Record<string, string>;
  /** The whole of cog.tif's two bands as GDAL reads them. */
  let whole: Buffer[];
  const W = 1000;
  const H = 700;

  before(() => {
    paths = fixtures.make([
      // 128 x 128 uint16 tiles, 2 bands chunky: 64 KiB decoded a tile.
      { name: 'cog.tif', width: W, height: H, bands: 2, type: 'UInt16', driver: 'COG', options: ['BLOCKSIZE=128', 'COMPRESS=DEFLATE', 'PREDICTOR=2'] },
      { name: 'one-strip.tif', width: 2000, height: 1000, bands: 1, type: 'Int16', driver: 'GTiff', options: ['BLOCKYSIZE=1000'] },
      { name: 'big-strip.tif', width: 1000, height: 600, bands: 1, type: 'Float32', driver: 'GTiff', options: ['BLOCKYSIZE=600', 'COMPRESS=DEFLATE'] },
    ]);
    whole = gdalWindows(paths['cog.tif']!, [{ level: 0, x: 0, y: 0, width: W, height: H, bands: [0, 1] }])[0]!;
  });
  after(() => fixtures.remove());

  it('never holds more decoded bytes than maxBytes, however much is read, and still reads right', async () => {
    const cache = new TileCache({ maxBytes: 200_000 }); // three 64 KiB tiles
    const source = await openTiff(fileRangeReader(paths['cog.tif']!), { cache });
    let decodedBytes = 0;
    for (let y = -50; y < H; y += 90) {
      for (let x = -30; x < W; x += 170) {
        const window = { x, y, width: 200, height: 120 };
        const raster = await source.readWindow(0, window, [1, 0]);
        assert.ok(cache.bytes <= cache.maxBytes, `cache holds ${cache.bytes} bytes, over ${cache.maxBytes}`);
        const cx0 = Math.max(0, x);
        const cy0 = Math.max(0, y);
        const cw = Math.min(W, x + 200) - cx0;
        const ch = Math.min(H, y + 120) - cy0;
        for (const [j, band] of [1, 0].entries()) {
          const expected = cropBytes(new Uint16Array(whole[band]!.buffer.slice(whole[band]!.byteOffset, whole[band]!.byteOffset + whole[band]!.length)), W, cx0, cy0, cw, ch);
          assert.ok(cropBytes(raster.bands[j]!, 200, cx0 - x, cy0 - y, cw, ch).equals(expected), `window at ${x}, ${y} band ${band}`);
        }
      }
    }
    decodedBytes = source.stats.blocksDecoded * 128 * 128 * 2 * 2;
    assert.ok(decodedBytes > 10 * cache.maxBytes, `the reads decoded ${decodedBytes} bytes, far more than the cache holds`);
    assert.ok(cache.blocks <= 3);
  });

  it('decodes a block once when several reads want it at the same time', async () => {
    const cache = new TileCache({ maxBytes: 1 << 26 });
    const source = await openTiff(fileRangeReader(paths['cog.tif']!), { cache });
    const window = { x: 100, y: 100, width: 200, height: 100 }; // tiles (0..2, 0..1): 6 tiles
    const rasters = await Promise.all(Array.from({ length: 8 }, () => source.readWindow(0, window, [0, 1])));
    assert.equal(source.stats.blocksDecoded, 6);
    for (const raster of rasters) assert.ok(bytesOf(raster.bands[0]!).equals(bytesOf(rasters[0]!.bands[0]!)));
    const reads = source.stats.reads;
    await source.readWindow(0, { x: 150, y: 120, width: 50, height: 50 }, [1]);
    assert.equal(source.stats.reads, reads, 'a window inside cached blocks reads nothing');
    assert.equal(source.stats.blocksDecoded, 6);
  });

  it('shares decoded blocks between sources of the same file through one cache', async () => {
    const cache = new TileCache({ maxBytes: 1 << 26 });
    const a = await openTiff(fileRangeReader(paths['cog.tif']!), { cache });
    const b = await openTiff(fileRangeReader(paths['cog.tif']!), { cache });
    assert.equal(a.id, b.id);
    await a.readWindow(0, { x: 0, y: 0, width: 256, height: 256 }, [0]);
    await b.readWindow(0, { x: 0, y: 0, width: 256, height: 256 }, [0]);
    assert.equal(b.stats.reads, 0);
    // At the same time, from two sources: decoded by one of them only.
    const d = await openTiff(fileRangeReader(paths['cog.tif']!), { cache });
    const e = await openTiff(fileRangeReader(paths['cog.tif']!), { cache });
    await Promise.all([d.readWindow(0, { x: 300, y: 300, width: 200, height: 200 }, [1]), e.readWindow(0, { x: 300, y: 300, width: 200, height: 200 }, [0])]);
    assert.equal(d.stats.blocksDecoded + e.stats.blocksDecoded, 4, 'four tiles (columns and rows 2-3), each decoded once');
    const c = await openTiff(fileRangeReader(paths['cog.tif']!), { cache, id: 'another-version' });
    await c.readWindow(0, { x: 0, y: 0, width: 256, height: 256 }, [0]);
    assert.ok(c.stats.reads > 0, 'another id is another file');
  });

  it('keeps nothing of a block larger than the whole cache, and still reads it', async () => {
    const cache = new TileCache({ maxBytes: 100_000 });
    const source = await openTiff(fileRangeReader(paths['big-strip.tif']!), { cache }); // one 2.4 MB strip
    const raster = await source.readWindow(0, { x: 10, y: 10, width: 5, height: 5 }, [0]);
    const [expected] = gdalWindows(paths['big-strip.tif']!, [{ level: 0, x: 10, y: 10, width: 5, height: 5, bands: [0] }]);
    assert.ok(bytesOf(raster.bands[0]!).equals(expected![0]!));
    assert.equal(cache.bytes, 0);
  });

  it('reads a few rows of a big uncompressed strip, not the strip', async () => {
    const bytes = readFileSync(paths['one-strip.tif']!);
    let read = 0;
    const reader = functionRangeReader('mem:one-strip', bytes.length, async (offset, length) => {
      read += length;
      return bytes.subarray(offset, offset + length);
    });
    const source = await openTiff(reader, { cache: new TileCache({ maxBytes: 1 << 24 }) });
    read = 0;
    const raster = await source.readWindow(0, { x: 1500, y: 500, width: 20, height: 3 }, [0]);
    const [expected] = gdalWindows(paths['one-strip.tif']!, [{ level: 0, x: 1500, y: 500, width: 20, height: 3, bands: [0] }]);
    assert.ok(bytesOf(raster.bands[0]!).equals(expected![0]!));
    assert.ok(read <= 300 * 1024, `read ${read} bytes of a ${2000 * 1000 * 2}-byte strip`);
  });

  it('refuses a cache without room', () => {
    assert.throws(() => new TileCache({ maxBytes: 0 }), RangeError);
  });
});
