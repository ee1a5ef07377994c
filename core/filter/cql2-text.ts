/**
 * CQL2 text (OGC 21-065) into the filter AST: Basic CQL2, advanced comparison (LIKE, BETWEEN,
 * IN), case- and accent-insensitive comparison (CASEI, ACCENTI), spatial (S_* with WKT and BBOX
 * literals), temporal (T_* with DATE, TIMESTAMP, INTERVAL), array (A_*), function calls and
 * arithmetic. Errors are FilterError with the offset in the text.
 */
import { COMPARISON_OPERATORS, CRS84, property, type ComparisonOperator, type Expression, type Filter } from './ast.js';
import {
  arrayRelation,
  bboxGeometry,
  comparison,
  functionCall,
  interval,
  like,
  spatialRelation,
  temporalRelation,
  timeInstant,
} from './cql2-build.js';
import { tokenize, TokenStream } from './cql-lexer.js';
import { FilterError } from './errors.js';
import { TextFilterParser } from './text-parser.js';

export interface Cql2TextOptions {
  /** CRS of geometry literals (OGC API `filter-crs`), in its axis order; CRS:84 by default. */
  crs?: string;
  /** The request parameter the text came in, for error locators; 'filter' by default. */
  locator?: string;
  /** Longest filter accepted, in characters (default 64 KiB). */
  maxLength?: number;
}

const RESERVED = new Set(['AND', 'OR', 'NOT', 'LIKE', 'BETWEEN', 'IN', 'IS', 'NULL']);

/** Parses a CQL2 text filter. */
export function parseCql2Text(text: string, options: Cql2TextOptions = {}): Filter {
  const max = options.maxLength ?? 65536;
  if (text.length > max) throw new FilterError(`Filter longer than ${max} characters`, { locator: options.locator });
  if (!text.trim()) throw new FilterError('Empty filter', { locator: options.locator });
  const parser = new Cql2TextParser(new TokenStream(tokenize(text, options.locator), options.locator), options.crs ?? CRS84);
  return parser.parse();
}

class Cql2TextParser extends TextFilterParser {
  protected primary(): Filter {
    const t = this.s.peek();
    if (this.s.isOp('(')) {
      // A boolean group, or else an arithmetic group opening a predicate: '(a + 1) > 2'.
      const mark = this.s.mark();
      try {
        this.s.next();
        const inner = this.orExpression();
        this.s.expectOp(')');
        return inner;
      } catch (groupError) {
        if (!(groupError instanceof FilterError)) throw groupError;
        this.s.reset(mark);
        try {
          return this.predicateTail(this.operand(), t.position);
        } catch {
          throw groupError;
        }
      }
    }
    if (t.type === 'ident' && this.s.isOp('(', 1)) {
      const spatial = spatialRelation(t.text);
      const temporal = temporalRelation(t.text);
      const array = arrayRelation(t.text);
      if (spatial || temporal || array) {
        this.s.next();
        this.s.expectOp('(');
        const left = this.operand();
        this.s.expectOp(',');
        const right = this.operand();
        this.s.expectOp(')');
        if (spatial) return { op: 'spatial', relation: spatial, left, right };
        if (temporal) return { op: 'temporal', relation: temporal, left, right };
        const asArray = (e: Expression): Expression => (e.kind === 'array' || e.kind === 'property' || e.kind === 'function' ? e : { kind: 'array', items: [e] });
        return { op: 'array', relation: array!, left: asArray(left), right: asArray(right) };
      }
    }
    const left = this.operand();
    return this.predicateTail(left, t.position);
  }

