/**
 * Coverages read from an S3 blob store (a real S3-compatible server, moto): the worker threads
 * cannot open such a store themselves and read its ranges through the main thread.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { GeoTiffRowEncoder } from '../../../plugins/coverages/encode/index.js';
import type { CoveragesEngine } from '../../../plugins/coverages/engine.js';
import type { Grid } from '../../../plugins/coverages/types.js';
import { findMotoCommand, startMoto, type LocalS3Server } from '../../core/storage/blobs/s3-server.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { builtinDir } from '../catalogue/support.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

describe('coverages from an S3 blob store', function () {
  this.timeout(60_000);
  const moto = findMotoCommand();
  let s3: LocalS3Server;
  let server: TestServer;
  let engine: CoveragesEngine;
  let dir: string;

  before(async function () {
    if (!moto) {
      console.warn('    skipped: no S3-compatible server here (needs moto)');
      this.skip();
    }
    s3 = await startMoto(moto!);
    dir = mkdtempSync(join(tmpdir(), 'coverages-s3-'));
    const file = join(dir, 'ramp.tif');
    // A 512x512 COG in 128x128 tiles, so a read takes several ranges: value = row*512 + column (uint16, wrapping).
    execFileSync('/usr/bin/python3', [
      '-c',
      `
from osgeo import gdal, osr
import numpy as np
m = gdal.GetDriverByName('MEM').Create('', 512, 512, 1, gdal.GDT_UInt16)
m.SetGeoTransform([500000, 10, 0, 4500000, 0, -10])
s = osr.SpatialReference(); s.ImportFromEPSG(32631); m.SetProjection(s.ExportToWkt())
r, c = np.mgrid[0:512, 0:512]
m.GetRasterBand(1).WriteArray(((r*512 + c) % 65536).astype('uint16'))
gdal.GetDriverByName('COG').CreateCopy('${file}', m, options=['COMPRESS=DEFLATE', 'BLOCKSIZE=128'])
`,
    ]);
    const blobs = {
      type: 's3',
      endpoint: s3.endpoint,
      region: 'eu-west-1',
      bucket: `meridian-${randomUUID()}`,
      credentials: { accessKeyId: 'meridian-test', secretAccessKey: 'meridian-test-secret' },
      createBucket: true,
    };
    server = await startTestServer({ blobs, plugins: { coverages: { workers: 1, refreshSeconds: 0, sampleRasters: false } } }, { builtinDir });
    await server.meridian.stores.blobs.put('rasters/ramp.tif', readFileSync(file));
    engine = server.meridian.plugins.find((p) => p.name === 'coverages')!.instance.provide!.coverages as CoveragesEngine;
    await engine.addCoverages([{ id: 'ramp', blob: 'rasters/ramp.tif' }, { id: 'all', blob: 'rasters/' }]);
  });

  after(async () => {
    await server?.close();
    await s3?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('describes a blob coverage and a prefix mosaic from their headers', async () => {
    const ramp = (await engine.get('ramp', ANONYMOUS))!;
    assert.equal(ramp.grid.crs, 'EPSG:32631');
    assert.equal(ramp.grid.width, 512);
    assert.equal(ramp.bands[0]!.sampleType, 'uint16');
    assert.equal((await engine.get('all', ANONYMOUS))!.kind, 'file');
  });

  it('reads exact values over many tiles through the main thread', async () => {
    const target: Grid = { crs: 'EPSG:32631', width: 300, height: 200, transform: [500000 + 10 * 100, 10, 0, 4500000 - 10 * 70, 0, -10] };
    const raster = await engine.read({ coverage: 'ramp', target }, ANONYMOUS);
    for (const [col, row] of [[0, 0], [299, 0], [0, 199], [299, 199], [170, 130]] as const) {
      assert.equal(raster.bands[0]![row * 300 + col], ((row + 70) * 512 + (col + 100)) % 65536);
    }
  });

  it('computes and encodes rows on a worker from a blob read (computeRows)', async () => {
    const target: Grid = { crs: 'EPSG:32631', width: 256, height: 256, transform: [500000 + 10 * 100, 10, 0, 4500000 - 10 * 70, 0, -10] };
    const grid = { crs: target.crs, width: 256, height: 256, transform: target.transform };
    // The same rows encoded here from a read, and there from the kernel `O0 = A0 + 1`.
    const encoder = new GeoTiffRowEncoder(grid, 'uint16', 1, { compression: 'deflate' });
    const read = await engine.read({ coverage: 'ramp', target }, ANONYMOUS);
    const plus = (read.bands[0] as Uint16Array).map((v) => v + 1);
    const body = '"use strict";\nconst a0 = A[0];\nconst o0 = O[0];\nfor (let i = 0; i < n; i++) {\no0[i] = a0[i] + 1;\n}';
    const computed = await engine.computeRows({ reads: [{ coverage: 'ramp', target }], kernel: { body, arrays: [{ read: 0, band: 0 }], scalars: [0] }, output: { sampleType: 'uint16', bands: 1, fill: 0 }, chunk: encoder.chunkSpec(256) }, ANONYMOUS);
    assert.equal(computed.holes, false);
    await encoder.writeEncoded(256, Promise.resolve(computed.blocks));
    const remote = await encoder.finish();
    const local = new GeoTiffRowEncoder(grid, 'uint16', 1, { compression: 'deflate' });
    await local.write([plus], 256);
    assert.ok(remote.equals(await local.finish()));
  });
});
