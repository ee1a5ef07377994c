/**
 * The `xacml` decision point: every plugin's authorize() evaluated by this plugin's PDP in
 * process. Requests go through the core's own XACML mapping (toXacmlRequest, the one the
 * xacml-remote decision point sends), answers come back through fromXacmlResponse, so the
 * built-in PDP and a remote one see the same attributes and give the same Decisions.
 */
import { bindDecision, fromXacmlResponse, toXacmlRequest, type XacmlRequest as JsonProfileRequest } from '../../core/auth/decision-points/xacml-json.js';
import type { AuthorizationRequest, Decision, DecisionPoint, Subject } from '../../core/auth/types.js';
import type { Domains } from './domains.js';
import { responseToJson, type AttributeValue, type XacmlRequest, type XacmlResponse } from './xacml/index.js';

/** The JSON Profile request the core builds, as the engine's request context (no parsing of text). */
export function engineRequest(json: JsonProfileRequest): XacmlRequest {
  return {
    returnPolicyIdList: json.Request.ReturnPolicyIdList,
    combinedDecision: json.Request.CombinedDecision,
    categories: json.Request.Category.map((c) => ({
      category: c.CategoryId,
      attributes: c.Attribute.map((a) => ({
        attributeId: a.AttributeId,
        includeInResult: a.IncludeInResult,
        values: (Array.isArray(a.Value) ? a.Value : [a.Value]).map((value): AttributeValue => ({ dataType: a.DataType, value: value as string | number | boolean })),
      })),
    })),
  };
}

export function toDecision(response: XacmlResponse, subject: Subject): Decision {
  return bindDecision(fromXacmlResponse(responseToJson(response)), subject);
}

export function createXacmlDecisionPoint(domains: Domains, domain: string): DecisionPoint {
  return {
    name: 'xacml',
    async decide(request: AuthorizationRequest): Promise<Decision> {
      const response = await domains.evaluate(domain, engineRequest(toXacmlRequest(request)));
      return toDecision(response, request.subject);
    },
  };
}
