/**
 * The value syntax of OpenSearch EO parameters (OGC 13-026r9 §7.3): a single value, a list
 * `{a,b,c}` (any of them), or for numbers and times a range: `[a,b]`, `]a,b[`, `[a,b[`, `]a,b]`
 * (brackets facing the value include it), `[a` (≥ a), `]a` (> a), `a]` (≤ a), `a[` (< a).
 * Strings also take `*` (any characters) and `?` (one), escaped with `\` (CEOS-BP-002B "masked");
 * booleans are TRUE or FALSE (eo:hasSecurityConstraints). Each value becomes a core/filter
 * expression on the parameter's queryable (or, for eo:wavelengths, on the two bounding a range).
 */
import { property, type Expression, type Filter, type LikePart } from '../../core/filter/index.js';
import { invalidParameterValue } from '../../core/ows/index.js';
import { parseInstant } from '../../core/ows/time.js';

export type ValueSyntax = 'text' | 'number' | 'integer' | 'time' | 'boolean';
type RangeSyntax = 'number' | 'integer' | 'time';

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/** Regular expressions of each syntax, as the Parameter extension's `pattern` advertises them. */
const NUMBER_TEXT = '[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?';
const INTEGER_TEXT = '[+-]?\\d+';
const TIME_TEXT = '\\d{4}(-\\d{2}(-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})?)?)?)?';

function rangePattern(value: string): string {
  return `${value}|\\{${value}(,${value})*\\}|[\\[\\]]${value}(,${value}[\\[\\]])?|${value}[\\[\\]]`;
}

export const SYNTAX_PATTERNS: Record<Exclude<ValueSyntax, 'text'>, string> = {
  number: rangePattern(NUMBER_TEXT),
  integer: rangePattern(INTEGER_TEXT),
  time: rangePattern(TIME_TEXT),
  boolean: '[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee]',
};

interface Bound {
  /** The value as an expression, at the end of its unit that the comparison needs. */
  expr: Expression;
  inclusive: boolean;
}

/** One scalar of the syntax, as an expression; `side` picks a reduced-precision time's first or last instant. */
function scalar(text: string, syntax: RangeSyntax, side: 'begin' | 'end', locator: string): Expression {
  const t = text.trim();
  if (syntax === 'time') {
    const parsed = parseInstant(t);
    if (!parsed) throw invalidParameterValue(locator, `Parameter '${locator}': '${t}' is not an ISO 8601 time`);
    const ms = parsed[side].getTime();
    return { kind: 'time', text: new Date(ms).toISOString(), shape: 'instant', begin: ms, end: ms };
  }
  const pattern = syntax === 'integer' ? INTEGER : NUMBER;
  if (!pattern.test(t) || !Number.isFinite(Number(t))) {
    throw invalidParameterValue(locator, `Parameter '${locator}': '${t}' is not ${syntax === 'integer' ? 'an integer' : 'a number'}`);
  }
  return { kind: 'literal', value: Number(t) };
}

function compare(name: string, op: '<' | '<=' | '>' | '>=' | '=', right: Expression): Filter {
  return { op, left: property(name), right, matchCase: true, matchAccent: true };
}

function and(args: Filter[]): Filter {
  return args.length === 1 ? args[0]! : { op: 'and', args };
}

/** A single value of a number or time parameter: equal, or within a reduced-precision time's unit. */
function equalTo(name: string, text: string, syntax: RangeSyntax, locator: string): Filter {
  if (syntax !== 'time') return compare(name, '=', scalar(text, syntax, 'begin', locator));
  return and([compare(name, '>=', scalar(text, syntax, 'begin', locator)), compare(name, '<=', scalar(text, syntax, 'end', locator))]);
}

function lowerBound(name: string, b: Bound): Filter {
  return compare(name, b.inclusive ? '>=' : '>', b.expr);
}

function upperBound(name: string, b: Bound): Filter {
  return compare(name, b.inclusive ? '<=' : '<', b.expr);
}

/** Splits `{a,b}` into its items; undefined when the value is not a list. */
function listItems(value: string, locator: string): string[] | undefined {
  if (!value.startsWith('{')) return undefined;
  if (!value.endsWith('}')) throw invalidParameterValue(locator, `Parameter '${locator}': a list is written {a,b,...}`);
  const items = value.slice(1, -1).split(',').map((s) => s.trim());
  if (items.some((s) => s === '')) throw invalidParameterValue(locator, `Parameter '${locator}': the list '${value}' has an empty item`);
  return items;
}

/** A number or time value as written: a list of values, one value, or a range (either end open). */
type ParsedRange = { kind: 'list'; items: string[] } | { kind: 'value'; text: string } | { kind: 'range'; low?: Bound; high?: Bound };

