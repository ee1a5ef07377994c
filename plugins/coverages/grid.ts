/** Grid arithmetic the engine shares: extents, CRS:84 boxes, pixel sizes on the ground. */
import { lookupCrs, transformBbox } from '../../core/ows/index.js';
import { CoverageError } from './errors.js';
import type { Bbox, GeoTransform, Grid } from './types.js';

/** The extent of a grid in its CRS (all four corners, so rotated grids are covered). */
export function gridBbox(grid: { width: number; height: number; transform: GeoTransform }): Bbox {
  const t = grid.transform;
  const xs = [0, grid.width].flatMap((c) => [0, grid.height].map((r) => t[0] + c * t[1] + r * t[2]));
  const ys = [0, grid.width].flatMap((c) => [0, grid.height].map((r) => t[3] + c * t[4] + r * t[5]));
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

export function toCrs84(bbox: Bbox, crs: string): Bbox | undefined {
  if (crs === 'CRS:84' || crs === 'OGC:CRS84') return bbox;
  try {
    return transformBbox(bbox, crs, 'OGC:CRS84');
  } catch {
    return undefined;
  }
}

export function fromCrs84(bbox: Bbox, crs: string): Bbox | undefined {
  if (crs === 'CRS:84' || crs === 'OGC:CRS84') return bbox;
  try {
    return transformBbox(bbox, 'OGC:CRS84', crs);
  } catch {
    return undefined;
  }
}

export function intersects(a: Bbox, b: Bbox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** True when box a lies inside box b. */
export function within(a: Bbox, b: Bbox): boolean {
  return a[0] >= b[0] && a[1] >= b[1] && a[2] <= b[2] && a[3] <= b[3];
}

export function union(a: Bbox | undefined, b: Bbox): Bbox {
  return a ? [Math.min(a[0], b[0]), Math.min(a[1], b[1]), Math.max(a[2], b[2]), Math.max(a[3], b[3])] : [...b];
}

export function isGeographic(crs: string): boolean {
  const kind = lookupCrs(crs)?.crs.kind;
  return kind === 'geographic' || kind === 'geographic-3d';
}

/** Ground size of a target pixel in metres (degrees converted at the grid's centre latitude). */
export function pixelSizeMetres(grid: Grid): [number, number] {
  const dx = Math.hypot(grid.transform[1], grid.transform[4]);
  const dy = Math.hypot(grid.transform[2], grid.transform[5]);
  if (!isGeographic(grid.crs)) return [dx, dy];
  const [, miny, , maxy] = gridBbox(grid);
  const lat = ((miny + maxy) / 2) * (Math.PI / 180);
  return [dx * 111_320 * Math.max(0.01, Math.cos(lat)), dy * 110_540];
}

/** Refuses a target grid the engine cannot fill: bad sizes, a CRS proj4 cannot transform. */
export function checkTarget(grid: Grid, limits: { maxWidth: number; maxHeight: number; maxCells: number }, bands: number): void {
  const { width, height, transform } = grid;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new CoverageError('InvalidGrid', `the output grid must have a positive whole width and height (got ${width}x${height})`);
  if (!transform.every(Number.isFinite) || transform[1] * transform[5] - transform[2] * transform[4] === 0) throw new CoverageError('InvalidGrid', 'the output grid has an empty or invalid extent');
  if (width > limits.maxWidth || height > limits.maxHeight) throw new CoverageError('TooLarge', `the output is ${width}x${height} pixels; at most ${limits.maxWidth}x${limits.maxHeight} are served`);
  if (width * height * Math.max(1, bands) > limits.maxCells) throw new CoverageError('TooLarge', `the output would have ${width * height * Math.max(1, bands)} cells; at most ${limits.maxCells} are served`);
  const crs = lookupCrs(grid.crs)?.crs;
  if (!crs || !crs.proj4) throw new CoverageError('InvalidCrs', `CRS ${grid.crs} cannot be used for output`);
}
