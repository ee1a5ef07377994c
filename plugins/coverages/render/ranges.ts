/** A stretch's min and max made concrete from the style and the coverage's statistics. */
import type { ResolvedRange } from './resolve-style.js';
import { percentile, type BandStatistics } from './statistics.js';

/** Statistics of the coverage's bands, by coverage band index (what computeStatistics returns). */
export type CoverageStatistics = ReadonlyArray<BandStatistics | undefined>;

export function concreteRange(range: ResolvedRange, stats: BandStatistics | undefined, styleName: string): [number, number] {
  if (range.min !== undefined && range.max !== undefined) return [range.min, range.max];
  if (!stats) {
    throw new Error(`style '${styleName}' needs the coverage's statistics (a percentile stretch or no known range): pass options.stats`);
  }
  const side = (explicit: number | undefined, p: number | undefined, fallback: number): number =>
    explicit ?? (p !== undefined ? percentile(stats, p) : fallback);
  let min = side(range.min, range.percentile?.[0], stats.min);
  let max = side(range.max, range.percentile?.[1], stats.max);
  // A coverage without one valid pixel: any range draws nothing anyway.
  if (!Number.isFinite(min)) min = Number.isFinite(max) ? max - 1 : 0;
  if (!Number.isFinite(max)) max = min + 1;
  return [min, max];
}
