/**
 * Compiles XACML expressions (Apply, AttributeValue, AttributeDesignator, AttributeSelector,
 * VariableReference, Function) into closures over the evaluation context, type-checking each
 * Apply against its function's signature once, at load time.
 */
import type { Element as XmlElement } from 'libxmljs2';
import { T, canonicalTypeId, dataType, parseAttributeValue, type DataType } from './datatypes.js';
import { attributeKey, type Designator, type EvalContext, type Selector } from './context.js';
import { PolicySyntaxError } from './errors.js';
import { functionSpec, type FunctionSpec, type ParamType } from './functions.js';
import { Indeterminate, processingError } from './indeterminate.js';
import { attr, describe, elementChildren, namespacesInScope, parseSafeXml } from './xml-dom.js';

export type Evaluator = (ctx: EvalContext) => unknown;

export interface Expr {
  /** Data type URI of the value (or of the bag's values). */
  type: string;
  bag: boolean;
  ev: Evaluator;
  /** For a literal AttributeValue: its parsed value. */
  literal?: { value: unknown };
  /** For a designator: its description (used to index targets). */
  designator?: Designator;
  /** For a <Function> argument of a higher-order function. */
  fn?: FunctionSpec;
}

/** Where expressions are compiled: the policy's VariableDefinitions. */
export class ExpressionScope {
  private readonly compiled = new Map<string, Expr>();
  private readonly compiling = new Set<string>();
  constructor(private readonly definitions: Map<string, XmlElement>) {}

  variable(id: string, where: XmlElement): Expr {
    const done = this.compiled.get(id);
    if (done) return done;
    const def = this.definitions.get(id);
    if (!def) throw new PolicySyntaxError(`VariableReference to undefined VariableId '${id}' at ${describe(where)}`);
    if (this.compiling.has(id)) throw new PolicySyntaxError(`VariableDefinition '${id}' refers to itself at ${describe(where)}`);
    this.compiling.add(id);
    const body = elementChildren(def).filter((e) => e.name() !== 'Description');
    if (body.length !== 1) throw new PolicySyntaxError(`VariableDefinition '${id}' must hold one expression at ${describe(def)}`);
    const expr = compileExpression(body[0]!, this);
    this.compiling.delete(id);
    this.compiled.set(id, expr);
    return expr;
  }
}

function knownType(id: string | undefined, el: XmlElement): DataType {
  if (!id) throw new PolicySyntaxError(`missing DataType at ${describe(el)}`);
  const t = dataType(id);
  if (!t) throw new PolicySyntaxError(`unknown DataType '${id}' at ${describe(el)}`);
  return t;
}

function required(el: XmlElement, name: string): string {
  const v = attr(el, name);
  if (v === undefined) throw new PolicySyntaxError(`missing ${name} at ${describe(el)}`);
  return v;
}

export function compileAttributeValue(el: XmlElement): Expr {
  const type = knownType(attr(el, 'DataType'), el);
  let value: unknown;
  try {
    value = parseAttributeValue(type, el.text(), attr(el, 'XPathCategory'), namespacesInScope(el));
  } catch (err) {
    throw new PolicySyntaxError(`invalid AttributeValue at ${describe(el)}: ${(err as Error).message}`);
  }
  return { type: type.id, bag: false, ev: () => value, literal: { value } };
}

export function compileDesignator(el: XmlElement): Expr {
  const type = knownType(attr(el, 'DataType'), el);
  const category = required(el, 'Category');
  const attributeId = required(el, 'AttributeId');
  const issuer = attr(el, 'Issuer');
  const mustBePresent = attr(el, 'MustBePresent') === 'true' || attr(el, 'MustBePresent') === '1';
  const d: Designator = {
    category, attributeId, dataType: type.id, type, issuer, mustBePresent,
    key: `${category}\u0001${attributeId}\u0001${type.id}\u0001${issuer ?? ''}`,
    attributeKey: attributeKey(category, attributeId),
  };
  return { type: type.id, bag: true, ev: (ctx) => ctx.designatorBag(d), designator: d };
}

function compileSelector(el: XmlElement): Expr {
  const type = knownType(attr(el, 'DataType'), el);
  const category = required(el, 'Category');
  const path = required(el, 'Path');
  const s: Selector = {
    category, path, contextSelectorId: attr(el, 'ContextSelectorId'), dataType: type.id, type,
    mustBePresent: attr(el, 'MustBePresent') === 'true' || attr(el, 'MustBePresent') === '1',
    namespaces: namespacesInScope(el),
    key: `\u0002${category}\u0001${path}\u0001${type.id}\u0001${attr(el, 'ContextSelectorId') ?? ''}`,
  };
  checkXPath(path, s.namespaces, el);
  return { type: type.id, bag: true, ev: (ctx) => ctx.selectorBag(s) };
}

