/**
 * The CRS questions the warp stage asks the core toolkit: which definition an id names, whether
 * two ids name the same coordinates (so no projection is needed), and batched transformations
 * whose failures are coverage errors.
 */
import { OwsException, effectiveProj4, resolveCrs, transformPoints, type CrsDefinition, type XyPoint } from '../../../core/ows/index.js';
import { CoverageError } from '../errors.js';

export function crsDefinition(id: string, role: string): CrsDefinition {
  try {
    return resolveCrs(id);
  } catch (err) {
    throw new CoverageError('InvalidCrs', `The ${role} CRS '${id}' is unknown`, { cause: err });
  }
}

/**
 * True when both ids give the same x/y coordinates: the same definition, or the same proj4 text
 * (CRS:84 and EPSG:4326 in x/y order, EPSG:3857 and EPSG:900913).
 */
export function sameCrs(a: CrsDefinition, b: CrsDefinition): boolean {
  if (a.id === b.id) return true;
  const pa = effectiveProj4(a);
  return pa !== undefined && pa === effectiveProj4(b);
}

/**
 * Transforms points given as parallel coordinate arrays, in place. Points outside the target
 * projection's domain become NaN. A pair of CRSs proj4 cannot transform is an InvalidCrs error.
 */
export function transformInPlace(xs: Float64Array, ys: Float64Array, count: number, from: CrsDefinition, to: CrsDefinition): void {
  const points: XyPoint[] = new Array(count);
  for (let k = 0; k < count; k++) points[k] = [xs[k]!, ys[k]!];
  let out: Array<[number, number]>;
  try {
    out = transformPoints(points, from, to);
  } catch (err) {
    if (err instanceof OwsException) throw new CoverageError('InvalidCrs', err.message, { cause: err });
    throw err;
  }
  for (let k = 0; k < count; k++) {
    const p = out[k]!;
    xs[k] = p[0];
    ys[k] = p[1];
  }
}
