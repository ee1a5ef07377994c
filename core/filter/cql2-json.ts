/**
 * CQL2 JSON (OGC 21-065) into the filter AST, with the same coverage as cql2-text.ts. Errors are
 * FilterError naming the JSON path of the offending member (`args[1].args[0]`).
 */
import { ARITHMETIC_OPERATORS, COMPARISON_OPERATORS, CRS84, property, type ArithmeticOperator, type ComparisonOperator, type Expression, type Filter, type GeoJSONGeometry } from './ast.js';
import {
  arrayRelation,
  bboxGeometry,
  comparison,
  functionCall,
  interval,
  intervalBound,
  like,
  spatialRelation,
  temporalRelation,
  timeInstant,
} from './cql2-build.js';
import { MAX_FILTER_DEPTH } from './cql-lexer.js';
import { FilterError } from './errors.js';
import { validateGeometry } from '../storage/db/geometry/index.js';

export interface Cql2JsonOptions {
  /** CRS of geometry literals (OGC API `filter-crs`), in its axis order; CRS:84 by default. */
  crs?: string;
  /** The request parameter the filter came in; 'filter' by default. */
  locator?: string;
}

const GEOMETRY_TYPES = new Set(['Point', 'MultiPoint', 'LineString', 'MultiLineString', 'Polygon', 'MultiPolygon', 'GeometryCollection']);

/** Parses CQL2 JSON given as text or as an already parsed value. */
export function parseCql2Json(input: string | unknown, options: Cql2JsonOptions = {}): Filter {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch (err) {
      throw new FilterError(`Filter is not JSON: ${(err as Error).message}`, { locator: options.locator });
    }
  }
  return new Cql2JsonReader(options.locator, options.crs ?? CRS84).filter(value, '$');
}

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

class Cql2JsonReader {
  private depth = 0;

  constructor(
    private readonly locator: string | undefined,
    private readonly crs: string,
  ) {}

  /** Runs one nested read, refusing filters nested deeper than MAX_FILTER_DEPTH. */
  private nest<T>(path: string, read: () => T): T {
    try {
      if (++this.depth > MAX_FILTER_DEPTH) this.fail(path, `Filter nested deeper than ${MAX_FILTER_DEPTH} levels`);
      return read();
    } finally {
      this.depth--;
    }
  }

  private fail(path: string, message: string): never {
    throw new FilterError(`${message} at ${path}`, { locator: this.locator });
  }

  private args(node: JsonObject, path: string, count?: number): unknown[] {
    const args = node.args;
    if (!Array.isArray(args)) this.fail(path, `'${String(node.op)}' needs an args array`);
    if (count !== undefined && args.length !== count) this.fail(path, `'${String(node.op)}' takes ${count} arguments, got ${args.length}`);
    return args;
  }

  filter(value: unknown, path: string): Filter {
    return this.nest(path, () => this.readFilter(value, path));
  }

  expression(value: unknown, path: string): Expression {
    return this.nest(path, () => this.readExpression(value, path));
  }

  private readFilter(value: unknown, path: string): Filter {
    if (typeof value === 'boolean') return { op: 'constant', value };
    if (!isObject(value) || typeof value.op !== 'string') this.fail(path, 'Expected a predicate object with "op" and "args"');
    const op = value.op;
    const lower = op.toLowerCase();
    const arg = (i: number) => `${path}.args[${i}]`;
    if (lower === 'and' || lower === 'or') {
      const args = this.args(value, path);
      if (args.length < 2) this.fail(path, `'${op}' needs at least two arguments`);
      return { op: lower, args: args.map((a, i) => this.filter(a, arg(i))) };
    }
    if (lower === 'not') return { op: 'not', arg: this.filter(this.args(value, path, 1)[0], arg(0)) };
    if ((COMPARISON_OPERATORS as readonly string[]).includes(op)) {
      const [l, r] = this.args(value, path, 2);
      return comparison(op as ComparisonOperator, this.expression(l, arg(0)), this.expression(r, arg(1)));
    }
    if (lower === 'like') {
      const [l, r] = this.args(value, path, 2);
      return like(this.expression(l, arg(0)), this.expression(r, arg(1)));
    }
    if (lower === 'between') {
      const [e, lo, hi] = this.args(value, path, 3);
      return { op: 'between', expr: this.expression(e, arg(0)), lower: this.expression(lo, arg(1)), upper: this.expression(hi, arg(2)) };
    }
    if (lower === 'in') {
      const [e, list] = this.args(value, path, 2);
      if (!Array.isArray(list)) this.fail(arg(1), "'in' needs a list");
      return { op: 'in', expr: this.expression(e, arg(0)), list: list.map((item, i) => this.expression(item, `${arg(1)}[${i}]`)), matchCase: true };
    }
    if (lower === 'isnull') return { op: 'isNull', expr: this.expression(this.args(value, path, 1)[0], arg(0)) };
    const spatial = spatialRelation(op);
    const temporal = temporalRelation(op);
    const array = arrayRelation(op);
    if (spatial || temporal || array) {
      const [l, r] = this.args(value, path, 2);
      const left = this.expression(l, arg(0));
      const right = this.expression(r, arg(1));
      if (spatial) return { op: 'spatial', relation: spatial, left, right };
      if (temporal) return { op: 'temporal', relation: temporal, left, right };
      return { op: 'array', relation: array!, left, right };
    }
    const call = this.expression(value, path);
    if (call.kind !== 'function') this.fail(path, `Unknown operator '${op}'`);
    return { op: 'function', call };
  }