let probe: XmlElement | undefined;
/** Rejects an XPath that does not compile (or uses an undeclared prefix) at load time. */
function checkXPath(path: string, namespaces: Record<string, string>, el: XmlElement): void {
  probe ??= parseSafeXml('<probe/>').root()!;
  let nodes: unknown;
  try {
    nodes = probe.find(path, namespaces);
  } catch (err) {
    throw new PolicySyntaxError(`invalid XPath '${path}' at ${describe(el)}: ${(err as Error).message}`);
  }
  if (!Array.isArray(nodes)) throw new PolicySyntaxError(`XPath '${path}' does not select nodes at ${describe(el)}`);
}

export function compileExpression(el: XmlElement, scope: ExpressionScope): Expr {
  switch (el.name()) {
    case 'AttributeValue': return compileAttributeValue(el);
    case 'AttributeDesignator': return compileDesignator(el);
    case 'AttributeSelector': return compileSelector(el);
    case 'VariableReference': return scope.variable(required(el, 'VariableId'), el);
    case 'Function': {
      const id = required(el, 'FunctionId');
      const fn = functionSpec(id);
      if (!fn) throw new PolicySyntaxError(`unknown function '${id}' at ${describe(el)}`);
      return { type: '', bag: false, ev: () => { throw processingError('a Function is not a value'); }, fn };
    }
    case 'Apply': return compileApply(el, scope);
    default: throw new PolicySyntaxError(`unexpected element ${el.name()} where an expression is expected at ${describe(el)}`);
  }
}

function typeName(t: ParamType | Expr): string {
  const name = t.type ? (dataType(t.type)?.name ?? t.type) : 'any';
  return t.bag ? `bag of ${name}` : name;
}

function fits(param: ParamType, arg: Expr): boolean {
  if (arg.fn) return false;
  return param.bag === arg.bag && (param.type === '' || param.type === canonicalTypeId(arg.type));
}

/** Checks arguments against a plain function's signature; returns the parameter list used. */
function checkSignature(fn: FunctionSpec, args: Expr[], where: XmlElement): void {
  const fixed = fn.params.length;
  if (args.length < fixed + (fn.variadic ? fn.minVariadic ?? 0 : 0) || (!fn.variadic && args.length !== fixed)) {
    throw new PolicySyntaxError(`function ${fn.id} takes ${fn.variadic ? `at least ${fixed + (fn.minVariadic ?? 0)}` : fixed} arguments, got ${args.length} at ${describe(where)}`);
  }
  args.forEach((arg, i) => {
    const param = i < fixed ? fn.params[i]! : fn.variadic!;
    if (!fits(param, arg)) throw new PolicySyntaxError(`argument ${i + 1} of ${fn.id} must be ${typeName(param)}, not ${arg.fn ? 'a function' : typeName(arg)} at ${describe(where)}`);
  });
}

function compileApply(el: XmlElement, scope: ExpressionScope): Expr {
  const id = required(el, 'FunctionId');
  const fn = functionSpec(id);
  if (!fn) throw new PolicySyntaxError(`unknown function '${id}' at ${describe(el)}`);
  const args = elementChildren(el).filter((e) => e.name() !== 'Description').map((e) => compileExpression(e, scope));
  if (fn.special && fn.special !== 'and' && fn.special !== 'or' && fn.special !== 'n-of') return compileHigherOrder(fn, args, el);
  checkSignature(fn, args, el);
  const evs = args.map((a) => a.ev);
  const returns = { type: fn.returns.type, bag: fn.returns.bag };
  if (fn.special === 'and') {
    return { ...returns, ev: (ctx) => {
      let error: Indeterminate | undefined;
      for (const ev of evs) {
        try {
          if (ev(ctx) === false) return false;
        } catch (e) {
          if (!(e instanceof Indeterminate)) throw e;
          error ??= e;
        }
      }
      if (error) throw error;
      return true;
    } };
  }
  if (fn.special === 'or') {
    return { ...returns, ev: (ctx) => {
      let error: Indeterminate | undefined;
      for (const ev of evs) {
        try {
          if (ev(ctx) === true) return true;
        } catch (e) {
          if (!(e instanceof Indeterminate)) throw e;
          error ??= e;
        }
      }
      if (error) throw error;
      return false;
    } };
  }
  if (fn.special === 'n-of') {
    return { ...returns, ev: (ctx) => {
      const n = evs[0]!(ctx) as number;
      const rest = evs.length - 1;
      if (n > rest) throw processingError(`n-of: ${n} exceeds the ${rest} arguments`);
      if (n <= 0) return true;
      let count = 0;
      let errors = 0;
      let error: Indeterminate | undefined;
      for (let i = 1; i < evs.length; i++) {
        try {
          if (evs[i]!(ctx) === true && ++count >= n) return true;
        } catch (e) {
          if (!(e instanceof Indeterminate)) throw e;
          error ??= e;
          errors++;
        }
      }
      // Arguments in error might have been true: only then is the answer unknown.
      if (error && count + errors >= n) throw error;
      return false;
    } };
  }
  const call = fn.call;
  switch (evs.length) {
    case 1: { const [a] = evs as [Evaluator]; return { ...returns, ev: (ctx) => call([a(ctx)], ctx) }; }
    case 2: { const [a, b] = evs as [Evaluator, Evaluator]; return { ...returns, ev: (ctx) => call([a(ctx), b(ctx)], ctx) }; }
    default: return { ...returns, ev: (ctx) => call(evs.map((e) => e(ctx)), ctx) };
  }
}

