/**
 * The XML encodings of a WCPS request, read from the element tree of the body
 * (core/ows parseXmlElementTree):
 *
 * - WCPS 1.0 (OGC 08-068r2; schema wcps/1.0/wcpsProcessCoverages.xsd of the Processing Extension
 *   08-059r3): `<ProcessCoveragesRequest xmlns="http://www.opengis.net/wcps/1.0" service="WCS"
 *   version="1.1.2"><query>` holding either `<abstractSyntax>` (the query as text) or
 *   `<xmlSyntax>` (the query as an element tree: coverageIterator+, where?, encode or a scalar
 *   expression).
 * - The WCS 2.0 Processing Extension (OGC 08-059r4): `<proc:ProcessCoverages
 *   xmlns:proc="http://www.opengis.net/wcs/processing/2.0" service="WCS" version="2.0.1">` with
 *   `<proc:query>` (text) and `<proc:extraParameter>`s, which replace `$1`, `$2`… in the query.
 *
 * The XML syntax is read into the typed tree of ast.ts, the one the text parser gives, so a query
 * goes through the same type and domain checks and evaluation whichever syntax it came in; a
 * query written both ways has the same tree (positions aside) and the same result bytes. Every
 * node's position is its element's path, which errors then name as their locator. The reader
 * follows the schema's grammar element by element and takes, beyond it, what rasdaman (the only
 * other WCPS server) sends: `variableRef` (iterator variables, which the 1.0 schema cannot name),
 * axis labels other than x, y, z, t, an unprefixed `srsName`, `switch`, `numericSqrt` and
 * `numericAbs`, `<field>name</field>` as well as `<field><name>name</name></field>`, and
 * service="WCPS" version="1.0.0" on the root.
 */
import type { XmlTreeNode } from '../../core/ows/index.js';
import { missingParameterValue, OwsException } from '../../core/ows/index.js';
import type { AxisSpec, BinaryOp, CellTypeName, CondenseOp, Expr, ForBinding, Iterator, Query } from './ast.js';
import { wcpsFail, type Position, type WcpsExceptionCode } from './errors.js';

export const WCPS_XML_NS = {
  /** WCPS 1.0 ProcessCoveragesRequest (OGC 08-068r2, 08-059r3). */
  wcps10: 'http://www.opengis.net/wcps/1.0',
  /** WCS 2.0 Processing Extension ProcessCoverages (OGC 08-059r4, table 2: prefix proc). */
  proc: 'http://www.opengis.net/wcs/processing/2.0',
  /** gml:srsName in the 1.0 schema's CrsNameType. */
  gml: 'http://www.opengis.net/gml',
} as const;

/** What an XML request carries: the query as text (abstract syntax), or already as a tree (XML syntax). */
export type WcpsXmlQuery = { kind: 'text'; text: string } | { kind: 'tree'; query: Query };

interface El {
  node: XmlTreeNode;
  path: string;
}

const qname = (n: XmlTreeNode) => (n.prefix ? `${n.prefix}:${n.name}` : n.name);

/** The element children with their paths (`name[k]` when several siblings share the name, as XPath writes them). */
function childrenOf(parent: El): El[] {
  const counts = new Map<string, number>();
  for (const c of parent.node.children) counts.set(qname(c), (counts.get(qname(c)) ?? 0) + 1);
  const seen = new Map<string, number>();
  return parent.node.children.map((c) => {
    const q = qname(c);
    const k = (seen.get(q) ?? 0) + 1;
    seen.set(q, k);
    return { node: c, path: `${parent.path}/${q}${counts.get(q)! > 1 ? `[${k}]` : ''}` };
  });
}

const posOf = (el: El): Position => ({ line: 0, column: 0, path: el.path });

function fail(code: WcpsExceptionCode, message: string, el: El): never {
  wcpsFail(code, message, posOf(el));
}

function syntax(message: string, el: El): never {
  fail('WcpsSyntaxError', message, el);
}

