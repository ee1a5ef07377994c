/**
 * The `xacml` decision point: every plugin's authorize() evaluated by this plugin's PDP in
 * process. Requests go through the core's own XACML mapping (toXacmlRequest, the one the
 * xacml-remote decision point sends), answers come back through fromXacmlResponse, so the
 * built-in PDP and a remote one see the same attributes and give the same Decisions.
 */
import { bindSubject } from '../../core/auth/decision-points/rules.js';
import { fromXacmlResponse, toXacmlRequest, type XacmlRequest as JsonProfileRequest } from '../../core/auth/decision-points/xacml-json.js';
import type { AuthorizationRequest, Decision, DecisionPoint, Obligation, Subject } from '../../core/auth/types.js';
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

/**
 * Obligation values as the engines use them: a `filter` in CQL2-JSON written as JSON text in the
 * policy becomes the JSON value, and '$subject.id' / '$subject.issuer' / '$subject.groups' in it
 * (or as whole values) are bound to the requesting subject, as the rules decision point does.
 */
export function bindObligation(obligation: Obligation, subject: Subject): Obligation {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(obligation.attributes)) {
    let v = value;
    const lang = obligation.attributes.lang;
    if (name === 'filter' && typeof v === 'string' && (lang === undefined || lang === 'cql2-json') && v.trimStart().startsWith('{')) {
      try {
        v = JSON.parse(v) as unknown;
      } catch {
        // Left as text: the engine's filter parser refuses it, and refusing denies.
      }
    }
    attributes[name] = bindSubject(v, subject);
  }
  return { id: obligation.id, attributes };
}

export function toDecision(response: XacmlResponse, subject: Subject): Decision {
  const decision = fromXacmlResponse(responseToJson(response));
  return {
    ...decision,
    obligations: decision.obligations.map((o) => bindObligation(o, subject)),
    ...(decision.advice ? { advice: decision.advice.map((a) => bindObligation(a, subject)) } : {}),
  };
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
