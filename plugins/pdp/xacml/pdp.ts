/**
 * The policy decision point: links policy references, splits Multiple Decision requests into
 * individual ones, evaluates each (synchronously; it awaits only when an attribute finder must
 * be asked for a missing attribute) and builds the Results.
 */
import { EvalContext } from './context.js';
import { PolicySyntaxError } from './errors.js';
import {
  DENY, EXT_DP, INDETERMINATE, NA_OUTCOME, NeedsAttribute, PERMIT, indeterminate, processingError, type Outcome,
} from './indeterminate.js';
import { ChildIndex } from './child-index.js';
import type { Combinable } from './combining.js';
import { PolicyNode, PolicyReference, childHints, type CompiledPolicyDocument, type ReferenceResolver } from './policy-document.js';
import {
  STATUS_OK, STATUS_PROCESSING_ERROR, STATUS_SYNTAX_ERROR, type AttributeFinder, type AttributeValue, type Decision, type RequestCategory,
  type XacmlRequest, type XacmlResponse, type XacmlResult,
} from './types.js';
import { compareVersions, notEarlierThan, notLaterThan, versionMatches } from './versions.js';

export interface PolicyDecisionPointOptions {
  /** Root policies; with several, the single one whose Target applies is evaluated. */
  roots: CompiledPolicyDocument[];
  /** Policies reachable only by Policy(Set)IdReference. */
  referenced?: CompiledPolicyDocument[];
  attributeFinders?: AttributeFinder[];
  /** Most individual decisions one Multiple Decision request may expand to (default 100). */
  maxMultipleDecisions?: number;
}

export interface PolicyDecisionPoint {
  evaluate(request: XacmlRequest): Promise<XacmlResponse>;
  /**
   * The Result of a request that is one individual decision (no repeated categories, no
   * MultiRequests; others go through evaluate() and give its first Result): synchronous unless
   * an attribute finder has to be awaited. For in-process callers that build requests themselves.
   */
  evaluateOne(request: XacmlRequest): XacmlResult | Promise<XacmlResult>;
}

const DECISIONS: Decision[] = ['Permit', 'Deny', 'NotApplicable', 'Indeterminate'];
/** Finder rounds per individual decision before giving up (a policy cannot need more). */
const MAX_FINDER_ROUNDS = 256;

function findReferenced(ref: PolicyReference, documents: readonly CompiledPolicyDocument[]): CompiledPolicyDocument | undefined {
  let best: CompiledPolicyDocument | undefined;
  for (const doc of documents) {
    if (doc.kind !== ref.kind || doc.id !== ref.id) continue;
    if (ref.version !== undefined && !versionMatches(doc.version, ref.version)) continue;
    if (ref.earliestVersion !== undefined && !notEarlierThan(doc.version, ref.earliestVersion)) continue;
    if (ref.latestVersion !== undefined && !notLaterThan(doc.version, ref.latestVersion)) continue;
    if (!best || compareVersions(doc.version, best.version) > 0) best = doc;
  }
  return best;
}

/** Resolves every reference reachable from the roots; a reference that closes a cycle evaluates to Indeterminate. */
function linkReferences(roots: readonly CompiledPolicyDocument[], documents: readonly CompiledPolicyDocument[]): Map<PolicyReference, PolicyNode | Outcome> {
  const links = new Map<PolicyReference, PolicyNode | Outcome>();
  const docOf = new Map<PolicyNode, CompiledPolicyDocument>(documents.map((d) => [d.root, d]));
  const onStack = new Set<CompiledPolicyDocument>();
  const done = new Set<CompiledPolicyDocument>();
  const visit = (doc: CompiledPolicyDocument) => {
    if (done.has(doc)) return;
    onStack.add(doc);
    for (const ref of doc.references) {
      const target = findReferenced(ref, documents);
      if (!target) {
        links.set(ref, indeterminate(EXT_DP, processingError(`no ${ref.kind} '${ref.id}' matches the reference${ref.version ? ` (version ${ref.version})` : ''}`).status));
      } else if (onStack.has(target)) {
        links.set(ref, indeterminate(EXT_DP, processingError(`circular reference to ${ref.kind} '${ref.id}'`).status));
      } else {
        links.set(ref, target.root);
        visit(docOf.get(target.root)!);
      }
    }
    onStack.delete(doc);
    done.add(doc);
  };
  for (const root of roots) visit(root);
  return links;
}

