/**
 * The type and domain checker: turns the syntax tree into an evaluation plan (nodes.ts) while
 * checking every operand's type, every subset against its coverage's axes and extent, and that
 * the operands of induced operations have the same domain. No pixel is read here, except for a
 * scalar that a subset bound or iterator extent is computed from (`x(0:count($m))`).
 */
import { lookupCrs, parseInstant, transformBbox } from '../../core/ows/index.js';
import type { CoveragesService, CoverageDescription, Grid, Resampling } from '../coverages/types.js';
import type { AxisSpec, BinaryOp, CondenseOp, Expr, Iterator } from './ast.js';
import { arithmetic, cellTypeOfSample, coerce, converted, division, isBoolean, isCellType, isFloat, isInteger, literalType, mathResult, negated, unify, type CellType } from './cell-types.js';
import { axisSize, cellCount, coverageDomain, findAxis, sameShape, spatialLabels, spatialRanges, windowGrid, describeDomain, restrictDomain, type AxisSelection, type Domain } from './domain.js';
import { WcpsError, wcpsFail, type Position } from './errors.js';
import { binaryKernel, UNARY, unaryKernel } from './kernels.js';
import type { CellOp, UnaryName } from './fusion.js';
import {
  BandsNode,
  ConstNode,
  constScalar,
  CovNode,
  forEachBlock,
  GatherNode,
  IndexNode,
  InducedNode,
  isConst,
  materialize,
  RangeNode,
  ReadNode,
  WholeNode,
  type BandInfo,
  type Block,
  type EvalContext,
  type Interval,
  type Node,
  type ScalarNode,
  type ScalarType,
  type ScalarValue,
} from './nodes.js';

export type Binding = { kind: 'coverage'; description: CoverageDescription } | { kind: 'node'; node: Node };
export type Env = ReadonlyMap<string, Binding>;

export interface CompileOptions {
  coverages: CoveragesService;
  /** For scalars computed while compiling (subset bounds) and for the iterations of constructors. */
  evalContext: EvalContext;
  maxIterations: number;
}

/** A coverage-valued operand where a single value is needed, because it depends on an iterator: the iteration is then run cell by cell. */
class IteratorDependent extends WcpsError {}

const GRID_CRS = /^(crs:1|imagecrs|.*\/def\/crs\/ogc\/0\/index\dd)$/i;

function typeName(n: Node): string {
  if (n.kind === 'scalar') return n.type;
  return `coverage of ${n.bands.map((b) => b.type).join(', ')}`;
}

function cellTypesOf(n: Node): CellType[] {
  if (n.kind === 'scalar') return isCellType(n.type) ? [n.type] : [];
  return n.bands.map((b) => b.type);
}

const isNumeric = (t: CellType) => !isBoolean(t);

function formatInterval(v: Interval): string {
  return `${v.lo}:${v.hi}`;
}

export class Compiler {
  constructor(private readonly options: CompileOptions) {}

  async compile(e: Expr, env: Env): Promise<Node> {
    switch (e.k) {
      case 'number':
        return constScalar(literalType(e.value, e.integer), e.value, e.pos);
      case 'boolean':
        return constScalar('boolean', e.value ? 1 : 0, e.pos);
      case 'string':
        return constScalar('string', e.value, e.pos);
      case 'variable': {
        const b = env.get(e.name);
        if (!b) wcpsFail('UndefinedVariable', `$${e.name} is not bound by any for, let, over or coverage iterator`, e.pos);
        return b.kind === 'node' ? b.node : this.read(b.description, e.pos);
      }
      case 'identifier':
        wcpsFail('WcpsSyntaxError', `'${e.name}' is not an expression: variables start with '$', and a bare name is only an axis or field name`, e.pos);
      case 'binary':
        return this.binary(e.op, await this.compile(e.left, env), await this.compile(e.right, env), e.pos);
      case 'unary':
        return this.unary(e.op, await this.compile(e.operand, env), e.pos);
      case 'cast':
        return this.cast(e.type, await this.compile(e.operand, env), e.pos);
      case 'field':
        return this.field(this.coverageOf(await this.compile(e.operand, env), 'field access', e.pos), e.field, e.pos);
      case 'bound': {
        const n = await this.compile(e.operand, env);
        if (n.kind !== 'scalar' || n.type !== 'interval') wcpsFail('TypeMismatch', `.${e.which} applies to an interval (imageCrsDomain or domain of an axis), not to a ${typeName(n)}`, e.pos);
        const v = (await n.value(this.options.evalContext)) as Interval;
        const x = v[e.which];
        return typeof x === 'number' ? constScalar(Number.isInteger(x) ? 'long' : 'double', x, e.pos) : constScalar('string', x, e.pos);
      }
      case 'subset':
        return this.subset(this.coverageOf(await this.compile(e.operand, env), 'a subset', e.pos), e.specs, env);
      case 'range':
        return this.range(e, env);
      case 'switch':
        return this.switchNode(e, env);
      case 'call':
        return this.call(e, env);
      case 'condense':
        return this.condense(e.op, e.iterators, e.where, e.using, env, e.pos);
      case 'construct':
        return this.construct(e.name, e.iterators, e.values, env, e.pos);
      case 'scale':
        return this.scale(e, env);
      case 'extend':
        return this.extend(this.coverageOf(await this.compile(e.operand, env), 'extend', e.pos), e.specs, env);
      case 'crsTransform':
        return this.crsTransform(e, env);
      case 'encode':
        wcpsFail('TypeMismatch', 'encode must be the outermost expression of the return clause', e.pos);
    }
  }

  private coverageOf(n: Node, what: string, pos: Position): CovNode {
    if (n.kind !== 'coverage') wcpsFail('TypeMismatch', `${what} needs a coverage, not a ${typeName(n)}`, pos);
    return n;
  }

  private async scalar(e: Expr, env: Env, what: string): Promise<ScalarValue> {
    const n = await this.compile(e, env);
    if (n.kind !== 'scalar') {
      const Err = n.iterated ? IteratorDependent : WcpsError;
      throw new Err('TypeMismatch', `${what} must be a single value, not a coverage`, e.pos);
    }
    return n.value(this.options.evalContext);
  }

  private read(d: CoverageDescription, pos: Position): ReadNode {
    const bands: BandInfo[] = d.bands.map((b) => ({ name: b.name, type: cellTypeOfSample(b.sampleType), nodata: b.nodata }));
    return new ReadNode(pos, d.id, coverageDomain(d), bands, d.bands.map((_, i) => i), 'nearest', this.options.coverages.limits.maxWidth);
  }

  // --- induced operations -------------------------------------------------------------------

  private checkShapes(nodes: Node[], what: string, pos: Position): void {
    const covs = nodes.filter((n): n is CovNode => n.kind === 'coverage');
    for (const c of covs.slice(1)) {
      if (!sameShape(covs[0]!.domain, c.domain)) wcpsFail('DomainMismatch', `the operands of ${what} have different domains: ${describeDomain(covs[0]!.domain)} and ${describeDomain(c.domain)}`, pos);
    }
    const counts = new Set(covs.map((c) => c.bands.length).filter((n) => n !== 1));
    if (counts.size > 1) wcpsFail('TypeMismatch', `the operands of ${what} have different numbers of bands`, pos);
  }

