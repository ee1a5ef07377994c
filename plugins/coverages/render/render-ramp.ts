/** One band through a colour map: a lookup table per render, no work per pixel beyond it. */
import type { Raster, SampleArray } from '../types.js';
import { byteLookup, classOf, linearLookup, lookupIndex, type ColorMap } from './color-map.js';
import type { OutputWindow } from './window.js';

export function renderRamp(raster: Raster, values: SampleArray, map: ColorMap, win: OutputWindow, out: Uint8ClampedArray): void {
  const out32 = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
  const { mask } = raster;
  const nodata = mask ? undefined : raster.nodata;
  const { inWidth, margin, width, height } = win;
  if (raster.sampleType === 'uint8' || raster.sampleType === 'int8') {
    const first = raster.sampleType === 'uint8' ? 0 : -128;
    const table = byteLookup(map, first);
    for (let y = 0; y < height; y++) {
      let ii = (y + margin) * inWidth + margin;
      let oi = y * width;
      for (let x = 0; x < width; x++, ii++, oi++) {
        const v = values[ii];
        out32[oi] = (mask !== undefined && mask[ii] === 0) || v === nodata ? 0 : table[v - first];
      }
    }
    return;
  }
  if (map.mode === 'linear') {
    const { table, v0, k } = linearLookup(map);
    for (let y = 0; y < height; y++) {
      let ii = (y + margin) * inWidth + margin;
      let oi = y * width;
      for (let x = 0; x < width; x++, ii++, oi++) {
        const v = values[ii];
        out32[oi] = (mask !== undefined && mask[ii] === 0) || v !== v || v === nodata ? 0 : table[lookupIndex(v, v0, k)];
      }
    }
    return;
  }
  // Discrete classes of wide-range data: exact thresholds, a few comparisons a pixel.
  const classColors = new Uint32Array(map.colors.buffer.slice(map.colors.byteOffset, map.colors.byteOffset + map.colors.byteLength));
  for (let y = 0; y < height; y++) {
    let ii = (y + margin) * inWidth + margin;
    let oi = y * width;
    for (let x = 0; x < width; x++, ii++, oi++) {
      const v = values[ii];
      out32[oi] = (mask !== undefined && mask[ii] === 0) || v !== v || v === nodata ? 0 : classColors[classOf(map, v)];
    }
  }
}
