/**
 * Band selection in WCS 1.0 and 1.1. Both describe the bands as an axis of the coverage's one
 * range field, named `Band`, whose keys are the band numbers 1..n (GDAL's WCS driver recognises
 * exactly this and then subsets with it). WCS 1.0 selects with the parameter named after the
 * axis (`BAND=1,3`, or an interval `BAND=1/3`), WCS 1.1 with `RangeSubset=contents[Band[1,3]]`.
 * Keys may also be band names.
 */
import type { CoverageDescription } from '../../coverages/types.js';
import type { Fail } from './target-grid.js';

export const BAND_AXIS = 'Band';
/** The identifier of the one range field (WCS 1.0 RangeSet name, WCS 1.1 Field Identifier), as GeoServer names it. */
export const RANGE_FIELD = 'contents';

export function bandKeys(d: CoverageDescription): string[] {
  return d.bands.map((_, i) => String(i + 1));
}

function bandIndex(key: string, d: CoverageDescription, locator: string, fail: Fail): number {
  const k = key.trim();
  if (/^\d+$/.test(k) && Number(k) >= 1 && Number(k) <= d.bands.length) return Number(k) - 1;
  const byName = d.bands.findIndex((b) => b.name === k);
  if (byName !== -1) return byName;
  const loose = d.bands.findIndex((b) => b.name.toLowerCase() === k.toLowerCase());
  if (loose !== -1) return loose;
  fail(locator, `${d.id} has no band '${k}'; its bands are 1 to ${d.bands.length} (${d.bands.map((b) => b.name).join(', ')})`);
}

/** Band indexes (0-based) of a key list: `1,3`, `red,blue`, and (WCS 1.0) intervals `1/3`. */
export function bandIndexesOf(keys: readonly string[], d: CoverageDescription, locator: string, fail: Fail, allowIntervals: boolean): number[] {
  const out: number[] = [];
  for (const raw of keys) {
    const key = raw.trim();
    if (key === '') fail(locator, `${locator} has an empty item`);
    const parts = key.split('/');
    if (allowIntervals && parts.length >= 2 && parts.length <= 3) {
      const start = bandIndex(parts[0]!, d, locator, fail);
      const end = bandIndex(parts[1]!, d, locator, fail);
      if (end < start) fail(locator, `The interval ${key} runs backwards`);
      for (let i = start; i <= end; i++) out.push(i);
      continue;
    }
    out.push(bandIndex(key, d, locator, fail));
  }
  return out;
}
