/**
 * The resampling kernels: fill target pixels from a source window given each pixel's source
 * coordinates (continuous level pixels; from a PixelMapping strip). They write only pixels the
 * output mask still has at 0, so sources drawn top-first are never overdrawn, and they return
 * how many pixels they filled.
 *
 * Validity follows nearest neighbour: a target pixel has data when the source pixel under its
 * centre has data. Bilinear weights are renormalised over the valid neighbours within the
 * window (the pixel under the centre is one of them, with weight >= 1/4). Cubic (Keys, a = -0.5,
 * GDAL's 'cubic') needs its whole 4x4 footprint valid and inside the window; elsewhere it falls
 * back to that renormalised bilinear, as GDAL does at the source's edges.
 *
 * Inner loops are plain indexed loops over typed arrays: no closures or allocations per pixel.
 * Each kernel makes two passes over a strip: positions and weights once, then one loop per band.
 */
import type { SampleArray } from '../types.js';
import type { SampleRange } from './samples.js';

/** A window read from one source level, at (x, y) in that level. */
export interface WindowSamples {
  x: number;
  y: number;
  width: number;
  height: number;
  bands: SampleArray[];
  /** 0 where a pixel has no data; undefined when every pixel has data. */
  mask: Uint8Array | undefined;
}

/** The raster being filled. */
export interface OutputSamples {
  bands: SampleArray[];
  mask: Uint8Array;
  range: SampleRange;
  /** Source values fit the output type unchanged (no rounding or clamping needed). */
  exact: boolean;
}

const NEAREST_EPSILON = 1e-10;

/** Source pixel index per target pixel of the strip (-1: nothing to write); returns the count set. */
function nearestIndexes(win: WindowSamples, out: OutputSamples, sx: Float64Array, sy: Float64Array, count: number, offset: number, idx: Int32Array): number {
  const ww = win.width;
  const wh = win.height;
  const wx = win.x - NEAREST_EPSILON;
  const wy = win.y - NEAREST_EPSILON;
  const mask = win.mask;
  const outMask = out.mask;
  let filled = 0;
  for (let p = 0; p < count; p++) {
    idx[p] = -1;
    if (outMask[offset + p] !== 0) continue;
    const ix = Math.floor(sx[p]! - wx);
    const iy = Math.floor(sy[p]! - wy);
    // NaN coordinates fail these comparisons too.
    if (!(ix >= 0 && ix < ww && iy >= 0 && iy < wh)) continue;
    const k = iy * ww + ix;
    if (mask !== undefined && mask[k] === 0) continue;
    idx[p] = k;
    outMask[offset + p] = 255;
    filled++;
  }
  return filled;
}

/** Copies the indexed source samples into the output, band by band. */
export function gatherIndexed(win: WindowSamples, out: OutputSamples, count: number, offset: number, idx: Int32Array): void {
  const { integer, min, max } = out.range;
  for (let b = 0; b < out.bands.length; b++) {
    const src = win.bands[b]!;
    const dst = out.bands[b]!;
    if (out.exact) {
      for (let p = 0; p < count; p++) {
        const k = idx[p]!;
        if (k >= 0) dst[offset + p] = src[k]!;
      }
    } else {
      for (let p = 0; p < count; p++) {
        const k = idx[p]!;
        if (k < 0) continue;
        let v = src[k]!;
        if (integer) {
          v = Math.round(v);
          v = v < min ? min : v > max ? max : v;
        }
        dst[offset + p] = v;
      }
    }
  }
}

export function resampleNearest(win: WindowSamples, out: OutputSamples, sx: Float64Array, sy: Float64Array, count: number, offset: number, idx: Int32Array): number {
  const filled = nearestIndexes(win, out, sx, sy, count, offset, idx);
  if (filled > 0) gatherIndexed(win, out, count, offset, idx);
  return filled;
}

/**
 * Nearest neighbour when the map is a scale and shift per axis (same CRS, no rotation): the
 * source column of each target column and the source row of each target row are computed once.
 * `cols[i]` / `rows[j]` are window columns / rows, -1 outside the window.
 */
export function resampleNearestSeparable(win: WindowSamples, out: OutputSamples, cols: Int32Array, rows: Int32Array, width: number, row0: number, row1: number, idx: Int32Array): number {
  const ww = win.width;
  const mask = win.mask;
  const outMask = out.mask;
  const offset = row0 * width;
  let filled = 0;
  let p = 0;
  for (let j = row0; j < row1; j++) {
    const r = rows[j]!;
    if (r < 0) {
      idx.fill(-1, p, p + width);
      p += width;
      continue;
    }
    const base = r * ww;
    for (let i = 0; i < width; i++, p++) {
      const c = cols[i]!;
      idx[p] = -1;
      if (c < 0 || outMask[offset + p] !== 0) continue;
      const k = base + c;
      if (mask !== undefined && mask[k] === 0) continue;
      idx[p] = k;
      outMask[offset + p] = 255;
      filled++;
    }
  }
  if (filled > 0) gatherIndexed(win, out, p, offset, idx);
  return filled;
}