  private readExpression(value: unknown, path: string): Expression {
    if (typeof value === 'string' || typeof value === 'boolean') return { kind: 'literal', value };
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) this.fail(path, 'Numbers must be finite');
      return { kind: 'literal', value };
    }
    if (Array.isArray(value)) return { kind: 'array', items: value.map((v, i) => this.expression(v, `${path}[${i}]`)) };
    if (!isObject(value)) this.fail(path, 'Expected a literal, a property, a geometry, a time or a function');
    if (typeof value.property === 'string') return property(value.property);
    if (typeof value.date === 'string') return timeInstant('date', value.date);
    if (typeof value.timestamp === 'string') return timeInstant('timestamp', value.timestamp);
    if (value.interval !== undefined) {
      const ends = value.interval;
      if (!Array.isArray(ends) || ends.length !== 2) this.fail(path, 'An interval has two ends');
      const bound = (v: unknown, i: number): Expression => (typeof v === 'string' ? intervalBound(v) : this.expression(v, `${path}.interval[${i}]`));
      return interval(bound(ends[0], 0), bound(ends[1], 1));
    }
    if (value.bbox !== undefined) {
      const box = value.bbox;
      if (!Array.isArray(box) || !box.every((n) => typeof n === 'number')) this.fail(path, 'A bbox is an array of numbers');
      return { kind: 'geometry', geometry: bboxGeometry(box as number[]), crs: this.crs };
    }
    if (typeof value.type === 'string' && GEOMETRY_TYPES.has(value.type)) {
      let geometry: GeoJSONGeometry;
      try {
        geometry = validateGeometry(value, path);
      } catch (err) {
        this.fail(path, (err as Error).message);
      }
      return { kind: 'geometry', geometry, crs: this.crs };
    }
    if (typeof value.op === 'string' && (ARITHMETIC_OPERATORS as readonly string[]).includes(value.op)) {
      const args = value.args;
      if (!Array.isArray(args) || args.length !== 2) this.fail(path, `'${value.op}' takes 2 arguments`);
      return { kind: 'arithmetic', op: value.op as ArithmeticOperator, left: this.expression(args[0], `${path}.args[0]`), right: this.expression(args[1], `${path}.args[1]`) };
    }
    // Functions: {"op": name, "args": [...]} (CQL2 1.0) or {"function": {"name", "args"}} (drafts).
    const fn = isObject(value.function) ? value.function : typeof value.op === 'string' ? { name: value.op, args: value.args ?? [] } : undefined;
    if (fn && typeof fn.name === 'string') {
      const args = fn.args ?? [];
      if (!Array.isArray(args)) this.fail(path, `Function '${fn.name}' needs an args array`);
      try {
        return functionCall(fn.name, args.map((a, i) => this.expression(a, `${path}.args[${i}]`)));
      } catch (err) {
        if (err instanceof FilterError && err.position === undefined && !err.message.includes(' at $')) this.fail(path, err.message);
        throw err;
      }
    }
    this.fail(path, 'Expected a literal, a property, a geometry, a time or a function');
  }
}