  /** Result band types of a band-wise operation on operands (scalars broadcast to every band). */
  private bandTypes(operands: Node[], f: (types: CellType[]) => CellType): BandInfo[] {
    const covs = operands.filter((n): n is CovNode => n.kind === 'coverage');
    const count = Math.max(1, ...covs.map((c) => c.bands.length));
    const template = covs.find((c) => c.bands.length === count)!;
    return Array.from({ length: count }, (_, b) => ({
      name: template.bands[b]!.name,
      type: f(operands.map((o) => (o.kind === 'scalar' ? (o.type as CellType) : o.bands[o.bands.length === 1 ? 0 : b]!.type))),
      nodata: template.bands[b]!.nodata,
    }));
  }

  /** An operation on scalars now (constants) or at evaluation; on coverages, an induced node. */
  private apply(operands: Node[], type: (types: CellType[]) => CellType, kernel: (args: Array<Float64Array | number>, n: number) => Float64Array, pos: Position, what: string, coerceResult: boolean, op?: CellOp): Node {
    if (operands.every((o) => o.kind === 'scalar')) {
      const scalars = operands as ScalarNode[];
      const t = type(scalars.map((s) => s.type as CellType));
      const compute = async (ctx: EvalContext) => {
        const values = await Promise.all(scalars.map((s) => s.value(ctx)));
        const v = kernel(values as number[], 1)[0]!;
        return coerceResult || t === 'boolean' ? coerce(v, t) : v;
      };
      if (scalars.every((s) => isConst(s))) {
        const node: ScalarNode = { kind: 'scalar', type: t, pos, cost: 0, value: compute };
        return node;
      }
      return { kind: 'scalar', type: t, pos, cost: scalars.reduce((n, s) => n + s.cost, 0), value: compute };
    }
    this.checkShapes(operands, what, pos);
    const bands = this.bandTypes(operands, type);
    const integerResult = bands.some((b) => isInteger(b.type) && coerceResult);
    const fn = integerResult ? (args: Array<Float64Array | number>, n: number) => converted(kernel(args, n), bands[0]!.type) : kernel;
    return new InducedNode(pos, operands, bands, fn, undefined, op && { op, store: integerResult ? bands[0]!.type : undefined });
  }

  private binary(op: BinaryOp | 'min' | 'max' | 'pow' | 'mod' | 'bit', l: Node, r: Node, pos: Position): Node {
    const what = `'${op}'`;
    for (const n of [l, r]) {
      if (n.kind === 'scalar' && (n.type === 'string' || n.type === 'interval') && !((op === '=' || op === '!=') && l.kind === 'scalar' && r.kind === 'scalar')) {
        wcpsFail('TypeMismatch', `${what} does not apply to a ${n.type}`, n.pos);
      }
    }
    if (l.kind === 'scalar' && r.kind === 'scalar' && (l.type === 'string' || r.type === 'string' || l.type === 'interval')) {
      const same = async (ctx: EvalContext) => {
        const [a, b] = [await l.value(ctx), await r.value(ctx)];
        const eq = JSON.stringify(a) === JSON.stringify(b);
        return (op === '=') === eq ? 1 : 0;
      };
      return { kind: 'scalar', type: 'boolean', pos, cost: l.cost + r.cost, value: same };
    }
    const lt = cellTypesOf(l);
    const rt = cellTypesOf(r);
    const all = [...lt, ...rt];
    switch (op) {
      case '+':
      case '-':
      case '*':
      case '/':
      case 'pow':
      case 'mod': {
        const bad = all.find((t) => !isNumeric(t));
        if (bad) wcpsFail('TypeMismatch', `${what} takes numbers, not ${bad} operands`, pos);
        const type = op === '/' ? ([a, b]: CellType[]) => division(a!, b!) : op === 'pow' ? ([a, b]: CellType[]) => mathResult(unify(a!, b!)) : op === 'mod' ? ([a, b]: CellType[]) => unify(a!, b!) : ([a, b]: CellType[]) => arithmetic(a!, b!);
        // Sums and differences of integers of at most 16 bits cannot leave a 32-bit result; others are wrapped like C.
        const small = all.every((t) => isInteger(t) && ['char', 'unsigned char', 'short', 'unsigned short'].includes(t));
        const tiny = all.every((t) => t === 'char' || t === 'unsigned char');
        const coerceResult = op === '*' ? !tiny : op === '+' || op === '-' ? !small : op === 'mod';
        return this.apply([l, r], type, binaryKernel(op), pos, what, coerceResult, { op: 'binary', name: op });
      }
      case '=':
      case '!=':
      case '<':
      case '>':
      case '<=':
      case '>=': {
        if ((op !== '=' && op !== '!=') && all.some(isBoolean)) wcpsFail('TypeMismatch', `${what} compares numbers, not booleans`, pos);
        return this.apply([l, r], () => 'boolean', binaryKernel(op), pos, what, false, { op: 'binary', name: op });
      }
      case 'and':
      case 'or':
      case 'xor': {
        if (all.every(isBoolean)) return this.apply([l, r], () => 'boolean', binaryKernel(op), pos, what, false, { op: 'binary', name: op });
        if (all.every(isInteger)) {
          const type = ([a, b]: CellType[]) => unify(a!, b!);
          const unsigned = all.every((t) => t.startsWith('unsigned'));
          return this.apply([l, r], type, binaryKernel(op, { bitwise: true, unsigned }), pos, what, true, { op: 'binary', name: op, bitwise: true, unsigned });
        }
        wcpsFail('TypeMismatch', `'${op}' takes two booleans (logical) or two integers (bitwise), not ${lt.join('/')} and ${rt.join('/')}`, pos);
      }
      case 'min':
      case 'max': {
        if (all.some(isBoolean)) wcpsFail('TypeMismatch', `${op} of two values takes numbers`, pos);
        return this.apply([l, r], ([a, b]) => unify(a!, b!), binaryKernel(op), pos, what, false, { op: 'binary', name: op });
      }
      case 'bit': {
        if (!all.every(isInteger)) wcpsFail('TypeMismatch', 'bit(value, n) takes integers', pos);
        return this.apply([l, r], () => 'boolean', binaryKernel('bit'), pos, what, false, { op: 'binary', name: 'bit' });
      }
    }
  }

  private unary(op: '-' | '+' | 'not', n: Node, pos: Position): Node {
    const types = cellTypesOf(n);
    if (types.length === 0) wcpsFail('TypeMismatch', `'${op}' does not apply to a ${typeName(n)}`, pos);
    if (op === 'not') {
      if (types.every(isBoolean)) return this.apply([n], () => 'boolean', unaryKernel((x) => (x !== 0 ? 0 : 1)), pos, "'not'", false, { op: 'unary', name: 'not' });
      if (types.every(isInteger)) return this.apply([n], ([a]) => a!, unaryKernel((x) => ~x), pos, "'not'", true, { op: 'unary', name: 'bitnot' });
      wcpsFail('TypeMismatch', `'not' takes booleans (logical) or integers (bitwise), not ${types.join('/')}`, pos);
    }
    if (types.some(isBoolean)) wcpsFail('TypeMismatch', `unary '${op}' takes numbers, not booleans`, pos);
    if (op === '+') return n;
    return this.apply([n], ([a]) => negated(a!), unaryKernel((x) => -x), pos, "unary '-'", true, { op: 'unary', name: 'negate' });
  }

