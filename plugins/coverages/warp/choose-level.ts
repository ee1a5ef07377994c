/**
 * Overview choice: the coarsest level whose pixels are still at least as fine as the target's,
 * measured in the source CRS around the target's centre (as gdalwarp picks overviews). The
 * target's resolution is the length, in full-resolution source pixels, of one target pixel step
 * along each target axis; the finer of the two counts, so neither axis loses detail.
 */
import { composeAffine, geoTransformAffine, invertAffine, pixelCentreAffine } from './affine.js';
import { crsDefinition, sameCrs, transformInPlace } from './crs.js';
import type { CrsDefinition } from '../../../core/ows/index.js';
import type { RasterSource, SourceLevel } from '../raster-source.js';
import type { Grid } from '../types.js';

/** A level is accepted when its pixels are coarser than the target's by no more than this (floating noise). */
const RELATIVE_TOLERANCE = 1e-6;

export function chooseLevel(source: RasterSource, target: Grid): number {
  return chooseLevelIn(source, target, crsDefinition(target.crs, 'target'), crsDefinition(source.crs, 'source'));
}

export function chooseLevelIn(source: RasterSource, target: Grid, targetCrs: CrsDefinition, sourceCrs: CrsDefinition): number {
  if (source.levels.length <= 1) return 0;
  const ratio = targetResolution(source, target, targetCrs, sourceCrs);
  if (!(ratio > 0) || !Number.isFinite(ratio)) return 0;
  const base = source.levels[0]!;
  let best = 0;
  let bestFactor = 1;
  for (let l = 1; l < source.levels.length; l++) {
    const factor = levelFactor(base, source.levels[l]!);
    if (factor <= ratio * (1 + RELATIVE_TOLERANCE) && factor > bestFactor) {
      best = l;
      bestFactor = factor;
    }
  }
  return best;
}

/** How many full-resolution pixels one pixel of `level` spans (the coarser axis). */
export function levelFactor(base: SourceLevel, level: SourceLevel): number {
  const [, a1, a2, , a4, a5] = base.transform;
  const [, b1, b2, , b4, b5] = level.transform;
  const fx = Math.hypot(b1, b4) / Math.hypot(a1, a4);
  const fy = Math.hypot(b2, b5) / Math.hypot(a2, a5);
  return Math.max(fx, fy);
}

/**
 * The target's pixel size in full-resolution source pixels near its centre (the finer axis);
 * NaN when no probe point projects.
 */
export function targetResolution(source: RasterSource, target: Grid, targetCrs: CrsDefinition, sourceCrs: CrsDefinition): number {
  const toPixel = invertAffine(geoTransformAffine(source.levels[0]?.transform ?? source.transform));
  if (!toPixel) return NaN;
  const centres = pixelCentreAffine(target.transform);
  if (sameCrs(targetCrs, sourceCrs)) {
    const a = composeAffine(toPixel, centres);
    return Math.min(Math.hypot(a.xa, a.ya), Math.hypot(a.xb, a.yb));
  }
  // Probe the centre first, then a 5x5 spread of points, for targets whose centre does not project.
  const probes: Array<[number, number]> = [[(target.width - 1) / 2, (target.height - 1) / 2]];
  for (let b = 0; b < 5; b++) {
    for (let a = 0; a < 5; a++) probes.push([((target.width - 1) * (a + 0.5)) / 5, ((target.height - 1) * (b + 0.5)) / 5]);
  }
  const xs = new Float64Array(probes.length * 4);
  const ys = new Float64Array(probes.length * 4);
  probes.forEach(([i, j], p) => {
    const around: Array<[number, number]> = [[i - 0.5, j], [i + 0.5, j], [i, j - 0.5], [i, j + 0.5]];
    around.forEach(([ci, cj], q) => {
      xs[p * 4 + q] = centres.x0 + centres.xa * ci + centres.xb * cj;
      ys[p * 4 + q] = centres.y0 + centres.ya * ci + centres.yb * cj;
    });
  });
  transformInPlace(xs, ys, xs.length, targetCrs, sourceCrs);
  for (let p = 0; p < probes.length; p++) {
    const px = (k: number) => toPixel.x0 + toPixel.xa * xs[k]! + toPixel.xb * ys[k]!;
    const py = (k: number) => toPixel.y0 + toPixel.ya * xs[k]! + toPixel.yb * ys[k]!;
    const k = p * 4;
    const alongI = Math.hypot(px(k + 1) - px(k), py(k + 1) - py(k));
    const alongJ = Math.hypot(px(k + 3) - px(k + 2), py(k + 3) - py(k + 2));
    const finer = Math.min(alongI, alongJ);
    if (Number.isFinite(finer) && finer > 0) return finer;
  }
  return NaN;
}

