/**
 * Filter AST → knex where-clause, on SQLite and PostgreSQL (with or without PostGIS). Values are
 * always bindings. Spatial relations are exact on PostGIS (ST_*) and on SQLite (the R*Tree
 * prefilter, then the functions of sqlite-functions.ts). What SQL cannot decide exactly (spatial
 * relations on PostgreSQL without PostGIS, accent folding, array operators, boolean functions) becomes a superset prefilter (the spatial index's
 * bbox test) or no restriction, and `needsExactCheck` tells the caller to run evaluate.ts on the
 * rows it reads. Unknowns follow SQL's three-valued logic, as evaluate.ts does.
 *
 * Column conventions: 'timestamp' queryables are ISO 8601 UTC text as Date.toISOString writes it
 * on SQLite (so text order is time order) and timestamptz on PostgreSQL; the geometry queryable
 * is the `geometry` column of the table's spatial index (core/storage). Case folding uses SQL
 * LOWER, which on SQLite folds ASCII letters only.
 */
import type { Knex } from 'knex';
import type { Database, TimeWindow } from '../storage/db/types.js';
import { encodeEwkbHex, geometryBBox } from '../storage/db/geometry/index.js';
import type { ArithmeticOperator, Expression, Filter, GeoJSONGeometry, LikePart, SpatialRelation, TemporalRelation } from './ast.js';
import { bboxGeometry } from './cql2-build.js';
import { FilterError, UnknownQueryableError } from './errors.js';
import { lookupFunction } from './functions.js';
import { assertLonLatCrs, distanceInDegrees } from './spatial.js';
import { typeLiterals, type QueryableType } from './typing.js';
import { filterToCrs84 } from './crs.js';
import { SQLITE_DISTANCE_FUNCTION, SQLITE_SPATIAL_FUNCTION } from './sqlite-functions.js';

export type { QueryableType } from './typing.js';


export interface QueryableColumn {
  /** Column name, qualified if the query joins (`products.cloud_cover`); ignored for 'geometry'. */
  column: string;
  type: QueryableType;
}

export interface SqlFilterOptions {
  db: Database;
  /** The table the query selects from; its spatial index answers geometry queryables. */
  table: string;
  /** Queryable name (as filters write it) → column. */
  queryables: Record<string, QueryableColumn>;
  /** Column that resource-id filters match; `<table>.id` (integer) by default. */
  id?: QueryableColumn;
  /** Request parameter for errors; 'filter' by default. */
  locator?: string;
  /**
   * SQLite: the user functions deciding spatial relations and distances, with the signatures of
   * sqlite-functions.ts (`meridian_spatial`, `meridian_distance` by default). A plugin may use its
   * own, registered on every connection with Database.addSqliteFunctions.
   */
  sqliteFunctions?: { spatial: string; distance: string };
}

export interface SqlFilter {
  /** Adds the filter's where-clause to `qb` (a query on `table`) and returns it. */
  apply(qb: Knex.QueryBuilder): Knex.QueryBuilder;
  /** True when the SQL selects a superset: check each row with compileFilter(filter). */
  needsExactCheck: boolean;
  /** The filter with its text literals typed as the queryables they meet (see typing.ts): the one to evaluate rows with. */
  filter: Filter;
  /**
   * The same filter in two steps, when it ANDs in exact spatial tests (PostGIS): `prefilter` has
   * every condition with the spatial ones reduced to their index test (`&&`), `exact` the exact
   * tests. A caller may apply `exact` outside a subquery that applies `prefilter` (an
   * optimisation fence): PostGIS prices its exact tests so high that the planner otherwise ANDs
   * in every index it has, however unselective, to feed them fewer rows. Absent: use `apply`.
   */
  split?: { prefilter(qb: Knex.QueryBuilder): Knex.QueryBuilder; exact(qb: Knex.QueryBuilder): Knex.QueryBuilder };
}

/**
 * `costly`: a per-row test in JavaScript (SQLite's spatial functions), applied after the cheap
 * conditions. `deferred`: the plan as an index test and an exact test (PostGIS, outside NOT);
 * `and`: the parts of an AND.
 */