  private cast(type: string, n: Node, pos: Position): Node {
    if (!isCellType(type)) wcpsFail('TypeMismatch', `'${type}' is not a cell type`, pos);
    if (cellTypesOf(n).length === 0) wcpsFail('TypeMismatch', `a ${typeName(n)} cannot be cast to ${type}`, pos);
    return this.apply([n], () => type, (args, len) => converted(unaryKernel((x) => x)(args, len), type), pos, `the cast to ${type}`, true, { op: 'cast', type });
  }

  private field(c: CovNode, name: string, pos: Position): CovNode {
    let index = c.bands.findIndex((b) => b.name === name);
    if (index === -1) index = c.bands.findIndex((b) => b.name.toLowerCase() === name.toLowerCase());
    if (index === -1 && /^\d+$/.test(name) && Number(name) < c.bands.length) index = Number(name);
    if (index === -1) wcpsFail('NoSuchField', `coverage ${c.name} has no field '${name}'; its fields are ${c.bands.map((b) => b.name).join(', ')}`, pos);
    if (c instanceof ReadNode) return c.withBands([index]);
    return new BandsNode(pos, c, [index]);
  }

  private async range(e: Extract<Expr, { k: 'range' }>, env: Env): Promise<Node> {
    const parts = await Promise.all(e.components.map((c) => this.compile(c.expr, env)));
    if (!parts.some((p) => p.kind === 'coverage')) wcpsFail('TypeMismatch', 'a range constructor needs at least one coverage-valued band', e.pos);
    const bands: BandInfo[] = parts.map((p, i) => {
      const types = cellTypesOf(p);
      if (types.length !== 1) wcpsFail('TypeMismatch', `band ${e.components[i]!.name} of the range constructor must be a single-band number or boolean, not a ${typeName(p)}`, e.components[i]!.pos);
      return { name: e.components[i]!.name, type: types[0]!, nodata: p.kind === 'coverage' ? p.bands[0]!.nodata : undefined };
    });
    this.checkShapes(parts, 'the range constructor', e.pos);
    return new RangeNode(e.pos, parts, bands);
  }

  private async switchNode(e: Extract<Expr, { k: 'switch' }>, env: Env): Promise<Node> {
    const conditions = await Promise.all(e.cases.map((c) => this.compile(c.condition, env)));
    const results = await Promise.all([...e.cases.map((c) => this.compile(c.result, env)), this.compile(e.otherwise, env)]);
    conditions.forEach((c, i) => {
      const t = cellTypesOf(c);
      if (t.length !== 1 || t[0] !== 'boolean') wcpsFail('TypeMismatch', `a case condition must be a single-band boolean, not a ${typeName(c)}`, e.cases[i]!.condition.pos);
    });
    for (const r of results) if (cellTypesOf(r).length === 0) wcpsFail('TypeMismatch', `a switch result must be a number, boolean or coverage, not a ${typeName(r)}`, r.pos);
    const operands: Node[] = [];
    conditions.forEach((c, i) => operands.push(c, results[i]!));
    operands.push(results[results.length - 1]!);
    const cases = conditions.length;
    const kernel = (args: Array<Float64Array | number>, n: number) => {
      const out = new Float64Array(n);
      const at = (a: Float64Array | number, i: number) => (typeof a === 'number' ? a : a[i]!);
      for (let i = 0; i < n; i++) {
        let k = 0;
        while (k < cases && at(args[2 * k]!, i) === 0) k++;
        out[i] = at(args[k < cases ? 2 * k + 1 : 2 * cases]!, i);
      }
      return out;
    };
    if (operands.every((o) => o.kind === 'scalar')) return this.apply(operands, (types) => types.filter((_, i) => i % 2 === 1 || i === operands.length - 1).reduce((a, b) => unify(a, b)), kernel, e.pos, 'switch', false);
    this.checkShapes(operands, 'switch', e.pos);
    const resultNodes = results;
    const bands = this.bandTypes(resultNodes.some((r) => r.kind === 'coverage') ? resultNodes : operands, (types) => types.reduce((a, b) => unify(a, b)));
    const fixed = new Set(conditions.map((_, i) => 2 * i));
    return new InducedNode(e.pos, operands, bands, kernel, fixed, { op: { op: 'switch', cases } });
  }

  // --- functions ----------------------------------------------------------------------------

  private async call(e: Extract<Expr, { k: 'call' }>, env: Env): Promise<Node> {
    const name = e.name;
    const arity = (n: number) => {
      if (e.args.length !== n) wcpsFail('TypeMismatch', `${name} takes ${n} argument${n === 1 ? '' : 's'}, not ${e.args.length}`, e.pos);
    };
    if (UNARY[name]) {
      arity(1);
      const n = await this.compile(e.args[0]!, env);
      const types = cellTypesOf(n);
      if (types.length === 0 || types.some(isBoolean)) wcpsFail('TypeMismatch', `${name} takes numbers, not a ${typeName(n)}`, e.pos);
      const keeps = name === 'abs' || name === 'round' || name === 'floor' || name === 'ceil';
      return this.apply([n], ([a]) => (keeps ? a! : mathResult(a!)), unaryKernel(UNARY[name]!), e.pos, name, false, { op: 'unary', name: name as UnaryName });
    }
    if (name === 'pow' || name === 'mod' || name === 'bit' || ((name === 'min' || name === 'max') && e.args.length === 2)) {
      arity(2);
      return this.binary(name as 'pow', await this.compile(e.args[0]!, env), await this.compile(e.args[1]!, env), e.pos);
    }
    const condensers: Record<string, CondenseOp | 'count' | 'avg' | 'some' | 'all'> = { count: 'count', sum: '+', add: '+', avg: 'avg', min: 'min', max: 'max', some: 'some', all: 'all' };
    if (condensers[name]) {
      arity(1);
      const n = await this.compile(e.args[0]!, env);
      const op = condensers[name]!;
      const c = n.kind === 'coverage' ? n : undefined;
      const types = cellTypesOf(n);
      if (types.length !== 1) wcpsFail('TypeMismatch', `${name} condenses a single-band coverage, not a ${typeName(n)}`, e.pos);
      const boolean = op === 'count' || op === 'some' || op === 'all';
      if (boolean && types[0] !== 'boolean') wcpsFail('TypeMismatch', `${name} takes a boolean coverage (such as $c > 0), not ${types[0]}`, e.pos);
      if (!boolean && types[0] === 'boolean' && op !== '+') wcpsFail('TypeMismatch', `${name} takes numbers, not booleans`, e.pos);
      if (!c) return n;
      return condenseScalar(op === 'some' ? 'or' : op === 'all' ? 'and' : op, c, undefined, types[0]!, e.pos);
    }
    switch (name) {
      case 'identifier':
      case 'imagecrs':
      case 'imagecrsdomain':
      case 'domain':
      case 'crsset':
      case 'nullset':
      case 'interpolationdefault':
      case 'interpolationset':
        return this.metadata(e, env);
    }
    wcpsFail('WcpsSyntaxError', `unknown function '${e.name}'`, e.pos);
  }

