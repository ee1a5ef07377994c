import { invalidParameterValue, missingParameterValue } from './exceptions.js';

/**
 * What a single-value accessor does when a parameter is repeated:
 * - 'first': the first occurrence wins;
 * - 'reject': InvalidParameterValue when the occurrences differ (identical repeats are harmless);
 * - 'collect': the occurrences are joined with ',' (one list), as for LAYERS given twice.
 */
export type RepeatedParameterPolicy = 'first' | 'reject' | 'collect';

export interface KvpOptions {
  /** Policy for every parameter; 'reject' by default. */
  repeated?: RepeatedParameterPolicy;
  /** Per-parameter policies (names case-insensitive), e.g. `{ layers: 'collect' }`. */
  repeatedByName?: Record<string, RepeatedParameterPolicy>;
}

/** One name=value pair as received. */
export interface KvpEntry {
  /** The name as the client wrote it (decoded). */
  name: string;
  /** The value still percent-encoded, for list splitting (an encoded ',' is not a separator). */
  raw: string;
}

/**
 * Values are decoded when read, so a malformed value in a parameter the service ignores does
 * not fail the request, and the error names the parameter that was asked for.
 */
function valueOf(entry: KvpEntry): string {
  return decodeComponent(entry.raw, entry.name);
}

export interface NumberOptions {
  min?: number;
  max?: number;
}

/** Decodes one form-urlencoded component ('+' is a space); malformed escapes name the parameter. */
function decodeComponent(raw: string, locator: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    throw invalidParameterValue(locator, `Parameter '${locator}' is not correctly percent-encoded`);
  }
}

function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INTEGER = /^[+-]?\d+$/;

/**
 * Parses a query string (with or without '?') or an application/x-www-form-urlencoded body.
 * Names are case-insensitive, values are kept as sent.
 */
export function parseKvp(input: string | Uint8Array, options: KvpOptions = {}): KvpParams {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  const query = text.startsWith('?') ? text.slice(1) : text;
  const entries: KvpEntry[] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawName = eq === -1 ? pair : pair.slice(0, eq);
    const raw = eq === -1 ? '' : pair.slice(eq + 1);
    // A name that does not decode is kept as written: the service ignores it unless it asks for it.
    const name = safeDecode(rawName).trim();
    if (name === '') continue;
    entries.push({ name, raw });
  }
  return new KvpParams(entries, options);
}

export class KvpParams {
  private readonly byName = new Map<string, KvpEntry[]>();
  private readonly policies: Map<string, RepeatedParameterPolicy>;
  private readonly defaultPolicy: RepeatedParameterPolicy;

