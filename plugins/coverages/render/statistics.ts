/**
 * Per-band statistics for percentile stretches: min, max, mean, standard deviation and a
 * histogram from which percentiles are read. The engine computes them once per coverage (from
 * its coarsest overview) so every tile of a layer is stretched the same way.
 */
import type { Raster, SampleArray } from '../types.js';

export interface Histogram {
  /** Lower edge of the first bin and upper edge of the last. */
  min: number;
  max: number;
  /** Counts of equal-width bins from min to max. */
  counts: number[];
  /** One bin per integer value (centred on it): percentiles are exact values. */
  integer: boolean;
}

export interface BandStatistics {
  /** Valid pixels counted (mask set, not NaN, not nodata). */
  count: number;
  /** NaN when count is 0. */
  min: number;
  max: number;
  mean: number;
  stdDev: number;
  histogram: Histogram;
}

/** Bins for float data or integer data spanning more values than this. */
const floatBins = 4096;

/** Statistics of each band of the raster, over the pixels the mask (or nodata) marks valid. */
export function computeStatistics(raster: Raster): BandStatistics[] {
  return raster.bands.map((band) => bandStatistics(band, raster));
}

function bandStatistics(values: SampleArray, raster: Raster): BandStatistics {
  const { mask } = raster;
  // Without a mask, the nodata value itself marks missing pixels.
  const nodata = mask ? undefined : raster.nodata;
  const n = values.length;
  let count = 0;
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    const v = values[i];
    if (v !== v || v === nodata) continue;
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  if (count === 0) {
    return { count: 0, min: NaN, max: NaN, mean: NaN, stdDev: NaN, histogram: { min: 0, max: 0, counts: [], integer: false } };
  }
  const mean = sum / count;
  const stdDev = Math.sqrt(Math.max(0, sumSquares / count - mean * mean));
  const integer = !raster.sampleType.startsWith('float') && max - min + 1 <= floatBins;
  const bins = integer ? max - min + 1 : min === max ? 1 : floatBins;
  const histogram: Histogram = integer
    ? { min: min - 0.5, max: max + 0.5, counts: new Array<number>(bins).fill(0), integer }
    : { min, max, counts: new Array<number>(bins).fill(0), integer };
  const scale = min === max ? 0 : bins / (histogram.max - histogram.min);
  const counts = histogram.counts;
  for (let i = 0; i < n; i++) {
    if (mask !== undefined && mask[i] === 0) continue;
    const v = values[i];
    if (v !== v || v === nodata) continue;
    let bin = Math.floor((v - histogram.min) * scale);
    if (bin >= bins) bin = bins - 1;
    counts[bin]++;
  }
  return { count, min, max, mean, stdDev, histogram };
}

/**
 * The value below which p percent (0-100) of the valid pixels fall: exact for integer data whose
 * histogram has a bin per value, interpolated within a bin (1/4096 of the range) otherwise.
 */
export function percentile(stats: BandStatistics, p: number): number {
  if (stats.count === 0) return NaN;
  const { counts, integer } = stats.histogram;
  const width = (stats.histogram.max - stats.histogram.min) / counts.length;
  const target = (Math.min(100, Math.max(0, p)) / 100) * stats.count;
  let before = 0;
  for (let i = 0; i < counts.length; i++) {
    const c = counts[i];
    if (c === 0) continue;
    if (before + c >= target) {
      if (integer) return stats.histogram.min + 0.5 + i;
      const value = stats.histogram.min + (i + (target - before) / c) * width;
      return Math.min(stats.max, Math.max(stats.min, value));
    }
    before += c;
  }
  return stats.max;
}
