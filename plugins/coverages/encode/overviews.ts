/**
 * Overview levels for a COG: each level halves the previous one (sizes rounded up, as GDAL
 * does) until it fits in one tile. Averaging for continuous data; 'nearest' keeps existing
 * values, for class data. Pixels that are nodata or masked out take no part, and a pixel with
 * no valid source pixel is nodata (or masked out when there is no nodata value).
 */
import type { SampleArray } from '../types.js';
import type { SampleTypeInfo } from './sample-types.js';

export type OverviewResampling = 'average' | 'nearest';

export interface Level {
  width: number;
  height: number;
  bands: SampleArray[];
  /** 0 where a pixel has no data, when some pixels have none. */
  mask?: Uint8Array;
}

/** Overview sizes, largest first, until both sides fit in one tile. */
export function overviewSizes(width: number, height: number, tileWidth: number, tileHeight: number): Array<[number, number]> {
  const sizes: Array<[number, number]> = [];
  let w = width;
  let h = height;
  while (w > tileWidth || h > tileHeight) {
    w = Math.ceil(w / 2);
    h = Math.ceil(h / 2);
    sizes.push([w, h]);
  }
  return sizes;
}

/**
 * A level of half the size of `source` (rounded up). With a nodata value, values say which
 * pixels are empty; without one, the mask does (it is carried to each level).
 */
export function halveLevel(source: Level, info: SampleTypeInfo, resampling: OverviewResampling, nodata: number | undefined): Level {
  const sw = source.width;
  const sh = source.height;
  const width = Math.ceil(sw / 2);
  const height = Math.ceil(sh / 2);
  const srcMask = source.mask;
  const hasNodata = nodata !== undefined;
  const nodataIsNaN = hasNodata && Number.isNaN(nodata);
  const fill = hasNodata ? nodata : 0;
  const mask = srcMask && !hasNodata ? new Uint8Array(width * height) : undefined;
  const bands = source.bands.map((src) => {
    const out = new info.array(width * height);
    if (!srcMask && !hasNodata && resampling === 'average') {
      averageAllValid(src, sw, sh, out, width, height, info.integer);
      return out;
    }
    for (let y = 0; y < height; y++) {
      const y0 = 2 * y;
      const rows = y0 + 1 < sh ? 2 : 1;
      for (let x = 0; x < width; x++) {
        const x0 = 2 * x;
        const cols = x0 + 1 < sw ? 2 : 1;
        let sum = 0;
        let n = 0;
        let first = fill;
        for (let dy = 0; dy < rows; dy++) {
          const rowStart = (y0 + dy) * sw + x0;
          for (let dx = 0; dx < cols; dx++) {
            const i = rowStart + dx;
            if (srcMask && srcMask[i] === 0) continue;
            const v = src[i]!;
            if (hasNodata && (nodataIsNaN ? Number.isNaN(v) : v === nodata)) continue;
            if (n === 0) first = v;
            sum += v;
            n++;
          }
        }
        const o = y * width + x;
        if (n === 0) out[o] = fill;
        else if (resampling === 'nearest') out[o] = first;
        else out[o] = info.integer ? Math.round(sum / n) : sum / n;
        if (mask && n > 0) mask[o] = 255;
      }
    }
    return out;
  });
  return { width, height, bands, mask };
}

/** The common case, every pixel valid: a plain 2x2 mean (rounded for integers), edges handled apart. */
function averageAllValid(src: SampleArray, sw: number, sh: number, out: SampleArray, width: number, height: number, integer: boolean): void {
  const fullRows = sh >> 1;
  const fullCols = sw >> 1;
  for (let y = 0; y < fullRows; y++) {
    let a = 2 * y * sw;
    let b = a + sw;
    let o = y * width;
    if (integer) {
      for (let x = 0; x < fullCols; x++, a += 2, b += 2) out[o++] = Math.round((src[a]! + src[a + 1]! + src[b]! + src[b + 1]!) / 4);
    } else {
      for (let x = 0; x < fullCols; x++, a += 2, b += 2) out[o++] = (src[a]! + src[a + 1]! + src[b]! + src[b + 1]!) / 4;
    }
  }
  // The last column and row when the source's size is odd.
  const edge = (x: number, y: number) => {
    let sum = 0;
    let n = 0;
    for (let dy = 0; dy < 2; dy++) {
      for (let dx = 0; dx < 2; dx++) {
        const sx = 2 * x + dx;
        const sy = 2 * y + dy;
        if (sx < sw && sy < sh) {
          sum += src[sy * sw + sx]!;
          n++;
        }
      }
    }
    out[y * width + x] = integer ? Math.round(sum / n) : sum / n;
  };
  if (fullCols < width) for (let y = 0; y < height; y++) edge(width - 1, y);
  if (fullRows < height) for (let x = 0; x < width; x++) edge(x, height - 1);
}
