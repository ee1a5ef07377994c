/**
 * Reading COGs over HTTP with byte ranges, from a small server of the test's own: only ranges are
 * fetched (never the whole file), a server that ignores Range is refused with a clear error, and
 * a file that changes under an open source is noticed.
 */
import assert from 'node:assert/strict';
import { copyFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isCoverageError } from '../../../../plugins/coverages/errors.js';
import { httpRangeReader, openTiff, TileCache } from '../../../../plugins/coverages/tiff/index.js';
import { bytesOf, gdalWindows, TiffFixtures, serveFiles, type TestServer } from './support.js';

describe('TIFF reader: HTTP range reads', function () {
  this.timeout(60_000);
  const fixtures = new TiffFixtures();
  let ranged: TestServer;
  let whole: TestServer;
  let size: number;

  before(async () => {
    fixtures.make([
      { name: 'big.tif', width: 2000, height: 1500, bands: 2, type: 'UInt16', driver: 'COG', options: ['BLOCKSIZE=256', 'COMPRESS=DEFLATE', 'PREDICTOR=2'] },
      { name: 'other.tif', width: 2000, height: 1500, bands: 2, type: 'Int16', driver: 'COG', options: ['BLOCKSIZE=256', 'COMPRESS=DEFLATE', 'PREDICTOR=2'] },
    ]);
    copyFileSync(join(fixtures.dir, 'big.tif'), join(fixtures.dir, 'changing.tif'));
    size = statSync(join(fixtures.dir, 'big.tif')).size;
    ranged = await serveFiles(fixtures.dir);
    whole = await serveFiles(fixtures.dir, { ignoreRange: true });
  });
  after(async () => {
    await ranged.close();
    await whole.close();
    fixtures.remove();
  });

  it('opens a COG with one range request and reads windows of every level as GDAL does, with ranges only', async () => {
    ranged.requests.length = 0;
    const cache = new TileCache({ maxBytes: 16 * 1024 * 1024 });
    const source = await openTiff(httpRangeReader(`${ranged.url}/big.tif`), { cache });
    assert.equal(ranged.requests.length, 1, 'the header read is the only request of the open');
    assert.equal(ranged.requests[0]!.range, 'bytes=0-65535');
    assert.match(source.id, /^http:\/\/127\.0\.0\.1:\d+\/big\.tif@"/, 'the id carries the ETag');
    const windows = [
      { level: 0, x: 300, y: 200, width: 300, height: 200, bands: [1, 0] },
      { level: 0, x: 1900, y: 1400, width: 100, height: 100, bands: [0] },
      ...source.levels.slice(1).map((l, i) => ({ level: i + 1, x: 0, y: 0, width: l.width, height: l.height, bands: [0, 1] })),
    ];
    const expected = gdalWindows(join(fixtures.dir, 'big.tif'), windows);
    for (const [i, w] of windows.entries()) {
      const raster = await source.readWindow(w.level, w, w.bands);
      for (const [j] of w.bands.entries()) assert.ok(bytesOf(raster.bands[j]!).equals(expected[i]![j]!), `level ${w.level} band ${w.bands[j]}`);
    }
    assert.ok(ranged.requests.every((r) => r.range && r.status === 206), 'every request was a range answered with 206');
    const sent = ranged.requests.reduce((n, r) => n + r.bytes, 0);
    assert.ok(sent < size / 2, `read ${sent} bytes of a ${size}-byte file for a few windows`);
  });

  it('reads a small window with a few small range requests, not the file', async () => {
    ranged.requests.length = 0;
    const source = await openTiff(httpRangeReader(`${ranged.url}/big.tif`), { cache: new TileCache({ maxBytes: 1 << 24 }) });
    await source.readWindow(0, { x: 512, y: 512, width: 10, height: 10 }, [0, 1]);
    assert.equal(ranged.requests.length, 2, 'the header, then the one tile');
    assert.ok(ranged.requests[1]!.bytes < size / 20);
    assert.equal(source.stats.reads, 1);
  });

  it('joins the tiles of a row into one range request', async () => {
    ranged.requests.length = 0;
    const source = await openTiff(httpRangeReader(`${ranged.url}/big.tif`), { cache: new TileCache({ maxBytes: 1 << 24 }) });
    await source.readWindow(0, { x: 0, y: 256, width: 2000, height: 100 }, [0]);
    assert.equal(source.stats.blocksDecoded, 8, 'eight tiles across');
    assert.equal(source.stats.reads, 1, 'read as one range');
    assert.equal(ranged.requests.length, 2);
  });

  it('refuses a server that ignores Range, with an error saying so, instead of downloading the file', async () => {
    whole.requests.length = 0;
    await assert.rejects(openTiff(httpRangeReader(`${whole.url}/big.tif`), { cache: new TileCache({ maxBytes: 1024 }) }), (err: Error) => {
      assert.ok(isCoverageError(err, 'SourceUnreadable'));
      assert.match(err.message, /ignored the Range header/);
      assert.match(err.message, /\/big\.tif/);
      return true;
    });
    assert.equal(whole.requests.length, 1, 'one request, then gave up');
  });

  it('reports a missing file with its HTTP status', async () => {
    await assert.rejects(httpRangeReader(`${ranged.url}/missing.tif`), (err: Error) => isCoverageError(err, 'SourceUnreadable') && /HTTP 404/.test(err.message));
  });

  it('keeps query strings (presigned credentials) out of ids and messages', async () => {
    const reader = await httpRangeReader(`${ranged.url}/big.tif?X-Amz-Signature=secret`);
    assert.ok(!reader.id.includes('secret'));
    await assert.rejects(httpRangeReader(`${whole.url}/big.tif?X-Amz-Signature=secret`), (err: Error) => !err.message.includes('secret'));
  });

  it('notices a file that changed since it was opened (its ETag) instead of decoding garbage', async () => {
    const source = await openTiff(httpRangeReader(`${ranged.url}/changing.tif`), { cache: new TileCache({ maxBytes: 1 << 24 }) });
    copyFileSync(join(fixtures.dir, 'other.tif'), join(fixtures.dir, 'changing.tif'));
    await assert.rejects(source.readWindow(0, { x: 0, y: 0, width: 10, height: 10 }, [0]), (err: Error) => isCoverageError(err, 'SourceUnreadable') && /changed since it was opened/.test(err.message));
  });
});
