/**
 * The fused loops (fusion.ts) and the streamed GeoTIFF give the same results as the block
 * kernels (kernels.ts, one array per operator) and the whole-image encoder: every query here
 * runs both ways on the same server, with small blocks so results span many of them.
 */
import assert from 'node:assert/strict';
import { evaluation } from '../../../plugins/wcps/fusion.js';
import { startWcps, wcpsPost, type WcpsHarness } from './support.js';

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
];

describe('wcps fused evaluation', function () {
  this.timeout(120_000);
  let h: WcpsHarness;
  before(async () => {
    h = await startWcps({ wcps: { blockCells: 1024 }, withWcs: false });
  });
  after(async () => {
    evaluation.fused = true;
    evaluation.streamed = true;
    await h?.close();
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
});
