/**
 * Affine maps between pixel and CRS coordinates. A geotransform maps pixel corners
 * (col, row) to CRS x/y; warping needs its inverse (CRS → source pixel) and, when the target and
 * source share a CRS, the composition target pixel → source pixel, which is affine as well.
 */
import type { GeoTransform } from '../types.js';

/** x' = x0 + xa*a + xb*b; y' = y0 + ya*a + yb*b. */
export interface Affine {
  x0: number;
  xa: number;
  xb: number;
  y0: number;
  ya: number;
  yb: number;
}

export function geoTransformAffine(t: GeoTransform): Affine {
  return { x0: t[0], xa: t[1], xb: t[2], y0: t[3], ya: t[4], yb: t[5] };
}

/** The inverse map; undefined when the affine is singular (or not finite). */
export function invertAffine(a: Affine): Affine | undefined {
  const det = a.xa * a.yb - a.xb * a.ya;
  if (!Number.isFinite(det) || det === 0) return undefined;
  return {
    x0: (a.xb * a.y0 - a.yb * a.x0) / det,
    xa: a.yb / det,
    xb: -a.xb / det,
    y0: (a.ya * a.x0 - a.xa * a.y0) / det,
    ya: -a.ya / det,
    yb: a.xa / det,
  };
}

/** `outer` after `inner`: p ↦ outer(inner(p)). */
export function composeAffine(outer: Affine, inner: Affine): Affine {
  return {
    x0: outer.x0 + outer.xa * inner.x0 + outer.xb * inner.y0,
    xa: outer.xa * inner.xa + outer.xb * inner.ya,
    xb: outer.xa * inner.xb + outer.xb * inner.yb,
    y0: outer.y0 + outer.ya * inner.x0 + outer.yb * inner.y0,
    ya: outer.ya * inner.xa + outer.yb * inner.ya,
    yb: outer.ya * inner.xb + outer.yb * inner.yb,
  };
}

/**
 * Target pixel index (i, j) → the target CRS coordinates of that pixel's centre: the
 * geotransform shifted by half a pixel, so that integer indices address centres.
 */
export function pixelCentreAffine(t: GeoTransform): Affine {
  return {
    x0: t[0] + 0.5 * t[1] + 0.5 * t[2],
    xa: t[1],
    xb: t[2],
    y0: t[3] + 0.5 * t[4] + 0.5 * t[5],
    ya: t[4],
    yb: t[5],
  };
}

export function isFiniteAffine(a: Affine): boolean {
  return [a.x0, a.xa, a.xb, a.y0, a.ya, a.yb].every(Number.isFinite);
}
