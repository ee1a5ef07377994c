/**
 * Compiles a Policy or PolicySet document into an evaluator tree, once: Rules, Policies and
 * PolicySets become Combinable nodes; Policy(Set)IdReferences stay as reference nodes that each
 * PDP links to its own set of policies (see pdp.ts).
 */
import type { Element as XmlElement } from 'libxmljs2';
import { ChildIndex } from './child-index.js';
import { POLICY_COMBINING, RULE_COMBINING, type Combinable, type CombiningAlgorithm } from './combining.js';
import type { EvalContext } from './context.js';
import { PolicySyntaxError } from './errors.js';
import { ExpressionScope, compileExpression, type Expr } from './expressions.js';
import { dataType, T } from './datatypes.js';
import {
  DENY, INDETERMINATE, NA_OUTCOME, NOT_APPLICABLE, PERMIT, effectOutcome, extOf, indeterminate, EXT_D, EXT_P,
  Indeterminate, type DecisionCode, type Outcome,
} from './indeterminate.js';
import { compileTarget, type CompiledTarget, type TargetHint, type TargetResult } from './target.js';
import type { AttributeAssignment, ObligationOrAdvice } from './types.js';
import { attr, describe, elementChildren, isXacml, parseSafeXml } from './xml-dom.js';

/** A Policy or PolicySet compiled from its XML once. */
export interface CompiledPolicyDocument {
  readonly id: string;
  readonly version: string;
  readonly kind: 'Policy' | 'PolicySet';
  /** The root node (internal). */
  readonly root: PolicyNode;
  /** Every Policy(Set)IdReference in the document (internal; linked per PDP). */
  readonly references: readonly PolicyReference[];
}

/** Resolves a reference for the PDP evaluating it (set by pdp.ts). */
export interface ReferenceResolver {
  resolve(ref: PolicyReference): PolicyNode | Outcome;
  /** The child index of a PolicySet with references, built once the references are linked. */
  indexOf(node: PolicyNode): ChildIndex | undefined;
}

const NO_HINTS: readonly TargetHint[] = Object.freeze([]);

/** The ways a child's Target can be indexed; a reference's are known only once linked. */
export function childHints(child: Combinable, resolver?: ReferenceResolver): readonly TargetHint[] {
  if (child instanceof PolicyReference) {
    const t = resolver?.resolve(child);
    return t instanceof PolicyNode ? t.target.hints : NO_HINTS;
  }
  return (child as RuleNode | PolicyNode).hints;
}

interface EffectExpression {
  id: string;
  effect: DecisionCode;
  assignments: { attributeId: string; category?: string; issuer?: string; expr: Expr }[];
}

/** Evaluates Obligation/AdviceExpressions for an effect; Indeterminate if an expression fails. */
function evaluateEffects(list: readonly EffectExpression[], effect: DecisionCode, ctx: EvalContext): ObligationOrAdvice[] | undefined {
  let out: ObligationOrAdvice[] | undefined;
  for (const e of list) {
    if (e.effect !== effect) continue;
    const assignments: AttributeAssignment[] = [];
    for (const a of e.assignments) {
      const value = a.expr.ev(ctx);
      const type = dataType(a.expr.type)!;
      const values = a.expr.bag ? (value as unknown[]) : [value];
      for (const v of values) assignments.push({ attributeId: a.attributeId, category: a.category, issuer: a.issuer, dataType: type.id, value: type.format(v) });
    }
    (out ??= []).push({ id: e.id, assignments });
  }
  return out;
}

function compileEffects(container: XmlElement | undefined, kind: 'Obligation' | 'Advice', scope: ExpressionScope): EffectExpression[] {
  if (!container) return [];
  return elementChildren(container).map((el) => {
    if (el.name() !== `${kind}Expression`) throw new PolicySyntaxError(`unexpected ${el.name()} at ${describe(el)}`);
    const id = attr(el, `${kind}Id`);
    const on = attr(el, kind === 'Obligation' ? 'FulfillOn' : 'AppliesTo');
    if (!id) throw new PolicySyntaxError(`${kind}Expression without ${kind}Id at ${describe(el)}`);
    if (on !== 'Permit' && on !== 'Deny') throw new PolicySyntaxError(`${kind}Expression needs ${kind === 'Obligation' ? 'FulfillOn' : 'AppliesTo'} Permit or Deny at ${describe(el)}`);
    const assignments = elementChildren(el).map((a) => {
      if (a.name() !== 'AttributeAssignmentExpression') throw new PolicySyntaxError(`unexpected ${a.name()} at ${describe(a)}`);
      const attributeId = attr(a, 'AttributeId');
      if (!attributeId) throw new PolicySyntaxError(`AttributeAssignmentExpression without AttributeId at ${describe(a)}`);
      const body = elementChildren(a);
      if (body.length !== 1) throw new PolicySyntaxError(`AttributeAssignmentExpression must hold one expression at ${describe(a)}`);
      const expr = compileExpression(body[0]!, scope);
      if (expr.fn) throw new PolicySyntaxError(`a Function is not a value at ${describe(a)}`);
      return { attributeId, category: attr(a, 'Category'), issuer: attr(a, 'Issuer'), expr };
    });
    return { id, effect: on === 'Permit' ? PERMIT : DENY, assignments } as EffectExpression;
  });
}