type WherePlan = { kind: 'where'; exact: boolean; costly?: boolean; apply: (qb: Knex.QueryBuilder) => void; deferred?: { index: WherePlan; exact: WherePlan }; and?: Plan[] };
type Plan = { kind: 'all'; exact: boolean } | WherePlan;
interface SqlExpr {
  sql: string;
  bindings: unknown[];
  type: QueryableType | 'literal';
  /** Columns read, for the NULL guard of temporal predicates. */
  columns: string[];
}

/** Raised inside the translator for a part SQL cannot express; that part becomes a prefilter. */
class Untranslatable extends Error {}

const ALL_EXACT: Plan = { kind: 'all', exact: true };
const ALL_INEXACT: Plan = { kind: 'all', exact: false };
const raw = (sql: string, bindings: unknown[] = [], exact = true): WherePlan => ({ kind: 'where', exact, apply: (qb) => void qb.whereRaw(sql, bindings as Knex.RawBinding[]) });

/**
 * A geometry literal as PostGIS reads a `?::geometry` parameter (hex EWKB, CRS:84 as SRID 4326):
 * the cast sets the parameter's type, so the value is read once per execution, where a function
 * of a text parameter (ST_GeomFromGeoJSON) would run for every row a prepared plan tests.
 */
const postgisLiteral = (geometry: GeoJSONGeometry): string => encodeEwkbHex(geometry, 4326);

export function translateFilter(filter: Filter, options: SqlFilterOptions): SqlFilter {
  const typed = typeLiterals(filterToCrs84(filter, { locator: options.locator }), (name) => (Object.prototype.hasOwnProperty.call(options.queryables, name) ? options.queryables[name]!.type : undefined), options.locator);
  const plan = new SqlTranslator(options).plan(typed);
  return {
    filter: typed,
    needsExactCheck: !plan.exact,
    apply: (qb) => (plan.kind === 'where' ? qb.where((b) => plan.apply(b)) : qb),
    split: splitDeferred(plan),
  };
}

/** The top-level AND's deferred parts as a prefilter and exact tests (see SqlFilter.split). */
function splitDeferred(plan: Plan): SqlFilter['split'] {
  if (plan.kind !== 'where') return undefined;
  // ANDs within the AND are its parts too.
  const flatten = (p: Plan): Plan[] => (p.kind === 'where' && p.and ? p.and.flatMap(flatten) : [p]);
  const parts = flatten(plan);
  const deferred = parts.filter((p): p is WherePlan => p.kind === 'where' && p.deferred !== undefined);
  if (deferred.length === 0) return undefined;
  const where = (plans: WherePlan[]) => (qb: Knex.QueryBuilder) => qb.where((b) => plans.forEach((p) => void b.where((c) => p.apply(c))));
  const prefilter = parts.filter((p): p is WherePlan => p.kind === 'where').map((p) => p.deferred?.index ?? p);
  return { prefilter: where(prefilter), exact: where(deferred.map((p) => p.deferred!.exact)) };
}

class SqlTranslator {
  private readonly sqlite: boolean;
  private readonly postgis: boolean;
  /** How many NOTs enclose the part being planned (see sqliteExact). */
  private negations = 0;
  /** The time window that the enclosing ANDs require of every row (see timeWindowOf), for the spatial index's time dimension. */
  private timeWindow: TimeWindow | undefined;

  constructor(private readonly o: SqlFilterOptions) {
    this.sqlite = o.db.dialect === 'sqlite';
    this.postgis = o.db.postgis;
  }

