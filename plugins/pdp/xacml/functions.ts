/**
 * The standard functions of XACML 3.0 (Appendix A.3) with their static signatures, so that a
 * policy is type-checked once at load time. Logical and higher-order functions are marked
 * `special` and compiled by the expression compiler (they take unevaluated arguments or
 * functions); every other function is a plain call on evaluated arguments.
 */
import { ALL_DATA_TYPES, T, dataType, type DataType, type Rfc822Name, type X500Name, type XPathExpressionValue } from './datatypes.js';
import { processingError, syntaxError } from './indeterminate.js';
import { xmlSchemaRegex, RegexSyntaxError } from './regex.js';
import { TemporalValue, addDayTime, addYearMonth } from './temporal.js';
import type { EvalContext } from './context.js';

export interface ParamType {
  /** Data type URI; '' accepts any type (higher-order functions check further). */
  type: string;
  bag: boolean;
}

export type SpecialKind = 'and' | 'or' | 'n-of' | 'any-of' | 'all-of' | 'any-of-any' | 'all-of-any' | 'any-of-all' | 'all-of-all' | 'map';

export interface FunctionSpec {
  id: string;
  params: ParamType[];
  /** Parameters repeated after `params`, at least `minVariadic` times. */
  variadic?: ParamType;
  minVariadic?: number;
  returns: ParamType;
  call(args: unknown[], ctx: EvalContext): unknown;
  special?: SpecialKind;
}

const F1 = 'urn:oasis:names:tc:xacml:1.0:function:';
const F2 = 'urn:oasis:names:tc:xacml:2.0:function:';
const F3 = 'urn:oasis:names:tc:xacml:3.0:function:';

const registry = new Map<string, FunctionSpec>();

export function functionSpec(id: string): FunctionSpec | undefined {
  return registry.get(id);
}

const p = (type: string): ParamType => ({ type, bag: false });
const b = (type: string): ParamType => ({ type, bag: true });
const BOOL = p(T.boolean);

function def(prefixes: string[], name: string, params: ParamType[], returns: ParamType, call: FunctionSpec['call'], variadic?: ParamType, minVariadic = 0, special?: SpecialKind): void {
  for (const prefix of prefixes) {
    const id = prefix + name;
    registry.set(id, { id, params, returns, call, variadic, minVariadic, special });
  }
}

function typeOf(id: string): DataType {
  const t = dataType(id);
  if (!t) throw new Error(`no data type ${id}`);
  return t;
}

/** Prefixes a type's bag, set and equality functions carry (3.0 for the 3.0 duration types). */
function prefixesOf(t: DataType): string[] {
  if (t.id === T.dayTimeDuration || t.id === T.yearMonthDuration) return [F3, F1];
  if (t.id === T.ipAddress || t.id === T.dnsName) return [F2, F1, F3];
  return [F1];
}

// --- equality -------------------------------------------------------------------------------
for (const name of ['string', 'boolean', 'integer', 'double', 'date', 'time', 'dateTime', 'dayTimeDuration', 'yearMonthDuration', 'anyURI', 'x500Name', 'rfc822Name', 'hexBinary', 'base64Binary'] as const) {
  const t = typeOf(T[name]);
  def(prefixesOf(t), `${name}-equal`, [p(t.id), p(t.id)], BOOL, (a) => t.equals(a[0], a[1]));
}
def([F3], 'string-equal-ignore-case', [p(T.string), p(T.string)], BOOL, (a) => (a[0] as string).toLowerCase() === (a[1] as string).toLowerCase());

// --- arithmetic -----------------------------------------------------------------------------
for (const name of ['integer', 'double'] as const) {
  const id = T[name];
  def([F1], `${name}-add`, [p(id), p(id)], p(id), (a) => { let s = 0; for (const v of a) s += v as number; return s; }, p(id));
  def([F1], `${name}-multiply`, [p(id), p(id)], p(id), (a) => { let s = 1; for (const v of a) s *= v as number; return s; }, p(id));
  def([F1], `${name}-subtract`, [p(id), p(id)], p(id), (a) => (a[0] as number) - (a[1] as number));
  def([F1], `${name}-divide`, [p(id), p(id)], p(id), (a) => {
    if (a[1] === 0) throw processingError(`${name}-divide by zero`);
    const q = (a[0] as number) / (a[1] as number);
    return name === 'integer' ? Math.trunc(q) : q;
  });
  def([F1], `${name}-abs`, [p(id)], p(id), (a) => Math.abs(a[0] as number));
}
def([F1], 'integer-mod', [p(T.integer), p(T.integer)], p(T.integer), (a) => {
  if (a[1] === 0) throw processingError('integer-mod by zero');
  return (a[0] as number) % (a[1] as number);
});
def([F1], 'round', [p(T.double)], p(T.double), (a) => Math.round(a[0] as number));
def([F1], 'floor', [p(T.double)], p(T.double), (a) => Math.floor(a[0] as number));

