/** Node builders shared by the CQL2 text and JSON parsers: names, literals, case/accent folding. */
import { parseInstant } from '../ows/time.js';
import {
  ARRAY_OPERATORS,
  SPATIAL_OPERATORS,
  TEMPORAL_OPERATORS,
  type ArrayRelation,
  type ComparisonOperator,
  type Expression,
  type Filter,
  type GeoJSONGeometry,
  type IntervalExpression,
  type LikePart,
  type PropertyRef,
  type SpatialRelation,
  type TemporalRelation,
  type TimeLiteral,
} from './ast.js';
import { FilterError } from './errors.js';
import { lookupFunction } from './functions.js';

const lowerMap = <T extends string>(names: readonly T[]) => new Map(names.map((n) => [n.toLowerCase(), n]));
const SPATIAL = lowerMap(SPATIAL_OPERATORS);
const TEMPORAL = lowerMap(TEMPORAL_OPERATORS);
const ARRAY = new Map(ARRAY_OPERATORS.map((n) => [n.slice(1).toLowerCase(), n]));

/** `S_INTERSECTS` → 'intersects' (any case), else undefined. */
export function spatialRelation(name: string): SpatialRelation | undefined {
  const m = /^s_(\w+)$/i.exec(name);
  return m ? SPATIAL.get(m[1]!.toLowerCase()) : undefined;
}

export function temporalRelation(name: string): TemporalRelation | undefined {
  const m = /^t_(\w+)$/i.exec(name);
  return m ? TEMPORAL.get(m[1]!.toLowerCase()) : undefined;
}

export function arrayRelation(name: string): ArrayRelation | undefined {
  const m = /^a_(\w+)$/i.exec(name);
  return m ? ARRAY.get(m[1]!.toLowerCase()) : undefined;
}

/** DATE('2020-05-17') (whole day) or TIMESTAMP('2020-05-17T10:30:00Z') (one instant). */
export function timeInstant(kind: 'date' | 'timestamp', text: string, position?: number): TimeLiteral {
  const form = kind === 'date' ? /^\d{4}-\d{2}-\d{2}$/ : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
  const parsed = form.test(text) ? parseInstant(text) : undefined;
  if (!parsed) {
    const example = kind === 'date' ? '2020-05-17' : '2020-05-17T10:30:00Z';
    throw new FilterError(`'${text}' is not a valid ${kind.toUpperCase()} (e.g. ${example})`, { position });
  }
  return { kind: 'time', text, shape: 'instant', begin: parsed.begin.getTime(), end: parsed.end.getTime() };
}

/** An interval end written as a string: '..' (open), a date or a timestamp. */
export function intervalBound(text: string, position?: number): TimeLiteral {
  if (text === '..') return { kind: 'time', text, shape: 'instant', begin: null, end: null };
  return timeInstant(text.includes('T') ? 'timestamp' : 'date', text, position);
}

/** INTERVAL(start, end): a literal when both ends are times, else an expression. */
export function interval(start: Expression, end: Expression, position?: number): TimeLiteral | IntervalExpression {
  const bound = (e: Expression): PropertyRef | TimeLiteral => {
    if (e.kind === 'literal' && typeof e.value === 'string') return intervalBound(e.value, position);
    if (e.kind === 'property' || (e.kind === 'time' && e.shape === 'instant')) return e;
    throw new FilterError('INTERVAL bounds must be dates, timestamps, \'..\' or properties', { position });
  };
  const s = bound(start);
  const e = bound(end);
  if (s.kind === 'time' && e.kind === 'time') {
    if (s.begin !== null && e.end !== null && s.begin > e.end) throw new FilterError('INTERVAL ends before it begins', { position });
    return { kind: 'time', text: `${s.text}/${e.text}`, shape: 'interval', begin: s.begin, end: e.end };
  }
  return { kind: 'interval', start: s, end: e };
}

export function bboxGeometry(values: number[], position?: number): GeoJSONGeometry {
  if ((values.length !== 4 && values.length !== 6) || values.some((v) => !Number.isFinite(v))) {
    throw new FilterError('BBOX needs 4 (or 6) numbers', { position });
  }
  const [minx, miny, maxx, maxy] = values.length === 4 ? values : [values[0]!, values[1]!, values[3]!, values[4]!];
  if (minx! > maxx! || miny! > maxy!) throw new FilterError('BBOX minimum is greater than its maximum', { position });
  return {
    type: 'Polygon',
    coordinates: [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]],
  };
}

/** A function call; known names are checked for their number of arguments. */
export function functionCall(name: string, args: Expression[], position?: number): Expression {
  const known = lookupFunction(name);
  if (!known) throw new FilterError(`Unknown function '${name}'`, { position });
  if (known.arity !== args.length) throw new FilterError(`${name} takes ${known.arity} argument(s), got ${args.length}`, { position });
  return { kind: 'function', name: known.name, args };
}

interface Folded {
  expr: Expression;
  casei: boolean;
  accenti: boolean;
}

/** Peels CASEI/ACCENTI wrappers off an operand, remembering which were there. */
function fold(e: Expression): Folded {
  let expr = e;
  let casei = false;
  let accenti = false;
  while (expr.kind === 'function' && (expr.name === 'casei' || expr.name === 'accenti') && expr.args.length === 1) {
    if (expr.name === 'casei') casei = true;
    else accenti = true;
    expr = expr.args[0]!;
  }
  return { expr, casei, accenti };
}

/**
 * A binary comparison. CASEI/ACCENTI around both sides become the node's matchCase and
 * matchAccent flags; around one side only they stay function calls.
 */
export function comparison(op: ComparisonOperator, left: Expression, right: Expression): Filter {
  const l = fold(left);
  const r = fold(right);
  if (l.casei === r.casei && l.accenti === r.accenti && (l.casei || l.accenti)) {
    return { op, left: l.expr, right: r.expr, matchCase: !l.casei, matchAccent: !l.accenti };
  }
  return { op, left, right, matchCase: true, matchAccent: true };
}

/** CQL2 LIKE: '%' any characters, '_' one, '\' escapes the next character. */
export function like(expr: Expression, pattern: Expression, position?: number): Filter {
  const e = fold(expr);
  const p = fold(pattern);
  if (p.expr.kind !== 'literal' || typeof p.expr.value !== 'string') {
    throw new FilterError('The pattern of LIKE must be a string', { position });
  }
  const folded = e.casei === p.casei && e.accenti === p.accenti;
  return {
    op: 'like',
    expr: folded ? e.expr : expr,
    pattern: likePattern(p.expr.value, { wildCard: '%', singleChar: '_', escapeChar: '\\' }),
    matchCase: !(folded && e.casei),
    matchAccent: !(folded && e.accenti),
  };
}

export interface LikeMarks {
  wildCard: string;
  singleChar: string;
  escapeChar: string;
}

/** Splits a like pattern into text and wildcards with the language's marks (FES lets the request choose them). */
export function likePattern(pattern: string, marks: LikeMarks): LikePart[] {
  const parts: LikePart[] = [];
  let text = '';
  const flush = () => {
    if (text) parts.push({ text });
    text = '';
  };
  const chars = [...pattern];
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === marks.escapeChar && i + 1 < chars.length) {
      text += chars[++i];
    } else if (c === marks.wildCard) {
      flush();
      parts.push({ wildcard: 'any' });
    } else if (c === marks.singleChar) {
      flush();
      parts.push({ wildcard: 'one' });
    } else {
      text += c;
    }
  }
  flush();
  return parts;
}
