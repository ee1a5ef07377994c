/**
 * A recursive-descent parser of WCPS 1.0 (OGC 08-068r2) with the WCPS 1.1 forms that extend it
 * (`$c[...]` subsets, `{ a: ...; b: ... }` range constructors, `let`, `.lo/.hi`, comments).
 * Precedence, lowest first: or/xor, and, not, comparison, + -, * /, unary + -, postfix
 * (subset, field access), primary. Keywords are case-insensitive. Errors are WcpsSyntaxError
 * with the line and column of the offending token.
 */
import type { AxisSpec, BinaryOp, CellTypeName, CondenseOp, Expr, ForBinding, Iterator, Query } from './ast.js';
import { wcpsFail, type Position } from './errors.js';
import { tokenize, type Token } from './lexer.js';

const RESERVED = new Set([
  'for', 'in', 'let', 'where', 'return', 'and', 'or', 'xor', 'not', 'true', 'false', 'switch', 'case', 'default',
  'condense', 'over', 'using', 'coverage', 'values', 'encode', 'struct',
]);

const SIMPLE_TYPES = new Set(['boolean', 'char', 'short', 'int', 'long', 'float', 'double']);
const UNSIGNED_TYPES = new Set(['char', 'short', 'int', 'long']);

function describe(t: Token): string {
  switch (t.kind) {
    case 'end':
      return 'the end of the query';
    case 'string':
      return `string "${t.text}"`;
    case 'variable':
      return `$${t.text}`;
    default:
      return `'${t.text}'`;
  }
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private get t(): Token {
    return this.tokens[this.i]!;
  }
  private peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.t;
    if (t.kind !== 'end') this.i++;
    return t;
  }
  private isSymbol(s: string, t: Token = this.t): boolean {
    return t.kind === 'symbol' && t.text === s;
  }
  private isKeyword(k: string, t: Token = this.t): boolean {
    return t.kind === 'identifier' && t.text.toLowerCase() === k;
  }
  private fail(message: string, t: Token = this.t): never {
    wcpsFail('WcpsSyntaxError', message, t.pos);
  }
  private expectSymbol(s: string, context: string): Token {
    if (!this.isSymbol(s)) this.fail(`expected '${s}' ${context} but found ${describe(this.t)}`);
    return this.next();
  }
  private expectKeyword(k: string, context: string): Token {
    if (!this.isKeyword(k)) this.fail(`expected '${k}' ${context} but found ${describe(this.t)}`);
    return this.next();
  }
  private expectVariable(context: string): Token {
    if (this.t.kind !== 'variable') this.fail(`expected a variable ($name) ${context} but found ${describe(this.t)}`);
    return this.next();
  }
  private expectName(context: string): Token {
    if (this.t.kind !== 'identifier') this.fail(`expected a name ${context} but found ${describe(this.t)}`);
    return this.next();
  }
  private expectString(context: string): Token {
    if (this.t.kind !== 'string') this.fail(`expected a quoted string ${context} but found ${describe(this.t)}`);
    return this.next();
  }

  query(): Query {
    if (!this.isKeyword('for')) this.fail(`a WCPS query starts with 'for' but this one starts with ${describe(this.t)}`);
    this.next();
    const iterators: ForBinding[] = [];
    do {
      iterators.push(this.forBinding());
    } while (this.isSymbol(',') && this.next());
    const lets: Query['lets'] = [];
    if (this.isKeyword('let')) {
      this.next();
      do {
        const v = this.expectVariable("after 'let'");
        if (!this.isSymbol(':=') && !this.isSymbol('=')) this.fail(`expected ':=' after $${v.text} but found ${describe(this.t)}`);
        this.next();
        lets.push({ variable: v.text, expr: this.expr(), pos: v.pos });
      } while (this.isSymbol(',') && this.next());
    }
    let where: Expr | undefined;
    if (this.isKeyword('where')) {
      this.next();
      where = this.expr();
    }
    this.expectKeyword('return', 'before the result expression');
    const result = this.expr();
    if (this.t.kind !== 'end') this.fail(`unexpected ${describe(this.t)} after the end of the return expression`);
    return { iterators, lets, where, result };
  }

  private forBinding(): ForBinding {
    const v = this.expectVariable("in 'for'");
    this.expectKeyword('in', `after $${v.text}`);
    const coverages: ForBinding['coverages'] = [];
    const parenthesised = this.isSymbol('(');
    if (parenthesised) this.next();
    do {
      coverages.push(this.coverageName());
    } while (parenthesised && this.isSymbol(',') && this.next());
    if (parenthesised) this.expectSymbol(')', 'to close the coverage list');
    return { variable: v.text, coverages, pos: v.pos };
  }

  /** A coverage id: an NCName, which may hold '.', '-' and digits (`S2-L2A.B04`), written without spaces. */
  private coverageName(): { name: string; pos: Position } {
    const first = this.t;
    if (first.kind !== 'identifier' && first.kind !== 'string') this.fail(`expected a coverage name but found ${describe(first)}`);
    this.next();
    if (first.kind === 'string') return { name: first.text, pos: first.pos };
    let name = first.text;
    let end = first.end;
    while (this.t.start === end && (this.t.kind === 'identifier' || this.t.kind === 'number' || this.isSymbol('.') || this.isSymbol('-'))) {
      name += this.t.text;
      end = this.t.end;
      this.next();
    }
    return { name, pos: first.pos };
  }

  expr(): Expr {
    return this.orExpr();
  }

  private orExpr(): Expr {
    let left = this.andExpr();
    while (this.isKeyword('or') || this.isKeyword('xor')) {
      const op = this.next();
      left = { k: 'binary', op: op.text.toLowerCase() as BinaryOp, left, right: this.andExpr(), pos: op.pos };
    }
    return left;
  }

  private andExpr(): Expr {
    let left = this.notExpr();
    while (this.isKeyword('and')) {
      const op = this.next();
      left = { k: 'binary', op: 'and', left, right: this.notExpr(), pos: op.pos };
    }
    return left;
  }

  private notExpr(): Expr {
    if (this.isKeyword('not')) {
      const op = this.next();
      return { k: 'unary', op: 'not', operand: this.notExpr(), pos: op.pos };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.additive();
    const t = this.t;
    if (t.kind === 'symbol' && ['=', '!=', '<>', '<', '>', '<=', '>='].includes(t.text)) {
      this.next();
      const op = (t.text === '<>' ? '!=' : t.text) as BinaryOp;
      return { k: 'binary', op, left, right: this.additive(), pos: t.pos };
    }
    return left;
  }

  private additive(): Expr {
    let left = this.multiplicative();
    while (this.isSymbol('+') || this.isSymbol('-')) {
      const op = this.next();
      left = { k: 'binary', op: op.text as BinaryOp, left, right: this.multiplicative(), pos: op.pos };
    }
    return left;
  }

  private multiplicative(): Expr {
    let left = this.unary();
    while (this.isSymbol('*') || this.isSymbol('/')) {
      const op = this.next();
      left = { k: 'binary', op: op.text as BinaryOp, left, right: this.unary(), pos: op.pos };
    }
    return left;
  }

  private unary(): Expr {
    if (this.isSymbol('-') || this.isSymbol('+')) {
      const op = this.next();
      return { k: 'unary', op: op.text as '-' | '+', operand: this.unary(), pos: op.pos };
    }
    if (this.isCast()) return this.cast();
    return this.postfix(this.primary());
  }

  /** `(type)` followed by an operand: a type name, or `unsigned` and one, between parentheses. */
  private isCast(): boolean {
    if (!this.isSymbol('(')) return false;
    const a = this.peek(1);
    if (a.kind !== 'identifier') return false;
    const name = a.text.toLowerCase();
    if (SIMPLE_TYPES.has(name)) return this.isSymbol(')', this.peek(2));
    if (name === 'unsigned') return this.peek(2).kind === 'identifier' && this.isSymbol(')', this.peek(3));
    return false;
  }

  private cast(): Expr {
    const open = this.next();
    let name = this.next().text.toLowerCase();
    if (name === 'unsigned') {
      const base = this.next();
      if (!UNSIGNED_TYPES.has(base.text.toLowerCase())) this.fail(`'unsigned ${base.text}' is not a cell type; unsigned goes with char, short, int or long`, base);
      name = `unsigned ${base.text.toLowerCase()}`;
    }
    this.expectSymbol(')', 'after the type of a cast');
    return { k: 'cast', type: name as CellTypeName, operand: this.unary(), pos: open.pos };
  }

  private postfix(operand: Expr): Expr {
    for (;;) {
      if (this.isSymbol('[')) {
        const open = this.next();
        const specs = this.axisSpecs(']');
        operand = { k: 'subset', operand, specs, pos: open.pos };
        continue;
      }
      if (this.isSymbol('.')) {
        const dot = this.next();
        const name = this.t;
        if (name.kind !== 'identifier' && name.kind !== 'number') this.fail(`expected a field name after '.' but found ${describe(name)}`);
        this.next();
        const lower = name.text.toLowerCase();
        if (name.kind === 'identifier' && (lower === 'lo' || lower === 'hi')) operand = { k: 'bound', operand, which: lower, pos: dot.pos };
        else operand = { k: 'field', operand, field: name.text, pos: dot.pos };
        continue;
      }
      return operand;
    }
  }

  /** Axis specs up to the closing symbol: `Lat(40:41), Long:"EPSG:4326"(10)`. */
  private axisSpecs(close: string): AxisSpec[] {
    const specs: AxisSpec[] = [];
    if (this.isSymbol(close)) this.fail(`expected an axis subset such as x(0:10) but found ${describe(this.t)}`);
    do {
      specs.push(this.axisSpec());
    } while (this.isSymbol(',') && this.next());
    this.expectSymbol(close, 'to close the axis list');
    return specs;
  }

  private axisSpec(): AxisSpec {
    const name = this.expectName('(an axis label)');
    let crs: string | undefined;
    if (this.isSymbol(':')) {
      this.next();
      crs = this.t.kind === 'identifier' ? this.coverageName().name : this.expectString(`naming the CRS of axis ${name.text}`).text;
    }
    this.expectSymbol('(', `after axis ${name.text}`);
    const first = this.boundOrStar();
    let spec: AxisSpec;
    if (this.isSymbol(':')) {
      this.next();
      spec = { axis: name.text, crs, lo: first, hi: this.boundOrStar(), pos: name.pos };
    } else {
      if (first === '*') this.fail(`'*' is only a trim bound; a slice on ${name.text} needs a coordinate`);
      spec = { axis: name.text, crs, point: first, pos: name.pos };
    }
    this.expectSymbol(')', `to close the subset on ${name.text}`);
    return spec;
  }

  private boundOrStar(): Expr | '*' {
    if (this.isSymbol('*')) {
      this.next();
      return '*';
    }
    return this.expr();
  }

  private iterators(context: string): Iterator[] {
    const out: Iterator[] = [];
    do {
      const v = this.expectVariable(context);
      out.push({ variable: v.text, spec: this.axisSpec(), pos: v.pos });
    } while (this.isSymbol(',') && this.next());
    return out;
  }

  private args(name: Token): Expr[] {
    this.expectSymbol('(', `after ${name.text}`);
    const args: Expr[] = [];
    if (!this.isSymbol(')')) {
      do {
        args.push(this.expr());
      } while (this.isSymbol(',') && this.next());
    }
    this.expectSymbol(')', `to close the arguments of ${name.text}`);
    return args;
  }

  private rangeConstructor(open: Token): Expr {
    const components: Array<{ name: string; expr: Expr; pos: Position }> = [];
    do {
      if (this.isSymbol('}')) break;
      const name = this.t.kind === 'identifier' || this.t.kind === 'number' ? this.next() : this.fail(`expected a band name in the range constructor but found ${describe(this.t)}`);
      this.expectSymbol(':', `after band name ${name.text}`);
      components.push({ name: name.text, expr: this.expr(), pos: name.pos });
    } while (this.isSymbol(';') && this.next());
    this.expectSymbol('}', 'to close the range constructor');
    if (components.length === 0) this.fail('a range constructor needs at least one band', open);
    return { k: 'range', components, pos: open.pos };
  }

  private primary(): Expr {
    const t = this.t;
    switch (t.kind) {
      case 'number': {
        this.next();
        return { k: 'number', value: Number(t.text), integer: /^\d+$/.test(t.text), pos: t.pos };
      }
      case 'string':
        this.next();
        return { k: 'string', value: t.text, pos: t.pos };
      case 'variable':
        this.next();
        return { k: 'variable', name: t.text, pos: t.pos };
      case 'end':
        this.fail('the query ends where an expression was expected');
      case 'symbol':
        if (t.text === '(') {
          this.next();
          const inner = this.expr();
          this.expectSymbol(')', 'to close the parenthesis');
          return inner;
        }
        if (t.text === '{') return this.rangeConstructor(this.next());
        this.fail(`unexpected ${describe(t)} where an expression was expected`);
      case 'identifier':
        return this.keywordOrCall();
    }
  }

  private keywordOrCall(): Expr {
    const t = this.next();
    const name = t.text.toLowerCase();
    switch (name) {
      case 'true':
      case 'false':
        return { k: 'boolean', value: name === 'true', pos: t.pos };
      case 'struct':
        return this.rangeConstructor(this.expectSymbol('{', "after 'struct'"));
      case 'switch': {
        const cases: Array<{ condition: Expr; result: Expr }> = [];
        while (this.isKeyword('case')) {
          this.next();
          const condition = this.expr();
          this.expectKeyword('return', 'after the case condition');
          cases.push({ condition, result: this.expr() });
        }
        if (cases.length === 0) this.fail(`expected 'case' after 'switch' but found ${describe(this.t)}`);
        this.expectKeyword('default', 'after the last case');
        this.expectKeyword('return', "after 'default'");
        return { k: 'switch', cases, otherwise: this.expr(), pos: t.pos };
      }
      case 'condense': {
        const opToken = this.next();
        const opText = opToken.text.toLowerCase();
        if (!['+', '*', 'max', 'min', 'and', 'or'].includes(opText)) this.fail(`'${opToken.text}' is not a condense operation; use +, *, max, min, and or or`, opToken);
        this.expectKeyword('over', 'after the condense operation');
        const iterators = this.iterators("after 'over'");
        let where: Expr | undefined;
        if (this.isKeyword('where')) {
          this.next();
          where = this.expr();
        }
        this.expectKeyword('using', 'after the condense iterators');
        return { k: 'condense', op: opText as CondenseOp, iterators, where, using: this.expr(), pos: t.pos };
      }
      case 'coverage': {
        const covName = this.coverageName();
        this.expectKeyword('over', 'after the coverage name');
        const iterators = this.iterators("after 'over'");
        this.expectKeyword('values', 'after the coverage iterators');
        return { k: 'construct', name: covName.name, iterators, values: this.expr(), pos: t.pos };
      }
      case 'encode': {
        this.expectSymbol('(', "after 'encode'");
        const operand = this.expr();
        this.expectSymbol(',', 'between the expression and the format of encode');
        const format = this.expectString('as the format of encode (such as "image/tiff")').text;
        let options: string | undefined;
        if (this.isSymbol(',')) {
          this.next();
          options = this.expectString('as the format options of encode').text;
        }
        this.expectSymbol(')', 'to close encode');
        return { k: 'encode', operand, format, options, pos: t.pos };
      }
      case 'trim':
      case 'slice':
      case 'extend': {
        this.expectSymbol('(', `after '${t.text}'`);
        const operand = this.expr();
        this.expectSymbol(',', `after the coverage of ${t.text}`);
        this.expectSymbol('{', `before the axes of ${t.text}`);
        const specs = this.axisSpecs('}');
        this.expectSymbol(')', `to close ${t.text}`);
        if (name === 'extend') return { k: 'extend', operand, specs, pos: t.pos };
        for (const s of specs) {
          if (name === 'trim' && s.point) wcpsFail('WcpsSyntaxError', `trim takes intervals; ${s.axis} has a single coordinate (use slice)`, s.pos);
          if (name === 'slice' && !s.point) wcpsFail('WcpsSyntaxError', `slice takes single coordinates; ${s.axis} has an interval (use trim)`, s.pos);
        }
        return { k: 'subset', operand, specs, pos: t.pos };
      }
      case 'scale': {
        this.expectSymbol('(', "after 'scale'");
        const operand = this.expr();
        this.expectSymbol(',', 'after the coverage of scale');
        let node: Expr;
        if (this.isSymbol('{')) {
          this.next();
          node = { k: 'scale', operand, specs: this.axisSpecs('}'), pos: t.pos };
        } else node = { k: 'scale', operand, factor: this.expr(), pos: t.pos };
        // WCPS 1.0 allows interpolation settings here; nearest neighbour is what is done.
        if (this.isSymbol(',')) {
          this.next();
          this.skipBalanced();
        }
        this.expectSymbol(')', 'to close scale');
        return node;
      }
      case 'crstransform': {
        this.expectSymbol('(', "after 'crsTransform'");
        const operand = this.expr();
        this.expectSymbol(',', 'after the coverage of crsTransform');
        const crs: Array<{ axis?: string; crs: string }> = [];
        if (this.t.kind === 'string') crs.push({ crs: this.next().text });
        else {
          this.expectSymbol('{', 'before the target CRS of crsTransform');
          do {
            const axis = this.expectName('(an axis label)');
            this.expectSymbol(':', `after axis ${axis.text}`);
            crs.push({ axis: axis.text, crs: this.t.kind === 'identifier' ? this.coverageName().name : this.expectString(`naming the CRS of axis ${axis.text}`).text });
          } while (this.isSymbol(',') && this.next());
          this.expectSymbol('}', 'to close the CRS list of crsTransform');
        }
        let interpolation: string | undefined;
        if (this.isSymbol(',')) {
          this.next();
          interpolation = this.interpolation();
        }
        this.expectSymbol(')', 'to close crsTransform');
        return { k: 'crsTransform', operand, crs, interpolation, pos: t.pos };
      }
      default:
        break;
    }
    if (RESERVED.has(name)) this.fail(`'${t.text}' cannot start an expression`, t);
    if (this.isSymbol('(')) return { k: 'call', name, args: this.args(t), pos: t.pos };
    return { k: 'identifier', name: t.text, pos: t.pos };
  }

  /** `{ near }`, `{ axis(bilinear) }`, `"bilinear"` or a bare name: the first resampling name written. */
  private interpolation(): string | undefined {
    const start = this.i;
    this.skipBalanced();
    const names = this.tokens.slice(start, this.i).filter((x) => x.kind === 'identifier' || x.kind === 'string').map((x) => x.text.toLowerCase());
    return names.find((n) => /near|linear|cubic/.test(n));
  }

  /** Skips one argument: tokens up to the next ',' or ')' at this nesting level. */
  private skipBalanced(): void {
    let depth = 0;
    while (this.t.kind !== 'end') {
      if (depth === 0 && (this.isSymbol(',') || this.isSymbol(')'))) return;
      if (this.isSymbol('(') || this.isSymbol('{') || this.isSymbol('[')) depth++;
      if (this.isSymbol(')') || this.isSymbol('}') || this.isSymbol(']')) depth--;
      this.next();
    }
  }
}

export function parseQuery(text: string): Query {
  return new Parser(tokenize(text)).query();
}