  plan(f: Filter): Plan {
    switch (f.op) {
      case 'and': {
        // Every row must meet the time conditions of an AND: its parts' index prefilters may use them.
        const outer = this.timeWindow;
        if (this.negations === 0) this.timeWindow = intersectWindows(outer, ...f.args.map((a) => (a.op === 'temporal' ? this.timeWindowOf(a) : undefined)));
        let parts: Plan[];
        try {
          parts = f.args.map((a) => this.plan(a));
        } finally {
          this.timeWindow = outer;
        }
        const exact = parts.every((p) => p.exact);
        // SQLite tests the terms of an AND in the order written: per-row JavaScript goes last.
        const wheres = parts.filter((p) => p.kind === 'where').sort((a, b) => Number(isCostly(a)) - Number(isCostly(b)));
        if (wheres.length === 0) return { kind: 'all', exact };
        return { kind: 'where', exact, costly: wheres.some(isCostly), and: wheres, apply: (qb) => wheres.forEach((p) => void qb.where((b) => p.apply(b))) };
      }
      case 'or': {
        const parts = f.args.map((a) => this.plan(a));
        const exact = parts.every((p) => p.exact);
        if (parts.some((p) => p.kind === 'all')) return { kind: 'all', exact };
        return { kind: 'where', exact, costly: parts.some(isCostly), apply: (qb) => parts.forEach((p) => p.kind === 'where' && void qb.orWhere((b) => p.apply(b))) };
      }
      case 'not': {
        this.negations++;
        let inner: Plan;
        try {
          inner = this.plan(f.arg);
        } finally {
          this.negations--;
        }
        if (!inner.exact) return ALL_INEXACT;
        if (inner.kind === 'all') return raw('1 = 0');
        return { kind: 'where', exact: true, apply: (qb) => void qb.whereNot((b) => inner.apply(b)) };
      }
      case 'constant':
        return f.value ? ALL_EXACT : raw('1 = 0');
      case 'ids':
        return this.ids(f.ids);
      case 'spatial':
        return this.spatial(f.relation, f.left, f.right);
      case 'bbox':
        assertLonLatCrs(f.crs);
        return this.spatial('intersects', f.expr, { kind: 'geometry', geometry: bboxGeometry(f.bbox), crs: f.crs });
      case 'dwithin':
      case 'beyond':
        return this.distance(f.op, f.left, f.right, distanceInDegrees(f.distance, f.units));
      case 'array':
      case 'function':
        return ALL_INEXACT;
      default:
        try {
          return this.scalar(f);
        } catch (err) {
          if (err instanceof Untranslatable) return ALL_INEXACT;
          throw err;
        }
    }
  }

  private scalar(f: Filter): Plan {
    switch (f.op) {
      case 'isNull': {
        const e = this.expr(f.expr);
        return raw(`${e.sql} IS NULL`, e.bindings);
      }
      case '=':
      case '<>':
      case '<':
      case '<=':
      case '>':
      case '>=': {
        if (!f.matchAccent) throw new Untranslatable();
        let [l, r] = [this.expr(f.left), this.expr(f.right)];
        if (!f.matchCase) [l, r] = [lower(l), lower(r)];
        const collate = f.op !== '=' && f.op !== '<>' ? this.textOrder(l, r) : '';
        return raw(`${l.sql}${collate} ${f.op} ${r.sql}${collate}`, [...l.bindings, ...r.bindings]);
      }
      case 'between': {
        const [e, lo, hi] = [this.expr(f.expr), this.expr(f.lower), this.expr(f.upper)];
        const c = this.textOrder(e, lo);
        return raw(`${e.sql}${c} BETWEEN ${lo.sql}${c} AND ${hi.sql}${c}`, [...e.bindings, ...lo.bindings, ...hi.bindings]);
      }
      case 'in': {
        let e = this.expr(f.expr);
        let items = f.list.map((i) => this.expr(i));
        if (!f.matchCase) [e, items] = [lower(e), items.map(lower)];
        return raw(`${e.sql} IN (${items.map((i) => i.sql).join(', ')})`, [...e.bindings, ...items.flatMap((i) => i.bindings)]);
      }
      case 'like':
        return this.like(f.expr, f.pattern, f.matchCase, f.matchAccent);
      case 'temporal':
        return this.temporal(f.relation, f.left, f.right);
      default:
        throw new Untranslatable();
    }
  }

  /** PostgreSQL orders text by its collation; "C" orders as JS (and SQLite) do. */
  private textOrder(a: SqlExpr, b: SqlExpr): string {
    const text = (e: SqlExpr) => e.type === 'string' || (e.type === 'literal' && typeof e.bindings[0] === 'string');
    return !this.sqlite && text(a) && text(b) && (a.type === 'string' || b.type === 'string') ? ' COLLATE "C"' : '';
  }

