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
