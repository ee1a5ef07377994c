import { property, type Expression, type Filter } from './ast.js';
import type { Token, TokenStream } from './cql-lexer.js';
import { FilterError } from './errors.js';
import { parseWktGeometry, WKT_TYPES } from './wkt.js';
import { validateGeometry } from '../storage/db/geometry/index.js';

/**
 * What the two text languages (CQL2 text, OGC CQL) share: the boolean structure (OR over AND over
 * NOT over a predicate), numbers, argument lists and the simple terms. Each language supplies its
 * predicates (`primary`) and its operands.
 */
export abstract class TextFilterParser {
  constructor(
    protected readonly s: TokenStream,
    /** CRS of geometry literals. */
    protected readonly crs: string,
  ) {}

  parse(): Filter {
    const filter = this.orExpression();
    if (this.s.peek().type !== 'end') this.s.fail('Expected AND, OR or the end of the filter');
    return filter;
  }

  protected orExpression(): Filter {
    const args = [this.andExpression()];
    while (this.s.acceptKeyword('OR')) args.push(this.andExpression());
    return args.length === 1 ? args[0]! : { op: 'or', args };
  }

  protected andExpression(): Filter {
    const args = [this.notExpression()];
    while (this.s.acceptKeyword('AND')) args.push(this.notExpression());
    return args.length === 1 ? args[0]! : { op: 'and', args };
  }

  protected notExpression(): Filter {
    if (this.s.acceptKeyword('NOT')) return { op: 'not', arg: this.s.nest(() => this.notExpression()) };
    return this.s.nest(() => this.primary());
  }

  /** One predicate, or a parenthesised filter. */
  protected abstract primary(): Filter;

  protected number(): number {
    let sign = 1;
    if (this.s.acceptOp('-')) sign = -1;
    else this.s.acceptOp('+');
    const t = this.s.next();
    if (t.type !== 'number') this.s.fail('Expected a number', t);
    return sign * Number(t.text);
  }

  /** `a, b, ...)` after an opening parenthesis, the closing one included; `)` alone is none. */
  protected argumentList(item: () => Expression): Expression[] {
    const args: Expression[] = [];
    if (!this.s.isOp(')')) {
      args.push(this.s.nest(item));
      while (this.s.acceptOp(',')) args.push(this.s.nest(item));
    }
    this.s.expectOp(')');
    return args;
  }

  /** `BETWEEN a AND b` or `IN (a, b, ...)` after `left`, at either keyword. */
  protected rangeOrList(left: Expression, operand: () => Expression): Filter {
    if (this.s.acceptKeyword('BETWEEN')) {
      const lower = operand();
      this.s.expectKeyword('AND');
      return { op: 'between', expr: left, lower, upper: operand() };
    }
    this.s.expectKeyword('IN');
    this.s.expectOp('(');
    const list = [operand()];
    while (this.s.acceptOp(',')) list.push(operand());
    this.s.expectOp(')');
    return { op: 'in', expr: left, list, matchCase: true };
  }

  /** A string, a quoted property name, TRUE/FALSE or a WKT geometry at `t`; undefined for anything else. */
  protected simpleTerm(t: Token): Expression | undefined {
    if (t.type === 'string') {
      this.s.next();
      return { kind: 'literal', value: t.text };
    }
    if (t.type === 'quoted') {
      this.s.next();
      return property(t.text);
    }
    if (t.type !== 'ident') return undefined;
    const word = t.text.toUpperCase();
    if (word === 'TRUE' || word === 'FALSE') {
      this.s.next();
      return { kind: 'literal', value: word === 'TRUE' };
    }
    if (WKT_TYPES.has(word)) {
      const geometry = parseWktGeometry(this.s);
      try {
        return { kind: 'geometry', geometry: validateGeometry(geometry), crs: this.crs };
      } catch (err) {
        throw new FilterError((err as Error).message, { position: t.position, locator: this.s.locator });
      }
    }
    return undefined;
  }
}
