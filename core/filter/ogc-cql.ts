/**
 * OGC CQL as CSW 2.0.2 (OGC 07-006r1 §6.2.2) and GeoServer's CQL write it, into the filter AST:
 * comparisons, [NOT] LIKE / ILIKE ('%' and '_'), [NOT] BETWEEN, [NOT] IN, IS [NOT] NULL,
 * BBOX(prop, minx, miny, maxx, maxy[, crs]), INTERSECTS / DISJOINT / CONTAINS / WITHIN / TOUCHES /
 * CROSSES / OVERLAPS / EQUALS (prop, WKT), DWITHIN / BEYOND (prop, WKT, distance, units), and the
 * temporal predicates BEFORE, AFTER, DURING, BEFORE OR DURING, DURING OR AFTER with unquoted ISO
 * 8601 times and periods (start/end, start/duration, duration/end).
 */
import { parseTimeValue } from '../ows/index.js';
import { COMPARISON_OPERATORS, CRS84, property, type ComparisonOperator, type Expression, type Filter, type TimeLiteral } from './ast.js';
import { comparison, functionCall, likePattern } from './cql2-build.js';
import { tokenize, TokenStream } from './cql-lexer.js';
import { FilterError } from './errors.js';
import { TextFilterParser } from './text-parser.js';
import type { SpatialRelation } from './ast.js';

export interface OgcCqlOptions {
  /** Request parameter for errors; 'CONSTRAINT' by default (CSW). */
  locator?: string;
  maxLength?: number;
}

const SPATIAL: Record<string, SpatialRelation> = {
  INTERSECTS: 'intersects',
  DISJOINT: 'disjoint',
  CONTAINS: 'contains',
  WITHIN: 'within',
  TOUCHES: 'touches',
  CROSSES: 'crosses',
  OVERLAPS: 'overlaps',
  EQUALS: 'equals',
};

const RESERVED = new Set(['AND', 'OR', 'NOT', 'LIKE', 'ILIKE', 'BETWEEN', 'IN', 'IS', 'NULL', 'BEFORE', 'AFTER', 'DURING']);
// An unquoted time or period after a temporal keyword.
const TIME_TEXT = /[0-9P][0-9A-Za-z:.+\-,/]*/y;

export function parseOgcCql(text: string, options: OgcCqlOptions = {}): Filter {
  const locator = options.locator ?? 'CONSTRAINT';
  const max = options.maxLength ?? 65536;
  if (text.length > max) throw new FilterError(`Filter longer than ${max} characters`, { locator });
  if (!text.trim()) throw new FilterError('Empty filter', { locator });
  return new OgcCqlParser(text, new TokenStream(tokenize(text, locator), locator), locator).parse();
}

class OgcCqlParser extends TextFilterParser {
  constructor(
    private readonly text: string,
    s: TokenStream,
    private readonly locator: string,
  ) {
    super(s, CRS84);
  }

  protected primary(): Filter {
    if (this.s.acceptOp('(')) {
      const f = this.orExpression();
      this.s.expectOp(')');
      return f;
    }
    const t = this.s.peek();
    if (t.type === 'ident' && this.s.isOp('(', 1)) {
      const word = t.text.toUpperCase();
      if (word === 'BBOX') return this.bbox();
      const relation = SPATIAL[word];
      if (relation) {
        this.s.next();
        this.s.expectOp('(');
        const left = this.operand();
        this.s.expectOp(',');
        const right = this.operand();
        this.s.expectOp(')');
        return { op: 'spatial', relation, left, right };
      }
      if (word === 'DWITHIN' || word === 'BEYOND') return this.distance(word);
    }
    const left = this.operand();
    return this.tail(left);
  }

  private tail(left: Expression): Filter {
    const t = this.s.peek();
    if (t.type === 'op' && (COMPARISON_OPERATORS as readonly string[]).includes(t.text)) {
      this.s.next();
      return comparison(t.text as ComparisonOperator, left, this.operand());
    }
    if (this.s.acceptKeyword('IS')) {
      const negated = this.s.acceptKeyword('NOT');
      this.s.expectKeyword('NULL');
      return negated ? { op: 'not', arg: { op: 'isNull', expr: left } } : { op: 'isNull', expr: left };
    }
    if (this.s.isKeyword('BEFORE') || this.s.isKeyword('AFTER') || this.s.isKeyword('DURING')) return this.temporal(left);
    const negated = this.s.acceptKeyword('NOT');
    let f: Filter;
    if (this.s.isKeyword('LIKE') || this.s.isKeyword('ILIKE')) {
      const caseInsensitive = this.s.next().text.toUpperCase() === 'ILIKE';
      const p = this.s.next();
      if (p.type !== 'string') this.s.fail('The pattern of LIKE must be a string', p);
      f = { op: 'like', expr: left, pattern: likePattern(p.text, { wildCard: '%', singleChar: '_', escapeChar: '\\' }), matchCase: !caseInsensitive, matchAccent: true };
    } else if (this.s.isKeyword('BETWEEN') || this.s.isKeyword('IN')) {
      f = this.rangeOrList(left, () => this.operand());
    } else {
      this.s.fail(negated ? 'Expected LIKE, BETWEEN or IN after NOT' : 'Expected a comparison, LIKE, BETWEEN, IN, IS NULL or a temporal predicate');
    }
    return negated ? { op: 'not', arg: f } : f;
  }

