/**
 * Target, AnyOf, AllOf and Match compiled to closures answering true (match), false (no match)
 * or an Indeterminate (XACML 3.0 section 7.7): a Match is true when the function holds for any
 * value of the bag; AllOf is false as soon as one Match is false; AnyOf true as soon as one
 * AllOf is; a Target is false when any AnyOf is.
 */
import type { Element as XmlElement } from 'libxmljs2';
import { T, canonicalTypeId } from './datatypes.js';
import type { Designator, EvalContext } from './context.js';
import { PolicySyntaxError } from './errors.js';
import { compileAttributeValue, compileDesignator, compileExpression, type ExpressionScope } from './expressions.js';
import { functionSpec } from './functions.js';
import { Indeterminate } from './indeterminate.js';
import { describe, elementChildren } from './xml-dom.js';

export type TargetResult = boolean | Indeterminate;
export type TargetEvaluator = (ctx: EvalContext) => TargetResult;

/**
 * What a target index may use: the target cannot match unless the designator's bag holds one of
 * `values` (string-equal / anyURI-equal literal matches in every AllOf of one AnyOf).
 */
export interface TargetHint {
  designator: Designator;
  values: Set<unknown>;
}

export interface CompiledTarget {
  /** Undefined for an empty Target, which matches everything. */
  evaluate?: TargetEvaluator;
  /** Every way to index this target (one per AnyOf and designator); the index picks one. */
  hints: readonly TargetHint[];
}

const NO_HINTS: readonly TargetHint[] = Object.freeze([]);

interface CompiledMatch {
  ev: (ctx: EvalContext) => TargetResult;
  literal?: unknown;
  designator?: Designator;
  equality: boolean;
}

function compileMatch(el: XmlElement, scope: ExpressionScope): CompiledMatch {
  const id = el.attr('MatchId')?.value();
  if (!id) throw new PolicySyntaxError(`Match without MatchId at ${describe(el)}`);
  const fn = functionSpec(id);
  if (!fn || fn.special) throw new PolicySyntaxError(`unknown or unusable MatchId '${id}' at ${describe(el)}`);
  const [valueEl, argEl, ...extra] = elementChildren(el);
  if (!valueEl || !argEl || extra.length || valueEl.name() !== 'AttributeValue') throw new PolicySyntaxError(`Match must hold an AttributeValue and a designator or selector at ${describe(el)}`);
  const value = compileAttributeValue(valueEl);
  const arg = argEl.name() === 'AttributeDesignator' ? compileDesignator(argEl) : compileExpression(argEl, scope);
  if (argEl.name() !== 'AttributeDesignator' && argEl.name() !== 'AttributeSelector') throw new PolicySyntaxError(`Match must use an AttributeDesignator or AttributeSelector at ${describe(el)}`);
  if (fn.params.length !== 2 || fn.variadic || fn.returns.type !== T.boolean || fn.returns.bag
    || fn.params[0]!.bag || fn.params[1]!.bag
    || fn.params[0]!.type !== canonicalTypeId(value.type) || fn.params[1]!.type !== canonicalTypeId(arg.type)) {
    throw new PolicySyntaxError(`MatchId ${id} does not take (${value.type}, ${arg.type}) at ${describe(el)}`);
  }
  const literal = value.literal!.value;
  const call = fn.call;
  const bagOf = arg.ev;
  const ev = (ctx: EvalContext): TargetResult => {
    let bag: unknown[];
    try {
      bag = bagOf(ctx) as unknown[];
    } catch (e) {
      if (e instanceof Indeterminate) return e;
      throw e;
    }
    let error: Indeterminate | undefined;
    for (let i = 0; i < bag.length; i++) {
      try {
        if (call([literal, bag[i]], ctx) === true) return true;
      } catch (e) {
        if (!(e instanceof Indeterminate)) throw e;
        error ??= e;
      }
    }
    return error ?? false;
  };
  const equality = id === 'urn:oasis:names:tc:xacml:1.0:function:string-equal' || id === 'urn:oasis:names:tc:xacml:1.0:function:anyURI-equal';
  return { ev, literal, designator: arg.designator, equality };
}

function allOf(matches: CompiledMatch[]): TargetEvaluator {
  if (matches.length === 1) return matches[0]!.ev;
  const evs = matches.map((m) => m.ev);
  return (ctx) => {
    let error: Indeterminate | undefined;
    for (const ev of evs) {
      const r = ev(ctx);
      if (r === false) return false;
      if (r !== true) error ??= r;
    }
    return error ?? true;
  };
}

function anyOf(alls: TargetEvaluator[]): TargetEvaluator {
  if (alls.length === 1) return alls[0]!;
  return (ctx) => {
    let error: Indeterminate | undefined;
    for (const ev of alls) {
      const r = ev(ctx);
      if (r === true) return true;
      if (r !== false) error ??= r;
    }
    return error ?? false;
  };
}

/**
 * The index hints of one AnyOf: one per designator that every AllOf tests with an equality
 * Match against a literal (MustBePresent false, so an absent value is a plain no-match).
 */
function hintsOf(allOfs: CompiledMatch[][], out: TargetHint[]): void {
  const first = allOfs[0]!;
  const seen = new Set<string>();
  for (const m of first) {
    if (!m.equality || !m.designator || m.designator.mustBePresent || seen.has(m.designator.key)) continue;
    const key = m.designator.key;
    seen.add(key);
    const values = new Set<unknown>();
    let everyAllOf = true;
    for (const matches of allOfs) {
      const x = matches.find((y) => y.equality && y.designator !== undefined && y.designator.key === key);
      if (!x) { everyAllOf = false; break; }
      values.add(x.literal);
    }
    if (everyAllOf) out.push({ designator: m.designator, values });
  }
}

export function compileTarget(el: XmlElement | undefined, scope: ExpressionScope): CompiledTarget {
  if (!el) return { hints: NO_HINTS };
  const anyOfs: TargetEvaluator[] = [];
  const hints: TargetHint[] = [];
  for (const anyEl of elementChildren(el)) {
    if (anyEl.name() !== 'AnyOf') throw new PolicySyntaxError(`unexpected ${anyEl.name()} in Target at ${describe(anyEl)}`);
    const allOfs: CompiledMatch[][] = [];
    for (const allEl of elementChildren(anyEl)) {
      if (allEl.name() !== 'AllOf') throw new PolicySyntaxError(`unexpected ${allEl.name()} in AnyOf at ${describe(allEl)}`);
      const matches = elementChildren(allEl).map((m) => {
        if (m.name() !== 'Match') throw new PolicySyntaxError(`unexpected ${m.name()} in AllOf at ${describe(m)}`);
        return compileMatch(m, scope);
      });
      if (!matches.length) throw new PolicySyntaxError(`empty AllOf at ${describe(allEl)}`);
      allOfs.push(matches);
    }
    if (!allOfs.length) throw new PolicySyntaxError(`empty AnyOf at ${describe(anyEl)}`);
    hintsOf(allOfs, hints);
    anyOfs.push(anyOf(allOfs.map(allOf)));
  }
  if (!anyOfs.length) return { hints: NO_HINTS };
  const evaluate: TargetEvaluator = anyOfs.length === 1 ? anyOfs[0]! : (ctx) => {
    let error: Indeterminate | undefined;
    for (const ev of anyOfs) {
      const r = ev(ctx);
      if (r === false) return false;
      if (r !== true) error ??= r;
    }
    return error ?? true;
  };
  return { evaluate, hints };
}