/**
 * Child indexes of the PolicySets that hold references, now that the references are linked:
 * a reference is indexed by the Target of the policy it resolves to.
 */
function linkedIndexes(documents: readonly CompiledPolicyDocument[], resolver: ReferenceResolver): Map<PolicyNode, ChildIndex | undefined> {
  const indexes = new Map<PolicyNode, ChildIndex | undefined>();
  const visit = (child: Combinable) => {
    if (!(child instanceof PolicyNode) || child.kind !== 'PolicySet' || indexes.has(child)) return;
    indexes.set(child, child.hasReferences ? ChildIndex.build(child.children, child.children.map((c) => childHints(c, resolver))) : undefined);
    for (const c of child.children) visit(c);
  };
  for (const doc of documents) visit(doc.root);
  return indexes;
}

function includedAttributes(categories: readonly RequestCategory[]): RequestCategory[] {
  const out: RequestCategory[] = [];
  for (const c of categories) {
    let attributes: RequestCategory['attributes'] | undefined;
    for (const a of c.attributes) if (a.includeInResult) (attributes ??= []).push(a);
    if (attributes) out.push({ category: c.category, attributes });
  }
  return out;
}

/** Whether the categories form one individual request (no category repeated). */
function isSingle(request: XacmlRequest): boolean {
  if (request.multiRequests?.length) return false;
  const cats = request.categories;
  for (let i = 1; i < cats.length; i++) for (let j = 0; j < i; j++) if (cats[i]!.category === cats[j]!.category) return false;
  return true;
}

/** The individual requests of a request (Multiple Decision Profile): MultiRequests, or repeated categories. */
function individualRequests(request: XacmlRequest, max: number): RequestCategory[][] | string {
  if (request.multiRequests?.length) {
    const byId = new Map<string, RequestCategory>();
    for (const c of request.categories) if (c.id) byId.set(c.id, c);
    if (request.multiRequests.length > max) return `the request asks for ${request.multiRequests.length} decisions, more than the limit of ${max}`;
    const out: RequestCategory[][] = [];
    for (const refs of request.multiRequests) {
      const cats: RequestCategory[] = [];
      for (const id of refs) {
        const c = byId.get(id);
        if (!c) return `RequestReference to unknown Attributes xml:id '${id}'`;
        cats.push(c);
      }
      out.push(cats);
    }
    return out;
  }
  const groups = new Map<string, RequestCategory[]>();
  for (const c of request.categories) {
    const g = groups.get(c.category);
    if (g) g.push(c); else groups.set(c.category, [c]);
  }
  if (groups.size === request.categories.length) return [request.categories];
  let total = 1;
  for (const g of groups.values()) total *= g.length;
  if (total > max) return `the request asks for ${total} decisions, more than the limit of ${max}`;
  let combos: RequestCategory[][] = [[]];
  for (const g of groups.values()) combos = combos.flatMap((prefix) => g.map((c) => [...prefix, c]));
  return combos;
}