/** Elements one after the other, as a schema sequence reads them. */
class Cursor {
  private i = 0;
  readonly items: El[];
  constructor(
    readonly parent: El,
    private readonly reader: XmlSyntaxReader,
  ) {
    this.items = reader.elements(parent);
  }
  peek(): El | undefined {
    return this.items[this.i];
  }
  is(name: string): boolean {
    return this.peek()?.node.name === name;
  }
  next(what: string): El {
    const el = this.items[this.i];
    if (!el) syntax(`${this.parent.node.name} ends where ${what} was expected`, this.parent);
    this.i++;
    return el;
  }
  expect(name: string, context: string): El {
    const el = this.peek();
    if (!el || el.node.name !== name) {
      if (!el) syntax(`${this.parent.node.name} ends where <${name}> ${context} was expected`, this.parent);
      syntax(`expected <${name}> ${context} but found <${el.node.name}>`, el);
    }
    this.i++;
    return el;
  }
  optional(name: string): El | undefined {
    if (!this.is(name)) return undefined;
    return this.items[this.i++];
  }
  done(): boolean {
    return this.i >= this.items.length;
  }
  end(): void {
    const el = this.peek();
    if (el) syntax(`unexpected <${el.node.name}> in ${this.parent.node.name}`, el);
  }
}

const BINARY: Record<string, BinaryOp> = {
  plus: '+', minus: '-', mult: '*', div: '/',
  and: 'and', or: 'or', xor: 'xor',
  equals: '=', notEqual: '!=', lessThan: '<', greaterThan: '>', lessOrEqual: '<=', greaterOrEqual: '>=',
  numericAdd: '+', numericMinus: '-', numericMult: '*', numericDiv: '/',
  booleanAnd: 'and', booleanOr: 'or', booleanXor: 'xor',
  booleanLessThan: '<', booleanLessOrEqual: '<=', booleanGreaterThan: '>', booleanGreaterOrEqual: '>=',
  booleanEqualNumeric: '=', booleanNotEqualNumeric: '!=', booleanEqualString: '=', booleanNotEqualString: '!=',
};

/** Induced unary functions (UnaryOperationCoverageExprType), and rasdaman's numericSqrt / numericAbs. */
const FUNCTIONS: Record<string, string> = {
  sqrt: 'sqrt', abs: 'abs', exp: 'exp', log: 'log', ln: 'ln', sin: 'sin', cos: 'cos', tan: 'tan',
  sinh: 'sinh', cosh: 'cosh', tanh: 'tanh', arcsin: 'arcsin', arccos: 'arccos', arctan: 'arctan',
  numericSqrt: 'sqrt', numericAbs: 'abs',
};

/** ReduceScalarExprType: the condensers of one coverage. */
const REDUCERS = new Set(['all', 'some', 'count', 'add', 'avg', 'min', 'max']);

/** Metadata of one coverage (CoverageExprElementType), as the text syntax's function names. */
const METADATA: Record<string, string> = { identifier: 'identifier', imageCrs: 'imagecrs', crsSet: 'crsset', nullSet: 'nullset', stringIdentifier: 'identifier' };

const CONDENSE_OPS: Record<string, CondenseOp> = { opPlus: '+', opMult: '*', opMax: 'max', opMin: 'min', opAnd: 'and', opOr: 'or' };

/** RangeFieldType (1.0 schema) and the text syntax's names. */
const CELL_TYPES: Record<string, CellTypeName> = {
  bool: 'boolean', boolean: 'boolean', char: 'char', 'unsigned char': 'unsigned char', short: 'short', 'unsigned short': 'unsigned short',
  int: 'int', 'unsigned int': 'unsigned int', long: 'long', 'unsigned long': 'unsigned long', float: 'float', double: 'double',
};

/** Elements of the 1.0 schema this server does not evaluate (nor does its text syntax). */
const UNSUPPORTED: Record<string, string> = {
  setIdentifier: 'setting coverage metadata', setCrsSet: 'setting coverage metadata', setNullSet: 'setting coverage metadata',
  setInterpolationDefault: 'setting coverage metadata', setInterpolationSet: 'setting coverage metadata',
  re: 'complex numbers', im: 'complex numbers', complexConstant: 'complex numbers', overlay: 'overlay',
  const: 'constant coverages (a value list)',
};

const XS_DOUBLE = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const VARIABLE = /^\$?([A-Za-z_][A-Za-z0-9_]*)$/;