function parseRange(value: string, syntax: RangeSyntax, locator: string): ParsedRange {
  const list = listItems(value, locator);
  if (list) return list.length === 1 ? { kind: 'value', text: list[0]! } : { kind: 'list', items: list };
  const opens = value[0] === '[' || value[0] === ']';
  const last = value[value.length - 1]!;
  const closes = last === '[' || last === ']';
  if (!opens && !closes) return { kind: 'value', text: value };
  const body = value.slice(opens ? 1 : 0, closes ? -1 : undefined);
  const parts = body.split(',');
  if (opens && closes) {
    if (parts.length !== 2) throw invalidParameterValue(locator, `Parameter '${locator}': a range is written [min,max] (or with ] [ for open ends)`);
    const low: Bound = { expr: scalar(parts[0]!, syntax, value[0] === '[' ? 'begin' : 'end', locator), inclusive: value[0] === '[' };
    const high: Bound = { expr: scalar(parts[1]!, syntax, last === ']' ? 'end' : 'begin', locator), inclusive: last === ']' };
    if (bound(low) > bound(high)) throw invalidParameterValue(locator, `Parameter '${locator}': the range '${value}' ends before it begins`);
    return { kind: 'range', low, high };
  }
  if (parts.length !== 1) throw invalidParameterValue(locator, `Parameter '${locator}': '${value}' is not a value, a list {a,b} or a range [a,b]`);
  // `[a` and `]a` bound from below; `a]` and `a[` from above.
  if (opens) return { kind: 'range', low: { expr: scalar(body, syntax, value[0] === '[' ? 'begin' : 'end', locator), inclusive: value[0] === '[' } };
  return { kind: 'range', high: { expr: scalar(body, syntax, last === ']' ? 'end' : 'begin', locator), inclusive: last === ']' } };
}

/** A number or time parameter's value (13-026r9 ranges, lists or a single value) as a filter. */
function rangeFilter(name: string, value: string, syntax: RangeSyntax, locator: string): Filter {
  const r = parseRange(value, syntax, locator);
  if (r.kind === 'list') return { op: 'or', args: r.items.map((item) => equalTo(name, item, syntax, locator)) };
  if (r.kind === 'value') return equalTo(name, r.text, syntax, locator);
  return and([...(r.low ? [lowerBound(name, r.low)] : []), ...(r.high ? [upperBound(name, r.high)] : [])]);
}

/**
 * The filter of a parameter whose records cover a range, from queryable `min` to `max`
 * (eo:wavelengths: the sensor's shortest and longest wavelength): a value must lie in it, a
 * range must overlap it.
 */
export function eoCoverageFilter(min: string, max: string, value: string, locator: string): Filter {
  const v = value.trim();
  const covers = (text: string): Filter => and([compare(min, '<=', scalar(text, 'number', 'begin', locator)), compare(max, '>=', scalar(text, 'number', 'end', locator))]);
  const r = parseRange(v, 'number', locator);
  if (r.kind === 'list') return { op: 'or', args: r.items.map(covers) };
  if (r.kind === 'value') return covers(r.text);
  // Overlap: the record's range ends at or after the low bound and begins at or before the high one.
  const parts: Filter[] = [];
  if (r.low) parts.push(compare(max, r.low.inclusive ? '>=' : '>', r.low.expr));
  if (r.high) parts.push(compare(min, r.high.inclusive ? '<=' : '<', r.high.expr));
  return and(parts);
}

/** A boolean parameter (TRUE or FALSE, any case; a list of them). */
function booleanFilter(name: string, value: string, locator: string): Filter {
  const one = (text: string): Filter => {
    const t = text.trim().toLowerCase();
    if (t !== 'true' && t !== 'false') throw invalidParameterValue(locator, `Parameter '${locator}' must be TRUE or FALSE; got '${text}'`);
    return { op: '=', left: property(name), right: { kind: 'literal', value: t === 'true' }, matchCase: true, matchAccent: true };
  };
  const list = listItems(value, locator);
  if (!list) return one(value);
  return list.length === 1 ? one(list[0]!) : { op: 'or', args: list.map(one) };
}

function bound(b: Bound): number {
  if (b.expr.kind === 'time') return b.expr.begin ?? 0;
  return b.expr.kind === 'literal' ? Number(b.expr.value) : 0;
}

/** `*` and `?` wildcards (backslash escapes them), as like-pattern parts; undefined when there are none. */
function maskedParts(value: string): LikePart[] | undefined {
  const parts: LikePart[] = [];
  let literal = '';
  let masked = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i]!;
    if (c === '\\' && i + 1 < value.length) {
      literal += value[++i];
      continue;
    }
    if (c === '*' || c === '?') {
      if (literal) parts.push({ text: literal });
      literal = '';
      parts.push({ wildcard: c === '*' ? 'any' : 'one' });
      masked = true;
      continue;
    }
    literal += c;
  }
  if (literal) parts.push({ text: literal });
  return masked ? parts : undefined;
}

function unescape(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}

function textFilter(name: string, value: string): Filter {
  const pattern = maskedParts(value);
  if (pattern) return { op: 'like', expr: property(name), pattern, matchCase: true, matchAccent: true };
  return { op: '=', left: property(name), right: { kind: 'literal', value: unescape(value) }, matchCase: true, matchAccent: true };
}

/**
 * The filter of one EO parameter. `locator` is the request parameter named in errors. A text
 * value is taken as written (a ',' outside braces is part of it: polarisation 'VV, VH').
 */
export function eoValueFilter(queryable: string, value: string, syntax: ValueSyntax, locator: string): Filter {
  const v = value.trim();
  if (syntax === 'boolean') return booleanFilter(queryable, v, locator);
  if (syntax !== 'text') return rangeFilter(queryable, v, syntax, locator);
  const list = listItems(v, locator);
  if (!list) return textFilter(queryable, v);
  return list.length === 1 ? textFilter(queryable, list[0]!) : { op: 'or', args: list.map((item) => textFilter(queryable, item)) };
}