function withEffects(o: Outcome, obligations: ObligationOrAdvice[] | undefined, advice: ObligationOrAdvice[] | undefined): Outcome {
  if (!obligations && !advice) return o;
  return {
    decision: o.decision, ext: 0,
    obligations: obligations ? (o.obligations ? [...o.obligations, ...obligations] : obligations) : o.obligations,
    advice: advice ? (o.advice ? [...o.advice, ...advice] : advice) : o.advice,
  };
}

class RuleNode implements Combinable {
  private readonly ext: number;
  private readonly plain: Outcome;
  constructor(
    readonly id: string,
    private readonly effect: DecisionCode,
    private readonly target: CompiledTarget,
    private readonly condition: Expr | undefined,
    private readonly obligations: EffectExpression[],
    private readonly advice: EffectExpression[],
  ) {
    this.ext = extOf(effect);
    this.plain = effectOutcome(effect);
  }

  get hints(): readonly TargetHint[] { return this.target.hints; }

  applicable(ctx: EvalContext): TargetResult {
    return this.target.evaluate ? this.target.evaluate(ctx) : true;
  }

  evaluate(ctx: EvalContext): Outcome {
    if (this.target.evaluate) {
      const t = this.target.evaluate(ctx);
      if (t === false) return NA_OUTCOME;
      if (t !== true) return indeterminate(this.ext, t.status);
    }
    if (this.condition) {
      let c: unknown;
      try {
        c = this.condition.ev(ctx);
      } catch (e) {
        if (e instanceof Indeterminate) return indeterminate(this.ext, e.status);
        throw e;
      }
      if (c !== true) return NA_OUTCOME;
    }
    if (!this.obligations.length && !this.advice.length) return this.plain;
    try {
      return withEffects(this.plain, evaluateEffects(this.obligations, this.effect, ctx), evaluateEffects(this.advice, this.effect, ctx));
    } catch (e) {
      if (e instanceof Indeterminate) return indeterminate(this.ext, e.status);
      throw e;
    }
  }
}

/** A Policy (children are rules) or a PolicySet (children are policies, sets and references). */
export class PolicyNode implements Combinable {
  private readonly index: ChildIndex | undefined;
  /** Whether a child is a reference: the index is then the linking PDP's (resolver.indexOf). */
  readonly hasReferences: boolean;
  constructor(
    readonly kind: 'Policy' | 'PolicySet',
    readonly id: string,
    readonly version: string,
    readonly target: CompiledTarget,
    private readonly algorithm: CombiningAlgorithm,
    readonly children: readonly Combinable[],
    private readonly obligations: EffectExpression[],
    private readonly advice: EffectExpression[],
  ) {
    this.hasReferences = children.some((c) => c instanceof PolicyReference);
    this.index = this.hasReferences ? undefined : ChildIndex.build(children, children.map((c) => childHints(c)));
  }

  get hints(): readonly TargetHint[] { return this.target.hints; }

  applicable(ctx: EvalContext): TargetResult {
    return this.target.evaluate ? this.target.evaluate(ctx) : true;
  }

  evaluate(ctx: EvalContext): Outcome {
    let targetError: Indeterminate | undefined;
    if (this.target.evaluate) {
      const t = this.target.evaluate(ctx);
      if (t === false) return NA_OUTCOME;
      if (t !== true) targetError = t;
    }
    const index = this.hasReferences ? ctx.resolver.indexOf(this) : this.index;
    const children = index ? index.candidates(ctx) : this.children;
    let o = this.algorithm(children, ctx);
    if (targetError) {
      // XACML 3.0 7.13/7.14: an Indeterminate target keeps what the children might have decided.
      if (o.decision === NOT_APPLICABLE) return NA_OUTCOME;
      o = indeterminate(o.decision === PERMIT ? EXT_P : o.decision === DENY ? EXT_D : o.ext, targetError.status);
    } else if (o.decision !== INDETERMINATE && o.decision !== NOT_APPLICABLE && (this.obligations.length || this.advice.length)) {
      try {
        o = withEffects(o, evaluateEffects(this.obligations, o.decision, ctx), evaluateEffects(this.advice, o.decision, ctx));
      } catch (e) {
        if (!(e instanceof Indeterminate)) throw e;
        o = indeterminate(extOf(o.decision), e.status);
      }
    }
    if (ctx.policyIds && o.decision !== NOT_APPLICABLE) {
      (this.kind === 'Policy' ? ctx.policyIds.policies : ctx.policyIds.policySets).push({ id: this.id, version: this.version });
    }
    return o;
  }
}