// --- string and numeric conversion ----------------------------------------------------------
def([F1], 'string-normalize-space', [p(T.string)], p(T.string), (a) => (a[0] as string).replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, ''));
def([F1], 'string-normalize-to-lower-case', [p(T.string)], p(T.string), (a) => (a[0] as string).toLowerCase());
def([F1], 'double-to-integer', [p(T.double)], p(T.integer), (a) => {
  const v = a[0] as number;
  if (!Number.isFinite(v)) throw processingError(`double-to-integer of ${v}`);
  return Math.trunc(v);
});
def([F1], 'integer-to-double', [p(T.integer)], p(T.double), (a) => a[0]);

// --- logical (evaluated lazily by the compiler; `call` serves higher-order use) ------------
def([F1], 'or', [], BOOL, (a) => a.some((v) => v === true), BOOL, 0, 'or');
def([F1], 'and', [], BOOL, (a) => a.every((v) => v === true), BOOL, 0, 'and');
def([F1], 'n-of', [p(T.integer)], BOOL, (a) => {
  const n = a[0] as number;
  if (n > a.length - 1) throw processingError(`n-of: ${n} exceeds the ${a.length - 1} arguments`);
  let count = 0;
  for (let i = 1; i < a.length; i++) if (a[i] === true) count++;
  return count >= n;
}, BOOL, 0, 'n-of');
def([F1], 'not', [BOOL], BOOL, (a) => !(a[0] as boolean));

