/**
 * The TIME dimension (WMS 1.3.0 annex C; 1.1.1 annex C): what a request's TIME selects of a
 * layer's instants. A layer without a time dimension ignores TIME (C.4.1). Without TIME the
 * layer's default (its latest instant) is drawn, unless config makes TIME required: then
 * MissingDimensionValue. Instants match exactly at the precision written (`2020-05` covers May),
 * no nearest value is looked for (nearestValue="0"); a value selecting no instant with data is
 * InvalidDimensionValue, and so is one that is not ISO 8601.
 */
import { expandPeriod, OwsException, parseTime, timeContains, type TimeValue } from '../../core/ows/index.js';
import type { CoverageDescription, TimeDimension } from '../coverages/types.js';

export interface TimeRange {
  begin: string;
  end: string;
}

const invalid = (message: string) => new OwsException('InvalidDimensionValue', message, { locator: 'TIME' });

function instantsOf(time: TimeDimension): number[] {
  return time.values.map((v) => Date.parse(v));
}

/** The instants of the layer one TIME item selects (ascending). */
function selected(value: TimeValue, instants: readonly number[]): number[] {
  if (value.kind === 'period') {
    let expanded: Date[];
    try {
      expanded = expandPeriod(value, 10_000, { locator: 'TIME' });
    } catch (err) {
      throw invalid((err as Error).message);
    }
    const wanted = new Set(expanded.map((d) => d.getTime()));
    return instants.filter((t) => wanted.has(t));
  }
  return instants.filter((t) => timeContains(value, t));
}

/** As a closed range for the engine: the item's own range, open ends closed at the layer's extremes. */
function rangeOf(value: TimeValue, hits: readonly number[], instants: readonly number[]): TimeRange {
  if (value.kind === 'period') return { begin: new Date(hits[0]!).toISOString(), end: new Date(hits[hits.length - 1]!).toISOString() };
  const begin = value.begin?.getTime() ?? instants[0]!;
  const end = value.end?.getTime() ?? instants[instants.length - 1]!;
  return { begin: new Date(begin).toISOString(), end: new Date(end).toISOString() };
}

/**
 * The time ranges to draw the layer at, ascending (later ones drawn on top), or undefined for a
 * layer without time. One range per TIME list item; the default instant when TIME is absent.
 */
export function selectTimes(layer: CoverageDescription, timeParam: string | undefined, required: boolean): TimeRange[] | undefined {
  const time = layer.time;
  if (!time || time.values.length === 0) return undefined;
  const instants = instantsOf(time);
  if (timeParam === undefined || timeParam.trim() === '') {
    if (required) throw new OwsException('MissingDimensionValue', `Layer '${layer.id}' needs a TIME value (its instants: ${time.values[0]} to ${time.values[time.values.length - 1]})`, { locator: 'TIME' });
    return [{ begin: time.default, end: time.default }];
  }
  // 'current' (annex C.2) is the latest instant with data.
  if (timeParam.trim().toLowerCase() === 'current') {
    const latest = time.values[time.values.length - 1]!;
    return [{ begin: latest, end: latest }];
  }
  let values: TimeValue[];
  try {
    values = parseTime(timeParam, { locator: 'TIME' });
  } catch (err) {
    throw invalid((err as Error).message);
  }
  const ranges = values.map((value) => {
    const hits = selected(value, instants);
    if (hits.length === 0) throw invalid(`Layer '${layer.id}' has no data at TIME '${value.text}'`);
    return { range: rangeOf(value, hits, instants), first: hits[0]! };
  });
  return ranges.sort((a, b) => a.first - b.first).map((r) => r.range);
}

/** One range covering them all (GetFeatureInfo reads one value: the latest within it). */
export function spanOf(ranges: readonly TimeRange[] | undefined): TimeRange | undefined {
  if (!ranges || ranges.length === 0) return undefined;
  const begins = ranges.map((r) => Date.parse(r.begin));
  const ends = ranges.map((r) => Date.parse(r.end));
  return { begin: new Date(Math.min(...begins)).toISOString(), end: new Date(Math.max(...ends)).toISOString() };
}
