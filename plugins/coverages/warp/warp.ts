/**
 * warp(): fills a target grid from raster sources. Per source: skip it when its footprint misses
 * the target; pick an overview (chooseLevel); map target pixel centres to that level's pixels
 * (an exact affine map when the CRSs agree, else the projected lattice); read the one window
 * those pixels need, plus the kernel's margin; resample. A grid aligned with the level's pixels
 * is a plain copy, so reading a coverage on its own grid gives exactly its values.
 *
 * Sources are given in drawing order (later on top) but drawn top-first, each filling only
 * pixels still empty, so the result is the same while sources hidden under full coverage are
 * never read. Up to READ_AHEAD reads run at once, except below a source whose footprint covers
 * the whole target: the next read waits until it is drawn (it may leave no pixel to fill).
 */
import { composeAffine, geoTransformAffine, invertAffine, isFiniteAffine, pixelCentreAffine, type Affine } from './affine.js';
import { chooseLevelIn } from './choose-level.js';
import { crsDefinition, sameCrs, transformInPlace } from './crs.js';
import { AffinePixelMapping, type PixelMapping } from './pixel-mapping.js';
import { ProjectedLattice, type LatticeOptions } from './projected-lattice.js';
import { KernelScratch, resampleBilinear, resampleCubic, resampleNearest, resampleNearestSeparable, type OutputSamples, type WindowSamples } from './resample.js';
import { allocateSamples, holdsExactly, pooledSamples, sampleRange, toSample } from './samples.js';
import type { CrsDefinition } from '../../../core/ows/index.js';
import { CoverageError, isCoverageError } from '../errors.js';
import { scratchBuffers, type BufferPool } from '../buffer-pool.js';
import type { PixelWindow, RasterSource } from '../raster-source.js';
import type { Bbox, Grid, Raster, Resampling, SampleType } from '../types.js';

export interface WarpOptions {
  /** Band indexes (0-based) of every source, in output order. */
  bands: number[];
  resampling: Resampling;
  sampleType: SampleType;
  /** Written where no source has data (0 when absent); rounded and clamped to the sample type. */
  nodata?: number;
  /** Largest window, in pixels, read from one source (2^26 by default); more is a TooLarge error. */
  maxSourcePixels?: number;
  lattice?: LatticeOptions;
  /**
   * The output's bands and mask view buffers taken from this pool (a caller that consumes the
   * raster and gives them back: the worker's map rendering). Absent: arrays of their own, as
   * a read that leaves the thread needs. A window adopted as the output is never pooled.
   */
  pool?: BufferPool;
}

const READ_AHEAD = 4;
const DEFAULT_MAX_SOURCE_PIXELS = 1 << 26;
/** Pixel sizes equal within this relative difference, and offsets within ALIGN_OFFSET pixels of an integer, make a copy. */
const ALIGN_SCALE = 1e-9;
const ALIGN_OFFSET = 1e-6;
/**
 * A kernel's reach around the coordinates it is asked for: the window runs from
 * floor(min) - before to floor(max) + after (exclusive), in source pixels.
 */
const KERNEL_REACH: Record<Resampling, [number, number]> = { nearest: [0, 1], bilinear: [1, 2], cubic: [2, 4] };

interface PlanBase {
  source: RasterSource;
  level: number;
  /** What is read: the pixels needed, within the level. */
  window: PixelWindow;
  bands: number[];
  /** Every target pixel falls inside the level: sources below may be hidden, so none is read before this one is drawn. */
  coversTarget: boolean;
}
/** Target pixel (i, j) is level pixel (i + dx, j + dy). */
type CopyPlan = PlanBase & { kind: 'copy'; dx: number; dy: number };
/** `affine` is set when the mapping is a scale and shift per axis (nearest then needs no coordinates). */
type ResamplePlan = PlanBase & { kind: 'resample'; mapping: PixelMapping; affine?: Affine };
type Plan = CopyPlan | ResamplePlan;

