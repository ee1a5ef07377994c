/** An ISO 8601 duration, component by component (calendar parts stay calendar parts). */
export interface Duration {
  years: number;
  months: number;
  weeks: number;
  days: number;
  hours: number;
  minutes: number;
  seconds: number;
}

const DURATION = /^P(?!$)(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?(?:T(?!$)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$/;

/**
 * Parses `P1Y2M10DT2H30M`, `P2W`, `PT0.5S`; undefined when it is not a duration. Years and months
 * must be whole (their length varies, so a fraction of one has no single meaning), and only the
 * last component given may have a fraction (ISO 8601 §4.4.3.2).
 */
export function parseDuration(text: string): Duration | undefined {
  const m = DURATION.exec(text.trim().toUpperCase());
  if (!m) return undefined;
  const parts = m.slice(1).map((p) => (p === undefined ? undefined : Number(p.replace(',', '.'))));
  const lastGiven = parts.reduce<number>((last, p, i) => (p === undefined ? last : i), -1);
  if (parts.some((p, i) => p !== undefined && !Number.isInteger(p) && i !== lastGiven)) return undefined;
  if ([parts[0], parts[1]].some((p) => p !== undefined && !Number.isInteger(p))) return undefined;
  const [years = 0, months = 0, weeks = 0, days = 0, hours = 0, minutes = 0, seconds = 0] = parts;
  return { years, months, weeks, days, hours, minutes, seconds };
}

export function isZeroDuration(d: Duration): boolean {
  return d.years === 0 && d.months === 0 && d.weeks === 0 && d.days === 0 && d.hours === 0 && d.minutes === 0 && d.seconds === 0;
}

const MS = { week: 604_800_000, day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 };

/**
 * Adds (sign 1) or subtracts (sign -1) a duration in UTC. Years and months move the calendar
 * month and clamp the day (2020-01-31 + P1M = 2020-02-29); the rest is exact time.
 */
export function addDuration(date: Date, d: Duration, sign: 1 | -1 = 1): Date {
  let t = date.getTime();
  const monthShift = sign * (d.years * 12 + d.months);
  if (monthShift !== 0) {
    const base = new Date(t);
    const targetMonth = base.getUTCMonth() + monthShift;
    const year = base.getUTCFullYear() + Math.floor(targetMonth / 12);
    const month = ((targetMonth % 12) + 12) % 12;
    const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
    const shifted = new Date(t);
    shifted.setUTCFullYear(year, month, Math.min(base.getUTCDate(), lastDay));
    t = shifted.getTime();
  }
  t += sign * (d.weeks * MS.week + d.days * MS.day + d.hours * MS.hour + d.minutes * MS.minute + d.seconds * MS.second);
  return new Date(Math.round(t));
}
