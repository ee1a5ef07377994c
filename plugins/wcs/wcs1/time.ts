/**
 * Time in WCS 1.0 (TIME) and 1.1 (TIMESEQUENCE): one instant or one interval `begin/end[/res]`
 * (ISO 8601, reduced precision covering its unit), since a GetCoverage returns one image. On a
 * series it selects the granules read (the latest on top), on a granule it must meet the
 * granule's own time; a coverage without time refuses it. Without it a series reads its
 * default instant (the latest).
 */
import { parseTime } from '../../../core/ows/index.js';
import type { CoverageDescription } from '../../coverages/types.js';
import { hasTimeAxis } from '../plan.js';
import type { Fail } from './target-grid.js';

/** Documents list every instant up to this many; beyond it, the period from the first to the last. */
export const MAX_TIME_POSITIONS = 1000;

export function timeRangeOf(text: string, d: CoverageDescription, locator: string, fail: Fail): { begin: string; end: string } | undefined {
  const values = parseTime(text, { locator });
  if (values.length !== 1) fail(locator, `${locator} takes one time or one interval here; got ${values.length} values`);
  const value = values[0]!;
  const instants = d.time?.values ?? [];
  if (instants.length === 0) fail(locator, `${d.id} has no temporal domain`);
  const begin = value.begin ?? new Date(instants[0]!);
  const end = value.end ?? new Date(instants[instants.length - 1]!);
  const hit = instants.some((v) => {
    const ms = Date.parse(v);
    return ms >= begin.getTime() && ms <= end.getTime();
  });
  if (!hit) fail(locator, `${d.id} has no data at ${text}; its times run from ${instants[0]} to ${instants[instants.length - 1]}`);
  // A granule's time is its own: checked, not passed on.
  return hasTimeAxis(d) ? { begin: begin.toISOString(), end: end.toISOString() } : undefined;
}

/** The instants a document lists, or the period they span when there are too many. */
export function temporalDomainOf(d: CoverageDescription): { positions: string[] } | { begin: string; end: string } | undefined {
  const values = d.time?.values ?? [];
  if (values.length === 0) return undefined;
  if (values.length <= MAX_TIME_POSITIONS) return { positions: values };
  return { begin: values[0]!, end: values[values.length - 1]! };
}