// --- ordering -------------------------------------------------------------------------------
for (const name of ['integer', 'double', 'string', 'time', 'date', 'dateTime'] as const) {
  const t = typeOf(T[name]);
  const cmp = t.compare!;
  const pair = [p(t.id), p(t.id)];
  def([F1], `${name}-greater-than`, pair, BOOL, (a) => cmp(a[0], a[1]) > 0);
  def([F1], `${name}-greater-than-or-equal`, pair, BOOL, (a) => cmp(a[0], a[1]) >= 0);
  def([F1], `${name}-less-than`, pair, BOOL, (a) => cmp(a[0], a[1]) < 0);
  def([F1], `${name}-less-than-or-equal`, pair, BOOL, (a) => cmp(a[0], a[1]) <= 0);
}
const MS_PER_DAY = 86_400_000;
const timeOfDay = (v: TemporalValue) => ((v.instant % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
def([F2], 'time-in-range', [p(T.time), p(T.time), p(T.time)], BOOL, (a) => {
  const [v, lo, hi] = [timeOfDay(a[0] as TemporalValue), timeOfDay(a[1] as TemporalValue), timeOfDay(a[2] as TemporalValue)];
  return lo <= hi ? v >= lo && v <= hi : v >= lo || v <= hi;
});

// --- date and time arithmetic ---------------------------------------------------------------
const DT_PREFIXES = [F3, F1];
def(DT_PREFIXES, 'dateTime-add-dayTimeDuration', [p(T.dateTime), p(T.dayTimeDuration)], p(T.dateTime), (a) => addDayTime(a[0] as TemporalValue, a[1] as number));
def(DT_PREFIXES, 'dateTime-subtract-dayTimeDuration', [p(T.dateTime), p(T.dayTimeDuration)], p(T.dateTime), (a) => addDayTime(a[0] as TemporalValue, -(a[1] as number)));
def(DT_PREFIXES, 'dateTime-add-yearMonthDuration', [p(T.dateTime), p(T.yearMonthDuration)], p(T.dateTime), (a) => addYearMonth(a[0] as TemporalValue, a[1] as number));
def(DT_PREFIXES, 'dateTime-subtract-yearMonthDuration', [p(T.dateTime), p(T.yearMonthDuration)], p(T.dateTime), (a) => addYearMonth(a[0] as TemporalValue, -(a[1] as number)));
def(DT_PREFIXES, 'date-add-yearMonthDuration', [p(T.date), p(T.yearMonthDuration)], p(T.date), (a) => addYearMonth(a[0] as TemporalValue, a[1] as number));
def(DT_PREFIXES, 'date-subtract-yearMonthDuration', [p(T.date), p(T.yearMonthDuration)], p(T.date), (a) => addYearMonth(a[0] as TemporalValue, -(a[1] as number)));

// --- string functions -----------------------------------------------------------------------
def([F2], 'string-concatenate', [p(T.string), p(T.string)], p(T.string), (a) => (a as string[]).join(''), p(T.string));
def([F2], 'uri-string-concatenate', [p(T.anyURI), p(T.string)], p(T.anyURI), (a) => (a as string[]).join(''), p(T.string));
for (const name of ['boolean', 'integer', 'double', 'time', 'date', 'dateTime', 'anyURI', 'dayTimeDuration', 'yearMonthDuration', 'x500Name', 'rfc822Name', 'ipAddress', 'dnsName'] as const) {
  const t = typeOf(T[name]);
  def([F3], `${name}-from-string`, [p(T.string)], p(t.id), (a) => {
    try {
      return t.parse(a[0] as string);
    } catch (err) {
      throw syntaxError(`${name}-from-string: ${(err as Error).message}`);
    }
  });
  def([F3], `string-from-${name}`, [p(t.id)], p(T.string), (a) => t.format(a[0]));
}
for (const [name, id] of [['string', T.string], ['anyURI', T.anyURI]] as const) {
  def([F3], `${name}-starts-with`, [p(T.string), p(id)], BOOL, (a) => (a[1] as string).startsWith(a[0] as string));
  def([F3], `${name}-ends-with`, [p(T.string), p(id)], BOOL, (a) => (a[1] as string).endsWith(a[0] as string));
  def([F3], `${name}-contains`, [p(T.string), p(id)], BOOL, (a) => (a[1] as string).includes(a[0] as string));
  def([F3], `${name}-substring`, [p(id), p(T.integer), p(T.integer)], p(T.string), (a) => {
    const s = a[0] as string;
    const begin = a[1] as number;
    const end = a[2] as number;
    const stop = end === -1 ? s.length : end;
    if (begin < 0 || begin > s.length || stop > s.length || stop < begin) throw processingError(`${name}-substring(${begin}, ${end}) out of range for a string of ${s.length} characters`);
    return s.slice(begin, stop);
  });
}

// --- bags and sets, for every type ----------------------------------------------------------
function distinct(t: DataType, values: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const v of values) if (!out.some((o) => t.equals(o, v))) out.push(v);
  return out;
}
function contains(t: DataType, bag: readonly unknown[], v: unknown): boolean {
  for (const x of bag) if (t.equals(x, v)) return true;
  return false;
}
for (const t of ALL_DATA_TYPES) {
  if (t.id === T.xpathExpression) continue;
  const prefixes = prefixesOf(t);
  const n = t.name;
  def(prefixes, `${n}-one-and-only`, [b(t.id)], p(t.id), (a) => {
    const bag = a[0] as unknown[];
    if (bag.length !== 1) throw processingError(`${n}-one-and-only: the bag has ${bag.length} values`);
    return bag[0];
  });
  def(prefixes, `${n}-bag-size`, [b(t.id)], p(T.integer), (a) => (a[0] as unknown[]).length);
  def(prefixes, `${n}-is-in`, [p(t.id), b(t.id)], BOOL, (a) => contains(t, a[1] as unknown[], a[0]));
  def(prefixes, `${n}-bag`, [], b(t.id), (a) => a.slice(), p(t.id));
  def(prefixes, `${n}-intersection`, [b(t.id), b(t.id)], b(t.id), (a) => distinct(t, (a[0] as unknown[]).filter((v) => contains(t, a[1] as unknown[], v))));
  def(prefixes, `${n}-at-least-one-member-of`, [b(t.id), b(t.id)], BOOL, (a) => (a[0] as unknown[]).some((v) => contains(t, a[1] as unknown[], v)));
  def(prefixes, `${n}-union`, [b(t.id), b(t.id)], b(t.id), (a) => distinct(t, (a as unknown[][]).flat()), b(t.id));
  def(prefixes, `${n}-subset`, [b(t.id), b(t.id)], BOOL, (a) => (a[0] as unknown[]).every((v) => contains(t, a[1] as unknown[], v)));
  def(prefixes, `${n}-set-equals`, [b(t.id), b(t.id)], BOOL, (a) => (a[0] as unknown[]).every((v) => contains(t, a[1] as unknown[], v)) && (a[1] as unknown[]).every((v) => contains(t, a[0] as unknown[], v)));
}

// --- regular expressions and special matches ------------------------------------------------
function regexMatch(pattern: string, text: string): boolean {
  try {
    return xmlSchemaRegex(pattern).test(text);
  } catch (err) {
    if (err instanceof RegexSyntaxError) throw processingError(err.message);
    throw err;
  }
}
def([F1], 'string-regexp-match', [p(T.string), p(T.string)], BOOL, (a) => regexMatch(a[0] as string, a[1] as string));
def([F2], 'anyURI-regexp-match', [p(T.string), p(T.anyURI)], BOOL, (a) => regexMatch(a[0] as string, a[1] as string));
def([F2], 'ipAddress-regexp-match', [p(T.string), p(T.ipAddress)], BOOL, (a) => regexMatch(a[0] as string, a[1] as string));
def([F2], 'dnsName-regexp-match', [p(T.string), p(T.dnsName)], BOOL, (a) => regexMatch(a[0] as string, a[1] as string));
def([F2], 'rfc822Name-regexp-match', [p(T.string), p(T.rfc822Name)], BOOL, (a) => regexMatch(a[0] as string, (a[1] as Rfc822Name).text));
def([F2], 'x500Name-regexp-match', [p(T.string), p(T.x500Name)], BOOL, (a) => regexMatch(a[0] as string, (a[1] as X500Name).text));

/** True when the first name's RDNs are the terminal sequence of the second's. */
def([F1], 'x500Name-match', [p(T.x500Name), p(T.x500Name)], BOOL, (a) => {
  const x = (a[0] as X500Name).rdns;
  const y = (a[1] as X500Name).rdns;
  if (x.length > y.length) return false;
  const offset = y.length - x.length;
  return x.every((rdn, i) => rdn === y[offset + i]);
});
/** Pattern forms: "local@domain" (exact mailbox), "domain" (that host), ".domain" (any subdomain). */
def([F1], 'rfc822Name-match', [p(T.string), p(T.rfc822Name)], BOOL, (a) => {
  const pattern = (a[0] as string).trim();
  const name = a[1] as Rfc822Name;
  const at = pattern.lastIndexOf('@');
  if (at >= 0) return pattern.slice(0, at) === name.local && pattern.slice(at + 1).toLowerCase() === name.domain;
  const domain = pattern.toLowerCase();
  if (domain.startsWith('.')) return name.domain.endsWith(domain);
  return name.domain === domain;
});

// --- XPath ----------------------------------------------------------------------------------
const nodePath = (n: unknown) => (n as { path(): string }).path();
def([F3], 'xpath-node-count', [p(T.xpathExpression)], p(T.integer), (a, ctx) => ctx.xpathNodes(a[0] as XPathExpressionValue).length);
def([F3], 'xpath-node-equal', [p(T.xpathExpression), p(T.xpathExpression)], BOOL, (a, ctx) => {
  const x = ctx.xpathNodes(a[0] as XPathExpressionValue).map(nodePath);
  const y = new Set(ctx.xpathNodes(a[1] as XPathExpressionValue).map(nodePath));
  return x.some((path) => y.has(path));
});
/**
 * True when a node of the second set is, or is inside (attributes included), a node of the
 * first: the reading of the OASIS tests (IIIG004: "something in the 2nd list must be a thing in
 * the first list or a child of a thing in the first list").
 */
def([F3], 'xpath-node-match', [p(T.xpathExpression), p(T.xpathExpression)], BOOL, (a, ctx) => {
  const x = ctx.xpathNodes(a[0] as XPathExpressionValue).map(nodePath);
  const y = ctx.xpathNodes(a[1] as XPathExpressionValue).map(nodePath);
  return y.some((py) => x.some((px) => py === px || py.startsWith(`${px}/`)));
});

// --- higher-order (compiled specially) ------------------------------------------------------
const notDirect = () => { throw processingError('higher-order function called directly'); };
const ANY = { type: '', bag: false };
for (const [name, prefixes] of [['any-of', [F3, F1]], ['all-of', [F3, F1]], ['any-of-any', [F3, F1]], ['all-of-any', [F1, F3]], ['any-of-all', [F1, F3]], ['all-of-all', [F1, F3]], ['map', [F3, F1]]] as const) {
  def([...prefixes], name, [], name === 'map' ? { type: '', bag: true } : BOOL, notDirect, ANY, 0, name);
}