  private queryable(name: string): QueryableColumn {
    const q = Object.prototype.hasOwnProperty.call(this.o.queryables, name) ? this.o.queryables[name] : undefined;
    if (!q) throw new UnknownQueryableError(name, { locator: this.o.locator });
    return q;
  }

  private expr(e: Expression): SqlExpr {
    switch (e.kind) {
      case 'property': {
        const q = this.queryable(e.name);
        const column = q.type === 'geometry' ? `${this.o.table}.geometry` : q.column;
        return { sql: '??', bindings: [column], type: q.type, columns: [column] };
      }
      case 'literal':
        return { sql: '?', bindings: [this.sqlite && typeof e.value === 'boolean' ? Number(e.value) : e.value], type: 'literal', columns: [] };
      case 'time':
        if (e.begin === null) throw new Untranslatable();
        return { sql: '?', bindings: [this.timeBinding(e.begin)], type: 'literal', columns: [] };
      case 'function': {
        const fn = lookupFunction(e.name);
        if (!fn?.sql || e.args.length !== 1) throw new Untranslatable();
        const arg = this.expr(e.args[0]!);
        return { ...arg, sql: `${fn.sql}(${arg.sql})` };
      }
      case 'arithmetic':
        return this.arithmetic(e.op, this.expr(e.left), this.expr(e.right));
      default:
        throw new Untranslatable();
    }
  }

  /** Real division as CQL2 means it on both databases; division by zero is NULL (unknown), not an error. */
  private arithmetic(op: ArithmeticOperator, l: SqlExpr, r: SqlExpr): SqlExpr {
    const real = this.sqlite ? 'REAL' : 'DOUBLE PRECISION';
    const quotient = `CAST(${l.sql} AS ${real}) / NULLIF(${r.sql}, 0)`;
    let sql: string;
    if (op === '+' || op === '-' || op === '*') sql = `(${l.sql} ${op} ${r.sql})`;
    else if (op === '/') sql = `(${quotient})`;
    else if (op === 'div') sql = this.sqlite ? `CAST(${quotient} AS INTEGER)` : `trunc(${quotient})`;
    // '%' on reals and '^' differ between the databases: left to the in-memory check.
    else throw new Untranslatable();
    return { sql, bindings: [...l.bindings, ...r.bindings], type: 'number', columns: [...l.columns, ...r.columns] };
  }

  private timeBinding(ms: number): string | Date {
    return this.sqlite ? new Date(ms).toISOString() : new Date(ms);
  }

  private ids(ids: string[]): Plan {
    const id = this.o.id ?? { column: `${this.o.table}.id`, type: 'number' };
    const values = id.type === 'number' ? ids.filter((v) => /^-?\d+$/.test(v)).map(Number) : ids;
    if (values.length === 0) return raw('1 = 0');
    return raw(`?? IN (${values.map(() => '?').join(', ')})`, [id.column, ...values]);
  }

