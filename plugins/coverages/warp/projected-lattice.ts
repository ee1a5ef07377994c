/**
 * The approximate transformer: target pixel centres → source CRS coordinates without a proj4
 * call per pixel. Exact transforms are made on a coarse lattice (every `step` target pixels,
 * plus the last row and column), in one batch; each lattice cell is then checked at its edge
 * midpoints and centre against exact transforms, and cut in four (or two) where bilinear
 * interpolation of its corners is off by more than `maxError` source pixels, like GDAL's
 * approximate transformer. Each round of checks is one batch. Cells with a corner outside the
 * projection's domain are cut down to single pixels, so the domain's edge is found per pixel;
 * a cell whose corners and check points all fail is left empty.
 *
 * The lattice holds source CRS coordinates, so sources sharing a CRS and a pixel size (the
 * tiles of a mosaic) share one; `view` turns it into source pixel coordinates of one source.
 */
import { pixelCentreAffine, type Affine } from './affine.js';
import { transformInPlace } from './crs.js';
import { boundsInside, type PixelBounds, type PixelMapping } from './pixel-mapping.js';
import type { CrsDefinition } from '../../../core/ows/index.js';
import type { Grid } from '../types.js';

export interface LatticeOptions {
  /** Target pixels between lattice nodes before any cut (16). */
  step?: number;
  /** Largest interpolation error accepted, in source pixels (0.125, GDAL's default). */
  maxError?: number;
}

/** Lattice rows or columns: every `step`, and the last pixel. */
function latticeIndices(size: number, step: number): number[] {
  const out: number[] = [];
  for (let v = 0; v < size - 1; v += step) out.push(v);
  out.push(size - 1);
  if (out.length === 1) out.push(0); // one pixel: a single degenerate cell
  return out;
}

/** Interpolated (ix, iy) against exact node k, in source pixels (the larger axis); Infinity when k failed, 0 for no node. */
function errorAt(xs: Float64Array, ys: Float64Array, scale: Affine, k: number, ix: number, iy: number): number {
  if (k < 0) return 0;
  const dx = ix - xs[k]!;
  const dy = iy - ys[k]!;
  if (!Number.isFinite(dx) || !Number.isFinite(dy)) return Infinity;
  const ex = Math.abs(scale.xa * dx + scale.xb * dy);
  const ey = Math.abs(scale.ya * dx + scale.yb * dy);
  return ex > ey ? ex : ey;
}

const LEAF_FIELDS = 8; // ia, ib, ja, jb, k00, k10, k01, k11 (node indexes; -1 for an empty cell)

export class ProjectedLattice {
  readonly width: number;
  readonly height: number;
  readonly stripStarts: Int32Array;
  readonly maxStripRows: number;
  /** Leaves grouped by strip: strip s holds leaves [stripLeaves[s], stripLeaves[s + 1]). */
  private readonly stripLeaves: Int32Array;
  private readonly leaves: Int32Array;
  /** Exact source CRS coordinates of every node (NaN where the node does not project). */
  private readonly xs: Float64Array;
  private readonly ys: Float64Array;
  /** Number of exact transformations made (lattice nodes and check points). */
  readonly exactTransforms: number;
  readonly leafCount: number;

