/**
 * Runs a filter in memory against one record: SQL's three-valued logic (a comparison with a
 * missing value is unknown, and NOT unknown is unknown), so a record matches here exactly when
 * the SQL of sql.ts selects it.
 */
import { parseInstant } from '../ows/time.js';
import type { ArithmeticOperator, Expression, Filter, GeoJSONGeometry, LikePart, TemporalRelation } from './ast.js';
import { FilterError } from './errors.js';
import { lookupFunction, stripAccents } from './functions.js';
import { assertLonLatCrs, distanceInDegrees, geometryDistance, prepare, spatialRelationHolds } from './spatial.js';
import { bboxGeometry } from './cql2-build.js';
import { filterToCrs84 } from './crs.js';
import type { PreparedGeometry } from '../storage/db/geometry/index.js';

export interface FilterRecord {
  /** The identifier resource-id filters match (compared as text). */
  id?: string | number;
  properties: Record<string, unknown>;
  geometry?: GeoJSONGeometry | null;
}

export interface EvaluateOptions {
  /** Queryable names that stand for the record's geometry; ['geometry'] by default. */
  geometryProperties?: readonly string[];
}

/** Unknown is null, as in SQL. */
type Truth = boolean | null;

/** A compiled filter: literals (geometries, patterns) are prepared once for many records. */
export type RecordPredicate = (record: FilterRecord) => boolean;

export function compileFilter(filter: Filter, options: EvaluateOptions = {}): RecordPredicate {
  const evaluator = new Evaluator(options);
  const inCrs84 = filterToCrs84(filter);
  return (record) => evaluator.filter(inCrs84, record) === true;
}

export function evaluateFilter(filter: Filter, record: FilterRecord, options: EvaluateOptions = {}): boolean {
  return compileFilter(filter, options)(record);
}

type Value = string | number | boolean | null | GeoJSONGeometry | TimeRange | Value[];
interface TimeRange {
  timeRange: [number, number];
}

const isTimeRange = (v: unknown): v is TimeRange => typeof v === 'object' && v !== null && 'timeRange' in v;
const isGeometry = (v: unknown): v is GeoJSONGeometry => typeof v === 'object' && v !== null && 'type' in v && !Array.isArray(v);

/** A stored time value as milliseconds (its first millisecond), or undefined when it is none. */
export function timeOf(value: unknown): number | undefined {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'string') return parseInstant(value)?.begin.getTime();
  return undefined;
}

class Evaluator {
  private readonly geometryNames: ReadonlySet<string>;
  private readonly prepared = new WeakMap<GeoJSONGeometry, PreparedGeometry>();
  private readonly patterns = new WeakMap<LikePart[], RegExp>();

  constructor(options: EvaluateOptions) {
    this.geometryNames = new Set(options.geometryProperties ?? ['geometry']);
  }