export function createPolicyDecisionPoint(options: PolicyDecisionPointOptions): PolicyDecisionPoint {
  const roots = options.roots;
  if (!roots.length) throw new PolicySyntaxError('a PDP needs at least one root policy');
  const documents = [...roots, ...(options.referenced ?? [])];
  const links = linkReferences(roots, documents);
  let indexes = new Map<PolicyNode, ChildIndex | undefined>();
  const resolver: ReferenceResolver = {
    resolve: (ref) => links.get(ref) ?? indeterminate(EXT_DP, processingError(`unresolved reference to ${ref.kind} '${ref.id}'`).status),
    indexOf: (node) => indexes.get(node),
  };
  indexes = linkedIndexes(documents, resolver);
  const finders = options.attributeFinders ?? [];
  const max = options.maxMultipleDecisions ?? 100;

  const evaluateRoots = (ctx: EvalContext): Outcome => {
    if (roots.length === 1) return roots[0]!.root.evaluate(ctx);
    // A root whose Target is Indeterminate is not applicable; it matters only when none is (IID029).
    let selected: PolicyNode | undefined;
    let error: Outcome | undefined;
    for (const doc of roots) {
      const r = doc.root.applicable(ctx);
      if (r === false) continue;
      if (r !== true) { error ??= indeterminate(EXT_DP, r.status); continue; }
      if (selected) return indeterminate(EXT_DP, processingError('more than one root policy is applicable').status);
      selected = doc.root;
    }
    return selected ? selected.evaluate(ctx) : error ?? NA_OUTCOME;
  };

  const ask = async (need: NeedsAttribute, request: XacmlRequest, found: Map<string, AttributeValue[]>) => {
    for (const f of finders) {
      if ((f.category !== undefined && f.category !== need.category) || (f.attributeId !== undefined && f.attributeId !== need.attributeId)) continue;
      const values = await f.find(need.category, need.attributeId, need.dataType, need.issuer, request);
      if (values?.length) { found.set(need.key, values.filter((v) => v.dataType === need.dataType)); return; }
    }
    found.set(need.key, []);
  };

  const resultOf = (outcome: Outcome, ctx: EvalContext, categories: RequestCategory[]): XacmlResult => {
    const applicable = outcome.decision === PERMIT || outcome.decision === DENY;
    const result: XacmlResult = {
      decision: DECISIONS[outcome.decision]!,
      status: outcome.decision === INDETERMINATE ? outcome.status : { code: STATUS_OK },
      obligations: applicable && outcome.obligations ? [...outcome.obligations] : [],
      advice: applicable && outcome.advice ? [...outcome.advice] : [],
      attributes: includedAttributes(categories),
    };
    if (ctx.policyIds) result.policyIdentifiers = ctx.policyIds;
    return result;
  };

  /** Asks the finder the evaluation needs, evaluates again, until it needs nothing more. */
  const withFinders = async (ctx: EvalContext, request: XacmlRequest, categories: RequestCategory[], first: NeedsAttribute): Promise<XacmlResult> => {
    let need = first;
    let outcome: Outcome;
    for (let round = 1; ; round++) {
      try {
        await ask(need, request, ctx.found);
      } catch (err) {
        outcome = indeterminate(EXT_DP, processingError(`attribute finder failed for ${need.attributeId}: ${(err as Error).message}`).status);
        break;
      }
      ctx.reset();
      try {
        outcome = evaluateRoots(ctx);
        break;
      } catch (e) {
        if (!(e instanceof NeedsAttribute) || round >= MAX_FINDER_ROUNDS) throw e;
        need = e;
      }
    }
    return resultOf(outcome, ctx, categories);
  };

  /** Synchronous unless a finder must be awaited. */
  const evaluateIndividual = (request: XacmlRequest, categories: RequestCategory[]): XacmlResult | Promise<XacmlResult> => {
    const ctx = new EvalContext(request, categories, finders);
    ctx.resolver = resolver;
    if (request.returnPolicyIdList) ctx.policyIds = { policies: [], policySets: [] };
    let outcome: Outcome;
    try {
      outcome = evaluateRoots(ctx);
    } catch (e) {
      if (e instanceof NeedsAttribute) return withFinders(ctx, request, categories, e);
      throw e;
    }
    return resultOf(outcome, ctx, categories);
  };

  const pdp: PolicyDecisionPoint = {
    evaluateOne(request) {
      if (!isSingle(request)) return pdp.evaluate(request).then((r) => r.results[0]!);
      return evaluateIndividual(request, request.categories);
    },
    async evaluate(request) {
      const individual = individualRequests(request, max);
      if (typeof individual === 'string') {
        const code = individual.startsWith('RequestReference') ? STATUS_SYNTAX_ERROR : STATUS_PROCESSING_ERROR;
        return { results: [{ decision: 'Indeterminate', status: { code, message: individual }, obligations: [], advice: [], attributes: [] }] };
      }
      const results: XacmlResult[] = [];
      for (const categories of individual) results.push(await evaluateIndividual(request, categories));
      if (request.combinedDecision && results.length > 1) {
        const first = results[0]!;
        const uniform = results.every((r) => r.decision === first.decision && !r.obligations.length && !r.advice.length && r.decision !== 'Indeterminate');
        return { results: [uniform ? { ...first, attributes: [] } : { decision: 'Indeterminate', status: { code: STATUS_PROCESSING_ERROR, message: 'the individual decisions differ or carry obligations' }, obligations: [], advice: [], attributes: [] }] };
      }
      return { results };
    },
  };
  return pdp;
}
