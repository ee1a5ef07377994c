import assert from 'node:assert/strict';
import { encodeImage, imageContentTypes } from '../../../../plugins/coverages/render/index.js';
import { assertNear, decode } from './support.js';

/** A 64x48 test image: a red-to-blue gradient, its left quarter transparent and one half-transparent column. */
function testImage(width = 64, height = 48): Uint8ClampedArray {
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      rgba[o] = 255 - (x * 255) / (width - 1);
      rgba[o + 1] = 40;
      rgba[o + 2] = (x * 255) / (width - 1);
      rgba[o + 3] = x < width / 4 ? 0 : x === width / 2 ? 128 : 255;
    }
  }
  return rgba;
}

describe('coverages render: encoding', () => {
  it('PNG keeps an alpha channel only when transparency is asked for', async () => {
    const rgba = testImage();
    const transparent = await decode(await encodeImage(rgba, 64, 48, { format: 'png', transparent: true }));
    assert.deepEqual([transparent.format, transparent.width, transparent.height, transparent.channels], ['png', 64, 48, 4]);
    assert.equal(transparent.pixel(3, 10)[3], 0);
    assert.deepEqual(transparent.pixel(40, 10), Array.from(rgba.subarray((10 * 64 + 40) * 4, (10 * 64 + 40) * 4 + 4)));
    const flat = await decode(await encodeImage(rgba, 64, 48, { format: 'png', bgcolor: 0x000000 }));
    assert.equal(flat.channels, 3);
    assert.deepEqual(flat.pixel(3, 10), [0, 0, 0]);
    // Half-transparent column 32 over black: colour * 128/255.
    const c = rgba.subarray((10 * 64 + 32) * 4);
    assert.deepEqual(flat.pixel(32, 10), [Math.round((c[0] * 128) / 255), Math.round((40 * 128) / 255), Math.round((c[2] * 128) / 255)]);
  });

  it('PNG with transparency asked for but every pixel opaque is plain RGB', async () => {
    const rgba = new Uint8ClampedArray(4 * 4 * 4).fill(255);
    assert.equal((await decode(await encodeImage(rgba, 4, 4, { format: 'png', transparent: true }))).channels, 3);
  });

  it('a palette PNG of a few colours decodes to them (within one level: libimagequant at its fastest)', async () => {
    const rgba = new Uint8ClampedArray(16 * 16 * 4);
    for (let i = 0; i < 256; i++) rgba.set(i % 3 === 0 ? [255, 0, 0, 255] : i % 3 === 1 ? [0, 128, 0, 255] : [0, 0, 0, 0], i * 4);
    const png = await decode(await encodeImage(rgba, 16, 16, { format: 'png', transparent: true, palette: true }));
    assert.equal(png.format, 'png');
    assertNear(png.pixel(0, 0), [255, 0, 0, 255], 1, 'red');
    assertNear(png.pixel(1, 0), [0, 128, 0, 255], 1, 'green');
    assert.equal(png.pixel(2, 0)[3], 0);
  });

  it('JPEG is always flattened onto the background, at the asked size', async () => {
    const jpeg = await decode(await encodeImage(testImage(), 64, 48, { format: 'jpeg', transparent: true, bgcolor: 0x00ff00, quality: 90 }));
    assert.deepEqual([jpeg.format, jpeg.width, jpeg.height, jpeg.channels], ['jpeg', 64, 48, 3]);
    const [r, g, b] = jpeg.pixel(4, 20);
    assert.ok(r < 12 && g > 243 && b < 12, `background ${r},${g},${b}`);
  });

  it('WebP keeps transparency when asked for, else flattens, at the asked size', async () => {
    const transparent = await decode(await encodeImage(testImage(), 64, 48, { format: 'webp', transparent: true }));
    assert.deepEqual([transparent.format, transparent.width, transparent.height, transparent.channels], ['webp', 64, 48, 4]);
    assert.equal(transparent.pixel(2, 2)[3], 0);
    assert.ok(transparent.pixel(60, 2)[3] === 255);
    const flat = await decode(await encodeImage(testImage(), 64, 48, { format: 'webp', bgcolor: 0xffffff }));
    assert.equal(flat.channels, 3);
    assert.ok(flat.pixel(2, 2).every((v) => v > 240), `background ${flat.pixel(2, 2)}`);
  });

  it('refuses pixels that are not width*height RGBA', async () => {
    await assert.rejects(encodeImage(new Uint8ClampedArray(10), 2, 2, { format: 'png' }), /not 2x2 RGBA/);
  });

  it('names each format its media type', () => {
    assert.deepEqual(imageContentTypes, { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp' });
  });
});