  /** What follows the first operand of a predicate; a bare boolean operand is a predicate too. */
  private predicateTail(left: Expression, position: number): Filter {
    const t = this.s.peek();
    if (t.type === 'op' && (COMPARISON_OPERATORS as readonly string[]).includes(t.text)) {
      this.s.next();
      return comparison(t.text as ComparisonOperator, left, this.operand());
    }
    if (this.s.acceptKeyword('IS')) {
      const negated = this.s.acceptKeyword('NOT');
      this.s.expectKeyword('NULL');
      const f: Filter = { op: 'isNull', expr: left };
      return negated ? { op: 'not', arg: f } : f;
    }
    const negated = this.s.acceptKeyword('NOT');
    let f: Filter;
    if (this.s.acceptKeyword('LIKE')) {
      const at = this.s.peek().position;
      f = like(left, this.operand(), at);
    } else if (this.s.isKeyword('BETWEEN') || this.s.isKeyword('IN')) {
      f = this.rangeOrList(left, () => this.operand());
    } else if (negated) {
      this.s.fail('Expected LIKE, BETWEEN or IN after NOT');
    } else if (left.kind === 'literal' && typeof left.value === 'boolean') {
      return { op: 'constant', value: left.value };
    } else if (left.kind === 'function') {
      return { op: 'function', call: left };
    } else if (left.kind === 'property') {
      // A boolean property on its own: CQL2 allows it as a predicate.
      return comparison('=', left, { kind: 'literal', value: true });
    } else {
      throw new FilterError('Expected a comparison, LIKE, BETWEEN, IN or IS NULL', { position, locator: this.s.locator });
    }
    return negated ? { op: 'not', arg: f } : f;
  }

  /** An operand: arithmetic over terms (+ - lowest, then * / % div, then ^). */
  private operand(): Expression {
    let left = this.product();
    while (this.s.isOp('+') || this.s.isOp('-')) {
      const op = this.s.next().text as '+' | '-';
      left = { kind: 'arithmetic', op, left, right: this.product() };
    }
    return left;
  }

  private product(): Expression {
    let left = this.power();
    for (;;) {
      const t = this.s.peek();
      const op = t.type === 'op' && (t.text === '*' || t.text === '/' || t.text === '%') ? t.text : this.s.isKeyword('DIV') ? 'div' : undefined;
      if (!op) return left;
      this.s.next();
      left = { kind: 'arithmetic', op, left, right: this.power() };
    }
  }

  private power(): Expression {
    const base = this.term();
    if (!this.s.acceptOp('^')) return base;
    return { kind: 'arithmetic', op: '^', left: base, right: this.s.nest(() => this.power()) };
  }

  /** A scalar, geometry, time or array term; a parenthesised single value is a group. */
  private term(): Expression {
    const t = this.s.peek();
    if (t.type === 'op' && t.text === '-' && this.s.peek(1).type !== 'number') {
      this.s.next();
      return { kind: 'arithmetic', op: '*', left: { kind: 'literal', value: -1 }, right: this.s.nest(() => this.term()) };
    }
    if (t.type === 'number' || (t.type === 'op' && (t.text === '-' || t.text === '+') && this.s.peek(1).type === 'number')) {
      return { kind: 'literal', value: this.number() };
    }
    if (t.type === 'op' && t.text === '(') {
      // An array literal ( a, b, ... ) or (), or a group ( a + 1 ); A_* operators take a group as a one-item array.
      this.s.next();
      const items: Expression[] = [];
      if (!this.s.isOp(')')) {
        items.push(this.s.nest(() => this.operand()));
        while (this.s.acceptOp(',')) items.push(this.s.nest(() => this.operand()));
      }
      this.s.expectOp(')');
      return items.length === 1 ? items[0]! : { kind: 'array', items };
    }
    const simple = this.simpleTerm(t);
    if (simple) return simple;
    if (t.type !== 'ident') this.s.fail('Expected a property, a literal or a function');
    const word = t.text.toUpperCase();
    if (this.s.isOp('(', 1)) return this.call();
    if (RESERVED.has(word)) this.s.fail('Expected a property, a literal or a function');
    this.s.next();
    return property(t.text);
  }

  private call(): Expression {
    const name = this.s.next();
    const word = name.text.toUpperCase();
    this.s.expectOp('(');
    if (word === 'DATE' || word === 'TIMESTAMP') {
      const value = this.s.next();
      if (value.type !== 'string') this.s.fail(`${word} needs a quoted value`, value);
      this.s.expectOp(')');
      return timeInstant(word === 'DATE' ? 'date' : 'timestamp', value.text, value.position);
    }
    if (word === 'BBOX') {
      const values = [this.number()];
      while (this.s.acceptOp(',')) values.push(this.number());
      this.s.expectOp(')');
      return { kind: 'geometry', geometry: bboxGeometry(values, name.position), crs: this.crs };
    }
    const args = this.argumentList(() => this.operand());
    if (word === 'INTERVAL') {
      if (args.length !== 2) throw new FilterError('INTERVAL takes two values', { position: name.position, locator: this.s.locator });
      return interval(args[0]!, args[1]!, name.position);
    }
    return functionCall(name.text, args, name.position);
  }


}