  /**
   * `errorScale` is the linear part of the source's CRS → pixel map: it turns an error in CRS
   * units into source pixels (only xa, xb, ya, yb are used).
   */
  static build(target: Grid, targetCrs: CrsDefinition, sourceCrs: CrsDefinition, errorScale: Affine, options: LatticeOptions = {}): ProjectedLattice {
    const step = Math.max(1, Math.floor(options.step ?? 16));
    const maxError = options.maxError ?? 0.125;
    const { width, height } = target;
    const centre = pixelCentreAffine(target.transform);

    const nodeOf = new Map<number, number>();
    let xs = new Float64Array(1024);
    let ys = new Float64Array(1024);
    let count = 0;
    let flushed = 0;
    const node = (c: number, r: number): number => {
      const key = r * width + c;
      const known = nodeOf.get(key);
      if (known !== undefined) return known;
      if (count === xs.length) {
        const grownX = new Float64Array(count * 2);
        const grownY = new Float64Array(count * 2);
        grownX.set(xs);
        grownY.set(ys);
        xs = grownX;
        ys = grownY;
      }
      xs[count] = centre.x0 + centre.xa * c + centre.xb * r;
      ys[count] = centre.y0 + centre.ya * c + centre.yb * r;
      nodeOf.set(key, count);
      return count++;
    };
    // Transforms the nodes added since the last flush, in one batch.
    const flush = () => {
      if (count === flushed) return;
      const bx = xs.subarray(flushed, count);
      const by = ys.subarray(flushed, count);
      transformInPlace(bx, by, count - flushed, targetCrs, sourceCrs);
      flushed = count;
    };

    const cols = latticeIndices(width, step);
    const rows = latticeIndices(height, step);
    for (const r of rows) for (const c of cols) node(c, r);
    flush();

    let queue: number[] = [];
    for (let b = 0; b + 1 < rows.length; b++) {
      for (let a = 0; a + 1 < cols.length; a++) queue.push(cols[a]!, cols[a + 1]!, rows[b]!, rows[b + 1]!);
    }
    const leaves: number[] = [];

    while (queue.length > 0) {
      // First pass: each cell's corners and the check points it needs, transformed in one batch.
      const checks: number[] = [];
      const pending: number[] = [];
      for (let q = 0; q < queue.length; q += 4) {
        const ia = queue[q]!, ib = queue[q + 1]!, ja = queue[q + 2]!, jb = queue[q + 3]!;
        const k00 = node(ia, ja), k10 = node(ib, ja), k01 = node(ia, jb), k11 = node(ib, jb);
        const cutX = ib - ia > 1;
        const cutY = jb - ja > 1;
        if (!cutX && !cutY) {
          leaves.push(ia, ib, ja, jb, k00, k10, k01, k11);
          continue;
        }
        const mx = (ia + ib) >> 1;
        const my = (ja + jb) >> 1;
        // Check points: top and bottom midpoints, left and right midpoints, centre (-1: not needed).
        const top = cutX ? node(mx, ja) : -1;
        const bottom = cutX ? node(mx, jb) : -1;
        const left = cutY ? node(ia, my) : -1;
        const right = cutY ? node(ib, my) : -1;
        const middle = cutX && cutY ? node(mx, my) : -1;
        pending.push(ia, ib, ja, jb);
        checks.push(k00, k10, k01, k11, top, bottom, left, right, middle);
      }
      flush();

      const next: number[] = [];
      for (let p = 0, q = 0; p < pending.length; p += 4, q += 9) {
        const ia = pending[p]!, ib = pending[p + 1]!, ja = pending[p + 2]!, jb = pending[p + 3]!;
        const k00 = checks[q]!, k10 = checks[q + 1]!, k01 = checks[q + 2]!, k11 = checks[q + 3]!;
        const top = checks[q + 4]!, bottom = checks[q + 5]!, left = checks[q + 6]!, right = checks[q + 7]!, middle = checks[q + 8]!;
        const x00 = xs[k00]!, x10 = xs[k10]!, x01 = xs[k01]!, x11 = xs[k11]!;
        const y00 = ys[k00]!, y10 = ys[k10]!, y01 = ys[k01]!, y11 = ys[k11]!;
        const cornersValid = Number.isFinite(x00) && Number.isFinite(x10) && Number.isFinite(x01) && Number.isFinite(x11);
        let cutX = false;
        let cutY = false;
        if (cornersValid) {
          const tx = (((ia + ib) >> 1) - ia) / (ib - ia);
          const ty = (((ja + jb) >> 1) - ja) / (jb - ja);
          // Errors along x (top and bottom midpoints), along y (left and right), and at the centre.
          const errX = Math.max(errorAt(xs, ys, errorScale, top, x00 + tx * (x10 - x00), y00 + tx * (y10 - y00)), errorAt(xs, ys, errorScale, bottom, x01 + tx * (x11 - x01), y01 + tx * (y11 - y01)));
          const errY = Math.max(errorAt(xs, ys, errorScale, left, x00 + ty * (x01 - x00), y00 + ty * (y01 - y00)), errorAt(xs, ys, errorScale, right, x10 + ty * (x11 - x10), y10 + ty * (y11 - y10)));
          let errC = 0;
          if (middle >= 0) {
            const lx = x00 + ty * (x01 - x00), rx = x10 + ty * (x11 - x10);
            const ly = y00 + ty * (y01 - y00), ry = y10 + ty * (y11 - y10);
            errC = errorAt(xs, ys, errorScale, middle, lx + tx * (rx - lx), ly + tx * (ry - ly));
          }
          // Cut only across the direction that bends (4326 -> 3857 bends along y only).
          cutX = errX > maxError;
          cutY = errY > maxError;
          if (!cutX && !cutY && errC > maxError) cutX = cutY = true;
        } else if (!Number.isFinite(x00) && !Number.isFinite(x10) && !Number.isFinite(x01) && !Number.isFinite(x11)
          && [top, bottom, left, right, middle].every((k) => k < 0 || !Number.isFinite(xs[k]!))) {
          leaves.push(ia, ib, ja, jb, -1, -1, -1, -1);
          continue;
        } else {
          cutX = cutY = true;
        }
        cutX &&= ib - ia > 1;
        cutY &&= jb - ja > 1;
        if (!cutX && !cutY) {
          leaves.push(ia, ib, ja, jb, k00, k10, k01, k11);
          continue;
        }
        const xCuts = cutX ? [ia, (ia + ib) >> 1, ib] : [ia, ib];
        const yCuts = cutY ? [ja, (ja + jb) >> 1, jb] : [ja, jb];
        for (let b = 0; b + 1 < yCuts.length; b++) {
          for (let a = 0; a + 1 < xCuts.length; a++) next.push(xCuts[a]!, xCuts[a + 1]!, yCuts[b]!, yCuts[b + 1]!);
        }
      }
      queue = next;
    }

    return new ProjectedLattice(width, height, step, rows, leaves, xs.slice(0, count), ys.slice(0, count));
  }