  private like(expr: Expression, pattern: LikePart[], matchCase: boolean, matchAccent: boolean): Plan {
    if (!matchAccent) return ALL_INEXACT;
    let e: SqlExpr;
    try {
      e = this.expr(expr);
    } catch (err) {
      if (err instanceof Untranslatable) return ALL_INEXACT;
      throw err;
    }
    const target = e.type === 'string' || e.type === 'literal' ? e.sql : `CAST(${e.sql} AS TEXT)`;
    if (matchCase && this.sqlite) {
      // SQLite's LIKE ignores ASCII case; GLOB matches exactly. [x] escapes GLOB's own marks.
      const glob = pattern.map((p) => ('text' in p ? p.text.replace(/[*?[]/g, (c) => `[${c}]`) : p.wildcard === 'any' ? '*' : '?')).join('');
      return raw(`${target} GLOB ?`, [...e.bindings, glob]);
    }
    const like = pattern
      .map((p) => ('text' in p ? (matchCase ? p.text : p.text.toLowerCase()).replace(/[\\%_]/g, (c) => `\\${c}`) : p.wildcard === 'any' ? '%' : '_'))
      .join('');
    const subject = matchCase ? target : `LOWER(${target})`;
    return raw(`${subject} LIKE ? ESCAPE '\\'`, [...e.bindings, like]);
  }

  /** The geometry property and literal of a spatial predicate, the literal side swapped right. */
  private spatialOperands(left: Expression, right: Expression): { column: string; geometry: GeoJSONGeometry; swapped: boolean } | undefined {
    const [prop, lit, swapped] = left.kind === 'geometry' ? [right, left, true] : [left, right, false];
    if (prop.kind !== 'property' || lit.kind !== 'geometry') return undefined;
    const q = this.queryable(prop.name);
    if (q.type !== 'geometry') throw new FilterError(`Queryable '${prop.name}' is not a geometry`, { locator: this.o.locator });
    assertLonLatCrs(lit.crs);
    return { column: `${this.o.table}.geometry`, geometry: lit.geometry, swapped };
  }

  private spatial(relation: SpatialRelation, left: Expression, right: Expression): Plan {
    const ops = this.spatialOperands(left, right);
    if (!ops) return ALL_INEXACT;
    const rel = ops.swapped && relation === 'within' ? 'contains' : ops.swapped && relation === 'contains' ? 'within' : relation;
    if (this.postgis) {
      const fn = `ST_${rel[0]!.toUpperCase()}${rel.slice(1)}`;
      const literal = postgisLiteral(ops.geometry);
      const exact = raw(`${fn}(??, ?::geometry)`, [ops.column, literal]);
      // Every relation but disjoint implies the boxes meet: that index test can stand alone.
      if (rel === 'disjoint' || this.negations > 0) return exact;
      return this.deferrable(raw(`?? && ?::geometry`, [ops.column, literal]), exact);
    }
    if (this.sqlite) {
      const exact = raw(`${this.sqliteFunction('spatial')}(?, ??, ?) = 1`, [rel, ops.column, JSON.stringify(ops.geometry)]);
      return rel === 'disjoint' ? exact : this.sqliteExact(geometryBBox(ops.geometry), exact);
    }
    if (rel === 'disjoint') return ALL_INEXACT;
    return this.bboxPrefilter(geometryBBox(ops.geometry));
  }

  /** The name of SQLite's spatial or distance function: the caller's, or the core's. */
  private sqliteFunction(which: 'spatial' | 'distance'): string {
    const name = this.o.sqliteFunctions?.[which] ?? (which === 'spatial' ? SQLITE_SPATIAL_FUNCTION : SQLITE_DISTANCE_FUNCTION);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`SQLite function name '${name}' is not a plain identifier`);
    return name;
  }

  /** An exact PostGIS test with the index test it implies, applied together or (SqlFilter.split) apart. */
  private deferrable(index: WherePlan, exact: WherePlan): WherePlan {
    return { kind: 'where', exact: true, apply: (qb) => void qb.where((b) => index.apply(b)).where((b) => exact.apply(b)), deferred: { index, exact } };
  }

  /**
   * SQLite: the R*Tree prefilter, then the exact function. Under a NOT the prefilter is left out:
   * it makes a record without geometry false where the predicate must stay unknown (NULL), and
   * NOT would turn that into true.
   */
  private sqliteExact(bbox: [number, number, number, number], exact: WherePlan): Plan {
    if (this.negations > 0) return { ...exact, costly: true };
    const index = this.o.db.spatialIndex(this.o.table);
    const window = this.timeWindow;
    return {
      kind: 'where',
      exact: true,
      costly: true,
      apply: (qb) => {
        index.whereBBoxIntersects(qb, bbox, undefined, window);
        exact.apply(qb);
      },
    };
  }

