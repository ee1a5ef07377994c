/**
 * Cuts a level into TIFF blocks: tiles (padded to full size at the right and bottom edges, as
 * TIFF requires) or strips (the last one shorter), samples interleaved pixel by pixel
 * (PlanarConfiguration 1, GDAL's INTERLEAVE=PIXEL), in the machine's byte order.
 */
import type { SampleArray } from '../types.js';
import type { Level } from './overviews.js';
import type { SampleTypeInfo } from './sample-types.js';

export interface BlockGrid {
  /** Block size in pixels: the tile size, or (level width, rows per strip) for strips. */
  blockWidth: number;
  blockHeight: number;
  across: number;
  down: number;
}

export function blockGrid(width: number, height: number, blockWidth: number, blockHeight: number): BlockGrid {
  return { blockWidth, blockHeight, across: Math.ceil(width / blockWidth), down: Math.ceil(height / blockHeight) };
}

/**
 * The samples of block (bx, by): blockWidth * rows * bands, rows being blockHeight for tiles
 * and what is left of the image for the last strip. `fill` pads tiles past the image's edges.
 */
export function extractBlock(level: Level, grid: BlockGrid, bx: number, by: number, info: SampleTypeInfo, tiles: boolean, fill: number): SampleArray {
  const spp = level.bands.length;
  const x0 = bx * grid.blockWidth;
  const y0 = by * grid.blockHeight;
  const cols = Math.min(grid.blockWidth, level.width - x0);
  const rows = Math.min(grid.blockHeight, level.height - y0);
  const outRows = tiles ? grid.blockHeight : rows;
  const out = new info.array(grid.blockWidth * outRows * spp);
  if (fill !== 0 && (cols < grid.blockWidth || rows < outRows)) out.fill(fill);
  if (spp === 1) {
    const band = level.bands[0]!;
    for (let r = 0; r < rows; r++) {
      const from = (y0 + r) * level.width + x0;
      out.set(band.subarray(from, from + cols), r * grid.blockWidth);
    }
    return out;
  }
  for (let b = 0; b < spp; b++) {
    const band = level.bands[b]!;
    for (let r = 0; r < rows; r++) {
      const from = (y0 + r) * level.width + x0;
      let o = r * grid.blockWidth * spp + b;
      for (let c = 0; c < cols; c++, o += spp) out[o] = band[from + c]!;
    }
  }
  return out;
}

/**
 * extractBlock for 1-byte samples (uint8, int8) with the horizontal predictor fused in when
 * `difference`: the bytes extractBlock then horizontalDifference give, in one pass over the
 * bands with no typed-array type changing under the loop. Differences run over whole block
 * rows, padding included. `into`, when at least the block's size, receives them (every byte
 * written) and is returned as a view.
 */
export function byteBlock(level: Level, grid: BlockGrid, bx: number, by: number, tiles: boolean, fill: number, difference: boolean, into?: Uint8Array): Uint8Array {
  const spp = level.bands.length;
  const bw = grid.blockWidth;
  const x0 = bx * bw;
  const y0 = by * grid.blockHeight;
  const cols = Math.min(bw, level.width - x0);
  const rows = Math.min(grid.blockHeight, level.height - y0);
  const outRows = tiles ? grid.blockHeight : rows;
  const size = bw * outRows * spp;
  const out = into && into.length >= size ? into.subarray(0, size) : new Uint8Array(size);
  const pad = fill & 0xff;
  const rowBytes = bw * spp;
  if (spp === 3) {
    rgbRows(level, x0, y0, cols, rows, outRows, rowBytes, pad, difference, out);
    return out;
  }
  for (let b = 0; b < spp; b++) {
    const band = level.bands[b]!;
    const src = band instanceof Uint8Array ? band : new Uint8Array(band.buffer, band.byteOffset, band.length);
    for (let r = 0; r < rows; r++) {
      const from = (y0 + r) * level.width + x0;
      let o = r * rowBytes + b;
      if (difference) {
        let previous = 0;
        for (let c = 0; c < cols; c++, o += spp) {
          const v = src[from + c]!;
          out[o] = v - previous;
          previous = v;
        }
        if (cols < bw) {
          out[o] = pad - previous;
          for (o += spp; o < (r + 1) * rowBytes; o += spp) out[o] = 0;
        }
      } else {
        for (let c = 0; c < cols; c++, o += spp) out[o] = src[from + c]!;
        for (; o < (r + 1) * rowBytes; o += spp) out[o] = pad;
      }
    }
    // Rows past the image's bottom (tiles): all padding.
    for (let r = rows; r < outRows; r++) {
      let o = r * rowBytes + b;
      out[o] = pad;
      for (o += spp; o < (r + 1) * rowBytes; o += spp) out[o] = difference ? 0 : pad;
    }
  }
  return out;
}

const bytesOf = (band: Level['bands'][number]) => (band instanceof Uint8Array ? band : new Uint8Array(band.buffer, band.byteOffset, band.length));

/** byteBlock's rows for three bands (RGB), a pixel at a time: each output byte written once, in order. */
function rgbRows(level: Level, x0: number, y0: number, cols: number, rows: number, outRows: number, rowBytes: number, pad: number, difference: boolean, out: Uint8Array): void {
  const s0 = bytesOf(level.bands[0]!);
  const s1 = bytesOf(level.bands[1]!);
  const s2 = bytesOf(level.bands[2]!);
  for (let r = 0; r < outRows; r++) {
    let o = r * rowBytes;
    const end = o + rowBytes;
    let q0 = 0;
    let q1 = 0;
    let q2 = 0;
    if (r < rows) {
      let f = (y0 + r) * level.width + x0;
      const last = f + cols;
      if (difference) {
        for (; f < last; f++, o += 3) {
          const v0 = s0[f]!;
          const v1 = s1[f]!;
          const v2 = s2[f]!;
          out[o] = v0 - q0;
          out[o + 1] = v1 - q1;
          out[o + 2] = v2 - q2;
          q0 = v0;
          q1 = v1;
          q2 = v2;
        }
      } else {
        for (; f < last; f++, o += 3) {
          out[o] = s0[f]!;
          out[o + 1] = s1[f]!;
          out[o + 2] = s2[f]!;
        }
      }
    }
    // Padding past the right edge, or a whole row past the bottom: the fill, differenced.
    if (o < end) {
      if (difference) {
        out[o] = pad - q0;
        out[o + 1] = pad - q1;
        out[o + 2] = pad - q2;
        out.fill(0, o + 3, end);
      } else out.fill(pad, o, end);
    }
  }
}