/** A Policy(Set)IdReference with its version constraints (VersionMatchType patterns). */
export class PolicyReference implements Combinable {
  resolver: ReferenceResolver | undefined;
  constructor(
    readonly kind: 'Policy' | 'PolicySet',
    readonly id: string,
    readonly version: string | undefined,
    readonly earliestVersion: string | undefined,
    readonly latestVersion: string | undefined,
  ) {}

  private target(ctx: EvalContext): PolicyNode | Outcome {
    const resolver = ctx.resolver;
    return resolver.resolve(this);
  }

  applicable(ctx: EvalContext): TargetResult {
    const t = this.target(ctx);
    if (t instanceof PolicyNode) return t.applicable(ctx);
    return new Indeterminate(t.status!);
  }

  evaluate(ctx: EvalContext): Outcome {
    const t = this.target(ctx);
    return t instanceof PolicyNode ? t.evaluate(ctx) : t;
  }
}

interface CompileState {
  references: PolicyReference[];
}

function rootChildren(el: XmlElement, known: readonly string[]): Map<string, XmlElement[]> {
  const out = new Map<string, XmlElement[]>();
  for (const child of elementChildren(el)) {
    if (!isXacml(child)) throw new PolicySyntaxError(`element ${child.name()} is not in the XACML 3.0 namespace at ${describe(child)}`);
    if (!known.includes(child.name())) throw new PolicySyntaxError(`unexpected element ${child.name()} at ${describe(child)}`);
    const list = out.get(child.name());
    if (list) list.push(child); else out.set(child.name(), [child]);
  }
  return out;
}

function compileRule(el: XmlElement, scope: ExpressionScope): RuleNode {
  const id = attr(el, 'RuleId');
  if (!id) throw new PolicySyntaxError(`Rule without RuleId at ${describe(el)}`);
  const effect = attr(el, 'Effect');
  if (effect !== 'Permit' && effect !== 'Deny') throw new PolicySyntaxError(`Rule Effect must be Permit or Deny at ${describe(el)}`);
  const parts = rootChildren(el, ['Description', 'Target', 'Condition', 'ObligationExpressions', 'AdviceExpressions']);
  const target = compileTarget(parts.get('Target')?.[0], scope);
  let condition: Expr | undefined;
  const conditionEl = parts.get('Condition')?.[0];
  if (conditionEl) {
    const body = elementChildren(conditionEl);
    if (body.length !== 1) throw new PolicySyntaxError(`Condition must hold one expression at ${describe(conditionEl)}`);
    condition = compileExpression(body[0]!, scope);
    if (condition.fn || condition.bag || condition.type !== T.boolean) throw new PolicySyntaxError(`Condition must be a boolean expression at ${describe(conditionEl)}`);
  }
  return new RuleNode(id, effect === 'Permit' ? PERMIT : DENY, target, condition,
    compileEffects(parts.get('ObligationExpressions')?.[0], 'Obligation', scope),
    compileEffects(parts.get('AdviceExpressions')?.[0], 'Advice', scope));
}