  private axisArg(e: Expr | undefined, what: string, pos: Position): string {
    if (!e) wcpsFail('TypeMismatch', `${what} needs an axis label`, pos);
    if (e.k === 'identifier') return e.name;
    if (e.k === 'string') return e.value;
    wcpsFail('TypeMismatch', `${what} takes an axis label, not an expression`, e.pos);
  }

  private async metadata(e: Extract<Expr, { k: 'call' }>, env: Env): Promise<Node> {
    if (e.args.length === 0) wcpsFail('TypeMismatch', `${e.name} takes a coverage`, e.pos);
    const c = this.coverageOf(await this.compile(e.args[0]!, env), e.name, e.pos);
    const d = c.domain;
    const text = (v: string) => constScalar('string', v, e.pos);
    const axisIndex = (label: string) => {
      const i = findAxis(d, label);
      if (i === -1) wcpsFail('InvalidAxisLabel', `coverage ${c.name} has no axis '${label}'; its axes are ${d.axes.map((a) => a.label).join(', ')}`, e.pos);
      return i;
    };
    switch (e.name) {
      case 'identifier':
        return text(c.name);
      case 'imagecrs':
        return text('CRS:1');
      case 'interpolationdefault':
        return text('nearest neighbor');
      case 'interpolationset':
        return text('{nearest neighbor, bilinear, cubic}');
      case 'nullset': {
        const values = [...new Set(c.bands.map((b) => b.nodata).filter((v): v is number => v !== undefined))];
        return text(`{${values.join(',')}}`);
      }
      case 'crsset': {
        const native = d.grid ? crsUriOf(d.grid.crs) : undefined;
        return text(d.axes.map((a) => `${a.label}:${a.role === 'x' || a.role === 'y' ? `${native} ` : ''}CRS:1`).join(', '));
      }
      case 'imagecrsdomain': {
        if (e.args.length === 1) return text(`(${d.axes.map((a) => `${a.lo}:${a.hi}`).join(',')})`);
        const a = d.axes[axisIndex(this.axisArg(e.args[1], 'imageCrsDomain', e.pos))]!;
        return constScalar('interval', { lo: a.lo, hi: a.hi }, e.pos);
      }
      case 'domain': {
        const label = this.axisArg(e.args[1], 'domain', e.pos);
        const a = d.axes[axisIndex(label)]!;
        const crs = e.args[2] ? this.axisArg(e.args[2], 'domain (its CRS)', e.pos) : undefined;
        if (crs && GRID_CRS.test(crs)) return constScalar('interval', { lo: a.lo, hi: a.hi }, e.pos);
        if (a.role === 't') return constScalar('interval', { lo: d.times![a.lo]!, hi: d.times![a.hi]! }, e.pos);
        if (a.role === 'i' || !d.grid) return constScalar('interval', { lo: a.lo, hi: a.hi }, e.pos);
        let box = spatialBox(d);
        if (crs) {
          const ref = lookupCrs(crs);
          if (!ref) wcpsFail('InvalidCrs', `'${crs}' is not a CRS this service knows`, e.args[2]!.pos);
          if (ref.crs.id !== lookupCrs(d.grid.crs)?.crs.id) box = transformBbox(box, d.grid.crs, ref.crs.id);
        }
        return constScalar('interval', a.role === 'x' ? { lo: box[0], hi: box[2] } : { lo: box[1], hi: box[3] }, e.pos);
      }
    }
    wcpsFail('WcpsSyntaxError', `unknown function '${e.name}'`, e.pos);
  }

  // --- subsets ------------------------------------------------------------------------------

  /** Low and high values of a spec (an interval-valued point counts as a trim). */
  private async bounds(spec: AxisSpec, env: Env): Promise<{ kind: 'trim'; lo: ScalarValue | '*'; hi: ScalarValue | '*' } | { kind: 'slice'; at: ScalarValue }> {
    if (spec.point) {
      const v = await this.scalar(spec.point, env, `the coordinate on ${spec.axis}`);
      if (typeof v === 'object') return { kind: 'trim', lo: v.lo, hi: v.hi };
      return { kind: 'slice', at: v };
    }
    const lo = spec.lo === '*' ? '*' : await this.scalar(spec.lo!, env, `the low bound on ${spec.axis}`);
    const hi = spec.hi === '*' ? '*' : await this.scalar(spec.hi!, env, `the high bound on ${spec.axis}`);
    return { kind: 'trim', lo, hi };
  }

  private async subset(c: CovNode, specs: AxisSpec[], env: Env): Promise<Node> {
    const d = c.domain;
    const sel: AxisSelection[] = d.axes.map(() => undefined);
    const foreign: Array<{ spec: AxisSpec; index: number; b: Awaited<ReturnType<Compiler['bounds']>> }> = [];
    for (const spec of specs) {
      const index = findAxis(d, spec.axis);
      if (index === -1) wcpsFail('InvalidAxisLabel', `coverage ${c.name} has no axis '${spec.axis}'; its axes are ${d.axes.map((a) => a.label).join(', ') || 'none (it is a single cell)'}`, spec.pos);
      if (sel[index] || foreign.some((f) => f.index === index)) wcpsFail('InvalidAxisLabel', `axis ${spec.axis} is subset twice`, spec.pos);
      const axis = d.axes[index]!;
      const b = await this.bounds(spec, env);
      const grid = axis.role === 'i' || (spec.crs !== undefined && GRID_CRS.test(spec.crs));
      if (grid) {
        sel[index] = gridSelection(axis, b, spec);
        continue;
      }
      if (axis.role === 't') {
        sel[index] = timeSelection(axis, d.times!, b, spec);
        continue;
      }
      if (spec.crs !== undefined) {
        const ref = lookupCrs(spec.crs);
        if (!ref) wcpsFail('InvalidCrs', `'${spec.crs}' is not a CRS this service knows`, spec.pos);
        if (ref.crs.id !== lookupCrs(d.grid!.crs)?.crs.id) {
          foreign.push({ spec, index, b });
          continue;
        }
      }
      sel[index] = geoSelection(d, axis.role as 'x' | 'y', axis.lo, axis.hi, b, spec);
    }
    if (foreign.length > 0) this.foreignSelection(d, foreign, sel);
    return asScalarWhenSingleCell(c.restrict(sel));
  }