  constructor(entries: readonly KvpEntry[], options: KvpOptions = {}) {
    for (const entry of entries) {
      const key = entry.name.toLowerCase();
      const list = this.byName.get(key);
      if (list) list.push(entry);
      else this.byName.set(key, [entry]);
    }
    this.defaultPolicy = options.repeated ?? 'reject';
    this.policies = new Map(Object.entries(options.repeatedByName ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  }

  /** Parameter names as the client wrote them, once each. */
  names(): string[] {
    return [...this.byName.values()].map((list) => list[0].name);
  }

  has(name: string): boolean {
    return this.byName.has(name.toLowerCase());
  }

  /** Every value given for the parameter, in order. */
  all(name: string): string[] {
    return (this.byName.get(name.toLowerCase()) ?? []).map(valueOf);
  }

  /** The value (possibly ''), or undefined when absent; repeats follow the policy. */
  optional(name: string): string | undefined {
    const entry = this.single(name);
    return entry === undefined ? undefined : valueOf(entry);
  }

  /** The value; MissingParameterValue (locator = name) when absent or empty. */
  required(name: string): string {
    const value = this.optional(name);
    if (value === undefined || value.trim() === '') throw missingParameterValue(name);
    return value;
  }

  /** The value, which must be one of `allowed`; InvalidParameterValue lists them otherwise. */
  oneOf<T extends string>(name: string, allowed: readonly T[], options: { caseInsensitive?: boolean; default?: T } = {}): T {
    const value = options.default !== undefined ? this.optional(name) : this.required(name);
    if (value === undefined || value === '') {
      if (options.default !== undefined) return options.default;
      throw missingParameterValue(name);
    }
    const match = allowed.find((a) => (options.caseInsensitive ? a.toLowerCase() === value.toLowerCase() : a === value));
    if (match === undefined) throw invalidParameterValue(name, `Parameter '${name}' must be one of ${allowed.join(', ')}; got '${value}'`);
    return match;
  }

  /**
   * A comma-separated list. Per OWS Common 11.5.3 an item holding a ',' is sent as %2C, so the
   * split happens before decoding; a client that encoded every comma (no literal ',' at all) is
   * split after decoding. Empty items are kept (`STYLES=,,` is three defaults); '' gives [].
   */
  list(name: string, options: { required?: boolean } = {}): string[] {
    const entry = this.single(name);
    if (entry === undefined || entry.raw === '') {
      if (options.required) throw missingParameterValue(name);
      return [];
    }
    return splitList(entry, ',', name);
  }

  /**
   * A list of parenthesised lists, `(a,b)(c)` → [['a','b'],['c']] (WFS/FES 5.5); a value without
   * parentheses is one list.
   */
  groupedList(name: string, options: { required?: boolean } = {}): string[][] {
    const entry = this.single(name);
    if (entry === undefined || entry.raw === '') {
      if (options.required) throw missingParameterValue(name);
      return [];
    }
    const decoded = valueOf(entry);
    const source = entry.raw.includes('(') ? entry.raw : decoded.includes('(') ? encodeSeparators(decoded) : undefined;
    if (source === undefined) return [splitList(entry, ',', name)];
    const groups: string[][] = [];
    const group = /\(([^()]*)\)/gy;
    let match: RegExpExecArray | null;
    let consumed = 0;
    while ((match = group.exec(source)) !== null) {
      groups.push(match[1].split(',').map((item) => decodeComponent(item, name)));
      consumed = group.lastIndex;
    }
    if (consumed !== source.length) throw invalidParameterValue(name, `Parameter '${name}' must be a list of parenthesised lists like (a,b)(c)`);
    return groups;
  }

  number(name: string, options: NumberOptions = {}): number {
    return parseNumber(this.required(name), name, options, NUMBER, 'a number');
  }

  optionalNumber(name: string, options: NumberOptions = {}): number | undefined {
    const value = this.optional(name);
    return value === undefined || value.trim() === '' ? undefined : parseNumber(value, name, options, NUMBER, 'a number');
  }

  int(name: string, options: NumberOptions = {}): number {
    return parseNumber(this.required(name), name, options, INTEGER, 'an integer');
  }

  optionalInt(name: string, options: NumberOptions = {}): number | undefined {
    const value = this.optional(name);
    return value === undefined || value.trim() === '' ? undefined : parseNumber(value, name, options, INTEGER, 'an integer');
  }

  /** TRUE or FALSE, in any case (OWS Common 11.5.4). */
  boolean(name: string): boolean {
    return parseBoolean(this.required(name), name);
  }

  optionalBoolean(name: string, fallback?: boolean): boolean | undefined {
    const value = this.optional(name);
    return value === undefined || value.trim() === '' ? fallback : parseBoolean(value, name);
  }

  /** Names not in `known` (case-insensitive): OWS services ignore them, OGC APIs may refuse them. */
  unknownNames(known: readonly string[]): string[] {
    const set = new Set(known.map((k) => k.toLowerCase()));
    return this.names().filter((n) => !set.has(n.toLowerCase()));
  }

  /** InvalidParameterValue naming the first parameter not in `known`. */
  rejectUnknown(known: readonly string[]): void {
    const unknown = this.unknownNames(known);
    if (unknown.length > 0) throw invalidParameterValue(unknown[0], `Unknown parameter '${unknown[0]}'`);
  }

  private single(name: string): KvpEntry | undefined {
    const entries = this.byName.get(name.toLowerCase());
    if (!entries || entries.length === 1) return entries?.[0];
    const policy = this.policies.get(name.toLowerCase()) ?? this.defaultPolicy;
    if (policy === 'first') return entries[0];
    if (policy === 'collect') {
      return { name: entries[0].name, raw: entries.map((e) => e.raw).join(',') };
    }
    const first = valueOf(entries[0]);
    if (entries.some((e) => valueOf(e) !== first)) {
      throw invalidParameterValue(name, `Parameter '${name}' is given more than once with different values`);
    }
    return entries[0];
  }
}

function splitList(entry: KvpEntry, separator: string, name: string): string[] {
  if (entry.raw.includes(separator)) return entry.raw.split(separator).map((item) => decodeComponent(item, name));
  return valueOf(entry).split(separator);
}

/** Re-encodes a decoded value's characters other than the list syntax, for clients that encoded '(' too. */
function encodeSeparators(value: string): string {
  return value.replace(/[^(),]+/g, (part) => encodeURIComponent(part));
}

function parseNumber(value: string, name: string, options: NumberOptions, pattern: RegExp, what: string): number {
  const text = value.trim();
  const n = Number(text);
  if (!pattern.test(text) || !Number.isFinite(n) || (pattern === INTEGER && !Number.isSafeInteger(n))) {
    throw invalidParameterValue(name, `Parameter '${name}' must be ${what}; got '${value}'`);
  }
  if (options.min !== undefined && n < options.min) throw invalidParameterValue(name, `Parameter '${name}' must be at least ${options.min}; got ${n}`);
  if (options.max !== undefined && n > options.max) throw invalidParameterValue(name, `Parameter '${name}' must be at most ${options.max}; got ${n}`);
  return n;
}

function parseBoolean(value: string, name: string): boolean {
  const v = value.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalidParameterValue(name, `Parameter '${name}' must be TRUE or FALSE; got '${value}'`);
}
