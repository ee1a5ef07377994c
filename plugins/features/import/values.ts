/**
 * Property values: the type a value suggests (for schema inference) and a value checked and
 * converted to a declared type (for writing). `text` values come from formats without types
 * (CSV): there "12" is a number and "" is null; in JSON "12" stays a string unless the declared
 * type asks for a number.
 */
import type { PropertyType } from '../types.js';

const INTEGER = /^[+-]?(0|[1-9][0-9]*)$/;
const NUMBER = /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/;
const DATE = /^(\d{4})[-/](\d{2})[-/](\d{2})$/;
// Date, 'T' or space, time, optional fraction, optional zone (Z, ±hh, ±hhmm, ±hh:mm).
const DATETIME = /^(\d{4})[-/](\d{2})[-/](\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;
const TRUE = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'f', 'no', 'n', '0']);

/** The type one value suggests; undefined for a null (or, from text, an empty) value. */
export function typeOfValue(value: unknown, text: boolean): PropertyType | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isSafeInteger(value) ? 'integer' : 'number';
  if (typeof value === 'string') {
    const s = text ? value.trim() : value;
    if (s === '') return text ? undefined : 'string';
    if (text) {
      if (INTEGER.test(s)) return Number.isSafeInteger(Number(s)) ? 'integer' : 'number';
      if (NUMBER.test(s)) return 'number';
      if (/^(true|false)$/i.test(s)) return 'boolean';
    }
    if (DATE.test(s) && isoDate(s)) return 'date';
    if (DATETIME.test(s) && isoDateTime(s)) return 'datetime';
    return 'string';
  }
  return 'json';
}

/** The narrowest type holding values of both types. */
export function widen(a: PropertyType | undefined, b: PropertyType | undefined): PropertyType | undefined {
  if (a === undefined) return b;
  if (b === undefined || a === b) return a;
  const pair = new Set([a, b]);
  if (pair.has('integer') && pair.has('number')) return 'number';
  if (pair.has('date') && pair.has('datetime')) return 'datetime';
  if (pair.has('json')) return 'json';
  return 'string';
}

export type Coerced = { ok: true; value: unknown } | { ok: false; reason: string };

const fail = (reason: string): Coerced => ({ ok: false, reason });

/** The value as the declared type stores it, or why it cannot be. Null stays null (nullability is checked elsewhere). */
export function coerceValue(value: unknown, type: PropertyType, text: boolean): Coerced {
  if (value === undefined || value === null) return { ok: true, value: null };
  if (typeof value === 'string' && text && value.trim() === '' && type !== 'string') return { ok: true, value: null };
  switch (type) {
    case 'string':
      if (typeof value === 'string') return { ok: true, value };
      if (typeof value === 'number' || typeof value === 'boolean') return { ok: true, value: String(value) };
      return { ok: true, value: JSON.stringify(value) };
    case 'integer': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && INTEGER.test(value.trim()) ? Number(value.trim()) : NaN;
      if (!Number.isInteger(n)) return fail(`${show(value)} is not an integer`);
      if (!Number.isSafeInteger(n)) return fail(`${show(value)} is too large an integer (beyond ±2^53)`);
      return { ok: true, value: n };
    }
    case 'number': {
      const n = typeof value === 'number' ? value : typeof value === 'string' && NUMBER.test(value.trim()) ? Number(value.trim()) : NaN;
      if (!Number.isFinite(n)) return fail(`${show(value)} is not a number`);
      return { ok: true, value: n };
    }
    case 'boolean': {
      if (typeof value === 'boolean') return { ok: true, value };
      const s = String(value).trim().toLowerCase();
      if ((typeof value === 'string' || typeof value === 'number') && TRUE.has(s)) return { ok: true, value: true };
      if ((typeof value === 'string' || typeof value === 'number') && FALSE.has(s)) return { ok: true, value: false };
      return fail(`${show(value)} is not a boolean`);
    }
    case 'date': {
      const d = typeof value === 'string' ? isoDate(value.trim()) ?? isoDateTime(value.trim())?.slice(0, 10) : undefined;
      return d ? { ok: true, value: d } : fail(`${show(value)} is not a date (YYYY-MM-DD)`);
    }
    case 'datetime': {
      if (typeof value !== 'string') return fail(`${show(value)} is not a date-time`);
      const s = value.trim();
      const d = isoDateTime(s) ?? (isoDate(s) ? `${isoDate(s)}T00:00:00.000Z` : undefined);
      return d ? { ok: true, value: d } : fail(`${show(value)} is not a date-time (ISO 8601)`);
    }
    case 'json':
      return { ok: true, value };
  }
}

/** 'YYYY-MM-DD' (also 'YYYY/MM/DD') of a real calendar day, normalised; undefined otherwise. */
export function isoDate(s: string): string | undefined {
  const m = DATE.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

/** An ISO 8601 instant in UTC ('...Z'); a time without a zone is taken as UTC. Undefined when not a date-time. */
export function isoDateTime(s: string): string | undefined {
  const m = DATETIME.exec(s);
  if (!m) return undefined;
  const date = isoDate(`${m[1]}-${m[2]}-${m[3]}`);
  const [h, mi, sec] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (!date || h > 23 || mi > 59 || sec > 60) return undefined;
  let zone = (m[8] ?? 'Z').toUpperCase();
  if (zone !== 'Z') {
    const z = /^([+-]\d{2}):?(\d{2})?$/.exec(zone)!;
    zone = `${z[1]}:${z[2] ?? '00'}`;
  }
  const t = Date.parse(`${date}T${m[4]}:${m[5]}:${String(Math.min(sec, 59)).padStart(2, '0')}${m[7] ?? ''}${zone}`);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

function show(value: unknown): string {
  const s = typeof value === 'string' ? JSON.stringify(value) : typeof value === 'object' ? JSON.stringify(value) : String(value);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}