  /**
   * The window a row's indexed time extent must meet for a temporal predicate to hold: when its
   * left side is that extent (INTERVAL(start, end) of the index's columns) or one of its ends,
   * and its right side a time literal. Undefined when it gives none (disjoint, other operands).
   */
  private timeWindowOf(f: Filter & { op: 'temporal' }): TimeWindow | undefined {
    const time = this.o.db.spatialIndex(this.o.table).time;
    if (!time || f.right.kind !== 'time') return undefined;
    const column = (e: Expression): string | undefined => {
      if (e.kind !== 'property' || !Object.prototype.hasOwnProperty.call(this.o.queryables, e.name)) return undefined;
      return this.o.queryables[e.name]!.column.split('.').pop();
    };
    const left = f.left;
    const indexed =
      left.kind === 'interval' ? column(left.start as Expression) === time.start && column(left.end as Expression) === time.end : [time.start, time.end].includes(column(left) ?? '');
    if (!indexed) return undefined;
    const { begin, end } = f.right;
    if (f.relation === 'disjoint') return undefined;
    if (f.relation === 'before') return end === null && begin === null ? undefined : [null, begin];
    if (f.relation === 'after') return [end, null];
    return [begin, end];
  }

  private distance(op: 'dwithin' | 'beyond', left: Expression, right: Expression, degrees: number): Plan {
    const ops = this.spatialOperands(left, right);
    if (!ops) return ALL_INEXACT;
    if (this.postgis) {
      const literal = postgisLiteral(ops.geometry);
      const sql = `ST_DWithin(??, ?::geometry, ?)`;
      const exact = raw(op === 'dwithin' ? sql : `NOT ${sql}`, [ops.column, literal, degrees]);
      if (op === 'beyond' || this.negations > 0) return exact;
      return this.deferrable(raw(`?? && ST_Expand(?::geometry, ?)`, [ops.column, literal, degrees]), exact);
    }
    const [minx, miny, maxx, maxy] = geometryBBox(ops.geometry);
    if (this.sqlite) {
      const exact = raw(`${this.sqliteFunction('distance')}(??, ?) ${op === 'dwithin' ? '<=' : '>'} ?`, [ops.column, JSON.stringify(ops.geometry), degrees]);
      return op === 'beyond' ? exact : this.sqliteExact([minx - degrees, miny - degrees, maxx + degrees, maxy + degrees], exact);
    }
    if (op === 'beyond') return ALL_INEXACT;
    return this.bboxPrefilter([minx - degrees, miny - degrees, maxx + degrees, maxy + degrees]);
  }

  private bboxPrefilter(bbox: [number, number, number, number]): Plan {
    const index = this.o.db.spatialIndex(this.o.table);
    return { kind: 'where', exact: false, apply: (qb) => void index.whereBBoxIntersects(qb, bbox) };
  }

  /** Begin and end of a temporal operand: column names or millisecond constants (±Infinity when open). */
  private bounds(e: Expression): [SqlExpr | number, SqlExpr | number] {
    if (e.kind === 'time') return [e.begin ?? -Infinity, e.end ?? Infinity];
    if (e.kind === 'interval') return [this.bounds(e.start)[0], this.bounds(e.end)[1]];
    if (e.kind === 'property') {
      const x = this.expr(e);
      return [x, x];
    }
    throw new Untranslatable();
  }

