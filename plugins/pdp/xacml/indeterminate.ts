/**
 * Evaluation outcomes. Errors inside expressions are thrown as Indeterminate (a plain object,
 * not an Error: no stack trace to capture on a hot path) and caught where XACML turns them into
 * a decision: Match, Condition, obligation expressions.
 */
import { STATUS_MISSING_ATTRIBUTE, STATUS_PROCESSING_ERROR, STATUS_SYNTAX_ERROR, type MissingAttributeDetail, type ObligationOrAdvice, type XacmlStatus } from './types.js';

export class Indeterminate {
  constructor(readonly status: XacmlStatus) {}
}

export function processingError(message: string): Indeterminate {
  return new Indeterminate({ code: STATUS_PROCESSING_ERROR, message });
}

export function syntaxError(message: string): Indeterminate {
  return new Indeterminate({ code: STATUS_SYNTAX_ERROR, message });
}

export function missingAttribute(detail: MissingAttributeDetail): Indeterminate {
  return new Indeterminate({ code: STATUS_MISSING_ATTRIBUTE, message: `missing attribute ${detail.attributeId} (${detail.category})`, missingAttributes: [detail] });
}

/**
 * Thrown (not an Indeterminate) when a designator finds no value but an attribute finder may
 * have one: the PDP asks the finder, then evaluates again from the start.
 */
export class NeedsAttribute {
  constructor(readonly key: string, readonly category: string, readonly attributeId: string, readonly dataType: string, readonly issuer: string | undefined) {}
}

export const PERMIT = 0;
export const DENY = 1;
export const NOT_APPLICABLE = 2;
export const INDETERMINATE = 3;
export type DecisionCode = 0 | 1 | 2 | 3;

/** Extended Indeterminate: which decisions the Indeterminate might have been (bit set). */
export const EXT_D = 1;
export const EXT_P = 2;
export const EXT_DP = 3;

export interface Outcome {
  readonly decision: DecisionCode;
  /** For Indeterminate: EXT_D, EXT_P or EXT_DP. */
  readonly ext: number;
  readonly status?: XacmlStatus;
  readonly obligations?: readonly ObligationOrAdvice[];
  readonly advice?: readonly ObligationOrAdvice[];
}

export const NA_OUTCOME: Outcome = Object.freeze({ decision: NOT_APPLICABLE, ext: 0 });
export const PERMIT_OUTCOME: Outcome = Object.freeze({ decision: PERMIT, ext: 0 });
export const DENY_OUTCOME: Outcome = Object.freeze({ decision: DENY, ext: 0 });

export function indeterminate(ext: number, status: XacmlStatus): Outcome {
  return { decision: INDETERMINATE, ext, status };
}

export function effectOutcome(decision: DecisionCode): Outcome {
  return decision === PERMIT ? PERMIT_OUTCOME : DENY_OUTCOME;
}

/** Indeterminate{P} for a Permit effect, {D} for a Deny one. */
export function extOf(effect: DecisionCode): number {
  return effect === PERMIT ? EXT_P : EXT_D;
}