export async function warp(sources: RasterSource[], target: Grid, options: WarpOptions): Promise<Raster> {
  const { width, height } = checkGrid(target);
  if (options.bands.length === 0) throw new CoverageError('NoSuchBand', 'No band was asked for');
  const targetCrs = crsDefinition(target.crs, 'target');
  const range = sampleRange(options.sampleType);
  const pixels = width * height;
  const fillValue = options.nodata === undefined ? 0 : toSample(options.nodata, range);
  // Allocated when the first source is drawn, unless that one's window is the whole target on
  // its own grid: its raster is then the output itself (no copy).
  let bands: Raster['bands'] | undefined;
  let mask: Uint8Array | undefined;
  const pool = options.pool;
  const allocate = () => {
    bands = options.bands.map(() => {
      if (pool) return pooledSamples(options.sampleType, pixels, pool).fill(fillValue);
      const samples = allocateSamples(options.sampleType, pixels);
      if (fillValue !== 0) samples.fill(fillValue);
      return samples;
    });
    mask = pool ? new Uint8Array(pool.take(pixels), 0, pixels).fill(0) : new Uint8Array(pixels);
  };
  const planner = new Planner(target, targetCrs, options);

  let covered = 0;
  let next = sources.length - 1;
  const queue: Array<{ plan: Plan; read: Promise<Raster> }> = [];
  let drawing: Plan | undefined;
  const blocked = () => drawing?.coversTarget === true || queue.some((q) => q.plan.coversTarget);
  const refill = () => {
    // Reads run ahead, but not past a source that may hide everything below it.
    while (queue.length < READ_AHEAD && next >= 0 && !blocked()) {
      const plan = planner.plan(sources[next--]!);
      if (!plan) continue;
      const read = readSource(plan, pool);
      read.catch(() => undefined); // awaited in turn; a read left behind must not be unhandled
      queue.push({ plan, read });
    }
  };
  refill();
  while (queue.length > 0 && covered < pixels) {
    const { plan, read } = queue.shift()!;
    drawing = plan;
    refill();
    const raster = await read;
    if (!bands && plan.kind === 'copy' && plan.coversTarget && raster.sampleType === options.sampleType) {
      checkWindow(raster, plan);
      const adopted = adoptWindow(raster, pixels, fillValue, pool);
      bands = raster.bands;
      mask = adopted.mask;
      covered += adopted.filled;
    } else {
      if (!bands) allocate();
      const out: OutputSamples = { bands: bands!, mask: mask!, range, exact: holdsExactly(options.sampleType, raster.sampleType) };
      if (plan.kind === 'copy') covered += drawCopy(plan, raster, out, width, covered === 0, fillValue);
      else {
        covered += drawResampled(plan, raster, out, options.resampling);
        for (const band of raster.bands) scratchBuffers.give(band.buffer as ArrayBuffer);
      }
      // A copied window (pooled when the output is) is drawn: its arrays are free again.
      if (plan.kind === 'copy' && pool) for (const band of raster.bands) pool.give(band.buffer as ArrayBuffer);
    }
    drawing = undefined;
    if (covered < pixels) refill();
  }
  if (!bands) allocate();
  return { width, height, sampleType: options.sampleType, bands: bands!, mask: mask!, ...(options.nodata === undefined ? {} : { nodata: fillValue }) };
}

/**
 * A window read for exactly the target's pixels, of the output's sample type, taken as the
 * output (the source made its arrays for this read alone): what drawCopy would write into
 * empty arrays, without the copy. Pixels its mask leaves out get the fill value.
 */
function adoptWindow(raster: Raster, pixels: number, fillValue: number, pool: BufferPool | undefined): { mask: Uint8Array; filled: number } {
  const source = raster.mask;
  const mask = pool ? new Uint8Array(pool.take(pixels), 0, pixels).fill(0) : new Uint8Array(pixels);
  if (source === undefined || source.indexOf(0) < 0) return { mask: mask.fill(255), filled: pixels };
  let filled = 0;
  for (let i = 0; i < pixels; i++) {
    if (source[i] !== 0) {
      mask[i] = 255;
      filled++;
    } else {
      for (const band of raster.bands) band[i] = fillValue;
    }
  }
  return { mask, filled };
}

function checkGrid(grid: Grid): { width: number; height: number } {
  const { width, height, transform } = grid;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new CoverageError('InvalidGrid', `A grid needs a positive whole width and height (got ${width} x ${height})`);
  }
  const affine = geoTransformAffine(transform);
  if (!isFiniteAffine(affine) || !invertAffine(affine)) throw new CoverageError('InvalidGrid', 'The grid\'s geotransform is not invertible');
  return { width, height };
}