  /** BEFORE t, AFTER t, DURING p, BEFORE OR DURING p, DURING OR AFTER p. */
  private temporal(left: Expression): Filter {
    const first = this.s.next().text.toUpperCase();
    let second: string | undefined;
    if (this.s.isKeyword('OR') && (this.s.isKeyword('DURING', 1) || this.s.isKeyword('AFTER', 1))) {
      this.s.next();
      second = this.s.next().text.toUpperCase();
    }
    const time = this.timeText();
    const op = second ? `${first} OR ${second}` : first;
    switch (op) {
      case 'BEFORE':
        return { op: 'temporal', relation: 'before', left, right: time };
      case 'AFTER':
        return { op: 'temporal', relation: 'after', left, right: time };
      case 'DURING':
        return { op: 'temporal', relation: 'during', left, right: time };
      case 'BEFORE OR DURING':
        return { op: 'or', args: [{ op: 'temporal', relation: 'before', left, right: time }, { op: 'temporal', relation: 'during', left, right: time }] };
      case 'DURING OR AFTER':
        return { op: 'or', args: [{ op: 'temporal', relation: 'during', left, right: time }, { op: 'temporal', relation: 'after', left, right: time }] };
      default:
        this.s.fail(`Unknown temporal predicate ${op}`);
    }
  }

  /** An unquoted (or quoted) ISO 8601 time or period, read from the source text. */
  private timeText(): TimeLiteral {
    const t = this.s.peek();
    let raw: string;
    if (t.type === 'string') {
      raw = t.text;
      this.s.next();
    } else {
      TIME_TEXT.lastIndex = t.position;
      const m = TIME_TEXT.exec(this.text);
      if (!m) this.s.fail('Expected an ISO 8601 time or period');
      raw = m[0];
      this.s.skipTo(t.position + raw.length);
    }
    try {
      const v = parseTimeValue(raw, { locator: this.locator, allowList: false });
      return { kind: 'time', text: raw, shape: v.kind === 'instant' ? 'instant' : 'interval', begin: v.begin?.getTime() ?? null, end: v.end?.getTime() ?? null };
    } catch (err) {
      throw new FilterError((err as Error).message, { position: t.position, locator: this.locator });
    }
  }

  private bbox(): Filter {
    this.s.next();
    this.s.expectOp('(');
    const expr = this.operand();
    const values: number[] = [];
    for (let i = 0; i < 4; i++) {
      this.s.expectOp(',');
      values.push(this.number());
    }
    let crs = CRS84;
    if (this.s.acceptOp(',')) {
      const c = this.s.next();
      if (c.type !== 'string') this.s.fail('Expected the CRS as a string', c);
      crs = c.text;
    }
    const at = this.s.expectOp(')');
    const [minx, miny, maxx, maxy] = values as [number, number, number, number];
    if (minx > maxx || miny > maxy) throw new FilterError('BBOX minimum is greater than its maximum', { position: at.position, locator: this.locator });
    // Another CRS is moved to CRS:84 by filterToCrs84 (translateFilter and compileFilter run it).
    return { op: 'bbox', expr, bbox: [minx, miny, maxx, maxy], crs };
  }

  private distance(word: string): Filter {
    this.s.next();
    this.s.expectOp('(');
    const left = this.operand();
    this.s.expectOp(',');
    const right = this.operand();
    this.s.expectOp(',');
    const distance = this.number();
    this.s.expectOp(',');
    const u = this.s.next();
    if (u.type !== 'ident' && u.type !== 'string') this.s.fail('Expected distance units', u);
    this.s.expectOp(')');
    return { op: word === 'DWITHIN' ? 'dwithin' : 'beyond', left, right, distance, units: u.text };
  }

  private operand(): Expression {
    const t = this.s.peek();
    if (t.type === 'number' || (t.type === 'op' && t.text === '-')) return { kind: 'literal', value: this.number() };
    const simple = this.simpleTerm(t);
    if (simple) return simple;
    if (t.type !== 'ident') this.s.fail('Expected a property, a literal or a function');
    if (RESERVED.has(t.text.toUpperCase())) this.s.fail('Expected a property, a literal or a function');
    this.s.next();
    if (this.s.acceptOp('(')) return functionCall(t.text, this.argumentList(() => this.operand()), t.position);
    return property(t.text);
  }



}