class XmlSyntaxReader {
  constructor(private readonly namespace: string) {}

  /** Child elements, each in the query's namespace (gml:srsName aside), with nothing but whitespace between them. */
  elements(parent: El): El[] {
    const items = childrenOf(parent);
    if (items.length > 0 && parent.node.text !== '') syntax(`${parent.node.name} holds elements; the text '${parent.node.text.slice(0, 40)}' has no place there`, parent);
    for (const el of items) {
      const ns = el.node.namespace;
      if (ns === this.namespace || (el.node.name === 'srsName' && ns === WCPS_XML_NS.gml)) continue;
      syntax(`<${qname(el.node)}> is not an element of the WCPS XML syntax (namespace '${ns || 'none'}'; the query's elements are in '${this.namespace || 'none'}')`, el);
    }
    return items;
  }

  /** The text of a leaf element (no child elements), trimmed; empty text is an error unless `allowEmpty`. */
  text(el: El, what: string, allowEmpty = false): string {
    if (el.node.children.length > 0) syntax(`<${el.node.name}> holds ${what} as text, not elements`, el);
    const t = el.node.text.trim();
    if (t === '' && !allowEmpty) syntax(`<${el.node.name}> is empty; it should hold ${what}`, el);
    return t;
  }

  variable(el: El): string {
    const t = this.text(el, 'a variable name');
    const m = VARIABLE.exec(t);
    if (!m) syntax(`'${t}' is not a variable name (a letter or '_', then letters, digits or '_', optionally after '$')`, el);
    return m[1]!;
  }

  /** The one child element of a wrapper (`<where>`, `<lowerBound>`, `<condition>`…), as an expression. */
  wrapped(el: El, what: string): Expr {
    const c = new Cursor(el, this);
    const e = this.expr(c.next(what));
    c.end();
    return e;
  }

  query(xmlSyntax: El): Query {
    const c = new Cursor(xmlSyntax, this);
    const iterators: ForBinding[] = [];
    while (c.is('coverageIterator')) {
      const it = c.next('a coverageIterator');
      const ic = new Cursor(it, this);
      const variable = this.variable(ic.expect('iteratorVar', 'naming the iterator variable'));
      const coverages: ForBinding['coverages'] = [];
      while (ic.is('coverageName')) {
        const n = ic.next('a coverage name');
        coverages.push({ name: this.text(n, 'a coverage identifier'), pos: posOf(n) });
      }
      ic.end();
      if (coverages.length === 0) syntax(`the iterator ${variable} names no coverage (<coverageName>)`, it);
      iterators.push({ variable, coverages, pos: posOf(it) });
    }
    if (iterators.length === 0) {
      const first = c.peek();
      syntax(`a WCPS query starts with <coverageIterator>${first ? ` but this one starts with <${first.node.name}>` : ''}`, first ?? xmlSyntax);
    }
    const where = c.is('where') ? this.wrapped(c.next('where'), 'the where condition') : undefined;
    const result = this.processing(c.next('the return expression (encode or a scalar expression)'));
    c.end();
    return { iterators, lets: [], where, result };
  }

  /** ProcessingExprType: encode, or a scalar expression. */
  private processing(el: El): Expr {
    if (el.node.name !== 'encode') return this.expr(el);
    const store = el.node.attrs.store?.trim();
    if (store === 'true' || store === '1') fail('UnsupportedOperation', 'store="true" (a result kept on the server) is not supported; results are returned', el);
    const c = new Cursor(el, this);
    const operand = this.expr(c.next('the coverage to encode'));
    const format = this.text(c.expect('format', 'after the coverage to encode'), 'a format name');
    const extra = c.optional('extraParameters');
    c.end();
    const options = extra ? this.text(extra, 'format options', true) : undefined;
    return { k: 'encode', operand, format, options: options === '' ? undefined : options, pos: posOf(el) };
  }