  /** Coordinates in another CRS than the coverage's: the box they make (the coverage's extent on axes not given) in its CRS. */
  private foreignSelection(d: Domain, foreign: Array<{ spec: AxisSpec; index: number; b: Awaited<ReturnType<Compiler['bounds']>> }>, sel: AxisSelection[]): void {
    const crs = lookupCrs(foreign[0]!.spec.crs!)!.crs.id;
    if (foreign.some((f) => lookupCrs(f.spec.crs!)!.crs.id !== crs)) wcpsFail('InvalidSubsetting', 'the subsets of one coverage name different CRSs', foreign[1]!.spec.pos);
    const native = spatialBox(d);
    const extent = transformBbox(native, d.grid!.crs, crs);
    const box = [...extent];
    for (const f of foreign) {
      const role = d.axes[f.index]!.role;
      const [lo, hi] = role === 'x' ? [0, 2] : [1, 3];
      const num = (v: ScalarValue | '*', fallback: number) => (v === '*' ? fallback : typeof v === 'number' ? v : wcpsFail('InvalidSubsetting', `'${String(v)}' is not a coordinate on ${f.spec.axis}`, f.spec.pos));
      if (f.b.kind === 'slice') box[lo] = box[hi] = num(f.b.at, 0);
      else [box[lo], box[hi]] = [num(f.b.lo, extent[lo]!), num(f.b.hi, extent[hi]!)];
    }
    const back = transformBbox(box as [number, number, number, number], crs, d.grid!.crs);
    for (const f of foreign) {
      const axis = d.axes[f.index]!;
      const role = axis.role as 'x' | 'y';
      const [lo, hi] = role === 'x' ? [back[0], back[2]] : [back[1], back[3]];
      const b = f.b.kind === 'slice' ? ({ kind: 'slice', at: (lo + hi) / 2 } as const) : ({ kind: 'trim', lo, hi } as const);
      sel[f.index] = geoSelection(d, role, axis.lo, axis.hi, b, f.spec);
    }
  }

  // --- scale, extend, crsTransform ----------------------------------------------------------

