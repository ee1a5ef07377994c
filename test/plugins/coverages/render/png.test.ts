/** png.ts: every pixel back exactly (libvips' decoder through sharp, and GDAL's PNG driver), the chunks well formed. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { seededRandom } from '../../../../core/seeded-random.js';
import { encodePng, encodePngAsync } from '../../../../plugins/coverages/render/png.js';
import { PYTHON, run } from './support.js';

/** Smooth gradients, noise and, where `transparentFrom` says, alpha 0 and half-transparent pixels. */
function image(width: number, height: number, seed: number, transparent: boolean): Uint8ClampedArray {
  const random = seededRandom(seed);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      const noisy = (x + y) % 5 === 0;
      rgba[o] = noisy ? random() * 256 : (x * 7 + y) & 255;
      rgba[o + 1] = noisy ? random() * 256 : (y * 3) & 255;
      rgba[o + 2] = noisy ? random() * 256 : 255 - ((x * y) & 255);
      rgba[o + 3] = !transparent ? 255 : x % 9 === 0 ? 0 : x % 9 === 1 ? Math.floor(random() * 255) : 255;
    }
  }
  return rgba;
}

async function pixels(png: Buffer): Promise<{ channels: number; data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return { channels: info.channels, data, width: info.width, height: info.height };
}

/** The chunks of a PNG: type, length, CRC checked. */
function chunks(png: Buffer): string[] {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const types: string[] = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    assert.equal(png.readUInt32BE(at + 8 + length), crc32(png.subarray(at + 4, at + 8 + length)), `CRC of ${type}`);
    types.push(type);
    at += 12 + length;
  }
  return types;
}

describe('coverages render: PNG encoder', () => {
  const sizes: Array<[number, number]> = [[1, 1], [3, 2], [256, 256], [301, 77]];
  for (const [w, h] of sizes) {
    it(`${w}x${h}: opaque RGB and RGBA with alpha back exactly, chunks IHDR IDAT IEND with good CRCs`, async () => {
      const opaque = image(w, h, w + h, false);
      const rgb = encodePng(opaque, w, h, { alpha: true });
      assert.deepEqual(chunks(rgb), ['IHDR', 'IDAT', 'IEND']);
      const back = await pixels(rgb);
      assert.deepEqual([back.width, back.height, back.channels], [w, h, 3]);
      for (let p = 0; p < w * h; p++) assert.deepEqual([...back.data.subarray(p * 3, p * 3 + 3)], [...opaque.subarray(p * 4, p * 4 + 3)], `pixel ${p}`);

      const withAlpha = image(w, h, w * h, true);
      const rgba = encodePng(withAlpha, w, h, { alpha: true });
      const hasTransparency = withAlpha.some((v, i) => i % 4 === 3 && v !== 255);
      const read = await pixels(rgba);
      assert.equal(read.channels, hasTransparency ? 4 : 3);
      if (hasTransparency) assert.deepEqual([...read.data], [...withAlpha]);
    });
  }

  it('flattens pixels that are not opaque onto the background when alpha is not kept (rounded as flatten())', async () => {
    const rgba = image(64, 40, 3, true);
    const bg = 0x336699;
    const png = encodePng(rgba, 64, 40, { alpha: false, bgcolor: bg });
    const read = await pixels(png);
    assert.equal(read.channels, 3);
    const back = [(bg >> 16) & 255, (bg >> 8) & 255, bg & 255];
    for (let p = 0; p < 64 * 40; p++) {
      const a = rgba[p * 4 + 3]!;
      const want = [0, 1, 2].map((c) => (a === 255 ? rgba[p * 4 + c]! : a === 0 ? back[c]! : Math.floor((rgba[p * 4 + c]! * a + back[c]! * (255 - a) + 127) / 255)));
      assert.deepEqual([...read.data.subarray(p * 3, p * 3 + 3)], want, `pixel ${p} alpha ${a}`);
    }
  });

  it('with a zlib level, the same pixels (LZ77 instead of run-length matching)', async () => {
    const rgba = image(128, 128, 9, false);
    const fast = encodePng(rgba, 128, 128, { alpha: false });
    const small = encodePng(rgba, 128, 128, { alpha: false, level: 9 });
    assert.deepEqual((await pixels(fast)).data, (await pixels(small)).data);
    assert.ok(small.length <= fast.length, `level 9 ${small.length} bytes, run-length ${fast.length}`);
  });

  it('deflated on the thread pool, the same bytes; several at once', async () => {
    const images = [image(256, 256, 1, false), image(200, 100, 2, true), image(64, 64, 3, true)];
    const sync = images.map((rgba, i) => encodePng(rgba, [256, 200, 64][i]!, [256, 100, 64][i]!, { alpha: true }));
    const pooled = await Promise.all(images.map((rgba, i) => encodePngAsync(rgba, [256, 200, 64][i]!, [256, 100, 64][i]!, { alpha: true })));
    pooled.forEach((png, i) => assert.ok(png.equals(sync[i]!), `image ${i}`));
    await assert.rejects(encodePngAsync(new Uint8Array(7), 2, 2, { alpha: false }), /not 2x2 RGBA/);
  });

  it('GDAL reads the same pixels', async function () {
    this.timeout(30_000);
    const dir = mkdtempSync(join(tmpdir(), 'meridian-png-'));
    try {
      const rgba = image(97, 61, 5, true);
      const file = join(dir, 'a.png');
      writeFileSync(file, encodePng(rgba, 97, 61, { alpha: true }));
      const script = 'import sys, json\nfrom osgeo import gdal\nd = gdal.Open(sys.argv[1])\nprint(json.dumps([list(d.GetRasterBand(b + 1).ReadRaster()) for b in range(d.RasterCount)]))';
      const { stdout } = await run(PYTHON, ['-c', script, file]);
      const bands = JSON.parse(stdout) as number[][];
      assert.equal(bands.length, 4);
      for (let b = 0; b < 4; b++) for (let p = 0; p < 97 * 61; p++) assert.equal(bands[b]![p], rgba[p * 4 + b], `band ${b + 1} pixel ${p}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