  expr(el: El): Expr {
    const name = el.node.name;
    const pos = posOf(el);
    const op = BINARY[name];
    if (op) {
      const c = new Cursor(el, this);
      const left = this.expr(c.next('its first operand'));
      const right = this.expr(c.next('its second operand'));
      c.end();
      return { k: 'binary', op, left, right, pos };
    }
    const fn = FUNCTIONS[name];
    if (fn) return { k: 'call', name: fn, args: [this.wrapped(el, 'its operand')], pos };
    if (REDUCERS.has(name)) return { k: 'call', name, args: [this.wrapped(el, 'the coverage to condense')], pos };
    if (METADATA[name]) return { k: 'call', name: METADATA[name], args: [this.wrapped(el, 'a coverage')], pos };
    if (UNSUPPORTED[name]) fail('UnsupportedOperation', `${UNSUPPORTED[name]} (<${name}>) is not supported`, el);
    switch (name) {
      case 'coverage':
      case 'variableRef':
        return { k: 'variable', name: this.variable(el), pos };
      case 'numericConstant':
        return this.number(el);
      case 'booleanConstant': {
        const t = this.text(el, 'true or false');
        if (!['true', 'false', '1', '0'].includes(t)) syntax(`'${t}' is not a boolean (true, false, 1 or 0)`, el);
        return { k: 'boolean', value: t === 'true' || t === '1', pos };
      }
      case 'stringConstant':
        return { k: 'string', value: this.text(el, 'a string', true), pos };
      case 'unaryPlus':
        return { k: 'unary', op: '+', operand: this.wrapped(el, 'its operand'), pos };
      case 'unaryMinus':
      case 'numericUnaryMinus':
        return { k: 'unary', op: '-', operand: this.wrapped(el, 'its operand'), pos };
      case 'not':
      case 'booleanNot':
        return { k: 'unary', op: 'not', operand: this.wrapped(el, 'its operand'), pos };
      case 'bit': {
        const c = new Cursor(el, this);
        const operand = this.expr(c.next('the coverage'));
        const index = c.expect('bitIndex', 'after the coverage');
        const t = this.text(index, 'a bit index');
        if (!/^\d+$/.test(t)) syntax(`'${t}' is not a bit index (a non-negative integer)`, index);
        c.end();
        return { k: 'call', name: 'bit', args: [operand, { k: 'number', value: Number(t), integer: true, pos: posOf(index) }], pos };
      }
      case 'cast': {
        const c = new Cursor(el, this);
        const operand = this.expr(c.next('the expression to cast'));
        const typeEl = c.expect('type', 'after the expression to cast');
        c.end();
        const t = this.text(typeEl, 'a cell type').replace(/\s+/g, ' ');
        if (t === 'complex' || t === 'complex2') fail('UnsupportedOperation', 'complex cell types are not supported', typeEl);
        const type = CELL_TYPES[t];
        if (!type) fail('TypeMismatch', `'${t}' is not a cell type; types are ${Object.keys(CELL_TYPES).join(', ')}`, typeEl);
        return { k: 'cast', type, operand, pos };
      }
      case 'fieldSelect': {
        const c = new Cursor(el, this);
        const operand = this.expr(c.next('the coverage'));
        const field = this.fieldName(c.expect('field', 'naming the band'));
        c.end();
        return { k: 'field', operand, field, pos };
      }
      case 'rangeConstructor': {
        const components: Array<{ name: string; expr: Expr; pos: Position }> = [];
        const c = new Cursor(el, this);
        while (!c.done()) {
          const comp = c.expect('component', 'in the range constructor');
          const cc = new Cursor(comp, this);
          const name = this.fieldName(cc.expect('field', 'naming the band'));
          const expr = this.expr(cc.next('the band\'s expression'));
          cc.end();
          components.push({ name, expr, pos: posOf(comp) });
        }
        if (components.length === 0) syntax('a range constructor needs at least one <component>', el);
        return { k: 'range', components, pos };
      }
      case 'trim':
      case 'extend': {
        const c = new Cursor(el, this);
        const operand = this.expr(c.next(`the coverage to ${name}`));
        const specs = this.intervals(c, name);
        c.end();
        return name === 'trim' ? { k: 'subset', operand, specs, pos } : { k: 'extend', operand, specs, pos };
      }
      case 'slice': {
        const c = new Cursor(el, this);
        const operand = this.expr(c.next('the coverage to slice'));
        const specs: AxisSpec[] = [];
        while (c.is('axis')) {
          const axis = c.next('an axis');
          const crs = this.crsOf(c);
          const at = c.expect('slicingPosition', `after axis ${axis.node.text}`);
          specs.push({ axis: this.text(axis, 'an axis label'), crs, point: this.bound(at, false) as Expr, pos: posOf(axis) });
        }
        c.end();
        if (specs.length === 0) syntax('slice needs at least one <axis> with its <slicingPosition>', el);
        return { k: 'subset', operand, specs, pos };
      }
      case 'scale': {
        const c = new Cursor(el, this);
        const operand = this.expr(c.next('the coverage to scale'));
        const specs = this.intervals(c, name);
        this.interpolations(c);
        c.end();
        return { k: 'scale', operand, specs, pos };
      }
      case 'crsTransform': {
        const c = new Cursor(el, this);
        const operand = this.expr(c.next('the coverage to transform'));
        const crs: Array<{ axis?: string; crs: string }> = [];
        while (c.is('axis')) {
          const axis = c.next('an axis');
          const target = this.crsOf(c);
          if (!target) syntax(`crsTransform needs the target CRS (<srsName>) of axis ${axis.node.text}`, axis);
          if (c.is('lowerBound')) fail('UnsupportedOperation', 'crsTransform with target bounds is not supported; the result covers the operand', c.peek()!);
          crs.push({ axis: this.text(axis, 'an axis label'), crs: target });
        }
        if (crs.length === 0) syntax('crsTransform needs at least one <axis> with its target <srsName>', el);
        const interpolation = this.interpolations(c);
        c.end();
        return { k: 'crsTransform', operand, crs, interpolation, pos };
      }
      case 'construct': {
        const c = new Cursor(el, this);
        const coverageName = this.text(c.expect('name', 'naming the constructed coverage'), 'a coverage name');
        const iterators: Iterator[] = [];
        while (c.is('axisIterator')) iterators.push(this.iterator(c.next('an axisIterator')));
        if (iterators.length === 0) syntax('construct needs at least one <axisIterator>', c.peek() ?? el);
        const values = this.expr(c.next('the values expression'));
        c.end();
        return { k: 'construct', name: coverageName, iterators, values, pos };
      }
      case 'condense':
        return this.condense(el);
      case 'reduce': {
        const c = new Cursor(el, this);
        const inner = c.next('a condenser (all, some, count, add, avg, min or max)');
        if (!REDUCERS.has(inner.node.name)) syntax(`<${inner.node.name}> is not a condenser; reduce takes all, some, count, add, avg, min or max`, inner);
        c.end();
        return this.expr(inner);
      }
      case 'switch': {
        const cases: Array<{ condition: Expr; result: Expr }> = [];
        const c = new Cursor(el, this);
        while (c.is('case')) {
          const k = new Cursor(c.next('a case'), this);
          const condition = this.wrapped(k.expect('condition', 'first in a case'), 'the condition');
          const result = this.wrapped(k.expect('result', 'after the condition'), 'the result');
          k.end();
          cases.push({ condition, result });
        }
        if (cases.length === 0) syntax('switch needs at least one <case>', c.peek() ?? el);
        const d = new Cursor(c.expect('default', 'after the last case'), this);
        const otherwise = this.wrapped(d.expect('result', 'in default'), 'the default result');
        d.end();
        c.end();
        return { k: 'switch', cases, otherwise, pos };
      }
      case 'imageCrsDomain': {
        const c = new Cursor(el, this);
        const args = [this.expr(c.next('a coverage'))];
        const axis = c.optional('axis');
        if (axis) args.push({ k: 'identifier', name: this.text(axis, 'an axis label'), pos: posOf(axis) });
        c.end();
        return { k: 'call', name: 'imagecrsdomain', args, pos };
      }
      case 'DomainMetadata':
        return this.domain(new Cursor(el, this), el);
      case 'interpolationDefault':
      case 'interpolationSet': {
        const c = new Cursor(el, this);
        const coverage = this.expr(c.next('a coverage'));
        const field = c.expect('name', 'naming the band');
        c.end();
        return { k: 'call', name: name.toLowerCase(), args: [coverage, { k: 'identifier', name: this.text(field, 'a band name'), pos: posOf(field) }], pos };
      }
      case 'encode':
        return syntax('encode is only the outermost expression of a query', el);
    }
    return syntax(`<${name}> is not a WCPS expression element`, el);
  }

