/**
 * The XACML 3.0 data types: how each is read from its lexical form, written back, compared for
 * equality and (where the spec orders it) ordered. Internal values are plain JS values where
 * possible (string, boolean, number), so the hot path allocates nothing.
 */
import { TemporalValue, formatDayTimeDuration, formatYearMonthDuration, parseDayTimeDuration, parseTemporal, parseYearMonthDuration } from './temporal.js';

const XS = 'http://www.w3.org/2001/XMLSchema#';
export const T = {
  string: `${XS}string`,
  boolean: `${XS}boolean`,
  integer: `${XS}integer`,
  double: `${XS}double`,
  time: `${XS}time`,
  date: `${XS}date`,
  dateTime: `${XS}dateTime`,
  dayTimeDuration: `${XS}dayTimeDuration`,
  yearMonthDuration: `${XS}yearMonthDuration`,
  anyURI: `${XS}anyURI`,
  hexBinary: `${XS}hexBinary`,
  base64Binary: `${XS}base64Binary`,
  rfc822Name: 'urn:oasis:names:tc:xacml:1.0:data-type:rfc822Name',
  x500Name: 'urn:oasis:names:tc:xacml:1.0:data-type:x500Name',
  ipAddress: 'urn:oasis:names:tc:xacml:2.0:data-type:ipAddress',
  dnsName: 'urn:oasis:names:tc:xacml:2.0:data-type:dnsName',
  xpathExpression: 'urn:oasis:names:tc:xacml:3.0:data-type:xpathExpression',
} as const;

/** Data type URIs of XACML 2.0 that 3.0 replaced; read as their 3.0 equivalents. */
const LEGACY_TYPES: Record<string, string> = {
  'http://www.w3.org/TR/2002/WD-xquery-operators-20020816#dayTimeDuration': T.dayTimeDuration,
  'http://www.w3.org/TR/2002/WD-xquery-operators-20020816#yearMonthDuration': T.yearMonthDuration,
  'urn:oasis:names:tc:xacml:2.0:data-type:dayTimeDuration': T.dayTimeDuration,
  'urn:oasis:names:tc:xacml:2.0:data-type:yearMonthDuration': T.yearMonthDuration,
};

export function canonicalTypeId(id: string): string {
  return LEGACY_TYPES[id] ?? id;
}

export interface X500Name {
  text: string;
  /** Normalized RDNs, most specific first, as in the string form. */
  rdns: string[];
  key: string;
}

export interface Rfc822Name {
  text: string;
  local: string;
  /** Lower-cased domain part. */
  domain: string;
  key: string;
}

export interface XPathExpressionValue {
  path: string;
  category: string;
  namespaces: Record<string, string>;
}

export interface DataType {
  id: string;
  /** Short name (the JSON Profile's shorthand and the prefix of function names). */
  name: string;
  parse(text: string): unknown;
  format(value: unknown): string;
  equals(a: unknown, b: unknown): boolean;
  /** Ordering, for the types the spec compares (numbers, strings, dates and times). */
  compare?(a: unknown, b: unknown): number;
}

const same = (a: unknown, b: unknown) => a === b;

const INTEGER = /^[+-]?\d+$/;
const DOUBLE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?INF|NaN)$/;

function parseDouble(text: string): number {
  const t = text.trim();
  if (!DOUBLE.test(t)) throw new Error(`invalid double '${text}'`);
  if (t.endsWith('INF')) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

export function formatDouble(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'INF';
  if (n === -Infinity) return '-INF';
  const s = String(n);
  return Number.isInteger(n) && !s.includes('e') ? `${s}.0` : s;
}

function parseX500(text: string): X500Name {
  const rdns: string[] = [];
  let current = '';
  let parts: string[] = [];
  let quoted = false;
  const flushPart = () => {
    const eq = current.indexOf('=');
    if (eq <= 0) throw new Error(`invalid x500Name '${text}'`);
    const type = current.slice(0, eq).trim().toLowerCase();
    const value = current.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1').replace(/\s+/g, ' ').toLowerCase();
    parts.push(`${type}=${value}`);
    current = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) { current += c + text[++i]; continue; }
    if (c === '"') quoted = !quoted;
    if (!quoted && (c === ',' || c === ';')) { flushPart(); rdns.push(parts.sort().join('+')); parts = []; continue; }
    if (!quoted && c === '+') { flushPart(); continue; }
    current += c;
  }
  if (current.trim() !== '' || parts.length) { flushPart(); rdns.push(parts.sort().join('+')); }
  if (!rdns.length) throw new Error(`invalid x500Name '${text}'`);
  return { text, rdns, key: rdns.join(',') };
}

function parseRfc822(text: string): Rfc822Name {
  const t = text.trim();
  const at = t.lastIndexOf('@');
  if (at <= 0 || at === t.length - 1 || /\s/.test(t)) throw new Error(`invalid rfc822Name '${text}'`);
  const local = t.slice(0, at);
  const domain = t.slice(at + 1).toLowerCase();
  return { text: t, local, domain, key: `${local}@${domain}` };
}

const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}(?:\/\d{1,3}(?:\.\d{1,3}){3})?(?::(?:\d+)?(?:-(?:\d+)?)?)?$/;
const IPV6 = /^\[[0-9A-Fa-f:.]+\](?:\/\[[0-9A-Fa-f:.]+\])?(?::(?:\d+)?(?:-(?:\d+)?)?)?$/;
const DNS = /^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?(?::(?:\d+)?(?:-(?:\d+)?)?)?$/;