/** Bilinear over the valid neighbours among the 2x2 around (u, v) (window pixel-centre coordinates). */
function bilinearPartial(win: WindowSamples, out: OutputSamples, u: number, v: number, o: number): void {
  const ww = win.width;
  const wh = win.height;
  const mask = win.mask;
  const x0 = Math.floor(u);
  const y0 = Math.floor(v);
  const ax = u - x0;
  const ay = v - y0;
  let w00 = (1 - ax) * (1 - ay);
  let w10 = ax * (1 - ay);
  let w01 = (1 - ax) * ay;
  let w11 = ax * ay;
  const inX0 = x0 >= 0 && x0 < ww;
  const inX1 = x0 + 1 >= 0 && x0 + 1 < ww;
  const inY0 = y0 >= 0 && y0 < wh;
  const inY1 = y0 + 1 >= 0 && y0 + 1 < wh;
  const k00 = y0 * ww + x0;
  const k01 = k00 + ww;
  if (!(inX0 && inY0) || (mask !== undefined && mask[k00] === 0)) w00 = 0;
  if (!(inX1 && inY0) || (mask !== undefined && mask[k00 + 1] === 0)) w10 = 0;
  if (!(inX0 && inY1) || (mask !== undefined && mask[k01] === 0)) w01 = 0;
  if (!(inX1 && inY1) || (mask !== undefined && mask[k01 + 1] === 0)) w11 = 0;
  const norm = 1 / (w00 + w10 + w01 + w11);
  w00 *= norm;
  w10 *= norm;
  w01 *= norm;
  w11 *= norm;
  const { integer, min, max } = out.range;
  for (let b = 0; b < out.bands.length; b++) {
    const src = win.bands[b]!;
    let value = 0;
    if (w00 !== 0) value += w00 * src[k00]!;
    if (w10 !== 0) value += w10 * src[k00 + 1]!;
    if (w01 !== 0) value += w01 * src[k01]!;
    if (w11 !== 0) value += w11 * src[k01 + 1]!;
    if (integer) {
      value = Math.round(value);
      value = value < min ? min : value > max ? max : value;
    }
    out.bands[b]![o] = value;
  }
}

/**
 * Per-strip scratch of the two-pass kernels: the first pass finds each pixel's source index and
 * weights once, the second runs one tight loop per band (monomorphic array accesses, no
 * per-band recomputation of weights).
 */
export class KernelScratch {
  idx = new Int32Array(0);
  /** Bilinear: x and y fractions per pixel. Cubic: 8 weights per pixel (x then y). */
  weights = new Float64Array(0);

  /** Room for `count` indexes and, when a kernel uses them, `weightsPerPixel` weights each (nearest: none). */
  ensure(count: number, weightsPerPixel = 0): void {
    if (this.idx.length < count) this.idx = new Int32Array(count);
    if (this.weights.length < count * weightsPerPixel) this.weights = new Float64Array(count * weightsPerPixel);
  }
}

export function resampleBilinear(win: WindowSamples, out: OutputSamples, sx: Float64Array, sy: Float64Array, count: number, offset: number, scratch: KernelScratch): number {
  scratch.ensure(count, 2);
  const { idx, weights } = scratch;
  const ww = win.width;
  const wh = win.height;
  const mask = win.mask;
  const outMask = out.mask;
  // Window pixel-centre coordinates: u = sx - x - 0.5.
  const cx = win.x + 0.5;
  const cy = win.y + 0.5;
  let filled = 0;
  let full = 0;
  for (let p = 0; p < count; p++) {
    idx[p] = -1;
    const o = offset + p;
    if (outMask[o] !== 0) continue;
    const u = sx[p]! - cx;
    const v = sy[p]! - cy;
    const nx = Math.floor(u + 0.5 + NEAREST_EPSILON);
    const ny = Math.floor(v + 0.5 + NEAREST_EPSILON);
    if (!(nx >= 0 && nx < ww && ny >= 0 && ny < wh)) continue;
    if (mask !== undefined && mask[ny * ww + nx] === 0) continue;
    outMask[o] = 255;
    filled++;
    const x0 = Math.floor(u);
    const y0 = Math.floor(v);
    const k00 = y0 * ww + x0;
    if (x0 < 0 || x0 + 1 >= ww || y0 < 0 || y0 + 1 >= wh
      || (mask !== undefined && (mask[k00] === 0 || mask[k00 + 1] === 0 || mask[k00 + ww] === 0 || mask[k00 + ww + 1] === 0))) {
      bilinearPartial(win, out, u, v, o);
      continue;
    }
    idx[p] = k00;
    weights[2 * p] = u - x0;
    weights[2 * p + 1] = v - y0;
    full++;
  }
  if (full === 0) return filled;
  const { integer, min, max } = out.range;
  for (let b = 0; b < out.bands.length; b++) {
    const src = win.bands[b]!;
    const dst = out.bands[b]!;
    for (let p = 0; p < count; p++) {
      const k = idx[p]!;
      if (k < 0) continue;
      const ax = weights[2 * p]!;
      const ay = weights[2 * p + 1]!;
      const a = src[k]!;
      const c = src[k + ww]!;
      const top = a + ax * (src[k + 1]! - a);
      const bottom = c + ax * (src[k + ww + 1]! - c);
      let value = top + ay * (bottom - top);
      if (integer) {
        value = Math.round(value);
        value = value < min ? min : value > max ? max : value;
      }
      dst[offset + p] = value;
    }
  }
  return filled;
}