  /** numericConstant: an xs:double; a minus sign reads as the text syntax's unary minus, digits alone as an integer literal. */
  private number(el: El): Expr {
    const t = this.text(el, 'a number');
    const pos = posOf(el);
    if (t === 'NaN' || t === 'INF' || t === '-INF' || t === '+INF') {
      const value = t === 'NaN' ? NaN : t === '-INF' ? -Infinity : Infinity;
      return { k: 'number', value, integer: false, pos };
    }
    if (!XS_DOUBLE.test(t)) syntax(`'${t}' is not a number`, el);
    const digits = t.replace(/^[+-]/, '');
    const literal: Expr = { k: 'number', value: Number(digits), integer: /^\d+$/.test(digits), pos };
    return t.startsWith('-') ? { k: 'unary', op: '-', operand: literal, pos } : literal;
  }

  /** `<field><name>red</name></field>` (the schema's FieldNameType) or `<field>red</field>`. */
  private fieldName(el: El): string {
    if (el.node.children.length === 0) return this.text(el, 'a band name');
    const c = new Cursor(el, this);
    const name = this.text(c.expect('name', 'in field'), 'a band name');
    c.end();
    return name;
  }

  /** gml:srsName (or rasdaman's unprefixed srsName) after an axis, if there is one. */
  private crsOf(c: Cursor): string | undefined {
    const el = c.optional('srsName');
    return el ? this.text(el, 'a CRS') : undefined;
  }