  filter(f: Filter, r: FilterRecord): Truth {
    switch (f.op) {
      case 'and': {
        let result: Truth = true;
        for (const a of f.args) {
          const t = this.filter(a, r);
          if (t === false) return false;
          if (t === null) result = null;
        }
        return result;
      }
      case 'or': {
        let result: Truth = false;
        for (const a of f.args) {
          const t = this.filter(a, r);
          if (t === true) return true;
          if (t === null) result = null;
        }
        return result;
      }
      case 'not': {
        const t = this.filter(f.arg, r);
        return t === null ? null : !t;
      }
      case 'constant':
        return f.value;
      case 'ids':
        return r.id !== undefined && f.ids.includes(String(r.id));
      case 'isNull':
        return this.value(f.expr, r) === null;
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        const c = this.compare(this.value(f.left, r), this.value(f.right, r), f.matchCase, f.matchAccent);
        if (c === null) return null;
        return { '=': c === 0, '<>': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[f.op];
      }
      case 'between': {
        const v = this.value(f.expr, r);
        const lo = this.compare(v, this.value(f.lower, r), true, true);
        const hi = this.compare(v, this.value(f.upper, r), true, true);
        if (lo === null || hi === null) return null;
        return lo >= 0 && hi <= 0;
      }
      case 'in': {
        const v = this.value(f.expr, r);
        if (v === null) return null;
        return f.list.some((item) => this.compare(v, this.value(item, r), f.matchCase, true) === 0);
      }
      case 'like': {
        const v = this.value(f.expr, r);
        if (v === null) return null;
        if (typeof v !== 'string' && typeof v !== 'number') return false;
        return this.likeRegExp(f.pattern, f.matchCase).test(this.fold(String(v), f.matchCase, f.matchAccent));
      }
      case 'spatial': {
        const [a, b] = [this.geometry(f.left, r), this.geometry(f.right, r)];
        return a === null || b === null ? null : spatialRelationHolds(f.relation, a, b);
      }
      case 'bbox': {
        assertLonLatCrs(f.crs);
        const g = this.geometry(f.expr, r);
        return g === null ? null : spatialRelationHolds('intersects', g, this.prepare(bboxGeometry(f.bbox)));
      }
      case 'dwithin':
      case 'beyond': {
        const [a, b] = [this.geometry(f.left, r), this.geometry(f.right, r)];
        if (a === null || b === null) return null;
        const within = geometryDistance(a, b) <= distanceInDegrees(f.distance, f.units);
        return f.op === 'dwithin' ? within : !within;
      }
      case 'temporal': {
        const [a, b] = [this.time(f.left, r), this.time(f.right, r)];
        return a === null || b === null ? null : temporalRelationHolds(f.relation, a, b);
      }
      case 'array': {
        const [a, b] = [this.value(f.left, r), this.value(f.right, r)];
        if (a === null || b === null) return null;
        if (!Array.isArray(a) || !Array.isArray(b)) return false;
        const has = (list: Value[], x: Value) => list.some((y) => this.compare(x, y, true, true) === 0);
        if (f.relation === 'aEquals') return a.length === b.length && a.every((x, i) => this.compare(x, b[i]!, true, true) === 0);
        if (f.relation === 'aContains') return b.every((x) => has(a, x));
        if (f.relation === 'aContainedBy') return a.every((x) => has(b, x));
        return a.some((x) => has(b, x));
      }
      case 'function': {
        const v = this.value(f.call, r);
        return v === null ? null : v === true;
      }
    }
  }

