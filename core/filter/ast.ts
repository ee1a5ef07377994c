/**
 * The filter model every query language parses into (CQL2 text and JSON, OGC Filter Encoding,
 * OGC CQL): one typed tree that `evaluate.ts` runs in memory and `sql.ts` turns into knex
 * where-clauses.
 *
 * - A `Filter` is a boolean node (logical, comparison, like, null, between, in, spatial,
 *   temporal, resource ids, or a constant). An `Expression` is a value (property, literal,
 *   geometry, time, interval, array, function call).
 * - Property names are the queryable names the client wrote; dotted names (`eo.cloudCover`,
 *   `properties.platform`) keep their dots in `name` and are split in `path`.
 * - Geometries are GeoJSON in x/y order with the CRS they were given in (CRS:84 unless said).
 * - Times are closed UTC ranges in milliseconds, as core/ows time parsing reads them: a
 *   reduced-precision literal (`DATE('2020-05-17')`) covers its whole unit; `null` is an open end.
 * - Case- and accent-insensitivity are flags on the node (`matchCase`, `matchAccent`) so every
 *   back end can apply them the way it can.
 */
import type { GeoJSONGeometry } from '../storage/db/types.js';

export type { GeoJSONGeometry } from '../storage/db/types.js';

export interface PropertyRef {
  kind: 'property';
  /** The name as written, dots included. */
  name: string;
  /** `name` split on dots. */
  path: string[];
}

export type ScalarValue = string | number | boolean;

export interface Literal {
  kind: 'literal';
  value: ScalarValue;
}

export interface GeometryLiteral {
  kind: 'geometry';
  geometry: GeoJSONGeometry;
  /** CRS identifier as given (`http://www.opengis.net/def/crs/OGC/1.3/CRS84` by default). */
  crs: string;
}

/** An instant or interval literal; a reduced-precision instant covers its unit. */
export interface TimeLiteral {
  kind: 'time';
  /** What was written, for messages. */
  text: string;
  /** 'instant' for DATE/TIMESTAMP; 'interval' for an INTERVAL or period. */
  shape: 'instant' | 'interval';
  /** First millisecond (UTC ms), null when open ('..'). */
  begin: number | null;
  /** Last millisecond (UTC ms), null when open. */
  end: number | null;
}

/** `INTERVAL(start, end)` whose ends are properties or times (CQL2 allows both). */
export interface IntervalExpression {
  kind: 'interval';
  start: PropertyRef | TimeLiteral;
  end: PropertyRef | TimeLiteral;
}

export interface ArrayExpression {
  kind: 'array';
  items: Expression[];
}

/** A call of a registered function (see functions.ts). */
export interface FunctionCall {
  kind: 'function';
  name: string;
  args: Expression[];
}

export const ARITHMETIC_OPERATORS = ['+', '-', '*', '/', '%', 'div', '^'] as const;
export type ArithmeticOperator = (typeof ARITHMETIC_OPERATORS)[number];

/** CQL2 arithmetic: '/' divides as reals, 'div' as integers, '%' is the remainder, '^' the power. */
export interface ArithmeticExpression {
  kind: 'arithmetic';
  op: ArithmeticOperator;
  left: Expression;
  right: Expression;
}

export type Expression = PropertyRef | Literal | GeometryLiteral | TimeLiteral | IntervalExpression | ArrayExpression | FunctionCall | ArithmeticExpression;

export const COMPARISON_OPERATORS = ['=', '<>', '<', '<=', '>', '>='] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export interface AndFilter {
  op: 'and';
  args: Filter[];
}
export interface OrFilter {
  op: 'or';
  args: Filter[];
}
export interface NotFilter {
  op: 'not';
  arg: Filter;
}

/** Comparison of two values; `matchCase: false` compares strings case-insensitively. */
export interface ComparisonFilter {
  op: ComparisonOperator;
  left: Expression;
  right: Expression;
  matchCase: boolean;
  matchAccent: boolean;
}

/** One piece of a like pattern: literal text, `any` (zero or more characters) or `one`. */
export type LikePart = { text: string } | { wildcard: 'any' | 'one' };

export interface LikeFilter {
  op: 'like';
  expr: Expression;
  /** The pattern, already split on the language's wildcard, single-character and escape marks. */
  pattern: LikePart[];
  matchCase: boolean;
  matchAccent: boolean;
}

export interface IsNullFilter {
  op: 'isNull';
  expr: Expression;
}

export interface BetweenFilter {
  op: 'between';
  expr: Expression;
  lower: Expression;
  upper: Expression;
}

export interface InFilter {
  op: 'in';
  expr: Expression;
  list: Expression[];
  matchCase: boolean;
}

export const SPATIAL_OPERATORS = ['intersects', 'disjoint', 'contains', 'within', 'touches', 'crosses', 'overlaps', 'equals'] as const;
export type SpatialRelation = (typeof SPATIAL_OPERATORS)[number];