function compilePolicy(el: XmlElement, state: CompileState): PolicyNode {
  const id = attr(el, 'PolicyId');
  if (!id) throw new PolicySyntaxError(`Policy without PolicyId at ${describe(el)}`);
  const algId = attr(el, 'RuleCombiningAlgId');
  const algorithm = algId ? RULE_COMBINING.get(algId) : undefined;
  if (!algorithm) throw new PolicySyntaxError(`unknown RuleCombiningAlgId '${algId ?? ''}' at ${describe(el)}`);
  const parts = rootChildren(el, ['Description', 'PolicyIssuer', 'PolicyDefaults', 'Target', 'CombinerParameters', 'RuleCombinerParameters', 'VariableDefinition', 'Rule', 'ObligationExpressions', 'AdviceExpressions']);
  const definitions = new Map<string, XmlElement>();
  for (const def of parts.get('VariableDefinition') ?? []) {
    const vid = attr(def, 'VariableId');
    if (!vid) throw new PolicySyntaxError(`VariableDefinition without VariableId at ${describe(def)}`);
    if (definitions.has(vid)) throw new PolicySyntaxError(`VariableId '${vid}' defined twice at ${describe(def)}`);
    definitions.set(vid, def);
  }
  const scope = new ExpressionScope(definitions);
  for (const vid of definitions.keys()) scope.variable(vid, definitions.get(vid)!);
  const rules = (parts.get('Rule') ?? []).map((r) => compileRule(r, scope));
  return new PolicyNode('Policy', id, attr(el, 'Version') ?? '1.0', compileTarget(parts.get('Target')?.[0], scope), algorithm, rules,
    compileEffects(parts.get('ObligationExpressions')?.[0], 'Obligation', scope),
    compileEffects(parts.get('AdviceExpressions')?.[0], 'Advice', scope));
}

const VERSION_PATTERN = /^(?:(?:\d+|\*)\.)*(?:\d+|\*|\+)$/;

function compileReference(el: XmlElement, kind: 'Policy' | 'PolicySet', state: CompileState): PolicyReference {
  const id = el.text().trim();
  if (!id) throw new PolicySyntaxError(`empty ${kind}IdReference at ${describe(el)}`);
  const [version, earliest, latest] = ['Version', 'EarliestVersion', 'LatestVersion'].map((n) => attr(el, n));
  for (const v of [version, earliest, latest]) if (v !== undefined && !VERSION_PATTERN.test(v)) throw new PolicySyntaxError(`invalid version pattern '${v}' at ${describe(el)}`);
  const ref = new PolicyReference(kind, id, version, earliest, latest);
  state.references.push(ref);
  return ref;
}

function compilePolicySet(el: XmlElement, state: CompileState): PolicyNode {
  const id = attr(el, 'PolicySetId');
  if (!id) throw new PolicySyntaxError(`PolicySet without PolicySetId at ${describe(el)}`);
  const algId = attr(el, 'PolicyCombiningAlgId');
  const algorithm = algId ? POLICY_COMBINING.get(algId) : undefined;
  if (!algorithm) throw new PolicySyntaxError(`unknown PolicyCombiningAlgId '${algId ?? ''}' at ${describe(el)}`);
  const children: Combinable[] = [];
  let target: XmlElement | undefined;
  let obligations: XmlElement | undefined;
  let advice: XmlElement | undefined;
  for (const child of elementChildren(el)) {
    if (!isXacml(child)) throw new PolicySyntaxError(`element ${child.name()} is not in the XACML 3.0 namespace at ${describe(child)}`);
    switch (child.name()) {
      case 'Description': case 'PolicyIssuer': case 'PolicySetDefaults': case 'CombinerParameters': case 'PolicyCombinerParameters': case 'PolicySetCombinerParameters': break;
      case 'Target': target = child; break;
      case 'ObligationExpressions': obligations = child; break;
      case 'AdviceExpressions': advice = child; break;
      case 'Policy': children.push(compilePolicy(child, state)); break;
      case 'PolicySet': children.push(compilePolicySet(child, state)); break;
      case 'PolicyIdReference': children.push(compileReference(child, 'Policy', state)); break;
      case 'PolicySetIdReference': children.push(compileReference(child, 'PolicySet', state)); break;
      default: throw new PolicySyntaxError(`unexpected element ${child.name()} at ${describe(child)}`);
    }
  }
  const scope = new ExpressionScope(new Map());
  return new PolicyNode('PolicySet', id, attr(el, 'Version') ?? '1.0', compileTarget(target, scope), algorithm, children,
    compileEffects(obligations, 'Obligation', scope), compileEffects(advice, 'Advice', scope));
}

export function compilePolicyDocument(xml: string): CompiledPolicyDocument {
  let root: XmlElement | null;
  try {
    root = parseSafeXml(xml).root();
  } catch (err) {
    throw new PolicySyntaxError(`policy is not well-formed XML: ${(err as Error).message}`);
  }
  if (!root || !isXacml(root) || (root.name() !== 'Policy' && root.name() !== 'PolicySet')) {
    throw new PolicySyntaxError(`the document element must be an XACML 3.0 Policy or PolicySet, not ${root?.name() ?? 'nothing'}`);
  }
  const state: CompileState = { references: [] };
  const node = root.name() === 'Policy' ? compilePolicy(root, state) : compilePolicySet(root, state);
  return { id: node.id, version: node.version, kind: node.kind, root: node, references: state.references };
}
