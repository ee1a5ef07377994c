/**
 * XML Schema date, time, dateTime, dayTimeDuration and yearMonthDuration values with the
 * arithmetic and ordering XACML 3.0 needs (XML Schema 1.0 Part 2, Appendix E for adding
 * durations). Values without a timezone are read in the implicit timezone, UTC.
 */

export type TemporalKind = 'date' | 'time' | 'dateTime';

const MS_PER_DAY = 86_400_000;

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

export function daysInMonth(y: number, m: number): number {
  if (m === 2) return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0 ? 29 : 28;
  return m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31;
}

export class TemporalValue {
  /** Milliseconds since the epoch in UTC (for time: on 1972-12-31), for ordering and equality. */
  readonly instant: number;
  constructor(
    readonly kind: TemporalKind,
    readonly year: number, readonly month: number, readonly day: number,
    readonly hour: number, readonly minute: number,
    /** Seconds with fraction. */
    readonly second: number,
    /** Timezone offset in minutes, or null when the lexical form had none. */
    readonly tz: number | null,
  ) {
    const local = this.localMillis();
    this.instant = local - (tz ?? 0) * 60_000;
  }

  /** Milliseconds of the wall-clock fields as if they were UTC. */
  localMillis(): number {
    const days = this.kind === 'time' ? daysFromCivil(1972, 12, 31) : daysFromCivil(this.year, this.month, this.day);
    return days * MS_PER_DAY + ((this.hour * 60 + this.minute) * 60) * 1000 + Math.round(this.second * 1000);
  }

  toString(): string {
    const p2 = (n: number) => String(n).padStart(2, '0');
    const y = this.year < 0 ? `-${String(-this.year).padStart(4, '0')}` : String(this.year).padStart(4, '0');
    const date = `${y}-${p2(this.month)}-${p2(this.day)}`;
    const whole = Math.floor(this.second);
    const frac = this.second - whole;
    const sec = frac > 0 ? `${p2(whole)}${String(Math.round(frac * 1e9) / 1e9).slice(1)}` : p2(whole);
    const time = `${p2(this.hour)}:${p2(this.minute)}:${sec}`;
    const tz = this.tz === null ? '' : this.tz === 0 ? 'Z' : `${this.tz < 0 ? '-' : '+'}${p2(Math.floor(Math.abs(this.tz) / 60))}:${p2(Math.abs(this.tz) % 60)}`;
    if (this.kind === 'date') return date + tz;
    if (this.kind === 'time') return time + tz;
    return `${date}T${time}${tz}`;
  }
}

const DATE_TIME = /^(-?\d{4,})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/;
const DATE = /^(-?\d{4,})-(\d{2})-(\d{2})(Z|[+-]\d{2}:\d{2})?$/;
const TIME = /^(\d{2}):(\d{2}):(\d{2}(?:\.\d+)?)(Z|[+-]\d{2}:\d{2})?$/;

function parseTz(text: string | undefined): number | null {
  if (text === undefined) return null;
  if (text === 'Z') return 0;
  const sign = text[0] === '-' ? -1 : 1;
  const h = Number(text.slice(1, 3));
  const m = Number(text.slice(4, 6));
  if (h > 14 || m > 59 || (h === 14 && m > 0)) throw new Error(`invalid timezone '${text}'`);
  return sign * (h * 60 + m);
}

function checkFields(kind: TemporalKind, text: string, y: number, mo: number, d: number, h: number, mi: number, s: number): void {
  const bad = (kind !== 'time' && (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || y === 0))
    || mi > 59 || s >= 60 || h > 24 || (h === 24 && (mi !== 0 || s !== 0));
  if (bad) throw new Error(`invalid ${kind} '${text}'`);
}

/** Builds a value, carrying 24:00:00 over to the next day as XML Schema says. */
function make(kind: TemporalKind, y: number, mo: number, d: number, h: number, mi: number, s: number, tz: number | null): TemporalValue {
  if (h === 24) {
    if (kind === 'time') return new TemporalValue(kind, y, mo, d, 0, mi, s, tz);
    const [ny, nm, nd] = civilFromDays(daysFromCivil(y, mo, d) + 1);
    return new TemporalValue(kind, ny, nm, nd, 0, mi, s, tz);
  }
  return new TemporalValue(kind, y, mo, d, h, mi, s, tz);
}

