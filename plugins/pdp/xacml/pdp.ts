import type { CompiledPolicyDocument } from './policy-document.js';
import type { AttributeFinder, XacmlRequest, XacmlResponse } from './types.js';

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
}

export function createPolicyDecisionPoint(options: PolicyDecisionPointOptions): PolicyDecisionPoint {
  void options;
  throw new Error('createPolicyDecisionPoint: not yet implemented');
}