export function resampleCubic(win: WindowSamples, out: OutputSamples, sx: Float64Array, sy: Float64Array, count: number, offset: number, scratch: KernelScratch): number {
  scratch.ensure(count, 8);
  const { idx, weights } = scratch;
  const ww = win.width;
  const wh = win.height;
  const mask = win.mask;
  const outMask = out.mask;
  const cx = win.x + 0.5;
  const cy = win.y + 0.5;
  let filled = 0;
  let full = 0;
  for (let p = 0; p < count; p++) {
    idx[p] = -1;
    const o = offset + p;
    if (outMask[o] !== 0) continue;
    const u = sx[p]! - cx;
    const v = sy[p]! - cy;
    const nx = Math.floor(u + 0.5 + NEAREST_EPSILON);
    const ny = Math.floor(v + 0.5 + NEAREST_EPSILON);
    if (!(nx >= 0 && nx < ww && ny >= 0 && ny < wh)) continue;
    if (mask !== undefined && mask[ny * ww + nx] === 0) continue;
    outMask[o] = 255;
    filled++;
    const x1 = Math.floor(u);
    const y1 = Math.floor(v);
    if (x1 < 1 || x1 + 2 >= ww || y1 < 1 || y1 + 2 >= wh) {
      bilinearPartial(win, out, u, v, o);
      continue;
    }
    const k0 = (y1 - 1) * ww + (x1 - 1);
    if (mask !== undefined) {
      let all = true;
      for (let r = 0, k = k0; r < 4 && all; r++, k += ww) {
        all = mask[k] !== 0 && mask[k + 1] !== 0 && mask[k + 2] !== 0 && mask[k + 3] !== 0;
      }
      if (!all) {
        bilinearPartial(win, out, u, v, o);
        continue;
      }
    }
    idx[p] = k0;
    // Keys cubic convolution, a = -0.5 (Catmull-Rom): weights of the pixels at -1, 0, 1, 2.
    const ax = u - x1;
    const ax2 = ax * ax;
    const ax3 = ax2 * ax;
    const ay = v - y1;
    const ay2 = ay * ay;
    const ay3 = ay2 * ay;
    const w = 8 * p;
    weights[w] = 0.5 * (-ax3 + 2 * ax2 - ax);
    weights[w + 1] = 0.5 * (3 * ax3 - 5 * ax2 + 2);
    weights[w + 2] = 0.5 * (-3 * ax3 + 4 * ax2 + ax);
    weights[w + 3] = 0.5 * (ax3 - ax2);
    weights[w + 4] = 0.5 * (-ay3 + 2 * ay2 - ay);
    weights[w + 5] = 0.5 * (3 * ay3 - 5 * ay2 + 2);
    weights[w + 6] = 0.5 * (-3 * ay3 + 4 * ay2 + ay);
    weights[w + 7] = 0.5 * (ay3 - ay2);
    full++;
  }
  if (full === 0) return filled;
  const { integer, min, max } = out.range;
  for (let b = 0; b < out.bands.length; b++) {
    const src = win.bands[b]!;
    const dst = out.bands[b]!;
    for (let p = 0; p < count; p++) {
      let k = idx[p]!;
      if (k < 0) continue;
      const w = 8 * p;
      const wx0 = weights[w]!, wx1 = weights[w + 1]!, wx2 = weights[w + 2]!, wx3 = weights[w + 3]!;
      const r0 = wx0 * src[k]! + wx1 * src[k + 1]! + wx2 * src[k + 2]! + wx3 * src[k + 3]!;
      k += ww;
      const r1 = wx0 * src[k]! + wx1 * src[k + 1]! + wx2 * src[k + 2]! + wx3 * src[k + 3]!;
      k += ww;
      const r2 = wx0 * src[k]! + wx1 * src[k + 1]! + wx2 * src[k + 2]! + wx3 * src[k + 3]!;
      k += ww;
      const r3 = wx0 * src[k]! + wx1 * src[k + 1]! + wx2 * src[k + 2]! + wx3 * src[k + 3]!;
      let value = weights[w + 4]! * r0 + weights[w + 5]! * r1 + weights[w + 6]! * r2 + weights[w + 7]! * r3;
      if (integer) {
        value = Math.round(value);
        value = value < min ? min : value > max ? max : value;
      }
      dst[offset + p] = value;
    }
  }
  return filled;
}
