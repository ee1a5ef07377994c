/** How precisely an instant was written; a reduced precision covers the whole unit. */
export type TimeResolution = 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second';

export interface ParsedInstant {
  /** The first millisecond the text denotes. */
  begin: Date;
  /** The last millisecond it denotes: begin itself for seconds, the end of the month for '2020-05'. */
  end: Date;
  resolution: TimeResolution;
}

// YYYY, YYYY-MM, YYYY-MM-DD, then Thh[:mm[:ss[.fff]]] with Z, ±hh, ±hhmm or ±hh:mm.
const INSTANT = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2})(?::(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?$/i;

/** Date.UTC without its mapping of years 0–99 to 1900–1999. */
function utc(year: number, monthIndex: number, day = 1, hour = 0, minute = 0, second = 0, ms = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hour, minute, second, ms);
  return date.getTime();
}

function daysInMonth(year: number, month: number): number {
  return new Date(utc(year, month, 0)).getUTCDate();
}

/** Offset of a zone designator in minutes; no designator means UTC (the OGC services' default). */
function offsetMinutes(zone: string | undefined): number {
  if (!zone || zone.toUpperCase() === 'Z') return 0;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
}

/**
 * Parses an ISO 8601 calendar instant in extended format, with reduced precision allowed
 * (`2020`, `2020-05`, `2020-05-17`, `2020-05-17T10`, `…T10:30`, `…T10:30:15.25+02:00`).
 * Undefined when the text is not one, or names an impossible date or time.
 */
export function parseInstant(text: string): ParsedInstant | undefined {
  const m = INSTANT.exec(text.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  // 24:00 (end of day) is ISO 8601 but only as exactly 24:00:00.
  if (hour > 24 || minute > 59 || second > 59 || (hour === 24 && (minute > 0 || second > 0 || (frac !== undefined && /[1-9]/.test(frac))))) return undefined;
  const zoneOffset = offsetMinutes(zone);
  if (Math.abs(zoneOffset) > 18 * 60) return undefined;
  const ms = frac === undefined ? 0 : Math.floor(Number(`0.${frac}`) * 1000);
  const begin = utc(year, month - 1, day, hour, minute, second, ms) - zoneOffset * 60_000;
  const resolution: TimeResolution = s !== undefined ? 'second' : mi !== undefined ? 'minute' : h !== undefined ? 'hour' : d !== undefined ? 'day' : mo !== undefined ? 'month' : 'year';
  return { begin: new Date(begin), end: new Date(endOf(begin, resolution, year, month)), resolution };
}

function endOf(begin: number, resolution: TimeResolution, year: number, month: number): number {
  switch (resolution) {
    case 'year': return utc(year + 1, 0) - 1;
    case 'month': return utc(year, month) - 1;
    case 'day': return begin + 86_400_000 - 1;
    case 'hour': return begin + 3_600_000 - 1;
    case 'minute': return begin + 60_000 - 1;
    default: return begin;
  }
}