  /** lowerBound / upperBound / slicingPosition: one scalar expression, or `*` (an open trim bound) where allowed. */
  private bound(el: El, starAllowed: boolean): Expr | '*' {
    const c = new Cursor(el, this);
    const inner = c.next('a coordinate');
    c.end();
    if (inner.node.name === 'numericConstant' && inner.node.children.length === 0 && inner.node.text.trim() === '*') {
      if (!starAllowed) syntax("'*' is only a trim bound; a slice needs a coordinate", inner);
      return '*';
    }
    return this.expr(inner);
  }

  /** DimensionIntervalElementType, repeated: axis, srsName?, then lowerBound + upperBound or an interval (DomainMetadata). */
  private intervals(c: Cursor, what: string): AxisSpec[] {
    const specs: AxisSpec[] = [];
    while (c.is('axis')) {
      const axisEl = c.next('an axis');
      const axis = this.text(axisEl, 'an axis label');
      const crs = this.crsOf(c);
      const pos = posOf(axisEl);
      if (c.is('lowerBound')) {
        const lo = this.bound(c.next('lowerBound'), true);
        const hi = this.bound(c.expect('upperBound', `after the lowerBound of ${axis}`), true);
        specs.push({ axis, crs, lo, hi, pos });
        continue;
      }
      const next = c.peek();
      if (!next) syntax(`axis ${axis} of ${what} needs <lowerBound> and <upperBound>`, axisEl);
      // An interval-valued expression: the schema's DomainMetadataExprType group inline, or a metadata element.
      if (next.node.name === 'DomainMetadata' || next.node.name === 'imageCrsDomain') specs.push({ axis, crs, point: this.expr(c.next('an interval')), pos });
      else specs.push({ axis, crs, point: this.domain(c, next), pos });
    }
    if (specs.length === 0) syntax(`${what} needs at least one <axis> with its bounds`, c.peek() ?? c.parent);
    return specs;
  }

  /** DomainMetadataExprType: a coverage, an axis and a CRS, as the text syntax's domain(c, axis, crs). */
  private domain(c: Cursor, at: El): Expr {
    const coverage = this.expr(c.next('a coverage'));
    const axis = c.expect('axis', 'after the coverage of domain');
    const crs = c.expect('srsName', 'after the axis of domain');
    if (c.parent.node.name === 'DomainMetadata') c.end();
    return {
      k: 'call',
      name: 'domain',
      args: [coverage, { k: 'identifier', name: this.text(axis, 'an axis label'), pos: posOf(axis) }, { k: 'string', value: this.text(crs, 'a CRS'), pos: posOf(crs) }],
      pos: posOf(at),
    };
  }

