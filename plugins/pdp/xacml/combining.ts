/**
 * The rule- and policy-combining algorithms of XACML 3.0 (Appendix C), with the extended
 * Indeterminate values {D}, {P}, {DP}, and the legacy 1.0/1.1 algorithms (C.10-C.11).
 * Obligations and advice of the result are those of the children whose decision it is.
 */
import type { EvalContext } from './context.js';
import {
  DENY, DENY_OUTCOME, EXT_D, EXT_DP, EXT_P, INDETERMINATE, NA_OUTCOME, NOT_APPLICABLE, PERMIT, PERMIT_OUTCOME,
  indeterminate, processingError, type DecisionCode, type Outcome,
} from './indeterminate.js';
import type { TargetResult } from './target.js';
import type { ObligationOrAdvice, XacmlStatus } from './types.js';

export interface Combinable {
  evaluate(ctx: EvalContext): Outcome;
  /** The Target alone (only-one-applicable asks it before evaluating). */
  applicable(ctx: EvalContext): TargetResult;
}

export type CombiningAlgorithm = (children: readonly Combinable[], ctx: EvalContext) => Outcome;

const hasEffects = (o: Outcome) => o.obligations !== undefined || o.advice !== undefined;

/** The decision with the obligations and advice of the children that reached it. */
function combined(decision: DecisionCode, contributors: Outcome[] | undefined): Outcome {
  if (!contributors) return decision === PERMIT ? PERMIT_OUTCOME : DENY_OUTCOME;
  if (contributors.length === 1) return contributors[0]!;
  const obligations: ObligationOrAdvice[] = [];
  const advice: ObligationOrAdvice[] = [];
  for (const c of contributors) {
    if (c.obligations) obligations.push(...c.obligations);
    if (c.advice) advice.push(...c.advice);
  }
  return { decision, ext: 0, obligations: obligations.length ? obligations : undefined, advice: advice.length ? advice : undefined };
}

function overrides(winner: DecisionCode): CombiningAlgorithm {
  const loser: DecisionCode = winner === DENY ? PERMIT : DENY;
  const extWinner = winner === DENY ? EXT_D : EXT_P;
  return (children, ctx) => {
    let errWinner = false;
    let errLoser = false;
    let errBoth = false;
    let sawLoser = false;
    let status: XacmlStatus | undefined;
    let losers: Outcome[] | undefined;
    for (let i = 0; i < children.length; i++) {
      const o = children[i]!.evaluate(ctx);
      if (o.decision === winner) return o;
      if (o.decision === loser) {
        sawLoser = true;
        if (hasEffects(o)) (losers ??= []).push(o);
      } else if (o.decision === INDETERMINATE) {
        status ??= o.status;
        if (o.ext === EXT_DP) errBoth = true;
        else if (o.ext === extWinner) errWinner = true;
        else errLoser = true;
      }
    }
    if (errBoth || (errWinner && (errLoser || sawLoser))) return indeterminate(EXT_DP, status!);
    if (errWinner) return indeterminate(extWinner, status!);
    if (sawLoser) return combined(loser, losers);
    if (errLoser) return indeterminate(EXT_DP ^ extWinner, status!);
    return NA_OUTCOME;
  };
}

const firstApplicable: CombiningAlgorithm = (children, ctx) => {
  for (let i = 0; i < children.length; i++) {
    const o = children[i]!.evaluate(ctx);
    if (o.decision !== NOT_APPLICABLE) return o;
  }
  return NA_OUTCOME;
};

const onlyOneApplicable: CombiningAlgorithm = (children, ctx) => {
  let selected: Combinable | undefined;
  for (const child of children) {
    const r = child.applicable(ctx);
    if (r === false) continue;
    if (r !== true) return indeterminate(EXT_DP, r.status);
    if (selected) return indeterminate(EXT_DP, processingError('only-one-applicable: more than one policy is applicable').status);
    selected = child;
  }
  return selected ? selected.evaluate(ctx) : NA_OUTCOME;
};

/** deny-unless-permit (winner Permit) and permit-unless-deny (winner Deny). */
function unless(winner: DecisionCode): CombiningAlgorithm {
  const fallback: DecisionCode = winner === PERMIT ? DENY : PERMIT;
  return (children, ctx) => {
    let contributors: Outcome[] | undefined;
    for (let i = 0; i < children.length; i++) {
      const o = children[i]!.evaluate(ctx);
      if (o.decision === winner) return o;
      if (o.decision === fallback && hasEffects(o)) (contributors ??= []).push(o);
    }
    return combined(fallback, contributors);
  };
}