  private async scale(e: Extract<Expr, { k: 'scale' }>, env: Env): Promise<CovNode> {
    const c = this.coverageOf(await this.compile(e.operand, env), 'scale', e.pos);
    const d = c.domain;
    const target = d.axes.map((a) => ({ lo: a.lo, hi: a.hi }));
    const spatialOnly = d.grid !== undefined;
    if (e.factor) {
      const f = await this.scalar(e.factor, env, 'the scale factor');
      if (typeof f !== 'number' || !(f > 0)) wcpsFail('InvalidSubsetting', 'the scale factor must be a positive number', e.factor.pos);
      d.axes.forEach((a, i) => {
        if (spatialOnly && a.role !== 'x' && a.role !== 'y') return;
        target[i] = { lo: a.lo, hi: a.lo + Math.max(1, Math.round(axisSize(a) * f)) - 1 };
      });
    } else {
      const seen = new Set<number>();
      for (const spec of e.specs!) {
        const i = findAxis(d, spec.axis);
        if (i === -1) wcpsFail('InvalidAxisLabel', `coverage ${c.name} has no axis '${spec.axis}'`, spec.pos);
        if (seen.has(i)) wcpsFail('InvalidAxisLabel', `axis ${spec.axis} is scaled twice`, spec.pos);
        seen.add(i);
        const b = await this.bounds(spec, env);
        const a = d.axes[i]!;
        if (b.kind === 'slice') {
          if (typeof b.at !== 'number' || !(b.at > 0)) wcpsFail('InvalidSubsetting', `the scale factor of ${spec.axis} must be a positive number`, spec.pos);
          target[i] = { lo: a.lo, hi: a.lo + Math.max(1, Math.round(axisSize(a) * b.at)) - 1 };
        } else {
          const lo = b.lo === '*' ? a.lo : b.lo;
          const hi = b.hi === '*' ? a.hi : b.hi;
          if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) wcpsFail('InvalidSubsetting', `scale takes whole grid coordinates lo:hi on ${spec.axis}`, spec.pos);
          target[i] = { lo, hi };
        }
      }
    }
    const changed = d.axes.map((a, i) => a.lo !== target[i]!.lo || a.hi !== target[i]!.hi);
    if (!changed.some(Boolean)) return c;
    const onlySpatial = d.axes.every((a, i) => !changed[i] || a.role === 'x' || a.role === 'y');
    const ix = d.axes.findIndex((a) => a.role === 'x');
    const iy = d.axes.findIndex((a) => a.role === 'y');
    if (onlySpatial && d.grid && ix !== -1 && iy !== -1) {
      const tx = target[ix]!;
      const ty = target[iy]!;
      const grid = scaledGrid(d, tx, ty);
      const r = c.regrid(grid, [tx.lo, tx.hi], [ty.lo, ty.hi], 'nearest');
      if (r) return r;
    }
    const domain: Domain = { ...d, axes: d.axes.map((a, i) => ({ ...a, ...target[i]! })) };
    if (d.grid && ix !== -1 && iy !== -1) domain.grid = scaledGrid(d, target[ix]!, target[iy]!);
    const maps = d.axes.map((a, i) => {
      const n = axisSize(a);
      const m = target[i]!.hi - target[i]!.lo + 1;
      return (j: number) => a.lo + Math.min(n - 1, Math.floor(((j - target[i]!.lo + 0.5) * n) / m));
    });
    return new GatherNode(c, domain, undefined, maps);
  }

  private async extend(c: CovNode, specs: AxisSpec[], env: Env): Promise<CovNode> {
    const d = c.domain;
    const sel: AxisSelection[] = d.axes.map(() => undefined);
    for (const spec of specs) {
      const i = findAxis(d, spec.axis);
      if (i === -1) wcpsFail('InvalidAxisLabel', `coverage ${c.name} has no axis '${spec.axis}'`, spec.pos);
      if (sel[i]) wcpsFail('InvalidAxisLabel', `axis ${spec.axis} is extended twice`, spec.pos);
      const b = await this.bounds(spec, env);
      if (b.kind !== 'trim' || typeof b.lo !== 'number' || typeof b.hi !== 'number' || !Number.isInteger(b.lo) || !Number.isInteger(b.hi) || b.hi < b.lo) {
        wcpsFail('InvalidSubsetting', `extend takes whole grid coordinates lo:hi on ${spec.axis}`, spec.pos);
      }
      if (spec.crs !== undefined && !GRID_CRS.test(spec.crs)) wcpsFail('InvalidSubsetting', `extend takes grid coordinates (CRS:1) on ${spec.axis}`, spec.pos);
      sel[i] = { lo: b.lo, hi: b.hi };
    }
    // Not pushed to the reads: cells outside the operand are null even where the coverage has data.
    return new GatherNode(c, restrictDomain(d, sel), sel);
  }

  private async crsTransform(e: Extract<Expr, { k: 'crsTransform' }>, env: Env): Promise<CovNode> {
    const c = this.coverageOf(await this.compile(e.operand, env), 'crsTransform', e.pos);
    const d = c.domain;
    const ids = new Set(
      e.crs.map((x) => {
        const ref = lookupCrs(x.crs);
        if (!ref || !ref.crs.proj4) wcpsFail('InvalidCrs', `'${x.crs}' is not a CRS this service can transform to`, e.pos);
        return ref.crs.id;
      }),
    );
    if (ids.size !== 1) wcpsFail('InvalidCrs', 'crsTransform needs one target CRS for both spatial axes', e.pos);
    const crs = [...ids][0]!;
    if (!d.grid || d.xAt !== undefined || d.yAt !== undefined) wcpsFail('TypeMismatch', 'crsTransform needs a coverage with both spatial axes', e.pos);
    const range = spatialRanges(d)!;
    const box = spatialBox(d);
    let out: [number, number, number, number];
    try {
      out = transformBbox(box, d.grid.crs, crs);
    } catch {
      wcpsFail('InvalidCrs', `coverage ${c.name} has no extent in ${crs}`, e.pos);
    }
    const resolution = Math.hypot(out[2] - out[0], out[3] - out[1]) / Math.hypot(range.x[1] - range.x[0] + 1, range.y[1] - range.y[0] + 1);
    const width = Math.max(1, Math.round((out[2] - out[0]) / resolution));
    const height = Math.max(1, Math.round((out[3] - out[1]) / resolution));
    const grid: Grid = { crs, width, height, transform: [out[0], (out[2] - out[0]) / width, 0, out[3], 0, -(out[3] - out[1]) / height] };
    const resampling: Resampling = e.interpolation?.includes('cubic') ? 'cubic' : e.interpolation?.includes('linear') ? 'bilinear' : 'nearest';
    const r = c.regrid(grid, [0, width - 1], [0, height - 1], resampling);
    if (!r) wcpsFail('UnsupportedOperation', 'crsTransform is evaluated by the engine\'s reads: its operand must be computed cell by cell from coverage reads (not a constructed coverage)', e.pos);
    const labels = spatialLabels(crs);
    r.domain.axes.forEach((a) => {
      if (a.role === 'x') a.label = labels.x;
      if (a.role === 'y') a.label = labels.y;
    });
    r.domain.xLabel = labels.x;
    r.domain.yLabel = labels.y;
    return r;
  }

  // --- constructors and condensers ----------------------------------------------------------

  private async iteratorDomain(iterators: Iterator[], env: Env): Promise<Domain> {
    const axes = [];
    const names = new Set<string>();
    for (const it of iterators) {
      if (names.has(it.variable)) wcpsFail('TypeMismatch', `$${it.variable} is bound twice`, it.pos);
      names.add(it.variable);
      const b = await this.bounds(it.spec, env);
      const lo = b.kind === 'trim' ? b.lo : b.at;
      const hi = b.kind === 'trim' ? b.hi : b.at;
      if (typeof lo !== 'number' || typeof hi !== 'number' || !Number.isInteger(lo) || !Number.isInteger(hi) || hi < lo) wcpsFail('InvalidSubsetting', `the extent of ${it.spec.axis} must be whole numbers lo:hi with lo <= hi`, it.spec.pos);
      axes.push({ label: it.spec.axis, role: 'i' as const, lo, hi });
    }
    return { axes };
  }

  private checkIterations(domain: Domain, pos: Position): number {
    const n = cellCount(domain);
    if (n > this.options.maxIterations) wcpsFail('ResultTooLarge', `evaluating this cell by cell takes ${n} iterations; at most ${this.options.maxIterations} are run per query`, pos);
    return n;
  }

  private async construct(name: string, iterators: Iterator[], values: Expr, env: Env, pos: Position): Promise<CovNode> {
    const domain = await this.iteratorDomain(iterators, env);
    const inner = new Map(env);
    iterators.forEach((it, k) => inner.set(it.variable, { kind: 'node', node: new IndexNode(it.pos, domain, k, name) }));
    try {
      const v = await this.compile(values, inner);
      if (v.kind === 'scalar') {
        if (!isCellType(v.type)) wcpsFail('TypeMismatch', `the values of a coverage must be numbers or booleans, not a ${v.type}`, values.pos);
        return new ConstNode(pos, domain, v, [{ name: 'value', type: v.type }], name);
      }
      if (!sameShape(v.domain, domain)) wcpsFail('DomainMismatch', `the values of coverage ${name} have the domain ${describeDomain(v.domain)}, not its own ${describeDomain(domain)}`, values.pos);
      return v.iterated ? v : new GatherNode(v, { ...domain }, undefined, v.domain.axes.map((a, i) => (j: number) => a.lo + j - domain.axes[i]!.lo));
    } catch (err) {
      if (!(err instanceof IteratorDependent)) throw err;
    }
    // The values read coverages at places the iterators give: evaluated cell by cell.
    const count = this.checkIterations(domain, pos);
    const first = await this.compile(values, withIndexes(env, iterators, domain.axes.map((a) => a.lo)));
    if (first.kind !== 'scalar' || !isCellType(first.type)) wcpsFail('TypeMismatch', `the values of coverage ${name} must be a single number or boolean per cell, not a ${typeName(first)}`, values.pos);
    const type = first.type as CellType;
    return new WholeNode(pos, domain, [{ name: 'value', type }], name, count * Math.max(1, first.cost), async (ctx) => {
      const out = new Float64Array(count);
      let k = 0;
      for (const index of indexes(domain)) {
        ctx.signal.throwIfAborted();
        const node = await this.compile(values, withIndexes(env, iterators, index));
        out[k++] = coerce(Number(await (node as ScalarNode).value(ctx)), type);
      }
      return { bands: [out] };
    });
  }

  private async condense(op: CondenseOp, iterators: Iterator[], where: Expr | undefined, using: Expr, env: Env, pos: Position): Promise<Node> {
    const domain = await this.iteratorDomain(iterators, env);
    const inner = new Map(env);
    iterators.forEach((it, k) => inner.set(it.variable, { kind: 'node', node: new IndexNode(it.pos, domain, k, 'condense') }));
    try {
      let u = await this.compile(using, inner);
      const w = where ? await this.compile(where, inner) : undefined;
      if (w && (cellTypesOf(w).length !== 1 || cellTypesOf(w)[0] !== 'boolean')) wcpsFail('TypeMismatch', 'the where clause of condense must be boolean', where!.pos);
      const types = cellTypesOf(u);
      if (types.length !== 1) wcpsFail('TypeMismatch', `condense folds single numbers or booleans, not a ${typeName(u)}`, using.pos);
      if ((op === 'and' || op === 'or') !== (types[0] === 'boolean')) wcpsFail('TypeMismatch', `condense ${op} takes ${op === 'and' || op === 'or' ? 'booleans' : 'numbers'}, not ${types[0]}`, using.pos);
      const iterated = u.kind === 'coverage' ? u.iterated : true;
      if (iterated && (!w || w.kind === 'scalar' || w.iterated)) {
        if (u.kind === 'scalar') u = new ConstNode(pos, domain, u, [{ name: 'value', type: types[0]! }], 'condense');
        if (!sameShape(u.domain, domain)) wcpsFail('DomainMismatch', `the using expression has the domain ${describeDomain(u.domain)}, not the iterators' ${describeDomain(domain)}`, using.pos);
        const wc = w && w.kind === 'scalar' ? new ConstNode(pos, domain, w, [{ name: 'where', type: 'boolean' }], 'condense') : w;
        return condenseScalar(op, u, wc, types[0]!, pos);
      }
    } catch (err) {
      if (!(err instanceof IteratorDependent)) throw err;
    }
    // Each iteration reads (or is) a value of its own: folded iteration by iteration.
    const count = this.checkIterations(domain, pos);
    const lows = domain.axes.map((a) => a.lo);
    const first = await this.compile(using, withIndexes(env, iterators, lows));
    const types = cellTypesOf(first);
    if (types.length !== 1) wcpsFail('TypeMismatch', `condense folds single-band values, not a ${typeName(first)}`, using.pos);
    const type = op === '+' || op === '*' ? (isFloat(types[0]!) ? 'double' : 'double') : types[0]!;
    const fold = folder(op);
    const each = async (ctx: EvalContext, visit: (n: Node) => Promise<void>) => {
      for (const index of indexes(domain)) {
        ctx.signal.throwIfAborted();
        const scope = withIndexes(env, iterators, index);
        if (where) {
          const w = await this.compile(where, scope);
          if (w.kind !== 'scalar') wcpsFail('TypeMismatch', 'the where clause of condense must be a single boolean per iteration', where.pos);
          if (Number(await w.value(ctx)) === 0) continue;
        }
        await visit(await this.compile(using, scope));
      }
    };
    if (first.kind === 'scalar') {
      return {
        kind: 'scalar',
        type,
        pos,
        cost: count * Math.max(1, first.cost),
        value: async (ctx) => {
          let acc = fold.identity;
          await each(ctx, async (n) => {
            acc = fold.step(acc, Number(await (n as ScalarNode).value(ctx)));
          });
          return acc;
        },
      };
    }
    const shape = first.domain;
    return new WholeNode(pos, shape, [{ name: first.bands[0]!.name, type, nodata: first.bands[0]!.nodata }], first.name, count * first.cost, async (ctx) => {
      const cells = cellCount(shape);
      const acc = new Float64Array(cells).fill(fold.identity);
      const seen = new Uint8Array(cells);
      await each(ctx, async (n) => {
        if (n.kind !== 'coverage' || !sameShape(n.domain, shape)) wcpsFail('DomainMismatch', 'every iteration of condense must give a coverage of the same domain', using.pos);
        const b = await materialize(ctx, n);
        const v = b.bands[0]!;
        for (let i = 0; i < cells; i++) {
          if (b.mask && b.mask[i] === 0) continue;
          acc[i] = fold.step(acc[i]!, v[i]!);
          seen[i] = 255;
        }
      });
      return { bands: [acc], mask: seen };
    });
  }
}