async function readSource(plan: Plan, pool: BufferPool | undefined): Promise<Raster> {
  try {
    // A window to resample from dies once drawn: read into pooled buffers, given back then. A
    // copy's may become the output itself (adoptWindow): pooled only when the output is.
    return await plan.source.readWindow(plan.level, plan.window, plan.bands, plan.kind === 'resample' ? { pool: scratchBuffers } : pool ? { pool } : undefined);
  } catch (err) {
    if (isCoverageError(err)) throw err;
    throw new CoverageError('SourceUnreadable', `Cannot read ${plan.source.id}: ${(err as Error).message}`, { cause: err });
  }
}

/** Decides, per source, whether and how it is drawn; shares lattices and footprints between sources. */
class Planner {
  private readonly lattices = new Map<string, ProjectedLattice>();
  /** The target's extent in each source CRS (null: no part of it projects there). */
  private readonly extents = new Map<string, Bbox | null>();
  private readonly maxSourcePixels: number;

  constructor(
    private readonly target: Grid,
    private readonly targetCrs: CrsDefinition,
    private readonly options: WarpOptions,
  ) {
    this.maxSourcePixels = options.maxSourcePixels ?? DEFAULT_MAX_SOURCE_PIXELS;
  }

  plan(source: RasterSource): Plan | undefined {
    for (const b of this.options.bands) {
      if (!Number.isInteger(b) || b < 0 || b >= source.bands.length) {
        throw new CoverageError('NoSuchBand', `Band ${b} does not exist (the source has ${source.bands.length})`);
      }
    }
    const sourceCrs = crsDefinition(source.crs, 'source');
    const same = sameCrs(this.targetCrs, sourceCrs);
    if (!same && !this.mayIntersect(source, sourceCrs)) return undefined;
    const level = chooseLevelIn(source, this.target, this.targetCrs, sourceCrs);
    const levelGrid = source.levels[level] ?? { width: source.width, height: source.height, transform: source.transform };
    const toPixel = invertAffine(geoTransformAffine(levelGrid.transform));
    if (!toPixel) throw new CoverageError('SourceUnreadable', `The geotransform of ${source.id} (level ${level}) is not invertible`);
    const { width, height } = this.target;
    const bands = this.options.bands;

    let mapping: PixelMapping;
    let affine: Affine | undefined;
    if (same) {
      const a = composeAffine(toPixel, pixelCentreAffine(this.target.transform));
      const shift = alignedShift(a);
      if (shift) {
        const [dx, dy] = shift;
        const x0 = Math.max(0, dx), y0 = Math.max(0, dy);
        const x1 = Math.min(levelGrid.width, dx + width), y1 = Math.min(levelGrid.height, dy + height);
        if (x1 <= x0 || y1 <= y0) return undefined;
        const window = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
        const coversTarget = window.width === width && window.height === height;
        return { kind: 'copy', source, level, window, bands, dx, dy, coversTarget };
      }
      mapping = new AffinePixelMapping(width, height, a);
      if (a.xb === 0 && a.ya === 0) affine = a;
    } else {
      const key = `${sourceCrs.id}|${toPixel.xa}|${toPixel.xb}|${toPixel.ya}|${toPixel.yb}`;
      let lattice = this.lattices.get(key);
      if (!lattice) {
        lattice = ProjectedLattice.build(this.target, this.targetCrs, sourceCrs, toPixel, this.options.lattice);
        this.lattices.set(key, lattice);
      }
      mapping = lattice.view(toPixel);
    }
    const bounds = mapping.bounds();
    if (!bounds) return undefined;
    const [before, after] = KERNEL_REACH[this.options.resampling];
    // Clamp before flooring: coordinates far outside the level may be huge.
    const clampX = (v: number) => Math.min(Math.max(v, -4), levelGrid.width + 4);
    const clampY = (v: number) => Math.min(Math.max(v, -4), levelGrid.height + 4);
    const x0 = Math.max(0, Math.floor(clampX(bounds[0])) - before);
    const y0 = Math.max(0, Math.floor(clampY(bounds[1])) - before);
    const x1 = Math.min(levelGrid.width, Math.floor(clampX(bounds[2]) + 1e-10) + after);
    const y1 = Math.min(levelGrid.height, Math.floor(clampY(bounds[3]) + 1e-10) + after);
    if (x1 <= x0 || y1 <= y0) return undefined;
    const window = { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    if (window.width * window.height > this.maxSourcePixels) {
      throw new CoverageError('TooLarge', `Drawing this grid needs ${window.width} x ${window.height} pixels of ${source.id}, more than ${this.maxSourcePixels}`);
    }
    const coversTarget = mapping.coveredBy(levelGrid.width, levelGrid.height);
    return { kind: 'resample', source, level, window, bands, mapping, affine, coversTarget };
  }

  /** False when the target's extent, projected into the source CRS, misses the source's. */
  private mayIntersect(source: RasterSource, sourceCrs: CrsDefinition): boolean {
    let extent = this.extents.get(sourceCrs.id);
    if (extent === undefined) {
      extent = projectedExtent(gridBbox(this.target), this.targetCrs, sourceCrs);
      this.extents.set(sourceCrs.id, extent);
    }
    if (extent === null) return false;
    const box = gridBbox(source);
    return box[0] <= extent[2] && box[2] >= extent[0] && box[1] <= extent[3] && box[3] >= extent[1];
  }
}

/** The integer shift (dx, dy) when target pixels are the level's own pixels, else undefined. */
function alignedShift(a: Affine): [number, number] | undefined {
  if (Math.abs(a.xa - 1) > ALIGN_SCALE || Math.abs(a.yb - 1) > ALIGN_SCALE || Math.abs(a.xb) > ALIGN_SCALE || Math.abs(a.ya) > ALIGN_SCALE) return undefined;
  // a maps target pixel centres: the target's first pixel starts at (x0 - 0.5, y0 - 0.5).
  const ox = a.x0 - 0.5;
  const oy = a.y0 - 0.5;
  const dx = Math.round(ox);
  const dy = Math.round(oy);
  return Math.abs(ox - dx) <= ALIGN_OFFSET && Math.abs(oy - dy) <= ALIGN_OFFSET ? [dx, dy] : undefined;
}

function gridBbox(grid: { width: number; height: number; transform: Grid['transform'] }): Bbox {
  const t = grid.transform;
  const xs = [0, grid.width].flatMap((i) => [0, grid.height].map((j) => t[0] + i * t[1] + j * t[2]));
  const ys = [0, grid.width].flatMap((i) => [0, grid.height].map((j) => t[3] + i * t[4] + j * t[5]));
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/**
 * A box's extent in another CRS, from a 21 x 21 sample of it, widened by one sample interval
 * (what falls between samples); null when no sample projects.
 */
function projectedExtent(box: Bbox, from: CrsDefinition, to: CrsDefinition): Bbox | null {
  const n = 21;
  const xs = new Float64Array(n * n);
  const ys = new Float64Array(n * n);
  for (let b = 0; b < n; b++) {
    for (let a = 0; a < n; a++) {
      xs[b * n + a] = box[0] + ((box[2] - box[0]) * a) / (n - 1);
      ys[b * n + a] = box[1] + ((box[3] - box[1]) * b) / (n - 1);
    }
  }
  transformInPlace(xs, ys, n * n, from, to);
  let minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
  for (let k = 0; k < n * n; k++) {
    const x = xs[k]!, y = ys[k]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    minx = Math.min(minx, x);
    maxx = Math.max(maxx, x);
    miny = Math.min(miny, y);
    maxy = Math.max(maxy, y);
  }
  if (!Number.isFinite(minx)) return null;
  const mx = (maxx - minx) / (n - 1);
  const my = (maxy - miny) / (n - 1);
  return [minx - mx, miny - my, maxx + mx, maxy + my];
}

/**
 * Coordinate and index buffers for one strip: only what the kernel uses (nearest on a scale and
 * shift needs no coordinates, no kernel but bilinear and cubic weights). One set per thread is
 * reused by every warp: a source is drawn with no await in between, so no two draws share it at
 * once. Strips above SHARED_STRIP_PIXELS get buffers of their own, not kept.
 */
class StripBuffers {
  x = new Float64Array(0);
  y = new Float64Array(0);
  readonly kernel = new KernelScratch();

  ensure(size: number, coordinates: boolean): void {
    this.kernel.ensure(size);
    if (!coordinates || this.x.length >= size) return;
    this.x = new Float64Array(size);
    this.y = new Float64Array(size);
  }
}

const SHARED_STRIP_PIXELS = 4096 * 64;
const sharedBuffers = new StripBuffers();
const stripBuffers = (pixels: number) => (pixels <= SHARED_STRIP_PIXELS ? sharedBuffers : new StripBuffers());

function checkWindow(raster: Raster, plan: Plan): void {
  const w = plan.window;
  if (raster.width !== w.width || raster.height !== w.height || raster.bands.length !== plan.bands.length) {
    throw new CoverageError('SourceUnreadable', `${plan.source.id} returned ${raster.width} x ${raster.height} x ${raster.bands.length} for a ${w.width} x ${w.height} x ${plan.bands.length} window`);
  }
}

/** A window mask with no 0 is no mask (the kernels skip their checks). */
function effectiveMask(mask: Uint8Array | undefined): Uint8Array | undefined {
  return mask === undefined || mask.indexOf(0) < 0 ? undefined : mask;
}

/** Aligned grids: rows copied as they are; `empty` when nothing is drawn yet (whole rows are set at once). */
function drawCopy(plan: CopyPlan, raster: Raster, out: OutputSamples, width: number, empty: boolean, fillValue: number): number {
  checkWindow(raster, plan);
  const w = plan.window;
  const i0 = w.x - plan.dx;
  const j0 = w.y - plan.dy;
  const srcMask = effectiveMask(raster.mask);
  const { integer, min, max } = out.range;
  let filled = 0;
  for (let r = 0; r < w.height; r++) {
    const src = r * w.width;
    const dst = (j0 + r) * width + i0;
    if (empty && out.exact) {
      for (let b = 0; b < out.bands.length; b++) out.bands[b]!.set(raster.bands[b]!.subarray(src, src + w.width), dst);
      if (srcMask === undefined) {
        out.mask.fill(255, dst, dst + w.width);
        filled += w.width;
      } else {
        for (let c = 0; c < w.width; c++) {
          if (srcMask[src + c] !== 0) {
            out.mask[dst + c] = 255;
            filled++;
          } else {
            for (let b = 0; b < out.bands.length; b++) out.bands[b]![dst + c] = fillValue;
          }
        }
      }
      continue;
    }
    for (let c = 0; c < w.width; c++) {
      const o = dst + c;
      if (out.mask[o] !== 0 || (srcMask !== undefined && srcMask[src + c] === 0)) continue;
      out.mask[o] = 255;
      filled++;
      for (let b = 0; b < out.bands.length; b++) {
        let v = raster.bands[b]![src + c]!;
        if (integer) {
          v = Math.round(v);
          v = v < min ? min : v > max ? max : v;
        }
        out.bands[b]![o] = v;
      }
    }
  }
  return filled;
}

function drawResampled(plan: ResamplePlan, raster: Raster, out: OutputSamples, resampling: Resampling): number {
  checkWindow(raster, plan);
  const win: WindowSamples = { ...plan.window, bands: raster.bands, mask: effectiveMask(raster.mask) };
  const { mapping } = plan;
  const width = mapping.width;
  const separable = resampling === 'nearest' && plan.affine !== undefined;
  const buffers = stripBuffers(width * mapping.maxStripRows);
  buffers.ensure(width * mapping.maxStripRows, !separable);
  let filled = 0;
  if (separable && plan.affine) {
    const { cols, rows } = separableIndexes(plan.affine, win, width, mapping.height);
    const starts = mapping.stripStarts;
    for (let s = 0; s + 1 < starts.length; s++) filled += resampleNearestSeparable(win, out, cols, rows, width, starts[s]!, starts[s + 1]!, buffers.kernel.idx);
    return filled;
  }
  const starts = mapping.stripStarts;
  for (let s = 0; s + 1 < starts.length; s++) {
    mapping.fillStrip(s, buffers.x, buffers.y);
    const count = (starts[s + 1]! - starts[s]!) * width;
    const offset = starts[s]! * width;
    if (resampling === 'nearest') filled += resampleNearest(win, out, buffers.x, buffers.y, count, offset, buffers.kernel.idx);
    else if (resampling === 'bilinear') filled += resampleBilinear(win, out, buffers.x, buffers.y, count, offset, buffers.kernel);
    else filled += resampleCubic(win, out, buffers.x, buffers.y, count, offset, buffers.kernel);
  }
  return filled;
}

/** Window column of each target column and window row of each target row (-1 outside the window). */
function separableIndexes(a: Affine, win: WindowSamples, width: number, height: number): { cols: Int32Array; rows: Int32Array } {
  const cols = new Int32Array(width);
  const rows = new Int32Array(height);
  for (let i = 0; i < width; i++) {
    const c = Math.floor(a.x0 + a.xa * i + 1e-10) - win.x;
    cols[i] = c >= 0 && c < win.width ? c : -1;
  }
  for (let j = 0; j < height; j++) {
    const r = Math.floor(a.y0 + a.yb * j + 1e-10) - win.y;
    rows[j] = r >= 0 && r < win.height ? r : -1;
  }
  return { cols, rows };
}
