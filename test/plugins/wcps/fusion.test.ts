/**
 * The fused loops (fusion.ts) and the streamed GeoTIFF give the same results as the block
 * kernels (kernels.ts, one array per operator) and the whole-image encoder: every query here
 * runs both ways on the same server, with small blocks so results span many of them. GeoTIFF
 * results of band math over reads are computed by the engine's workers (computeRows): those
 * also run with the loop in this thread, for the same bytes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { evaluation } from '../../../plugins/wcps/fusion.js';
import { python, startWcps, wcpsPost, type WcpsHarness } from './support.js';

const QUERIES = [
  'for $c in (scene) return encode((float)(($c.nir - $c.red) / ($c.nir + $c.red)), "application/json")',
  'for $c in (scene) return encode($c.red * $c.nir, "application/json")',
  'for $c in (scene) return encode((float)($c.nir / 3.0) * 3.0 - (double)($c.red / 7.0), "application/json")',
  'for $c in (scene) return encode(($c.red - 1000) * 3 + $c.nir / 7, "application/json")',
  'for $c in (scene) return encode((($c.red and 255) xor ($c.nir or 3)) + (not $c.red) - (-$c.nir), "application/json")',
  'for $c in (scene) return encode(($c.red > 800) and not ($c.nir < 2000) or ($c.red = 600), "application/json")',
  'for $c in (scene) return encode({a: (char)($c.nir / 3); b: (unsigned char)($c.red); c: (short)($c.red * 40); d: (unsigned int)($c.red - 2000)}, "application/json")',
  'for $c in (scene) return encode(sqrt($c.red) + ln($c.nir) - abs($c.red - $c.nir) + round($c.red / 7.0) + floor($c.nir / 3.0) * ceil($c.red / 9.0), "application/json")',
  'for $c in (scene) return encode(pow($c.red, 0.5) + mod($c.nir, 7) + min($c.red, $c.nir) - max($c.red, 900) + (unsigned char)(bit($c.nir, 3)), "application/json")',
  'for $c in (scene) return encode(switch case $c.red > 900 return $c.nir case $c.nir < 2000 return $c.red default return 0, "application/json")',
  'for $c in (scene) return encode({a: $c.red + 1; b: 2; c: $c.nir * 0.5}, "application/json")',
  'for $c in (scene) return encode($c * 2 + 1, "application/json")',
  'for $c in (scene) let $x := $c.red - 700 return encode($x * $x + $x, "application/json")',
  'for $d in (dem) return encode(($d - 800) / 3 + sin($d), "application/json")',
  'for $m in (monthly) return encode($m * 2 + 1, "application/json")',
  'for $c in (scene) return encode(scale($c.red + $c.nir, {E:"CRS:1"(0:49), N:"CRS:1"(0:29)}), "application/json")',
  'for $c in (scene) return avg($c.nir / $c.red)',
  'for $c in (scene) return count($c.red > 900)',
  'for $c in (scene) return max($c.red - $c.nir)',
  'for $d in (dem) return sum($d * 2)',
  'for $c in (scene) return avg(switch case $c.red > 900 return $c.nir default return $c.red)',
  'for $d in (dem) return encode($d * 2 - 10, "image/tiff")',
  'for $d in (dem) return encode((short)($d / 4), "image/tiff")',
  'for $c in (scene) return encode((float)(($c.nir - $c.red) / ($c.nir + $c.red)), "image/tiff")',
  'for $c in (scene) return encode((float)($c.nir - $c.red), "image/tiff", "compression=none;tiled=false")',
  'for $c in (scene) return encode({r: $c.red; n: $c.nir; d: (unsigned short)($c.nir - $c.red)}, "image/tiff")',
  'for $c in (scene) return encode((float)($c.red / avg($c.nir)) + 2, "image/tiff")',
  'for $c in (scene) return encode($c.red[E(500100:500990), N(4598600:4599900)] - $c.nir[E(500100:500990), N(4598600:4599900)], "image/tiff", "nodata=0")',
  'for $d in (dem) return encode((float)($d > 1000) * $d, "image/tiff")',
  'for $d in (dem) return encode(extend($d[Lat:"CRS:1"(20:39), Long:"CRS:1"(20:39)], {Lat:"CRS:1"(15:44), Long:"CRS:1"(15:44)}) + 1, "image/tiff")',
  // Taller than a row of tiles (256): several blocks, some on the workers at once, the last one short; nodata holes.
  'for $t in (tall) return encode((float)(($t.b - $t.a) / ($t.b + $t.a)), "image/tiff")',
  'for $t in (tall) return encode($t.a * 3 - $t.b, "image/tiff")',
  'for $t in (tall) return encode((float)($t.a[N:"CRS:1"(100:999)] / 7.0), "image/tiff", "compression=none;tiled=false")',
];

/** GeoTIFF queries (both ways of computing them: the engine's workers and this thread). */
const TIFF = QUERIES.filter((q) => q.includes('image/tiff'));