/**
 * any-of, all-of, any-of-any, all-of-any, any-of-all, all-of-all and map: the first argument
 * names a function, applied to combinations of the other arguments' values.
 */
function compileHigherOrder(spec: FunctionSpec, args: Expr[], el: XmlElement): Expr {
  const head = args[0];
  if (!head?.fn) throw new PolicySyntaxError(`first argument of ${spec.id} must be a Function at ${describe(el)}`);
  const inner = head.fn;
  if (inner.special && inner.special !== 'and' && inner.special !== 'or' && inner.special !== 'n-of') throw new PolicySyntaxError(`${spec.id} cannot apply the higher-order function ${inner.id} at ${describe(el)}`);
  const rest = args.slice(1);
  if (rest.some((a) => a.fn)) throw new PolicySyntaxError(`only the first argument of ${spec.id} may be a Function at ${describe(el)}`);
  const kind = spec.special!;
  const isBoolean = inner.returns.type === T.boolean && !inner.returns.bag;
  if (kind !== 'map' && !isBoolean) throw new PolicySyntaxError(`${spec.id} needs a boolean function, ${inner.id} is not at ${describe(el)}`);
  if (inner.returns.bag) throw new PolicySyntaxError(`${spec.id} cannot apply ${inner.id}, which returns a bag, at ${describe(el)}`);
  // The inner function sees one value of each argument: check it against primitive types.
  const asPrimitive = rest.map((a) => ({ ...a, bag: false }));
  checkSignature(inner, asPrimitive, el);
  const evs = rest.map((a) => a.ev);
  const call = inner.call;
  const bagIndex = rest.findIndex((a) => a.bag);
  const bagCount = rest.filter((a) => a.bag).length;
  const where = describe(el);

  if (kind === 'any-of' || kind === 'all-of' || kind === 'map') {
    if (bagCount !== 1) throw new PolicySyntaxError(`${spec.id} takes exactly one bag argument, got ${bagCount} at ${where}`);
    const wantAll = kind === 'all-of';
    if (kind === 'map') {
      return { type: inner.returns.type, bag: true, ev: (ctx) => {
        const values = evs.map((e) => e(ctx));
        const bag = values[bagIndex] as unknown[];
        return bag.map((v) => { const a = values.slice(); a[bagIndex] = v; return call(a, ctx); });
      } };
    }
    return { type: T.boolean, bag: false, ev: (ctx) => {
      const values = evs.map((e) => e(ctx));
      const bag = values[bagIndex] as unknown[];
      for (const v of bag) {
        const a = values.slice();
        a[bagIndex] = v;
        const r = call(a, ctx) === true;
        if (wantAll ? !r : r) return !wantAll;
      }
      return wantAll;
    } };
  }
  if (kind === 'any-of-any') {
    return { type: T.boolean, bag: false, ev: (ctx) => {
      const values = evs.map((e) => e(ctx));
      const lists = values.map((v, i) => (rest[i]!.bag ? (v as unknown[]) : [v]));
      const current = new Array<unknown>(lists.length);
      const walk = (i: number): boolean => {
        if (i === lists.length) return call(current.slice(), ctx) === true;
        for (const v of lists[i]!) { current[i] = v; if (walk(i + 1)) return true; }
        return false;
      };
      return walk(0);
    } };
  }
  // all-of-any, any-of-all, all-of-all: two bags.
  if (rest.length !== 2 || !rest[0]!.bag || !rest[1]!.bag) throw new PolicySyntaxError(`${spec.id} takes a function and two bags at ${where}`);
  const [ea, eb] = evs as [Evaluator, Evaluator];
  if (kind === 'all-of-any') {
    return { type: T.boolean, bag: false, ev: (ctx) => {
      const xs = ea(ctx) as unknown[]; const ys = eb(ctx) as unknown[];
      return xs.every((x) => ys.some((y) => call([x, y], ctx) === true));
    } };
  }
  if (kind === 'any-of-all') {
    return { type: T.boolean, bag: false, ev: (ctx) => {
      const xs = ea(ctx) as unknown[]; const ys = eb(ctx) as unknown[];
      return xs.some((x) => ys.every((y) => call([x, y], ctx) === true));
    } };
  }
  return { type: T.boolean, bag: false, ev: (ctx) => {
    const xs = ea(ctx) as unknown[]; const ys = eb(ctx) as unknown[];
    return xs.every((x) => ys.every((y) => call([x, y], ctx) === true));
  } };
}
