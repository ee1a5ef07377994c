/**
 * The grid a WCS 1.0 or 1.1 GetCoverage asks for, as the engine's target grid (x/y order,
 * geotransform of cell corners). Pure geometry, no pixels.
 *
 * - WCS 1.0.0 (§6.3.2): BBOX gives the outer edges of the result in CRS; WIDTH/HEIGHT its size
 *   in cells, or RESX/RESY its cell size, in RESPONSE_CRS (the box is transformed there when the
 *   two differ). Without either, the native cell size (or, in another CRS, the one keeping the
 *   native cell count along the diagonal).
 * - WCS 1.1 (§10.3.3 and the GridCRS of Annex E): BOUNDINGBOX bounds the grid points (cell
 *   centres) of the result; the grid is GridBaseCRS (default: the native CRS), GridOrigin (a grid
 *   point) and GridOffsets (the step along each axis; 2dSimpleGrid: one per CRS axis;
 *   2dGridIn2dCrs: two vectors, which must not rotate or skew the grid). Without them the native
 *   grid itself, so a bounding box cuts an exact window of the source.
 * A grid that matches the native one to within rounding is snapped onto it, so the engine reads
 * the source cells exactly (its copy path).
 */
import { transformBbox, type CrsDefinition } from '../../../core/ows/index.js';
import type { Bbox, CoverageDescription, Grid } from '../../coverages/types.js';
import { crsDefinition } from '../axes.js';

export type Fail = (locator: string, message: string) => never;

/** The coverage's extent in a CRS (x/y). */
export function extentIn(d: CoverageDescription, crs: CrsDefinition, fail: Fail, locator: string): Bbox {
  const native = crsDefinition(d.grid.crs);
  if (crs.id === native.id) return d.bbox;
  try {
    return transformBbox(d.bbox, native, crs);
  } catch {
    fail(locator, `${d.id} has no extent in ${crs.id}`);
  }
}

function boxesMeet(a: Bbox, b: Bbox): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

/** Cell size in another CRS keeping the native cell count along the diagonal (GDALSuggestedWarpOutput's rule). */
function suggestedCellSize(d: CoverageDescription, extent: Bbox): number {
  return Math.hypot(extent[2] - extent[0], extent[3] - extent[1]) / Math.hypot(d.grid.width, d.grid.height);
}

/** A grid equal to the native one but for rounding is given the native numbers. */
export function snapToNative(grid: Grid, d: CoverageDescription): Grid {
  if (crsDefinition(grid.crs).id !== crsDefinition(d.grid.crs).id) return grid;
  const [n0, n1, n2, n3, n4, n5] = d.grid.transform;
  const [t0, t1, , t3, , t5] = grid.transform;
  if (n2 !== 0 || n4 !== 0) return grid;
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.abs(b);
  if (!near(t1, n1) || !near(t5, n5)) return grid;
  const col = (t0 - n0) / n1;
  const row = (t3 - n3) / n5;
  if (Math.abs(col - Math.round(col)) > 1e-6 || Math.abs(row - Math.round(row)) > 1e-6) return grid;
  return { ...grid, transform: [n0 + Math.round(col) * n1, n1, 0, n3 + Math.round(row) * n5, 0, n5] };
}

export interface Grid10Request {
  /** CRS of BBOX. */
  crs: CrsDefinition;
  /** CRS of the result (RESPONSE_CRS, default CRS). */
  responseCrs: CrsDefinition;
  /** Outer edges in `crs`, x/y; undefined for the whole coverage. */
  bbox?: Bbox;
  width?: number;
  height?: number;
  resx?: number;
  resy?: number;
}

/** WCS 1.0.0: the result's grid (see above). */
export function grid10(d: CoverageDescription, r: Grid10Request, fail: Fail): Grid {
  const extent = extentIn(d, r.responseCrs, fail, 'RESPONSE_CRS');
  let box: Bbox = extent;
  if (r.bbox) {
    box = r.crs.id === r.responseCrs.id ? r.bbox : transformBbox(r.bbox, r.crs, r.responseCrs, { locator: 'BBOX' });
    if (!boxesMeet(box, extent)) fail('BBOX', `BBOX ${r.bbox.join(',')} does not meet the extent of ${d.id}`);
  }
  const spanX = box[2] - box[0];
  const spanY = box[3] - box[1];
  let width: number;
  let height: number;
  if (r.width !== undefined && r.height !== undefined) {
    width = r.width;
    height = r.height;
  } else if (r.resx !== undefined && r.resy !== undefined) {
    width = Math.max(1, Math.round(spanX / r.resx));
    height = Math.max(1, Math.round(spanY / r.resy));
  } else {
    const native = crsDefinition(d.grid.crs).id === r.responseCrs.id;
    const sx = native ? Math.abs(d.grid.transform[1]) : suggestedCellSize(d, extent);
    const sy = native ? Math.abs(d.grid.transform[5]) : sx;
    width = Math.max(1, Math.round(spanX / sx));
    height = Math.max(1, Math.round(spanY / sy));
  }
  const grid: Grid = { crs: r.responseCrs.id, width, height, transform: [box[0], spanX / width, 0, box[3], 0, -spanY / height] };
  return snapToNative(grid, d);
}

