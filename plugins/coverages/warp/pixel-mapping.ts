/**
 * Where each target pixel's centre falls in a source level, in that level's continuous pixel
 * coordinates (pixel k spans [k, k+1), its centre is k + 0.5). The kernels read coordinates a
 * strip of rows at a time from a PixelMapping, so no whole-image coordinate buffer exists.
 */
import type { Affine } from './affine.js';

/** [minx, miny, maxx, maxy] in source pixel coordinates. */
export type PixelBounds = [number, number, number, number];

export interface PixelMapping {
  readonly width: number;
  readonly height: number;
  /** Strip s holds target rows [stripStarts[s], stripStarts[s + 1]). */
  readonly stripStarts: Int32Array;
  /** The most rows any strip holds (size of the coordinate buffers: width * maxStripRows). */
  readonly maxStripRows: number;
  /**
   * Writes the source coordinates of strip s's pixels, row-major from its first row, into x and
   * y; NaN where a target pixel has no source position (outside the projection's domain).
   */
  fillStrip(strip: number, x: Float64Array, y: Float64Array): void;
  /** The extent of every coordinate the mapping gives, or undefined when none is finite. */
  bounds(): PixelBounds | undefined;
  /** True when every target pixel maps inside [0, width) x [0, height) (a level of that size covers the whole target). */
  coveredBy(width: number, height: number): boolean;
}

/** Whether every point of a box lies in [0, width) x [0, height). */
export function boundsInside(b: PixelBounds | undefined, width: number, height: number): boolean {
  return b !== undefined && b[0] >= 0 && b[1] >= 0 && b[2] < width && b[3] < height;
}

const AFFINE_STRIP_ROWS = 64;

/** Target pixel → source pixel when both grids share a CRS: exact, no projection. */
export class AffinePixelMapping implements PixelMapping {
  readonly stripStarts: Int32Array;
  readonly maxStripRows: number;

  constructor(
    readonly width: number,
    readonly height: number,
    /** Target pixel index (i, j) → source coordinates of its centre. */
    readonly affine: Affine,
  ) {
    const strips = Math.ceil(height / AFFINE_STRIP_ROWS);
    this.stripStarts = new Int32Array(strips + 1);
    for (let s = 0; s <= strips; s++) this.stripStarts[s] = Math.min(height, s * AFFINE_STRIP_ROWS);
    this.maxStripRows = Math.min(height, AFFINE_STRIP_ROWS);
  }

  fillStrip(strip: number, x: Float64Array, y: Float64Array): void {
    const { x0, xa, xb, y0, ya, yb } = this.affine;
    const width = this.width;
    const row0 = this.stripStarts[strip]!;
    const row1 = this.stripStarts[strip + 1]!;
    let k = 0;
    for (let j = row0; j < row1; j++) {
      const rx = x0 + xb * j;
      const ry = y0 + yb * j;
      for (let i = 0; i < width; i++, k++) {
        x[k] = rx + xa * i;
        y[k] = ry + ya * i;
      }
    }
  }

  bounds(): PixelBounds | undefined {
    const { x0, xa, xb, y0, ya, yb } = this.affine;
    const iMax = this.width - 1;
    const jMax = this.height - 1;
    const xs = [x0, x0 + xa * iMax, x0 + xb * jMax, x0 + xa * iMax + xb * jMax];
    const ys = [y0, y0 + ya * iMax, y0 + yb * jMax, y0 + ya * iMax + yb * jMax];
    return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
  }

  coveredBy(width: number, height: number): boolean {
    return boundsInside(this.bounds(), width, height);
  }
}
