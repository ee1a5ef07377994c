/**
 * Core authorization requests straight to the engine's request context, and the engine's
 * Result straight to a core Decision: the same attributes and the same Decision as the core's
 * JSON Profile mapping (core/auth/decision-points/xacml-json.ts toXacmlRequest /
 * fromXacmlResponse, what xacml-remote sends and reads), without building JSON in between.
 * test/plugins/pdp/request-mapping.test.ts checks the two agree.
 *
 * One difference: current-dateTime is not put in the request; the engine supplies the
 * environment's current date and time itself when a policy designates it (XACML 3.0 10.2.5).
 */
import { dataTypeOf, toScalar, XACML_ATTRIBUTE as A, XACML_CATEGORY, XACML_DATATYPE, type XacmlScalar as Scalar } from '../../core/auth/decision-points/xacml-json.js';
import { bindSubject } from '../../core/auth/decision-points/rules.js';
import type { AuthorizationRequest, Decision, DecisionValue, Obligation, Subject } from '../../core/auth/types.js';
import { STATUS_OK, type AttributeValue, type ObligationOrAdvice, type RequestAttribute, type RequestCategory, type XacmlRequest, type XacmlResult } from './xacml/index.js';

/** As xacml-json.ts attribute(): nothing for an absent value or empty bag; a mixed bag as strings. */
function add(out: RequestAttribute[], attributeId: string, value: unknown): void {
  if (typeof value === 'string') {
    out.push({ attributeId, includeInResult: false, values: [{ dataType: XACML_DATATYPE.string, value }] });
    return;
  }
  if (!Array.isArray(value)) {
    const v = toScalar(value);
    if (v !== undefined) out.push({ attributeId, includeInResult: false, values: [{ dataType: dataTypeOf(v), value: v }] });
    return;
  }
  const scalars: Scalar[] = [];
  let type: string | undefined;
  let mixed = false;
  for (const item of value) {
    const v = toScalar(item);
    if (v === undefined) continue;
    const t = dataTypeOf(v);
    if (type === undefined) type = t;
    else if (t !== type) mixed = true;
    scalars.push(v);
  }
  if (type === undefined) return;
  const dataType = mixed ? XACML_DATATYPE.string : type;
  const values: AttributeValue[] = new Array(scalars.length);
  for (let i = 0; i < scalars.length; i++) values[i] = { dataType, value: dataType === XACML_DATATYPE.string ? String(scalars[i]) : scalars[i]! };
  out.push({ attributeId, includeInResult: false, values });
}

export function engineRequestOf(request: AuthorizationRequest): XacmlRequest {
  const { subject, resource, action, context } = request;
  const subjectAttributes: RequestAttribute[] = [];
  add(subjectAttributes, A.subjectId, subject.id);
  add(subjectAttributes, A.role, subject.groups);
  add(subjectAttributes, A.authenticationMethod, subject.method);
  add(subjectAttributes, A.subjectIssuer, subject.issuer || undefined);
  add(subjectAttributes, A.subjectAnonymous, subject.anonymous);
  const resourceAttributes: RequestAttribute[] = [];
  add(resourceAttributes, A.resourceId, resource.id);
  add(resourceAttributes, A.resourceType, resource.type);
  add(resourceAttributes, A.resourceService, resource.service);
  add(resourceAttributes, A.resourceOwner, resource.owner);
  if (resource.attributes) for (const name in resource.attributes) add(resourceAttributes, A.resourceAttributePrefix + name, resource.attributes[name]);
  const actionAttributes: RequestAttribute[] = [];
  add(actionAttributes, A.actionId, action);
  const categories: RequestCategory[] = [
    { category: XACML_CATEGORY.accessSubject, attributes: subjectAttributes },
    { category: XACML_CATEGORY.resource, attributes: resourceAttributes },
    { category: XACML_CATEGORY.action, attributes: actionAttributes },
  ];
  let environment: RequestAttribute[] | undefined;
  for (const key in context) {
    environment ??= [];
    add(environment, A.environmentPrefix + key, context[key]);
  }
  if (environment?.length) categories.push({ category: XACML_CATEGORY.environment, attributes: environment });
  return { returnPolicyIdList: false, combinedDecision: false, categories };
}

// Parsed `filter` obligation texts: they are policy literals, so a handful of distinct ones.
const parsedFilters = new Map<string, unknown>();
const MAX_PARSED_FILTERS = 1000;

function parsedFilter(text: string): unknown {
  let v = parsedFilters.get(text);
  if (v === undefined) {
    try {
      v = JSON.parse(text) as unknown;
    } catch {
      // Left as text: the engine's filter parser refuses it, and refusing denies.
      return text;
    }
    if (parsedFilters.size >= MAX_PARSED_FILTERS) parsedFilters.clear();
    parsedFilters.set(text, v);
  }
  return v;
}

/**
 * An obligation or advice with its attribute assignments by id (repeated ids as arrays), a
 * cql2-json `filter` text parsed and `$subject.*` bound (as core bindObligation does).
 */
function directive(o: ObligationOrAdvice, subject: Subject): Obligation {
  const raw: Record<string, unknown> = {};
  for (const a of o.assignments) {
    const previous = raw[a.attributeId];
    if (previous === undefined) raw[a.attributeId] = a.value;
    else raw[a.attributeId] = [...(Array.isArray(previous) ? previous : [previous]), a.value];
  }
  const lang = raw.lang;
  const attributes: Record<string, unknown> = {};
  for (const name in raw) {
    let v = raw[name];
    if (name === 'filter' && typeof v === 'string' && (lang === undefined || lang === 'cql2-json') && v.trimStart().startsWith('{')) v = parsedFilter(v);
    attributes[name] = bindSubject(v, subject);
  }
  return { id: o.id, attributes };
}

const REASONS: Record<string, string> = {
  Permit: 'PDP decided Permit',
  Deny: 'PDP decided Deny',
  NotApplicable: 'PDP decided NotApplicable',
  Indeterminate: 'PDP decided Indeterminate',
};

export function decisionOf(result: XacmlResult, subject: Subject): Decision {
  const decision = result.decision as DecisionValue;
  const code = result.status?.code;
  const reason = code !== undefined && code !== STATUS_OK ? `PDP decided ${decision} (status ${code}${result.status!.message ? `: ${result.status!.message}` : ''})` : REASONS[decision]!;
  const obligations = result.obligations.length ? result.obligations.map((o) => directive(o, subject)) : [];
  if (!result.advice.length) return { decision, obligations, reason };
  return { decision, obligations, advice: result.advice.map((a) => directive(a, subject)), reason };
}