export interface SpatialFilter {
  op: 'spatial';
  relation: SpatialRelation;
  left: Expression;
  right: Expression;
}

/** FES BBOX / CQL BBOX: the geometry's relation to a box is `intersects`. */
export interface BBoxFilter {
  op: 'bbox';
  expr: Expression;
  /** [minx, miny, maxx, maxy] in x/y order of `crs`. */
  bbox: [number, number, number, number];
  crs: string;
}

/** DWithin (within `distance`) and Beyond (further than `distance`). */
export interface DistanceFilter {
  op: 'dwithin' | 'beyond';
  left: Expression;
  right: Expression;
  distance: number;
  /** Units as given: 'm', 'km', 'deg'... (see units in evaluate.ts); empty for CRS units. */
  units: string;
}

/** Allen's relations on intervals as CQL2 names them; FES names map onto these. */
export const TEMPORAL_OPERATORS = [
  'after',
  'before',
  'contains',
  'disjoint',
  'during',
  'equals',
  'finishedBy',
  'finishes',
  'intersects',
  'meets',
  'metBy',
  'overlappedBy',
  'overlaps',
  'startedBy',
  'starts',
] as const;
export type TemporalRelation = (typeof TEMPORAL_OPERATORS)[number];

export interface TemporalFilter {
  op: 'temporal';
  relation: TemporalRelation;
  left: Expression;
  right: Expression;
}

export const ARRAY_OPERATORS = ['aEquals', 'aContains', 'aContainedBy', 'aOverlaps'] as const;
export type ArrayRelation = (typeof ARRAY_OPERATORS)[number];

export interface ArrayFilter {
  op: 'array';
  relation: ArrayRelation;
  left: Expression;
  right: Expression;
}

/** FES ResourceId / CQL `id IN`: records whose identifier is one of `ids`. */
export interface ResourceIdFilter {
  op: 'ids';
  ids: string[];
}

/** A constant: TRUE/FALSE in CQL2, fes:Filter with no operator... */
export interface ConstantFilter {
  op: 'constant';
  value: boolean;
}

/** A boolean-valued function used as a predicate. */
export interface FunctionFilter {
  op: 'function';
  call: FunctionCall;
}

export type Filter =
  | AndFilter
  | OrFilter
  | NotFilter
  | ComparisonFilter
  | LikeFilter
  | IsNullFilter
  | BetweenFilter
  | InFilter
  | SpatialFilter
  | BBoxFilter
  | DistanceFilter
  | TemporalFilter
  | ArrayFilter
  | ResourceIdFilter
  | ConstantFilter
  | FunctionFilter;

/** Default CRS of geometry literals (CQL2 and GeoJSON): longitude, latitude. */
export const CRS84 = 'http://www.opengis.net/def/crs/OGC/1.3/CRS84';

export function property(name: string): PropertyRef {
  return { kind: 'property', name, path: name.split('.') };
}

export function literal(value: ScalarValue): Literal {
  return { kind: 'literal', value };
}

/** A predicate: any filter node but the logical ones. */
export type Predicate = Exclude<Filter, AndFilter | OrFilter | NotFilter>;

/** The filter with `rewrite` applied to every predicate under its and/or/not structure. */
export function mapPredicates(filter: Filter, rewrite: (p: Predicate) => Filter): Filter {
  const visit = (f: Filter): Filter => {
    switch (f.op) {
      case 'and':
      case 'or':
        return { ...f, args: f.args.map(visit) };
      case 'not':
        return { ...f, arg: visit(f.arg) };
      default:
        return rewrite(f);
    }
  };
  return visit(filter);
}

/** Every property name a filter reads, for checking queryables before running it. */
export function propertiesOf(filter: Filter): Set<string> {
  const names = new Set<string>();
  const visitExpr = (e: Expression): void => {
    switch (e.kind) {
      case 'property':
        names.add(e.name);
        return;
      case 'interval':
        visitExpr(e.start);
        visitExpr(e.end);
        return;
      case 'array':
        e.items.forEach(visitExpr);
        return;
      case 'function':
        e.args.forEach(visitExpr);
        return;
      case 'arithmetic':
        visitExpr(e.left);
        visitExpr(e.right);
        return;
      default:
        return;
    }
  };
  const visit = (f: Filter): void => {
    switch (f.op) {
      case 'and':
      case 'or':
        f.args.forEach(visit);
        return;
      case 'not':
        visit(f.arg);
        return;
      case 'like':
      case 'isNull':
      case 'bbox':
        visitExpr(f.expr);
        return;
      case 'between':
        [f.expr, f.lower, f.upper].forEach(visitExpr);
        return;
      case 'in':
        visitExpr(f.expr);
        f.list.forEach(visitExpr);
        return;
      case 'ids':
      case 'constant':
        return;
      case 'function':
        visitExpr(f.call);
        return;
      default:
        visitExpr(f.left);
        visitExpr(f.right);
    }
  };
  visit(filter);
  return names;
}