  private temporal(relation: TemporalRelation, left: Expression, right: Expression): Plan {
    const [a1, a2] = this.bounds(left);
    const [b1, b2] = this.bounds(right);
    const c = (x: SqlExpr | number, op: string, y: SqlExpr | number) => this.timeComparison(x, op, y);
    const all = (...parts: TimeCondition[]): TimeCondition => ({ sql: parts.map((p) => `(${p.sql})`).join(' AND '), bindings: parts.flatMap((p) => p.bindings) });
    const any = (...parts: TimeCondition[]): TimeCondition => ({ sql: parts.map((p) => `(${p.sql})`).join(' OR '), bindings: parts.flatMap((p) => p.bindings) });
    const conditions: Record<TemporalRelation, () => TimeCondition> = {
      after: () => c(a1, '>', b2),
      before: () => c(a2, '<', b1),
      contains: () => all(c(a1, '<', b1), c(a2, '>', b2)),
      disjoint: () => any(c(a1, '>', b2), c(a2, '<', b1)),
      during: () => all(c(a1, '>', b1), c(a2, '<', b2)),
      equals: () => all(c(a1, '=', b1), c(a2, '=', b2)),
      finishedBy: () => all(c(a1, '<', b1), c(a2, '=', b2)),
      finishes: () => all(c(a1, '>', b1), c(a2, '=', b2)),
      intersects: () => all(c(a1, '<=', b2), c(a2, '>=', b1)),
      meets: () => c(a2, '=', b1),
      metBy: () => c(a1, '=', b2),
      overlappedBy: () => all(c(a1, '>', b1), c(a1, '<', b2), c(a2, '>', b2)),
      overlaps: () => all(c(a1, '<', b1), c(a2, '>', b1), c(a2, '<', b2)),
      startedBy: () => all(c(a1, '=', b1), c(a2, '>', b2)),
      starts: () => all(c(a1, '=', b1), c(a2, '<', b2)),
    };
    const cond = conditions[relation]();
    const columns = [...new Set([a1, a2, b1, b2].flatMap((x) => (typeof x === 'number' ? [] : x.columns)))];
    if (columns.length === 0) return raw(cond.sql, cond.bindings);
    // Unknown when any time read is missing, as in memory. Outside a NOT, false serves as well as
    // unknown, and plain conditions leave the time columns' indexes usable.
    if (this.negations === 0) {
      const plain = raw(`${columns.map(() => '?? IS NOT NULL').join(' AND ')} AND (${cond.sql})`, [...columns, ...cond.bindings]);
      // The spatial index's time dimension, where the database uses it for time alone (PostGIS).
      const window = left.kind !== 'time' ? this.timeWindowOf({ op: 'temporal', relation, left, right }) : undefined;
      if (!window) return plain;
      const index = this.o.db.spatialIndex(this.o.table);
      return { kind: 'where', exact: true, apply: (qb) => void plain.apply(index.whereTimeMeets(qb, window)) };
    }
    // Under a NOT it must stay unknown (NULL), not false.
    const guard = columns.map(() => '?? IS NULL').join(' OR ');
    return raw(`CASE WHEN ${guard} THEN NULL ELSE (${cond.sql}) END`, [...columns, ...cond.bindings]);
  }

  private timeComparison(x: SqlExpr | number, op: string, y: SqlExpr | number): TimeCondition {
    if (typeof x === 'number' && typeof y === 'number') {
      const holds = { '<': x < y, '<=': x <= y, '>': x > y, '>=': x >= y, '=': x === y }[op];
      return { sql: holds ? '1 = 1' : '1 = 0', bindings: [] };
    }
    const side = (v: SqlExpr | number): TimeCondition | undefined =>
      typeof v === 'number' ? (Number.isFinite(v) ? { sql: '?', bindings: [this.timeBinding(v)] } : undefined) : v;
    const [sx, sy] = [side(x), side(y)];
    if (!sx || !sy) {
      // A comparison with an open end is decided by the end alone: -∞ < t and t < +∞.
      const infinite = (typeof x === 'number' ? x : (y as number)) as number;
      const leftInfinite = typeof x === 'number';
      const less = leftInfinite ? infinite < 0 : infinite > 0;
      const holds = op === '=' ? false : op.startsWith('<') ? less : !less;
      return { sql: holds ? '1 = 1' : '1 = 0', bindings: [] };
    }
    return { sql: `${sx.sql} ${op} ${sy.sql}`, bindings: [...sx.bindings, ...sy.bindings] };
  }
}

const isCostly = (p: Plan): boolean => p.kind === 'where' && p.costly === true;

/** The intersection of time windows (undefined ones impose nothing). */
function intersectWindows(...windows: Array<TimeWindow | undefined>): TimeWindow | undefined {
  let out: TimeWindow | undefined;
  for (const w of windows) {
    if (!w) continue;
    if (!out) out = [...w];
    else out = [w[0] === null ? out[0] : out[0] === null ? w[0] : Math.max(out[0], w[0]), w[1] === null ? out[1] : out[1] === null ? w[1] : Math.min(out[1], w[1])];
  }
  return out;
}

interface TimeCondition {
  sql: string;
  bindings: unknown[];
}

function lower(e: SqlExpr): SqlExpr {
  return { ...e, sql: `LOWER(${e.sql})` };
}