export function parseTemporal(kind: TemporalKind, text: string): TemporalValue {
  const t = text.trim();
  let m: RegExpExecArray | null;
  if (kind === 'dateTime' && (m = DATE_TIME.exec(t))) {
    const [y, mo, d, h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])];
    checkFields(kind, t, y, mo, d, h, mi, s);
    return make(kind, y, mo, d, h, mi, s, parseTz(m[7]));
  }
  if (kind === 'date' && (m = DATE.exec(t))) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    checkFields(kind, t, y, mo, d, 0, 0, 0);
    return make(kind, y, mo, d, 0, 0, 0, parseTz(m[4]));
  }
  if (kind === 'time' && (m = TIME.exec(t))) {
    const [h, mi, s] = [Number(m[1]), Number(m[2]), Number(m[3])];
    checkFields(kind, t, 1972, 12, 31, h, mi, s);
    return make(kind, 1972, 12, 31, h, mi, s, parseTz(m[4]));
  }
  throw new Error(`invalid ${kind} '${text}'`);
}

/** Value of a dateTime/date/time from a JS Date (for current-dateTime and friends), in UTC. */
export function temporalFromDate(kind: TemporalKind, date: Date): TemporalValue {
  const s = date.getUTCSeconds() + date.getUTCMilliseconds() / 1000;
  if (kind === 'date') return new TemporalValue(kind, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), 0, 0, 0, 0);
  if (kind === 'time') return new TemporalValue(kind, 1972, 12, 31, date.getUTCHours(), date.getUTCMinutes(), s, 0);
  return new TemporalValue(kind, date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), s, 0);
}

/** dateTime + dayTimeDuration (milliseconds, may be negative): wall-clock fields shift, timezone kept. */
export function addDayTime(value: TemporalValue, ms: number): TemporalValue {
  const total = value.localMillis() + ms;
  const days = Math.floor(total / MS_PER_DAY);
  let rest = total - days * MS_PER_DAY;
  const [y, mo, d] = civilFromDays(days);
  const h = Math.floor(rest / 3_600_000); rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000); rest -= mi * 60_000;
  return new TemporalValue(value.kind, y, mo, d, h, mi, rest / 1000, value.tz);
}

/** date/dateTime + yearMonthDuration (months): the day is pinned to the end of a shorter month. */
export function addYearMonth(value: TemporalValue, months: number): TemporalValue {
  const total = value.year * 12 + (value.month - 1) + months;
  const y = Math.floor(total / 12);
  const mo = total - y * 12 + 1;
  const d = Math.min(value.day, daysInMonth(y, mo));
  return new TemporalValue(value.kind, y, mo, d, value.hour, value.minute, value.second, value.tz);
}

const DAY_TIME_DURATION = /^(-)?P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d*)?|\.\d+)S)?)?$/;
const YEAR_MONTH_DURATION = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?$/;

/** dayTimeDuration as signed milliseconds. */
export function parseDayTimeDuration(text: string): number {
  const t = text.trim();
  const m = DAY_TIME_DURATION.exec(t);
  if (!m || (m[2] === undefined && m[3] === undefined && m[4] === undefined && m[5] === undefined) || t.endsWith('T')) throw new Error(`invalid dayTimeDuration '${text}'`);
  const ms = ((Number(m[2] ?? 0) * 24 + Number(m[3] ?? 0)) * 60 + Number(m[4] ?? 0)) * 60_000 + Math.round(Number(m[5] ?? 0) * 1000);
  return m[1] ? -ms : ms;
}

export function formatDayTimeDuration(ms: number): string {
  if (ms === 0) return 'PT0S';
  let rest = Math.abs(ms);
  const d = Math.floor(rest / MS_PER_DAY); rest -= d * MS_PER_DAY;
  const h = Math.floor(rest / 3_600_000); rest -= h * 3_600_000;
  const mi = Math.floor(rest / 60_000); rest -= mi * 60_000;
  const s = rest / 1000;
  let out = ms < 0 ? '-P' : 'P';
  if (d) out += `${d}D`;
  if (h || mi || s) out += 'T' + (h ? `${h}H` : '') + (mi ? `${mi}M` : '') + (s ? `${s}S` : '');
  return out;
}

/** yearMonthDuration as signed months. */
export function parseYearMonthDuration(text: string): number {
  const t = text.trim();
  const m = YEAR_MONTH_DURATION.exec(t);
  if (!m || (m[2] === undefined && m[3] === undefined)) throw new Error(`invalid yearMonthDuration '${text}'`);
  const months = Number(m[2] ?? 0) * 12 + Number(m[3] ?? 0);
  return m[1] ? -months : months;
}

export function formatYearMonthDuration(months: number): string {
  if (months === 0) return 'P0M';
  const a = Math.abs(months);
  const y = Math.floor(a / 12);
  const mo = a % 12;
  return `${months < 0 ? '-' : ''}P${y ? `${y}Y` : ''}${mo ? `${mo}M` : ''}`;
}
