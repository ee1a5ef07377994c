/**
 * One band through a colour map: a lookup table per render, no work per pixel beyond it. The
 * per-pixel steps (table index, class) are written out here rather than called from
 * color-map.ts: under tsx each call to another module's export goes through its getters,
 * which in a loop over every pixel cost more than the lookup itself.
 */
import type { Raster, SampleArray } from '../types.js';
import { byteLookup, linearLookup, linearLookupSize, type ColorMap } from './color-map.js';
import type { OutputWindow } from './window.js';

const LAST_ENTRY = linearLookupSize - 1;

/** color-map.ts's lookupIndex: the table entry of value v. */
function entryOf(v: number, v0: number, k: number): number {
  const i = (v - v0) * k;
  if (!(i > 0)) return 0;
  if (i >= LAST_ENTRY) return LAST_ENTRY;
  return (i + 0.5) | 0;
}

/** color-map.ts's classOf: the last stop at or below v (the first for values below all). */
function classIndex(at: Float64Array, offset: number, scale: number, v: number): number {
  const x = scale === Infinity ? (v > offset ? Infinity : v < offset ? -Infinity : 0) : (v - offset) * scale;
  let i = at.length - 1;
  while (i > 0 && at[i]! > x) i--;
  return i;
}

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
        out32[oi] = (mask !== undefined && mask[ii] === 0) || v !== v || v === nodata ? 0 : table[entryOf(v, v0, k)]!;
      }
    }
    return;
  }
  // Discrete classes of wide-range data: exact thresholds, a few comparisons a pixel.
  const classColors = new Uint32Array(map.colors.buffer.slice(map.colors.byteOffset, map.colors.byteOffset + map.colors.byteLength));
  const { at, offset, scale } = map;
  for (let y = 0; y < height; y++) {
    let ii = (y + margin) * inWidth + margin;
    let oi = y * width;
    for (let x = 0; x < width; x++, ii++, oi++) {
      const v = values[ii];
      out32[oi] = (mask !== undefined && mask[ii] === 0) || v !== v || v === nodata ? 0 : classColors[classIndex(at, offset, scale, v)]!;
    }
  }
}