function temporalType(name: 'date' | 'time' | 'dateTime'): DataType {
  return {
    id: T[name], name,
    parse: (t) => parseTemporal(name, t),
    format: (v) => (v as TemporalValue).toString(),
    equals: (a, b) => (a as TemporalValue).instant === (b as TemporalValue).instant,
    compare: (a, b) => (a as TemporalValue).instant - (b as TemporalValue).instant,
  };
}

function stringCompare(a: unknown, b: unknown): number {
  return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
}

const TYPES: DataType[] = [
  { id: T.string, name: 'string', parse: (t) => t, format: (v) => v as string, equals: same, compare: stringCompare },
  {
    id: T.boolean, name: 'boolean',
    parse: (t) => {
      const s = t.trim();
      if (s === 'true' || s === '1') return true;
      if (s === 'false' || s === '0') return false;
      throw new Error(`invalid boolean '${t}'`);
    },
    format: (v) => String(v), equals: same,
  },
  {
    id: T.integer, name: 'integer',
    parse: (t) => {
      const s = t.trim();
      if (!INTEGER.test(s)) throw new Error(`invalid integer '${t}'`);
      return Number(s);
    },
    format: (v) => String(v), equals: same, compare: (a, b) => (a as number) - (b as number),
  },
  {
    id: T.double, name: 'double', parse: parseDouble, format: (v) => formatDouble(v as number),
    // NaN equals NaN here, as the OASIS tests expect (IIC350, IIC358).
    equals: (a, b) => a === b || (Number.isNaN(a) && Number.isNaN(b)), compare: (a, b) => (a as number) - (b as number),
  },
  temporalType('time'),
  temporalType('date'),
  temporalType('dateTime'),
  { id: T.dayTimeDuration, name: 'dayTimeDuration', parse: parseDayTimeDuration, format: (v) => formatDayTimeDuration(v as number), equals: same },
  { id: T.yearMonthDuration, name: 'yearMonthDuration', parse: parseYearMonthDuration, format: (v) => formatYearMonthDuration(v as number), equals: same },
  { id: T.anyURI, name: 'anyURI', parse: (t) => t.trim(), format: (v) => v as string, equals: same, compare: stringCompare },
  {
    id: T.hexBinary, name: 'hexBinary',
    parse: (t) => {
      const s = t.trim();
      if (!/^(?:[0-9A-Fa-f]{2})*$/.test(s)) throw new Error(`invalid hexBinary '${t}'`);
      return s.toLowerCase();
    },
    format: (v) => (v as string).toUpperCase(), equals: same,
  },
  {
    id: T.base64Binary, name: 'base64Binary',
    parse: (t) => {
      const s = t.replace(/\s+/g, '');
      if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(s)) throw new Error(`invalid base64Binary '${t}'`);
      return Buffer.from(s, 'base64').toString('hex');
    },
    format: (v) => Buffer.from(v as string, 'hex').toString('base64'), equals: same,
  },
  {
    id: T.rfc822Name, name: 'rfc822Name', parse: parseRfc822, format: (v) => (v as Rfc822Name).text,
    equals: (a, b) => (a as Rfc822Name).key === (b as Rfc822Name).key,
  },
  {
    id: T.x500Name, name: 'x500Name', parse: parseX500, format: (v) => (v as X500Name).text,
    equals: (a, b) => (a as X500Name).key === (b as X500Name).key,
  },
  {
    id: T.ipAddress, name: 'ipAddress',
    parse: (t) => {
      const s = t.trim();
      if (!IPV4.test(s) && !IPV6.test(s)) throw new Error(`invalid ipAddress '${t}'`);
      return s;
    },
    format: (v) => v as string, equals: same,
  },
  {
    id: T.dnsName, name: 'dnsName',
    parse: (t) => {
      const s = t.trim();
      if (!DNS.test(s)) throw new Error(`invalid dnsName '${t}'`);
      return s;
    },
    format: (v) => v as string, equals: same,
  },
  {
    id: T.xpathExpression, name: 'xpathExpression',
    // The category and namespaces come from the element; see parseAttributeValue.
    parse: (t) => ({ path: t.trim(), category: '', namespaces: {} }) satisfies XPathExpressionValue,
    format: (v) => (v as XPathExpressionValue).path,
    equals: (a, b) => (a as XPathExpressionValue).path === (b as XPathExpressionValue).path && (a as XPathExpressionValue).category === (b as XPathExpressionValue).category,
  },
];

const BY_ID = new Map<string, DataType>(TYPES.map((t) => [t.id, t]));
const BY_NAME = new Map<string, DataType>(TYPES.map((t) => [t.name, t]));

export function dataType(id: string): DataType | undefined {
  return BY_ID.get(canonicalTypeId(id));
}

/** The JSON Profile's shorthand data type names ("string", "integer", ...). */
export function dataTypeByShortName(name: string): DataType | undefined {
  return BY_NAME.get(name);
}

export const ALL_DATA_TYPES: readonly DataType[] = TYPES;

/** Parses a value of a known type; xpathExpression takes its category and namespaces. */
export function parseAttributeValue(type: DataType, value: string | number | boolean, xpathCategory?: string, namespaces?: Record<string, string>): unknown {
  if (type.id === T.xpathExpression) {
    if (!xpathCategory) throw new Error('xpathExpression value without XPathCategory');
    return { path: String(value).trim(), category: xpathCategory, namespaces: namespaces ?? {} } satisfies XPathExpressionValue;
  }
  if (typeof value === 'number') {
    if (type.id === T.integer) { if (!Number.isInteger(value)) throw new Error(`invalid integer ${value}`); return value; }
    if (type.id === T.double) return value;
  }
  if (typeof value === 'boolean' && type.id === T.boolean) return value;
  return type.parse(String(value));
}