describe('wcps fused evaluation', function () {
  this.timeout(120_000);
  let h: WcpsHarness;
  const dir = mkdtempSync(path.join(tmpdir(), 'meridian-wcps-tall-'));
  before(async () => {
    const tall = path.join(dir, 'tall.tif');
    // 300 x 1100, two uint16 bands with nodata 0 in a corner.
    await python(
      `rows, cols = np.mgrid[0:1100, 0:300]
a = (500 + 3 * cols + 2 * rows + (cols * rows) % 89).astype(np.uint16)
b = (1500 + 5 * rows + cols + (cols * 7 + rows * 3) % 211).astype(np.uint16)
a[0:40, 0:30] = 0
mem = gdal.GetDriverByName('MEM').Create('', 300, 1100, 2, gdal.GDT_UInt16)
mem.SetGeoTransform((500000, 10, 0, 4700000, 0, -10))
from osgeo import osr
srs = osr.SpatialReference(); srs.ImportFromEPSG(32631); mem.SetProjection(srs.ExportToWkt())
for i, x in enumerate([a, b]):
    band = mem.GetRasterBand(i + 1); band.WriteArray(x); band.SetNoDataValue(0); band.SetDescription('ab'[i])
gdal.GetDriverByName('COG').CreateCopy(ARGS[0], mem, options=['COMPRESS=DEFLATE', 'BLOCKSIZE=256', 'OVERVIEWS=NONE'])
print('1')`,
      [tall],
    );
    h = await startWcps({ wcps: { blockCells: 1024 }, withWcs: false, extraCoverages: [{ id: 'tall', path: tall }] });
  });
  after(async () => {
    evaluation.fused = true;
    evaluation.streamed = true;
    evaluation.remote = true;
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const query of QUERIES) {
    it(query.replace(/^for \S+ in \(\w+\) /, ''), async () => {
      evaluation.fused = false;
      evaluation.streamed = false;
      const kernels = await wcpsPost(h, query);
      evaluation.fused = true;
      evaluation.streamed = true;
      const fused = await wcpsPost(h, query);
      assert.equal(kernels.status, 200, kernels.text.replace(/^[\s\S]*<ows:ExceptionText>/, "").slice(0, 300));
      assert.equal(fused.status, 200, fused.text.slice(0, 300));
      assert.equal(fused.contentType, kernels.contentType);
      assert.ok(fused.body.length > 0);
      assert.ok(fused.body.equals(kernels.body), `${fused.body.length} bytes vs ${kernels.body.length}: ${fused.text.slice(0, 120)} | ${kernels.text.slice(0, 120)}`);
    });
  }

  for (const query of TIFF) {
    it(`on the workers and here: ${query.replace(/^for \S+ in \(\w+\) /, '')}`, async () => {
      evaluation.remote = false;
      const here = await wcpsPost(h, query);
      evaluation.remote = true;
      const workers = await wcpsPost(h, query);
      assert.equal(here.status, 200, here.text.slice(0, 300));
      assert.equal(workers.status, 200, workers.text.slice(0, 300));
      assert.ok(workers.body.equals(here.body), `${workers.body.length} bytes vs ${here.body.length}`);
    });
  }
});