  private constructor(width: number, height: number, step: number, rows: number[], leaves: number[], xs: Float64Array, ys: Float64Array) {
    this.width = width;
    this.height = height;
    this.xs = xs;
    this.ys = ys;
    this.exactTransforms = xs.length;
    const strips = rows.length - 1;
    this.stripStarts = new Int32Array(strips + 1);
    for (let s = 0; s < strips; s++) this.stripStarts[s] = rows[s]!;
    this.stripStarts[strips] = height;
    let most = 0;
    for (let s = 0; s < strips; s++) most = Math.max(most, this.stripStarts[s + 1]! - this.stripStarts[s]!);
    this.maxStripRows = most;

    // Group leaves by strip (a counting sort on the strip of each leaf's first row).
    const leafCount = leaves.length / LEAF_FIELDS;
    this.leafCount = leafCount;
    const stripOf = new Int32Array(leafCount);
    const counts = new Int32Array(strips + 1);
    for (let l = 0; l < leafCount; l++) {
      const s = Math.min(Math.floor(leaves[l * LEAF_FIELDS + 2]! / step), strips - 1);
      stripOf[l] = s;
      counts[s + 1]! += 1;
    }
    for (let s = 0; s < strips; s++) counts[s + 1]! += counts[s]!;
    this.stripLeaves = counts.slice();
    const sorted = new Int32Array(leaves.length);
    for (let l = 0; l < leafCount; l++) {
      const at = counts[stripOf[l]!]!++;
      for (let f = 0; f < LEAF_FIELDS; f++) sorted[at * LEAF_FIELDS + f] = leaves[l * LEAF_FIELDS + f]!;
    }
    this.leaves = sorted;
  }

  /** The lattice as source pixel coordinates of one source level (`toPixel`: CRS → level pixel). */
  view(toPixel: Affine): PixelMapping {
    return new LatticePixelMapping(this, toPixel);
  }

  /** @internal for LatticePixelMapping */
  leafData(): { leaves: Int32Array; stripLeaves: Int32Array; xs: Float64Array; ys: Float64Array } {
    return { leaves: this.leaves, stripLeaves: this.stripLeaves, xs: this.xs, ys: this.ys };
  }
}

class LatticePixelMapping implements PixelMapping {
  readonly width: number;
  readonly height: number;
  readonly stripStarts: Int32Array;
  readonly maxStripRows: number;
  private readonly leaves: Int32Array;
  private readonly stripLeaves: Int32Array;
  /** Node coordinates in source pixels. */
  private readonly px: Float64Array;
  private readonly py: Float64Array;

  constructor(lattice: ProjectedLattice, a: Affine) {
    this.width = lattice.width;
    this.height = lattice.height;
    this.stripStarts = lattice.stripStarts;
    this.maxStripRows = lattice.maxStripRows;
    const { leaves, stripLeaves, xs, ys } = lattice.leafData();
    this.leaves = leaves;
    this.stripLeaves = stripLeaves;
    this.px = new Float64Array(xs.length);
    this.py = new Float64Array(xs.length);
    for (let k = 0; k < xs.length; k++) {
      this.px[k] = a.x0 + a.xa * xs[k]! + a.xb * ys[k]!;
      this.py[k] = a.y0 + a.ya * xs[k]! + a.yb * ys[k]!;
    }
  }

