/** uint8 RGB shown as stored (0..255, gamma 1): samples become the output levels; masked and all-nodata pixels are transparent; encoded opaque images keep their colours exactly. */
import assert from 'node:assert/strict';
import sharp from 'sharp';
import { encodeImage } from '../../../../plugins/coverages/render/encode.js';
import { renderRgb } from '../../../../plugins/coverages/render/render-rgb.js';
import { outputWindow } from '../../../../plugins/coverages/render/window.js';

describe('render rgb: uint8 with the identity stretch', () => {
  const id: Array<[number, number]> = [[0, 255], [0, 255], [0, 255]];
  it('writes each sample as its level, transparent where masked or where all three bands hold nodata', () => {
    const raster = { width: 3, height: 1, sampleType: 'uint8' as const, bands: [Uint8Array.of(10, 0, 200), Uint8Array.of(20, 0, 201), Uint8Array.of(30, 0, 202)], nodata: 0 };
    const out = new Uint8ClampedArray(12);
    renderRgb(raster, id, 1, outputWindow(3, 1, 0), out);
    assert.deepEqual([...out], [10, 20, 30, 255, 0, 0, 0, 0, 200, 201, 202, 255]);
    const masked = { ...raster, nodata: undefined, mask: Uint8Array.of(255, 255, 0) };
    renderRgb(masked, id, 1, outputWindow(3, 1, 0), out);
    assert.deepEqual([...out], [10, 20, 30, 255, 0, 0, 0, 255, 0, 0, 0, 0]);
  });

  it('leaves out the margin', () => {
    const band = Uint8Array.from({ length: 9 }, (_, i) => i * 10);
    const out = new Uint8ClampedArray(4);
    renderRgb({ width: 3, height: 3, sampleType: 'uint8', bands: [band, band, band] }, id, 1, outputWindow(3, 3, 1), out);
    assert.deepEqual([...out], [40, 40, 40, 255]);
  });

  it('an opaque image encodes to PNG with its exact colours and no alpha band', async () => {
    const rgba = new Uint8ClampedArray([1, 2, 3, 255, 250, 251, 252, 255]);
    const png = await encodeImage(rgba, 2, 1, { format: 'png', transparent: true });
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    assert.equal(info.channels, 3);
    assert.deepEqual([...data], [1, 2, 3, 250, 251, 252]);
  });
});