  /** FieldInterpolationElementType, repeated (name, interpolationMethod, nullResistance): the first method named. */
  private interpolations(c: Cursor): string | undefined {
    let method: string | undefined;
    while (c.is('name')) {
      this.text(c.next('a band name'), 'a band name');
      const m = this.text(c.expect('interpolationMethod', 'after the band name'), 'an interpolation method');
      c.optional('nullResistance');
      method ??= m.toLowerCase();
    }
    return method;
  }

  /** AxisIteratorType: iteratorVar, axis, then two bounds or an image CRS domain (a coverage and an axis). */
  private iterator(el: El): Iterator {
    const c = new Cursor(el, this);
    const variable = this.variable(c.expect('iteratorVar', 'naming the iterator variable'));
    const axisEl = c.expect('axis', 'after the iterator variable');
    const axis = this.text(axisEl, 'an axis label');
    const first = c.next(`the extent of $${variable}`);
    let spec: AxisSpec;
    if (first.node.name === 'imageCrsDomain') spec = { axis, point: this.expr(first), pos: posOf(axisEl) };
    else {
      const lo = this.expr(first);
      if (c.is('axis')) {
        const of = c.next('an axis');
        spec = { axis, point: { k: 'call', name: 'imagecrsdomain', args: [lo, { k: 'identifier', name: this.text(of, 'an axis label'), pos: posOf(of) }], pos: posOf(first) }, pos: posOf(axisEl) };
      } else spec = { axis, lo, hi: this.expr(c.next(`the upper bound of $${variable}`)), pos: posOf(axisEl) };
    }
    c.end();
    return { variable, spec, pos: posOf(el) };
  }

  /** CondenseScalarExprType: a condenser of one coverage, or op, iterator+, where?, the expression condensed. */
  private condense(el: El): Expr {
    const c = new Cursor(el, this);
    const first = c.next('a condense operation (opPlus, opMult, opMax, opMin, opAnd, opOr) or a condenser');
    if (REDUCERS.has(first.node.name)) {
      c.end();
      return this.expr(first);
    }
    const op = CONDENSE_OPS[first.node.name];
    if (!op) syntax(`<${first.node.name}> is not a condense operation; use opPlus, opMult, opMax, opMin, opAnd or opOr`, first);
    if (first.node.children.length > 0 || first.node.text !== '') syntax(`<${first.node.name}> is an empty element`, first);
    const iterators: Iterator[] = [];
    while (c.is('iterator')) iterators.push(this.iterator(c.next('an iterator')));
    if (iterators.length === 0) syntax('condense needs at least one <iterator>', c.peek() ?? el);
    const where = c.is('where') ? this.wrapped(c.next('where'), 'the where condition') : undefined;
    const using = this.expr(c.next('the expression to condense'));
    c.end();
    return { k: 'condense', op, iterators, where, using, pos: posOf(el) };
  }
}

/**
 * `$1`, `$2`… of a query replaced by the extra parameters (OGC 08-059r4 6.5.1: textual
 * substitution). A reference past the last one is MissingParameterValue, with the KVP key (`3`)
 * or `extraParameter` as locator.
 */
export function substituteParameters(query: string, parameters: readonly string[], binding: 'kvp' | 'xml' = 'xml'): string {
  if (parameters.length === 0) return query;
  return query.replace(/\$(\d+)/g, (_, n: string) => {
    const value = parameters[Number(n) - 1];
    if (value === undefined) throw missingParameterValue(binding === 'kvp' ? n : 'extraParameter', `the query refers to $${n} but the request has ${parameters.length} extra parameter${parameters.length === 1 ? '' : 's'}`);
    return value;
  });
}

function elementText(el: El, what: string): string {
  if (el.node.children.length > 0) syntax(`<${el.node.name}> holds ${what} as text, not elements`, el);
  return el.node.text;
}