/** The steps of a WCS 1.1 grid in x/y order; negative dy means rows run south (the usual case). */
export interface GridSteps {
  dx: number;
  dy: number;
}

export interface Grid11Request {
  /** CRS of BOUNDINGBOX. */
  bboxCrs: CrsDefinition;
  /** Grid point extent in `bboxCrs`, x/y. */
  bbox: Bbox;
  /** GridBaseCRS (default: native). */
  gridBaseCrs?: CrsDefinition;
  /** GridOrigin, x/y in the grid base CRS. */
  origin?: [number, number];
  offsets?: GridSteps;
}

/** Grid points origin + k·step inside [lo, hi] (edges within a millionth of a step count as inside). */
function pointsAlong(origin: number, step: number, lo: number, hi: number): { first: number; count: number } | undefined {
  const a = (lo - origin) / step;
  const b = (hi - origin) / step;
  const kmin = Math.ceil(Math.min(a, b) - 1e-6);
  const kmax = Math.floor(Math.max(a, b) + 1e-6);
  if (kmax < kmin) return undefined;
  const ends = [origin + kmin * step, origin + kmax * step];
  return { first: Math.min(...ends), count: kmax - kmin + 1 };
}

/** WCS 1.1: the result's grid (see above). */
export function grid11(d: CoverageDescription, r: Grid11Request, fail: Fail): Grid {
  const native = crsDefinition(d.grid.crs);
  const base = r.gridBaseCrs ?? native;
  const extent = extentIn(d, base, fail, 'GridBaseCRS');
  const box = r.bboxCrs.id === base.id ? r.bbox : transformBbox(r.bbox, r.bboxCrs, base, { locator: 'BoundingBox' });
  if (!boxesMeet([box[0] - 1e-9, box[1] - 1e-9, box[2] + 1e-9, box[3] + 1e-9], extent)) {
    fail('BoundingBox', `BOUNDINGBOX ${r.bbox.join(',')} does not meet the extent of ${d.id}`);
  }
  const onNative = base.id === native.id;
  const [n0, n1, , n3, , n5] = d.grid.transform;
  let steps = r.offsets;
  if (!steps) {
    const size = suggestedCellSize(d, extent);
    steps = onNative ? { dx: n1, dy: n5 } : { dx: size, dy: -size };
  }
  if (steps.dx === 0 || steps.dy === 0) fail('GridOffsets', 'GridOffsets must not be zero');
  // Without GridOrigin: the native grid's own points when the grid is the native one, else the box's upper-left corner.
  const origin = r.origin ?? (onNative && !r.offsets ? [n0 + n1 / 2, n3 + n5 / 2] : [box[0], steps.dy < 0 ? box[3] : box[1]]);
  const xs = pointsAlong(origin[0], steps.dx, box[0], box[2]);
  const ys = pointsAlong(origin[1], steps.dy, box[1], box[3]);
  if (!xs || !ys) fail('BoundingBox', `BOUNDINGBOX ${r.bbox.join(',')} holds no point of the requested grid`);
  const sx = Math.abs(steps.dx);
  const sy = Math.abs(steps.dy);
  const grid: Grid = {
    crs: base.id,
    width: xs.count,
    height: ys.count,
    transform: [xs.first - sx / 2, sx, 0, ys.first + (ys.count - 1) * sy + sy / 2, 0, -sy],
  };
  return snapToNative(grid, d);
}

export interface CellLimits {
  maxCells: number;
  maxWidth: number;
  maxHeight: number;
}

/** The engine's limits, checked before any pixel is read (the same rule as WCS 2.0's plan.ts). */
export function checkGridLimits(grid: Grid, bandCount: number, limits: CellLimits, fail: Fail, locator: string): void {
  const cells = grid.width * grid.height * bandCount;
  if (cells > limits.maxCells || grid.width > limits.maxWidth || grid.height > limits.maxHeight) {
    fail(
      locator,
      `The result would be ${grid.width} x ${grid.height} cells x ${bandCount} bands (${cells} cells); this service returns at most ${limits.maxCells} cells and ${limits.maxWidth} x ${limits.maxHeight}. Ask for a smaller area or a coarser grid.`,
    );
  }
}