/** Legacy (1.0/1.1) rule deny- or permit-overrides: an Indeterminate rule counts by its Effect. */
function legacyRuleOverrides(winner: DecisionCode): CombiningAlgorithm {
  const loser: DecisionCode = winner === DENY ? PERMIT : DENY;
  const extWinner = winner === DENY ? EXT_D : EXT_P;
  return (children, ctx) => {
    let potentialWinner = false;
    let error = false;
    let sawLoser = false;
    let status: XacmlStatus | undefined;
    let losers: Outcome[] | undefined;
    for (const child of children) {
      const o = child.evaluate(ctx);
      if (o.decision === winner) return o;
      if (o.decision === loser) { sawLoser = true; if (hasEffects(o)) (losers ??= []).push(o); }
      else if (o.decision === INDETERMINATE) {
        status ??= o.status;
        if (o.ext & extWinner) potentialWinner = true;
        else error = true;
      }
    }
    if (potentialWinner) return indeterminate(EXT_DP, status!);
    if (sawLoser) return combined(loser, losers);
    if (error) return indeterminate(EXT_DP ^ extWinner, status!);
    return NA_OUTCOME;
  };
}

/** Legacy policy deny-overrides: an Indeterminate policy counts as Deny. */
const legacyPolicyDenyOverrides: CombiningAlgorithm = (children, ctx) => {
  let permits: Outcome[] | undefined;
  let sawPermit = false;
  for (const child of children) {
    const o = child.evaluate(ctx);
    if (o.decision === DENY) return o;
    if (o.decision === INDETERMINATE) return DENY_OUTCOME;
    if (o.decision === PERMIT) { sawPermit = true; if (hasEffects(o)) (permits ??= []).push(o); }
  }
  return sawPermit ? combined(PERMIT, permits) : NA_OUTCOME;
};

/** Legacy policy permit-overrides. */
const legacyPolicyPermitOverrides: CombiningAlgorithm = (children, ctx) => {
  let denies: Outcome[] | undefined;
  let sawDeny = false;
  let status: XacmlStatus | undefined;
  for (const child of children) {
    const o = child.evaluate(ctx);
    if (o.decision === PERMIT) return o;
    if (o.decision === DENY) { sawDeny = true; if (hasEffects(o)) (denies ??= []).push(o); }
    if (o.decision === INDETERMINATE) status ??= o.status;
  }
  if (sawDeny) return combined(DENY, denies);
  if (status) return indeterminate(EXT_DP, status);
  return NA_OUTCOME;
};

const R3 = 'urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:';
const P3 = 'urn:oasis:names:tc:xacml:3.0:policy-combining-algorithm:';
const R1 = 'urn:oasis:names:tc:xacml:1.0:rule-combining-algorithm:';
const P1 = 'urn:oasis:names:tc:xacml:1.0:policy-combining-algorithm:';
const R11 = 'urn:oasis:names:tc:xacml:1.1:rule-combining-algorithm:';
const P11 = 'urn:oasis:names:tc:xacml:1.1:policy-combining-algorithm:';

const denyOverrides = overrides(DENY);
const permitOverrides = overrides(PERMIT);

export const RULE_COMBINING: ReadonlyMap<string, CombiningAlgorithm> = new Map([
  [`${R3}deny-overrides`, denyOverrides],
  [`${R3}ordered-deny-overrides`, denyOverrides],
  [`${R3}permit-overrides`, permitOverrides],
  [`${R3}ordered-permit-overrides`, permitOverrides],
  [`${R3}deny-unless-permit`, unless(PERMIT)],
  [`${R3}permit-unless-deny`, unless(DENY)],
  [`${R1}first-applicable`, firstApplicable],
  [`${R1}deny-overrides`, legacyRuleOverrides(DENY)],
  [`${R11}ordered-deny-overrides`, legacyRuleOverrides(DENY)],
  [`${R1}permit-overrides`, legacyRuleOverrides(PERMIT)],
  [`${R11}ordered-permit-overrides`, legacyRuleOverrides(PERMIT)],
]);

export const POLICY_COMBINING: ReadonlyMap<string, CombiningAlgorithm> = new Map([
  [`${P3}deny-overrides`, denyOverrides],
  [`${P3}ordered-deny-overrides`, denyOverrides],
  [`${P3}permit-overrides`, permitOverrides],
  [`${P3}ordered-permit-overrides`, permitOverrides],
  [`${P3}deny-unless-permit`, unless(PERMIT)],
  [`${P3}permit-unless-deny`, unless(DENY)],
  [`${P1}first-applicable`, firstApplicable],
  [`${P1}only-one-applicable`, onlyOneApplicable],
  [`${P1}deny-overrides`, legacyPolicyDenyOverrides],
  [`${P11}ordered-deny-overrides`, legacyPolicyDenyOverrides],
  [`${P1}permit-overrides`, legacyPolicyPermitOverrides],
  [`${P11}ordered-permit-overrides`, legacyPolicyPermitOverrides],
]);
