import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderRgba, resolveStyle, type StyleConfig } from '../../../../plugins/coverages/render/index.js';
import type { BandDescription } from '../../../../plugins/coverages/types.js';
import { PYTHON, raster, rgbaAt, run } from './support.js';

const script = fileURLToPath(new URL('./gdaldem-hillshade.py', import.meta.url));
const dem: BandDescription[] = [{ name: 'elevation', sampleType: 'float32', unit: 'm' }];

/** A smooth, uneven terrain: hills of several sizes, and a ramp so no two slopes repeat. */
function terrain(width: number, height: number): Float32Array {
  const z = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      z[y * width + x] = 300 + 120 * Math.sin(x / 5.3) * Math.cos(y / 7.1) + 40 * Math.sin((x + 2 * y) / 2.9) + 3 * x - 2 * y;
    }
  }
  return z;
}

function plane(width: number, height: number, east: number, south: number): Float32Array {
  return Float32Array.from({ length: width * height }, (_, i) => 100 + east * (i % width) + south * Math.floor(i / width));
}

async function gdaldem(z: Float32Array, width: number, height: number, opts: { dx: number; dy: number; azimuth: number; altitude: number; zFactor: number; nodata?: number }): Promise<Uint8Array> {
  const dir = await mkdtemp(join(tmpdir(), 'meridian-hillshade-'));
  try {
    const input = join(dir, 'dem.f32');
    const output = join(dir, 'shade.u8');
    await writeFile(input, Buffer.from(z.buffer, z.byteOffset, z.byteLength));
    const args = [script, input, width, height, opts.dx, opts.dy, opts.azimuth, opts.altitude, opts.zFactor, opts.nodata ?? 'none', output].map(String);
    await run(PYTHON, args);
    return new Uint8Array(await readFile(output));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function greys(rgba: Uint8ClampedArray): number[] {
  return Array.from({ length: rgba.length / 4 }, (_, i) => rgba[i * 4]);
}

describe('coverages render: hillshade', function () {
  this.timeout(60_000);

  it('a plane facing the light (north-west) is bright and one facing away is dark, evenly to its edges', () => {
    const style = resolveStyle({ name: 'hs', type: 'hillshade', band: 1 }, dem);
    // Rising 10 m a 30 m pixel to the east and to the south: it faces north-west.
    const facing = renderRgba(raster('float32', 8, 6, [plane(8, 6, 10, 10)]), style, { pixelSize: [30, 30] });
    const away = renderRgba(raster('float32', 8, 6, [plane(8, 6, -10, -10)]), style, { pixelSize: [30, 30] });
    // cos(incidence) = (sin 45 + 2/3 * cos 45 * sin 45) / sqrt(1 + 2/9) = 0.9411 -> 1 + 254 * 0.9411 = 240; away: 0.3381 -> 87
    for (const g of greys(facing)) assert.equal(g, 240);
    for (const g of greys(away)) assert.equal(g, 87);
    assert.deepEqual(rgbaAt(facing, 0), [240, 240, 240, 255]);
  });

  for (const params of [
    { azimuth: 315, altitude: 45, zFactor: 1, dx: 30, dy: 30 },
    { azimuth: 200, altitude: 30, zFactor: 2.5, dx: 20, dy: 35 },
  ]) {
    it(`matches gdaldem hillshade -compute_edges within 1 level (azimuth ${params.azimuth}, altitude ${params.altitude}, z ${params.zFactor}, pixels ${params.dx}x${params.dy} m)`, async () => {
      const [w, h] = [40, 30];
      const z = terrain(w, h);
      const config: StyleConfig = { name: 'hs', type: 'hillshade', band: 1, azimuth: params.azimuth, altitude: params.altitude, zFactor: params.zFactor };
      const ours = greys(renderRgba(raster('float32', w, h, [z]), resolveStyle(config, dem), { pixelSize: [params.dx, params.dy] }));
      const reference = await gdaldem(z, w, h, params);
      let compared = 0;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          // Corners: gdaldem fills the missing diagonal differently; edges and inside are compared.
          if ((x === 0 || x === w - 1) && (y === 0 || y === h - 1)) continue;
          const i = y * w + x;
          assert.ok(Math.abs(ours[i] - reference[i]) <= 1, `pixel ${x},${y}: ours ${ours[i]}, gdaldem ${reference[i]}`);
          compared++;
        }
      }
      assert.equal(compared, w * h - 4);
      assert.ok(new Set(reference).size > 50, 'the terrain has many shades');
    });
  }

  it('matches gdaldem where the elevation has nodata holes: holes transparent, their neighbours shaded as gdaldem does', async () => {
    const [w, h] = [24, 20];
    const nodata = -9999;
    const z = terrain(w, h);
    for (const [x, y] of [[5, 5], [6, 5], [12, 10], [20, 3]]) z[y * w + x] = nodata;
    const ours = renderRgba(raster('float32', w, h, [z], undefined, nodata), resolveStyle({ name: 'hs', type: 'hillshade', band: 1 }, dem), { pixelSize: [30, 30] });
    const reference = await gdaldem(z, w, h, { dx: 30, dy: 30, azimuth: 315, altitude: 45, zFactor: 1, nodata });
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if ((x === 0 || x === w - 1) && (y === 0 || y === h - 1)) continue;
        const i = y * w + x;
        if (z[i] === nodata) {
          assert.equal(ours[i * 4 + 3], 0, `hole ${x},${y} transparent`);
          continue;
        }
        assert.ok(Math.abs(ours[i * 4] - reference[i]) <= 1, `pixel ${x},${y}: ours ${ours[i * 4]}, gdaldem ${reference[i]}`);
      }
    }
  });

  it('with a one-pixel margin a tile is shaded as the same pixels of the larger grid (no seams)', () => {
    const [w, h] = [30, 26];
    const z = terrain(w, h);
    const style = resolveStyle({ name: 'hs', type: 'hillshade', band: 1 }, dem);
    const whole = renderRgba(raster('float32', w, h, [z]), style, { pixelSize: [30, 30] });
    // The tile is columns 10..19, rows 8..17; read with one pixel more on every side.
    const tw = 12;
    const th = 12;
    const window = new Float32Array(tw * th);
    for (let y = 0; y < th; y++) for (let x = 0; x < tw; x++) window[y * tw + x] = z[(y + 7) * w + (x + 9)];
    const tile = renderRgba(raster('float32', tw, th, [window]), style, { pixelSize: [30, 30], margin: 1 });
    assert.equal(tile.length, 10 * 10 * 4);
    for (let y = 0; y < 10; y++) {
      for (let x = 0; x < 10; x++) assert.deepEqual(rgbaAt(tile, y * 10 + x), rgbaAt(whole, (y + 8) * w + (x + 10)), `tile pixel ${x},${y}`);
    }
  });

  it('colour-shaded relief: flat ground shows the ramp colour, lit slopes are lighter and shaded ones darker', () => {
    const style = resolveStyle({ name: 'relief', type: 'hillshade', band: 1, stops: [{ value: 0, color: '#808040' }, { value: 1000, color: '#808040' }] }, dem);
    const flat = renderRgba(raster('float32', 3, 3, [new Float32Array(9).fill(100)]), style, { pixelSize: [30, 30] });
    assert.deepEqual(rgbaAt(flat, 4), [128, 128, 64, 255]);
    const lit = rgbaAt(renderRgba(raster('float32', 3, 3, [plane(3, 3, 10, 10)]), style, { pixelSize: [30, 30] }), 4);
    const shaded = rgbaAt(renderRgba(raster('float32', 3, 3, [plane(3, 3, -10, -10)]), style, { pixelSize: [30, 30] }), 4);
    assert.ok(lit[0] > 128 && lit[2] > 64, `lit ${lit}`);
    assert.ok(shaded[0] < 128 && shaded[2] < 64, `shaded ${shaded}`);
  });

  it('needs the pixel size', () => {
    const style = resolveStyle({ name: 'hs', type: 'hillshade', band: 1 }, dem);
    assert.throws(() => renderRgba(raster('float32', 3, 3, [new Float32Array(9)]), style), /pixelSize/);
  });
});
