import { invalidParameterValue } from './exceptions.js';
import { addDuration, isZeroDuration, parseDuration, type Duration } from './time/duration.js';
import { parseInstant, type TimeResolution } from './time/instant.js';

export { addDuration, parseDuration, type Duration } from './time/duration.js';
export { parseInstant, type ParsedInstant, type TimeResolution } from './time/instant.js';

/**
 * A time value of an OGC request, as a closed range [begin, end] in UTC milliseconds; null is an
 * open end ('..' or empty). Reduced precision widens an instant to its unit: `2020-05` is
 * 2020-05-01T00:00:00.000Z to 2020-05-31T23:59:59.999Z.
 */
interface TimeRangeBase {
  /** The text this value was read from. */
  text: string;
  begin: Date | null;
  end: Date | null;
}

export interface TimeInstant extends TimeRangeBase {
  kind: 'instant';
  begin: Date;
  end: Date;
  resolution: TimeResolution;
}

/** `start/end`, `start/duration`, `duration/end`, open with `..` or an empty side. */
export interface TimeInterval extends TimeRangeBase {
  kind: 'interval';
  /** The duration the interval was written with, if any. */
  duration?: Duration;
}

/** WMS `start/end/period` (WMS 1.3.0 annex C.3): instants every `period` from start up to end. */
export interface TimePeriod extends TimeRangeBase {
  kind: 'period';
  begin: Date;
  end: Date;
  period: Duration;
}

export type TimeValue = TimeInstant | TimeInterval | TimePeriod;

export interface ParseTimeOptions {
  /** locator of InvalidParameterValue; 'TIME' by default (OGC API: 'datetime'). */
  locator?: string;
  /** Accept comma-separated lists (WMS, WCS); true by default. */
  allowList?: boolean;
  /** Accept intervals and periods; true by default. */
  allowIntervals?: boolean;
  /** What 'current'/'now'/'present' (WMS 1.3.0 annex C) mean; those words are refused when not given. */
  now?: Date;
}

const OPEN = new Set(['..', '']);

function fail(options: ParseTimeOptions, message: string): never {
  throw invalidParameterValue(options.locator ?? 'TIME', message);
}

function instantOf(text: string, options: ParseTimeOptions): TimeInstant {
  const word = text.trim().toLowerCase();
  if (options.now && (word === 'current' || word === 'now' || word === 'present')) {
    return { kind: 'instant', text, begin: options.now, end: options.now, resolution: 'second' };
  }
  const parsed = parseInstant(text);
  if (!parsed) fail(options, `'${text}' is not an ISO 8601 time (e.g. 2020, 2020-05, 2020-05-17, 2020-05-17T10:30:00Z)`);
  return { kind: 'instant', text, ...parsed };
}

function durationOf(text: string, options: ParseTimeOptions): Duration {
  const d = parseDuration(text);
  if (!d) fail(options, `'${text}' is not an ISO 8601 duration (e.g. P1D, PT6H, P1Y2M10DT2H30M)`);
  if (isZeroDuration(d)) fail(options, `Duration '${text}' must not be zero`);
  return d;
}

function ordered<T extends TimeValue>(value: T, options: ParseTimeOptions): T {
  if (value.begin && value.end && value.begin.getTime() > value.end.getTime()) fail(options, `Time '${value.text}' ends before it begins`);
  return value;
}

const isDuration = (part: string) => /^P/i.test(part.trim());

/** One value: an instant, an interval or a period (no list). */
export function parseTimeValue(text: string, options: ParseTimeOptions = {}): TimeValue {
  const parts = text.split('/');
  if (parts.length === 1) {
    if (isDuration(text)) fail(options, `'${text}' is a duration; a time or an interval is expected`);
    return instantOf(text, options);
  }
  if (options.allowIntervals === false) fail(options, `'${text}' is an interval; a single time is expected`);
  const [first, second, third] = parts.map((p) => p.trim());
  if (parts.length === 3) {
    if (OPEN.has(first) || OPEN.has(second)) fail(options, `Period '${text}' needs a start and an end`);
    const start = instantOf(first, options);
    const end = instantOf(second, options);
    return ordered({ kind: 'period', text, begin: start.begin, end: end.end, period: durationOf(third, options) }, options);
  }
  if (parts.length > 3) fail(options, `'${text}' has too many '/'`);
  if (OPEN.has(first) && OPEN.has(second)) return { kind: 'interval', text, begin: null, end: null };
  if (isDuration(first) && isDuration(second)) fail(options, `Interval '${text}' cannot be two durations`);
  // A duration is anchored on the instant written next to it, at that instant's first millisecond.
  if (isDuration(first)) {
    if (OPEN.has(second)) fail(options, `Interval '${text}' needs an end after its duration`);
    const duration = durationOf(first, options);
    const end = instantOf(second, options).begin;
    return { kind: 'interval', text, begin: addDuration(end, duration, -1), end, duration };
  }
  if (isDuration(second)) {
    if (OPEN.has(first)) fail(options, `Interval '${text}' needs a start before its duration`);
    const duration = durationOf(second, options);
    const begin = instantOf(first, options).begin;
    return { kind: 'interval', text, begin, end: addDuration(begin, duration), duration };
  }
  const begin = OPEN.has(first) ? null : instantOf(first, options).begin;
  const end = OPEN.has(second) ? null : instantOf(second, options).end;
  return ordered({ kind: 'interval', text, begin, end }, options);
}

/** A TIME/datetime parameter: one value or, when allowed, a comma-separated list of them. */
export function parseTime(text: string, options: ParseTimeOptions = {}): TimeValue[] {
  if (text.trim() === '') fail(options, 'Time value is empty');
  const items = text.split(',');
  if (items.length > 1 && options.allowList === false) fail(options, `'${text}' is a list; a single time is expected`);
  return items.map((item) => {
    if (item.trim() === '') fail(options, `Time list '${text}' has an empty item`);
    return parseTimeValue(item.trim(), options);
  });
}

/**
 * The instants of a period, start + k·period up to its end, at most `limit` (a guard against
 * `2000/2100/PT1S`); InvalidParameterValue beyond it.
 */
export function expandPeriod(period: TimePeriod, limit = 10_000, options: ParseTimeOptions = {}): Date[] {
  const out: Date[] = [];
  for (let k = 0; ; k++) {
    const next = stepFrom(period, k);
    if (next.getTime() > period.end.getTime()) break;
    if (out.length >= limit) fail(options, `Period '${period.text}' has more than ${limit} instants`);
    out.push(next);
  }
  return out;
}

/** start + k·period, computed from the start each time so month clamping does not drift. */
function stepFrom(period: TimePeriod, k: number): Date {
  const p = period.period;
  const scaled: Duration = {
    years: p.years * k, months: p.months * k, weeks: p.weeks * k, days: p.days * k, hours: p.hours * k, minutes: p.minutes * k, seconds: p.seconds * k,
  };
  return addDuration(period.begin, scaled);
}

/** Whether an instant (ms or Date) lies within a value's closed range (open ends unbounded). */
export function timeContains(value: TimeValue, instant: Date | number): boolean {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  return (value.begin === null || value.begin.getTime() <= t) && (value.end === null || t <= value.end.getTime());
}