  fillStrip(strip: number, x: Float64Array, y: Float64Array): void {
    const { width, height, leaves, px, py } = this;
    const row0 = this.stripStarts[strip]!;
    const lastCol = width - 1;
    const lastRow = height - 1;
    for (let l = this.stripLeaves[strip]!, end = this.stripLeaves[strip + 1]!; l < end; l++) {
      const f = l * LEAF_FIELDS;
      const ia = leaves[f]!, ib = leaves[f + 1]!, ja = leaves[f + 2]!, jb = leaves[f + 3]!;
      // A cell owns its first row and column, and its last ones only at the grid's edge.
      const cEnd = ib === lastCol || ib === ia ? ib : ib - 1;
      const rEnd = jb === lastRow || jb === ja ? jb : jb - 1;
      const k00 = leaves[f + 4]!;
      if (k00 < 0) {
        for (let r = ja; r <= rEnd; r++) {
          const o = (r - row0) * width;
          x.fill(NaN, o + ia, o + cEnd + 1);
          y.fill(NaN, o + ia, o + cEnd + 1);
        }
        continue;
      }
      const k10 = leaves[f + 5]!, k01 = leaves[f + 6]!, k11 = leaves[f + 7]!;
      const dw = ib - ia;
      const dh = jb - ja;
      if (dw <= 1 && dh <= 1) {
        // Every pixel is a node: take it as transformed (it may be NaN).
        for (let r = ja; r <= rEnd; r++) {
          const o = (r - row0) * width;
          const bottom = r !== ja;
          for (let c = ia; c <= cEnd; c++) {
            const k = c !== ia ? (bottom ? k11 : k10) : bottom ? k01 : k00;
            x[o + c] = px[k]!;
            y[o + c] = py[k]!;
          }
        }
        continue;
      }
      const x00 = px[k00]!, x10 = px[k10]!, x01 = px[k01]!, x11 = px[k11]!;
      const y00 = py[k00]!, y10 = py[k10]!, y01 = py[k01]!, y11 = py[k11]!;
      const invW = dw > 0 ? 1 / dw : 0;
      const invH = dh > 0 ? 1 / dh : 0;
      for (let r = ja; r <= rEnd; r++) {
        const ty = (r - ja) * invH;
        const lx = x00 + ty * (x01 - x00);
        const ly = y00 + ty * (y01 - y00);
        const sx = (x10 + ty * (x11 - x10) - lx) * invW;
        const sy = (y10 + ty * (y11 - y10) - ly) * invW;
        const o = (r - row0) * width;
        for (let c = ia; c <= cEnd; c++) {
          const t = c - ia;
          x[o + c] = lx + t * sx;
          y[o + c] = ly + t * sy;
        }
      }
    }
  }

  bounds(): PixelBounds | undefined {
    const { leaves, px, py } = this;
    let minx = Infinity, miny = Infinity, maxx = -Infinity, maxy = -Infinity;
    const add = (k: number) => {
      const vx = px[k]!, vy = py[k]!;
      if (!Number.isFinite(vx) || !Number.isFinite(vy)) return;
      if (vx < minx) minx = vx;
      if (vx > maxx) maxx = vx;
      if (vy < miny) miny = vy;
      if (vy > maxy) maxy = vy;
    };
    const lastCol = this.width - 1;
    const lastRow = this.height - 1;
    for (let f = 0; f < leaves.length; f += LEAF_FIELDS) {
      const ia = leaves[f]!, ib = leaves[f + 1]!, ja = leaves[f + 2]!, jb = leaves[f + 3]!;
      const k00 = leaves[f + 4]!;
      if (k00 < 0) continue;
      if (ib - ia <= 1 && jb - ja <= 1) {
        // Only the nodes this cell owns are pixels (a 1-pixel cell may straddle a discontinuity).
        const ownsRight = ib === lastCol && ib !== ia;
        const ownsBottom = jb === lastRow && jb !== ja;
        add(k00);
        if (ownsRight) add(leaves[f + 5]!);
        if (ownsBottom) add(leaves[f + 6]!);
        if (ownsRight && ownsBottom) add(leaves[f + 7]!);
      } else {
        add(k00);
        add(leaves[f + 5]!);
        add(leaves[f + 6]!);
        add(leaves[f + 7]!);
      }
    }
    return Number.isFinite(minx) ? [minx, miny, maxx, maxy] : undefined;
  }

  coveredBy(width: number, height: number): boolean {
    // Interpolated pixels lie within their cell's corners, so corners inside mean pixels inside;
    // an empty cell or a node that did not project means some pixel has no position.
    const { leaves, px, py } = this;
    for (let f = 0; f < leaves.length; f += LEAF_FIELDS) {
      if (leaves[f + 4]! < 0) return false;
      for (let c = 4; c < 8; c++) {
        const k = leaves[f + c]!;
        if (!(px[k]! >= 0 && px[k]! < width && py[k]! >= 0 && py[k]! < height)) return false;
      }
    }
    return boundsInside(this.bounds(), width, height);
  }
}