/** A subset that slices every axis of a single-band coverage is its cell's value (WCPS treats a 0-D coverage as a scalar). */
function asScalarWhenSingleCell(c: CovNode): Node {
  if (c.domain.axes.length > 0 || c.bands.length !== 1) return c;
  return {
    kind: 'scalar',
    type: c.bands[0]!.type,
    pos: c.pos,
    cost: c.cost,
    async value(ctx) {
      const b = await c.block(ctx, 0, 1);
      return b.mask && b.mask[0] === 0 ? NaN : b.bands[0]![0]!;
    },
  };
}

/** The box of a domain's cells in its grid's CRS (x/y order). */
export function spatialBox(d: Domain): [number, number, number, number] {
  const r = spatialRanges(d)!;
  const g = windowGrid(d.grid!, r.x[0], r.y[0], r.x[1] - r.x[0] + 1, r.y[1] - r.y[0] + 1);
  const t = g.transform;
  const xs = [t[0], t[0] + g.width * t[1] + g.height * t[2], t[0] + g.width * t[1], t[0] + g.height * t[2]];
  const ys = [t[3], t[3] + g.width * t[4] + g.height * t[5], t[3] + g.width * t[4], t[3] + g.height * t[5]];
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** A grid over the same extent as the domain's cells with the given index ranges on x and y. */
function scaledGrid(d: Domain, tx: { lo: number; hi: number }, ty: { lo: number; hi: number }): Grid {
  const r = spatialRanges(d)!;
  const t = d.grid!.transform;
  const x0 = t[0] + r.x[0] * t[1];
  const x1 = t[0] + (r.x[1] + 1) * t[1];
  const y0 = t[3] + r.y[0] * t[5];
  const y1 = t[3] + (r.y[1] + 1) * t[5];
  const sx = (x1 - x0) / (tx.hi - tx.lo + 1);
  const sy = (y1 - y0) / (ty.hi - ty.lo + 1);
  return { crs: d.grid!.crs, width: tx.hi + 1, height: ty.hi + 1, transform: [x0 - tx.lo * sx, sx, 0, y0 - ty.lo * sy, 0, sy] };
}

function crsUriOf(id: string): string {
  const ref = lookupCrs(id);
  return ref ? `http://www.opengis.net/def/crs/${ref.crs.authority}/${ref.crs.authority === 'OGC' ? '1.3' : '0'}/${ref.crs.code}` : id;
}

const EDGE = 1e-6;

function gridSelection(axis: { lo: number; hi: number; label: string }, b: Awaited<ReturnType<Compiler['bounds']>>, spec: AxisSpec): AxisSelection {
  const int = (v: ScalarValue | '*', fallback: number) => {
    if (v === '*') return fallback;
    if (typeof v !== 'number' || !Number.isInteger(v)) wcpsFail('InvalidSubsetting', `grid coordinates on ${spec.axis} are whole numbers, not '${String(v)}'`, spec.pos);
    return v;
  };
  if (b.kind === 'slice') {
    const at = int(b.at, 0);
    if (at < axis.lo || at > axis.hi) wcpsFail('InvalidSubsetting', `the slice at ${at} on ${spec.axis} lies outside its grid extent ${axis.lo}:${axis.hi}`, spec.pos);
    return { at };
  }
  const lo = int(b.lo, axis.lo);
  const hi = int(b.hi, axis.hi);
  if (lo > hi) wcpsFail('InvalidSubsetting', `the trim on ${spec.axis} has its low bound ${lo} above its high bound ${hi}`, spec.pos);
  if (hi < axis.lo || lo > axis.hi) wcpsFail('InvalidSubsetting', `the trim ${lo}:${hi} on ${spec.axis} lies outside its grid extent ${axis.lo}:${axis.hi}`, spec.pos);
  return { lo: Math.max(lo, axis.lo), hi: Math.min(hi, axis.hi) };
}

function geoSelection(d: Domain, role: 'x' | 'y', lo: number, hi: number, b: { kind: 'trim'; lo: ScalarValue | '*'; hi: ScalarValue | '*' } | { kind: 'slice'; at: ScalarValue }, spec: AxisSpec): AxisSelection {
  const t = d.grid!.transform;
  const [origin, step] = role === 'x' ? [t[0], t[1]] : [t[3], t[5]];
  const num = (v: ScalarValue | '*') => {
    if (typeof v !== 'number') wcpsFail('InvalidSubsetting', `'${typeof v === 'object' ? formatInterval(v) : v}' is not a coordinate on ${spec.axis}`, spec.pos);
    return v;
  };
  const edge = (i: number) => origin + i * step;
  const extent = `${Math.min(edge(lo), edge(hi + 1))} to ${Math.max(edge(lo), edge(hi + 1))}`;
  if (b.kind === 'slice') {
    const f = (num(b.at) - origin) / step;
    let at = Math.floor(f);
    if (at === hi + 1 && Math.abs(f - at) < EDGE) at = hi;
    if (at < lo || at > hi) wcpsFail('InvalidSubsetting', `the slice at ${String(b.at)} on ${spec.axis} lies outside the extent ${extent}`, spec.pos);
    return { at };
  }
  const a = b.lo === '*' ? (step > 0 ? lo : hi + 1) : (num(b.lo) - origin) / step;
  const c = b.hi === '*' ? (step > 0 ? hi + 1 : lo) : (num(b.hi) - origin) / step;
  if (b.lo !== '*' && b.hi !== '*' && (b.lo as number) > (b.hi as number)) wcpsFail('InvalidSubsetting', `the trim on ${spec.axis} has its low bound ${String(b.lo)} above its high bound ${String(b.hi)}`, spec.pos);
  const first = Math.floor(Math.min(a, c) + EDGE);
  let last = Math.ceil(Math.max(a, c) - EDGE) - 1;
  if (last < first) last = first;
  if (last < lo || first > hi) wcpsFail('InvalidSubsetting', `the trim ${String(b.lo)}:${String(b.hi)} on ${spec.axis} lies outside the extent ${extent}`, spec.pos);
  return { lo: Math.max(first, lo), hi: Math.min(last, hi) };
}

function timeSelection(axis: { lo: number; hi: number }, times: string[], b: Awaited<ReturnType<Compiler['bounds']>>, spec: AxisSpec): AxisSelection {
  const instant = (v: ScalarValue | '*', end: boolean) => {
    if (v === '*') return end ? Infinity : -Infinity;
    if (typeof v !== 'string') wcpsFail('InvalidSubsetting', `time coordinates on ${spec.axis} are quoted ISO 8601 times (or grid indices with ${spec.axis}:"CRS:1"), not ${String(v)}`, spec.pos);
    const p = parseInstant(v);
    if (!p) wcpsFail('InvalidSubsetting', `'${v}' is not an ISO 8601 time`, spec.pos);
    return end ? p.end.getTime() : p.begin.getTime();
  };
  const [begin, end] = b.kind === 'slice' ? [instant(b.at, false), instant(b.at, true)] : [instant(b.lo, false), instant(b.hi, true)];
  const hits: number[] = [];
  for (let i = axis.lo; i <= axis.hi; i++) {
    const ms = Date.parse(times[i]!);
    if (ms >= begin && ms <= end) hits.push(i);
  }
  if (hits.length === 0) wcpsFail('InvalidSubsetting', `no time of the coverage (${times[axis.lo]} to ${times[axis.hi]}) falls ${b.kind === 'slice' ? 'at' : 'in'} the ${b.kind} on ${spec.axis}`, spec.pos);
  if (b.kind === 'slice') {
    if (hits.length > 1) wcpsFail('InvalidSubsetting', `the slice on ${spec.axis} matches ${hits.length} times; give a full instant`, spec.pos);
    return { at: hits[0]! };
  }
  return { lo: hits[0]!, hi: hits[hits.length - 1]! };
}

function* indexes(domain: Domain): Generator<number[]> {
  const axes = domain.axes;
  const index = axes.map((a) => a.lo);
  const total = cellCount(domain);
  for (let c = 0; c < total; c++) {
    yield [...index];
    for (let k = axes.length - 1; k >= 0; k--) {
      index[k]!++;
      if (index[k]! <= axes[k]!.hi) break;
      index[k] = axes[k]!.lo;
    }
  }
}

function withIndexes(env: Env, iterators: Iterator[], index: number[]): Env {
  const scope = new Map(env);
  iterators.forEach((it, k) => scope.set(it.variable, { kind: 'node', node: constScalar('long', index[k]!, it.pos) }));
  return scope;
}

interface Fold {
  identity: number;
  step: (acc: number, v: number) => number;
}

function folder(op: CondenseOp): Fold {
  switch (op) {
    case '+':
      return { identity: 0, step: (a, v) => a + v };
    case '*':
      return { identity: 1, step: (a, v) => a * v };
    case 'max':
      return { identity: -Infinity, step: (a, v) => (v > a ? v : a) };
    case 'min':
      return { identity: Infinity, step: (a, v) => (v < a ? v : a) };
    case 'and':
      return { identity: 1, step: (a, v) => (a !== 0 && v !== 0 ? 1 : 0) };
    case 'or':
      return { identity: 0, step: (a, v) => (a !== 0 || v !== 0 ? 1 : 0) };
  }
}

/** A condenser over a coverage's valid cells (nulls are skipped); `where` masks cells out. */
export function condenseScalar(op: CondenseOp | 'count' | 'avg', c: CovNode, where: CovNode | undefined, type: CellType, pos: Position): ScalarNode {
  const resultType: ScalarType = op === 'count' ? 'unsigned long' : op === 'avg' || op === '+' || op === '*' ? 'double' : op === 'and' || op === 'or' ? 'boolean' : type;
  const fold = op === 'count' ? folder('+') : op === 'avg' ? folder('+') : folder(op);
  return {
    kind: 'scalar',
    type: resultType,
    pos,
    cost: c.cost + (where?.cost ?? 0),
    async value(ctx) {
      let acc = fold.identity;
      let valid = 0;
      const visit = (b: Block, w?: Block) => {
        const v = b.bands[0]!;
        const m = b.mask;
        const wm = w?.mask;
        const wv = w?.bands[0];
        const n = v.length;
        if (op === '+' || op === 'avg' || op === 'count') {
          let s = 0;
          let k = 0;
          for (let i = 0; i < n; i++) {
            if ((m && m[i] === 0) || (wv && (wv[i] === 0 || (wm && wm[i] === 0)))) continue;
            s += op === 'count' ? (v[i] !== 0 ? 1 : 0) : v[i]!;
            k++;
          }
          acc += s;
          valid += k;
          return;
        }
        for (let i = 0; i < n; i++) {
          if ((m && m[i] === 0) || (wv && (wv[i] === 0 || (wm && wm[i] === 0)))) continue;
          acc = fold.step(acc, v[i]!);
          valid++;
        }
      };
      if (!where) await forEachBlock(ctx, c, (b) => visit(b));
      else {
        const pairs = new RangeNode(pos, [c, where], [c.bands[0]!, where.bands[0]!]);
        await forEachBlock(ctx, pairs, (b) => visit({ bands: [b.bands[0]!], mask: undefined }, { bands: [b.bands[1]!], mask: b.mask }));
      }
      if (op === 'avg') return valid === 0 ? NaN : acc / valid;
      if ((op === 'min' || op === 'max') && valid === 0) return NaN;
      return acc;
    },
  };
}