  value(e: Expression, r: FilterRecord): Value {
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'property':
        return this.property(e.name, e.path, r);
      case 'geometry':
        assertLonLatCrs(e.crs);
        return e.geometry;
      case 'time':
        return { timeRange: [e.begin ?? -Infinity, e.end ?? Infinity] };
      case 'interval': {
        const s = this.time(e.start, r);
        const t = this.time(e.end, r);
        return s === null || t === null ? null : { timeRange: [s[0], t[1]] };
      }
      case 'array':
        return e.items.map((item) => this.value(item, r));
      case 'function': {
        const fn = lookupFunction(e.name);
        if (!fn) throw new FilterError(`Unknown function '${e.name}'`);
        const args = e.args.map((a) => this.value(a, r));
        if (args.some((a) => a === null)) return null;
        return fn.evaluate(args) as Value;
      }
      case 'arithmetic': {
        const [a, b] = [this.value(e.left, r), this.value(e.right, r)];
        if (a === null || b === null) return null;
        const [x, y] = [Number(a), Number(b)];
        if (typeof a === 'object' || typeof b === 'object' || Number.isNaN(x) || Number.isNaN(y)) throw new FilterError(`Operator '${e.op}' needs numbers`);
        return arithmetic(e.op, x, y);
      }
    }
  }

  private property(name: string, path: string[], r: FilterRecord): Value {
    if (this.geometryNames.has(name)) return r.geometry ?? null;
    let v: unknown = name in r.properties ? r.properties[name] : undefined;
    if (v === undefined && path.length > 1) {
      v = r.properties;
      for (const key of path) v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[key] : undefined;
    }
    if (v === undefined || v === null) return null;
    if (v instanceof Date) return { timeRange: [v.getTime(), v.getTime()] };
    return v as Value;
  }

  private geometry(e: Expression, r: FilterRecord): PreparedGeometry | null {
    const v = this.value(e, r);
    if (v === null) return null;
    if (typeof v === 'string') return this.prepare(JSON.parse(v) as GeoJSONGeometry);
    if (!isGeometry(v)) throw new FilterError('A spatial operator needs geometries');
    return this.prepare(v);
  }

  private prepare(g: GeoJSONGeometry): PreparedGeometry {
    let p = this.prepared.get(g);
    if (!p) {
      p = prepare(g);
      this.prepared.set(g, p);
    }
    return p;
  }

  private time(e: Expression, r: FilterRecord): [number, number] | null {
    const v = this.value(e, r);
    if (v === null) return null;
    if (isTimeRange(v)) return v.timeRange;
    const t = timeOf(v);
    if (t === undefined) throw new FilterError('A temporal operator needs times (ISO 8601 values, DATE, TIMESTAMP or INTERVAL)');
    return [t, t];
  }

  private fold(s: string, matchCase: boolean, matchAccent: boolean): string {
    const a = matchAccent ? s : stripAccents(s);
    return matchCase ? a : a.toLowerCase();
  }

  /** -1, 0, 1, or null when either side is missing or they cannot be ordered. */
  compare(a: Value, b: Value, matchCase: boolean, matchAccent: boolean): number | null {
    if (a === null || b === null) return null;
    if (isTimeRange(a) || isTimeRange(b)) {
      const x = isTimeRange(a) ? a.timeRange[0] : timeOf(a);
      const y = isTimeRange(b) ? b.timeRange[0] : timeOf(b);
      return x === undefined || y === undefined ? null : Math.sign(x - y);
    }
    if (typeof a === 'number' && typeof b === 'number') return Math.sign(a - b);
    if (typeof a === 'boolean' || typeof b === 'boolean') return a === b ? 0 : typeof a === typeof b ? (a ? 1 : -1) : null;
    if (typeof a === 'string' && typeof b === 'string') {
      const x = this.fold(a, matchCase, matchAccent);
      const y = this.fold(b, matchCase, matchAccent);
      return x < y ? -1 : x > y ? 1 : 0;
    }
    if (typeof a === 'number' || typeof b === 'number') {
      const x = Number(a);
      const y = Number(b);
      return Number.isNaN(x) || Number.isNaN(y) ? null : Math.sign(x - y);
    }
    return JSON.stringify(a) === JSON.stringify(b) ? 0 : null;
  }

  private likeRegExp(pattern: LikePart[], matchCase: boolean): RegExp {
    let re = this.patterns.get(pattern);
    if (!re) {
      const source = pattern
        .map((p) => ('text' in p ? this.fold(p.text, matchCase, true).replace(/[.*+?^${}()|[\]\\]/g, '\\$&') : p.wildcard === 'any' ? '.*' : '.'))
        .join('');
      re = new RegExp(`^${source}$`, 'su');
      this.patterns.set(pattern, re);
    }
    return re;
  }
}

/** CQL2 arithmetic as SQL computes it: division by zero is unknown (null), div truncates toward zero. */
export function arithmetic(op: ArithmeticOperator, x: number, y: number): number | null {
  switch (op) {
    case '+':
      return x + y;
    case '-':
      return x - y;
    case '*':
      return x * y;
    case '/':
      return y === 0 ? null : x / y;
    case '%':
      return y === 0 ? null : x % y;
    case 'div':
      return y === 0 ? null : Math.trunc(x / y);
    case '^':
      return x ** y;
  }
}

/** Allen's relations (CQL2 names) on closed ranges [begin, end]; an instant is [t, t]. */
export function temporalRelationHolds(relation: TemporalRelation, [a1, a2]: [number, number], [b1, b2]: [number, number]): boolean {
  switch (relation) {
    case 'after':
      return a1 > b2;
    case 'before':
      return a2 < b1;
    case 'contains':
      return a1 < b1 && a2 > b2;
    case 'disjoint':
      return a1 > b2 || a2 < b1;
    case 'during':
      return a1 > b1 && a2 < b2;
    case 'equals':
      return a1 === b1 && a2 === b2;
    case 'finishedBy':
      return a1 < b1 && a2 === b2;
    case 'finishes':
      return a1 > b1 && a2 === b2;
    case 'intersects':
      return a1 <= b2 && a2 >= b1;
    case 'meets':
      return a2 === b1;
    case 'metBy':
      return a1 === b2;
    case 'overlappedBy':
      return a1 > b1 && a1 < b2 && a2 > b2;
    case 'overlaps':
      return a1 < b1 && a2 > b1 && a2 < b2;
    case 'startedBy':
      return a1 === b1 && a2 > b2;
    case 'starts':
      return a1 === b1 && a2 < b2;
  }
}
