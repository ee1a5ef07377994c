/**
 * The row-by-row GeoTIFF writer WCPS streams its results through: the same file as
 * encodeGeoTiff for the same pixels and options, whatever pieces the rows arrive in, and
 * whether its chunks are encoded in this thread or moved to another (the engine's pool).
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { encodeGeoTiff, GeoTiffRowEncoder, type GeoTiffOptions } from '../../../plugins/coverages/encode/index.js';
import { encodeRowChunk, type ChunkEncoder } from '../../../plugins/coverages/encode/geotiff-rows.js';
import type { CoveragesService, Raster, SampleType } from '../../../plugins/coverages/types.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { patternRaster, utmGrid } from '../coverages/encode/fixtures.js';

/** Encodes a chunk after moving its buffers away, as postMessage does (the caller's arrays are detached). */
const movedAway: ChunkEncoder = async (chunk) => {
  const moved = structuredClone(chunk, { transfer: [...new Set(chunk.bands.map((b) => b.buffer as ArrayBuffer))] });
  await new Promise((r) => setTimeout(r, 1));
  return encodeRowChunk(moved);
};

async function streamed(raster: Raster, options: GeoTiffOptions, pieces: number[], encodeChunk?: ChunkEncoder): Promise<Buffer> {
  const grid = utmGrid(raster.width, raster.height);
  const encoder = new GeoTiffRowEncoder(grid, raster.sampleType, raster.bands.length, options, encodeChunk);
  let row = 0;
  for (let k = 0; row < raster.height; k++) {
    const rows = Math.min(pieces[k % pieces.length]!, raster.height - row);
    // Fresh copies, overwritten after write() returns: the encoder must have taken what it needs.
    const bands = raster.bands.map((b) => b.slice(row * raster.width, (row + rows) * raster.width));
    await encoder.write(bands, rows);
    if (!encoder.takesRows) bands.forEach((b) => b.fill(0));
    row += rows;
  }
  return encoder.finish();
}

describe('GeoTiffRowEncoder', () => {
  let server: TestServer | undefined;
  let engine: CoveragesService;
  before(async function () {
    this.timeout(60_000);
    server = await startTestServer(
      { sampleData: false, plugins: { coverages: { workers: 1, refreshSeconds: 0, sampleRasters: false, catalogue: { enabled: false }, coverages: [] } } },
      { builtinDir: fileURLToPath(new URL('../../../plugins/', import.meta.url)) },
    );
    engine = server.meridian.plugins.find((p) => p.name === 'coverages')!.instance.provide!.coverages as CoveragesService;
  });
  after(async () => server?.close());

  const cases: Array<{ type: SampleType; width: number; height: number; bands: number; options: GeoTiffOptions }> = [
    { type: 'float32', width: 300, height: 277, bands: 1, options: { compression: 'deflate', level: 1, predictor: 'floatingpoint' } },
    { type: 'float32', width: 512, height: 512, bands: 1, options: { compression: 'deflate', level: 1, predictor: 'floatingpoint', nodata: NaN } },
    { type: 'float64', width: 97, height: 130, bands: 2, options: { compression: 'deflate', tiled: false } },
    { type: 'uint16', width: 260, height: 300, bands: 3, options: { compression: 'lzw', predictor: 'horizontal', nodata: 0, tileWidth: 128, tileHeight: 64 } },
    { type: 'int16', width: 200, height: 150, bands: 1, options: { compression: 'packbits', tiled: false, rowsPerStrip: 7 } },
    { type: 'uint8', width: 70, height: 33, bands: 3, options: { compression: 'none' } },
  ];
  for (const c of cases) {
    it(`${c.type} ${c.width}x${c.height}x${c.bands} ${JSON.stringify(c.options)}: the same bytes as encodeGeoTiff`, async () => {
      const raster = patternRaster(c.type, c.width, c.height, c.bands);
      const whole = encodeGeoTiff(raster, utmGrid(c.width, c.height), c.options);
      for (const pieces of [[c.height], [1], [37, 5, 256], [64]]) {
        const rows = await streamed(raster, c.options, pieces);
        assert.ok(rows.equals(whole), `pieces ${pieces.join(',')}: ${rows.length} bytes vs ${whole.length}`);
        const moved = await streamed(raster, c.options, pieces, movedAway);
        assert.ok(moved.equals(whole), `moved, pieces ${pieces.join(',')}: ${moved.length} bytes vs ${whole.length}`);
      }
      const pooled = await streamed(raster, c.options, [37, 5, 256], (chunk) => engine.encodeRows(chunk));
      assert.ok(pooled.equals(whole), `on the engine's pool: ${pooled.length} bytes vs ${whole.length}`);
    });
  }

  it('on the pool, takes the rows it is given (moved, so the caller must not reuse them); in this thread, not', async () => {
    const grid = utmGrid(256, 256);
    const local = new GeoTiffRowEncoder(grid, 'float32', 1, { compression: 'deflate' });
    const pooled = new GeoTiffRowEncoder(grid, 'float32', 1, { compression: 'deflate' }, (chunk) => engine.encodeRows(chunk));
    const plain = new GeoTiffRowEncoder(grid, 'float32', 1, { compression: 'none' }, (chunk) => engine.encodeRows(chunk));
    assert.deepEqual([local.takesRows, pooled.takesRows, plain.takesRows], [false, true, false]);
    // A whole row of tiles (the default 256 rows) is moved; fewer rows would be copied to wait for the rest.
    const rows = new Float32Array(256 * 256).fill(1.5);
    await pooled.write([rows], 256);
    await pooled.finish();
    assert.equal(rows.length, 0, 'the buffer was moved to the worker');
  });

  it('takes the nodata of the tag at finish, refuses a COG and rows past the image', async () => {
    const raster = patternRaster('float32', 40, 20, 1);
    const grid = utmGrid(40, 20);
    // Strips: no padding, which is cut with the nodata known at the time.
    const encoder = new GeoTiffRowEncoder(grid, 'float32', 1, { tiled: false });
    await encoder.write(raster.bands, 20);
    const withTag = await encoder.finish(NaN);
    assert.ok(withTag.equals(encodeGeoTiff({ ...raster, nodata: NaN }, grid, { tiled: false })));
    assert.ok(!withTag.equals(encodeGeoTiff(raster, grid, { tiled: false })));
    assert.throws(() => new GeoTiffRowEncoder(grid, 'float32', 1, { cog: true }), /COG/);
    const short = new GeoTiffRowEncoder(grid, 'float32', 1, {});
    await assert.rejects(short.write([new Float32Array(40 * 21)], 21), /More rows/);
    await short.write(raster.bands, 10);
    await assert.rejects(short.finish(), /10 rows were written/);
  });
});