/** The query of `<query>`: `<abstractSyntax>` text, `<xmlSyntax>`, or (leniently) text directly. */
function queryElement(query: El): WcpsXmlQuery {
  const items = childrenOf(query);
  if (items.length === 0) {
    if (query.node.text.trim() === '') throw missingParameterValue('query', `element ${query.path} is empty: it should hold the WCPS query`);
    return { kind: 'text', text: query.node.text };
  }
  if (items.length > 1) syntax(`<query> holds one <abstractSyntax> or one <xmlSyntax>, not ${items.map((i) => `<${i.node.name}>`).join(', ')}`, items[1]!);
  const inner = items[0]!;
  if (inner.node.namespace !== query.node.namespace) syntax(`<${qname(inner.node)}> is not in the namespace of <${qname(query.node)}> ('${query.node.namespace || 'none'}')`, inner);
  if (inner.node.name === 'abstractSyntax') {
    const text = elementText(inner, 'the query');
    if (text.trim() === '') throw missingParameterValue('query', `element ${inner.path} is empty: it should hold the WCPS query`);
    return { kind: 'text', text };
  }
  if (inner.node.name === 'xmlSyntax') return { kind: 'tree', query: new XmlSyntaxReader(inner.node.namespace).query(inner) };
  syntax(`<query> holds <abstractSyntax> or <xmlSyntax>, not <${inner.node.name}>`, inner);
}

/** Whether a root element is a WCPS 1.0 ProcessCoveragesRequest (whose version attribute is the schema's WCS 1.1 one, not a WCS 2.0 version). */
export function isWcps10Request(root: Pick<XmlTreeNode, 'name' | 'namespace'>): boolean {
  return root.name === 'ProcessCoveragesRequest' && (root.namespace === WCPS_XML_NS.wcps10 || root.namespace === '');
}

/**
 * The query of a ProcessCoveragesRequest (WCPS 1.0) or ProcessCoverages (WCS 2.0 Processing
 * Extension) document. Elements out of place are WcpsSyntaxError with the element's path as
 * locator; a document of another kind is InvalidEncodingSyntax; no query is MissingParameterValue.
 */
export function readXmlRequest(root: XmlTreeNode): WcpsXmlQuery {
  const top: El = { node: root, path: `/${qname(root)}` };
  const known = [WCPS_XML_NS.wcps10, WCPS_XML_NS.proc, ''] as string[];
  if ((root.name !== 'ProcessCoveragesRequest' && root.name !== 'ProcessCoverages') || !known.includes(root.namespace)) {
    throw new OwsException('InvalidEncodingSyntax', `<${qname(root)}>${root.namespace ? ` (namespace ${root.namespace})` : ''} is not a WCPS request: the root is ProcessCoveragesRequest in ${WCPS_XML_NS.wcps10} (WCPS 1.0) or ProcessCoverages in ${WCPS_XML_NS.proc} (WCS 2.0 Processing Extension)`, { locator: top.path, status: 400 });
  }
  const items = childrenOf(top);
  for (const el of items) {
    if (el.node.namespace !== root.namespace) syntax(`<${qname(el.node)}> is not in the namespace of <${qname(root)}> ('${root.namespace || 'none'}')`, el);
  }
  const queries = items.filter((el) => el.node.name === 'query');
  if (queries.length === 0) throw missingParameterValue('query', `<${qname(root)}> has no <query> element`);
  if (queries.length > 1) syntax(`<${qname(root)}> holds one <query>`, queries[1]!);
  const parameters: string[] = [];
  for (const el of items) {
    if (el.node.name === 'query') continue;
    if (el.node.name === 'extraParameter' && root.name === 'ProcessCoverages') {
      if (el.node.children.length > 0) throw new OwsException('UnsupportedOperation', `element ${el.path}: extra parameters holding XML (such as a coverage) are not supported; give the value as text`, { locator: el.path, status: 501 });
      parameters.push(el.node.text);
      continue;
    }
    syntax(`<${qname(el.node)}> has no place in <${qname(root)}>`, el);
  }
  const q = queryElement(queries[0]!);
  if (q.kind === 'text') return { kind: 'text', text: substituteParameters(q.text, parameters) };
  return q;
}
