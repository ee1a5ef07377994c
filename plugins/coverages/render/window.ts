/**
 * Which input pixels become output pixels: the raster may carry `margin` extra pixels on every
 * side (read so that hillshade sees real neighbours at a tile's edge); the output leaves them out.
 */
export interface OutputWindow {
  inWidth: number;
  inHeight: number;
  margin: number;
  width: number;
  height: number;
}

export function outputWindow(width: number, height: number, margin: number): OutputWindow {
  if (!Number.isInteger(margin) || margin < 0 || 2 * margin >= width || 2 * margin >= height) {
    throw new Error(`margin ${margin} does not fit a ${width}x${height} raster`);
  }
  return { inWidth: width, inHeight: height, margin, width: width - 2 * margin, height: height - 2 * margin };
}
