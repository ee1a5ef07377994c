import type { AuthorizationRequest, Decision, DecisionValue, Obligation, Subject } from '../types.js';
import { bindSubject } from './rules.js';

/**
 * Mapping between Meridian's authorization requests and the JSON Profile of XACML 3.0
 * (v1.0/1.1): the request's four standard categories and the Response's Decision,
 * Obligations and AssociatedAdvice.
 */

export const XACML_CATEGORY = {
  accessSubject: 'urn:oasis:names:tc:xacml:1.0:subject-category:access-subject',
  resource: 'urn:oasis:names:tc:xacml:3.0:attribute-category:resource',
  action: 'urn:oasis:names:tc:xacml:3.0:attribute-category:action',
  environment: 'urn:oasis:names:tc:xacml:3.0:attribute-category:environment',
} as const;

/**
 * Attribute ids sent to the PDP. The first five are XACML's own; the `urn:meridian:` ones are
 * Meridian's, for what XACML has no standard id for. Each resource attribute `NAME` goes as
 * `urn:meridian:resource:attribute:NAME`, each context key `KEY` as `urn:meridian:environment:KEY`.
 */
export const XACML_ATTRIBUTE = {
  subjectId: 'urn:oasis:names:tc:xacml:1.0:subject:subject-id',
  /** The subject's groups, one value each (XACML RBAC profile's role attribute). */
  role: 'urn:oasis:names:tc:xacml:2.0:subject:role',
  authenticationMethod: 'urn:oasis:names:tc:xacml:1.0:subject:authentication-method',
  resourceId: 'urn:oasis:names:tc:xacml:1.0:resource:resource-id',
  actionId: 'urn:oasis:names:tc:xacml:1.0:action:action-id',
  currentDateTime: 'urn:oasis:names:tc:xacml:1.0:environment:current-dateTime',
  subjectIssuer: 'urn:meridian:subject:issuer',
  subjectAnonymous: 'urn:meridian:subject:anonymous',
  resourceType: 'urn:meridian:resource:type',
  resourceService: 'urn:meridian:resource:service',
  resourceOwner: 'urn:meridian:resource:owner',
  resourceAttributePrefix: 'urn:meridian:resource:attribute:',
  environmentPrefix: 'urn:meridian:environment:',
} as const;

export const XACML_DATATYPE = {
  string: 'http://www.w3.org/2001/XMLSchema#string',
  boolean: 'http://www.w3.org/2001/XMLSchema#boolean',
  integer: 'http://www.w3.org/2001/XMLSchema#integer',
  double: 'http://www.w3.org/2001/XMLSchema#double',
  dateTime: 'http://www.w3.org/2001/XMLSchema#dateTime',
} as const;

const STATUS_OK = 'urn:oasis:names:tc:xacml:1.0:status:ok';

export interface XacmlAttribute {
  AttributeId: string;
  DataType: string;
  Value: unknown;
  IncludeInResult: boolean;
}

export interface XacmlCategory {
  CategoryId: string;
  Attribute: XacmlAttribute[];
}

export interface XacmlRequest {
  Request: { ReturnPolicyIdList: boolean; CombinedDecision: boolean; Category: XacmlCategory[] };
}

/** An attribute value as sent: XACML's string, boolean, integer or double. */
export type XacmlScalar = string | number | boolean;

/** The XACML data type of a value as sent. */
export function dataTypeOf(value: XacmlScalar): string {
  if (typeof value === 'boolean') return XACML_DATATYPE.boolean;
  if (typeof value === 'number') return Number.isInteger(value) ? XACML_DATATYPE.integer : XACML_DATATYPE.double;
  return XACML_DATATYPE.string;
}

/** A request value as an attribute value: none for absent, dates as ISO 8601, objects as JSON text. */
export function toScalar(value: unknown): XacmlScalar | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

/**
 * One attribute, or none for an absent value or an empty bag. Arrays become bags; a bag of
 * mixed types is sent as strings, since a XACML bag has one data type.
 */
export function attribute(id: string, value: unknown, dataType?: string): XacmlAttribute[] {
  const values = (Array.isArray(value) ? value : [value]).map(toScalar).filter((v): v is XacmlScalar => v !== undefined);
  if (values.length === 0) return [];
  const types = new Set(values.map(dataTypeOf));
  const type = dataType ?? (types.size === 1 ? [...types][0]! : XACML_DATATYPE.string);
  const typed = type === XACML_DATATYPE.string ? values.map(String) : values;
  return [{ AttributeId: id, DataType: type, Value: Array.isArray(value) ? typed : typed[0], IncludeInResult: false }];
}

export function toXacmlRequest(request: AuthorizationRequest, now: Date = new Date()): XacmlRequest {
  const { subject, resource, action, context } = request;
  const A = XACML_ATTRIBUTE;
  const subjectAttributes = [
    ...attribute(A.subjectId, subject.id),
    ...attribute(A.role, subject.groups),
    ...attribute(A.authenticationMethod, subject.method),
    ...attribute(A.subjectIssuer, subject.issuer || undefined),
    ...attribute(A.subjectAnonymous, subject.anonymous),
  ];
  const resourceAttributes = [
    ...attribute(A.resourceId, resource.id),
    ...attribute(A.resourceType, resource.type),
    ...attribute(A.resourceService, resource.service),
    ...attribute(A.resourceOwner, resource.owner),
    ...Object.entries(resource.attributes ?? {}).flatMap(([name, value]) => attribute(A.resourceAttributePrefix + name, value)),
  ];
  const environmentAttributes = [
    ...attribute(A.currentDateTime, now.toISOString(), XACML_DATATYPE.dateTime),
    ...Object.entries(context).flatMap(([key, value]) => attribute(A.environmentPrefix + key, value)),
  ];
  return {
    Request: {
      ReturnPolicyIdList: false,
      CombinedDecision: false,
      Category: [
        { CategoryId: XACML_CATEGORY.accessSubject, Attribute: subjectAttributes },
        { CategoryId: XACML_CATEGORY.resource, Attribute: resourceAttributes },
        { CategoryId: XACML_CATEGORY.action, Attribute: attribute(A.actionId, action) },
        { CategoryId: XACML_CATEGORY.environment, Attribute: environmentAttributes },
      ],
    },
  };
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A list that the JSON Profile allows to be written as one object when it has one member. */
function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** Obligations or advice: `{ Id, AttributeAssignment: [{ AttributeId, Value }] }`, repeated ids as arrays. */
function parseDirectives(value: unknown): Obligation[] {
  return asList(value).flatMap((item) => {
    const record = asRecord(item);
    const id = record?.Id ?? record?.ObligationId ?? record?.AdviceId;
    if (typeof id !== 'string') return [];
    const attributes: Record<string, unknown> = {};
    for (const assignment of asList(record!.AttributeAssignment)) {
      const a = asRecord(assignment);
      if (!a || typeof a.AttributeId !== 'string') continue;
      const previous = attributes[a.AttributeId];
      if (previous === undefined) attributes[a.AttributeId] = a.Value;
      else attributes[a.AttributeId] = [...(Array.isArray(previous) ? previous : [previous]), ...asList(a.Value)];
    }
    return [{ id, attributes }];
  });
}

function indeterminate(reason: string): Decision {
  return { decision: 'Indeterminate', obligations: [], reason };
}

/** The Decision in a JSON Profile Response (its first Result); Indeterminate for anything malformed. */
export function fromXacmlResponse(body: unknown): Decision {
  const response = asRecord(body)?.Response;
  const result = asRecord(asList(response)[0]);
  if (!result) return indeterminate('PDP response has no Result');
  const value = result.Decision;
  let decision: DecisionValue;
  if (value === 'Permit' || value === 'Deny' || value === 'NotApplicable') decision = value;
  else if (typeof value === 'string' && value.startsWith('Indeterminate')) decision = 'Indeterminate';
  else return indeterminate(`PDP response has an unknown Decision ${JSON.stringify(value)}`);

  const status = asRecord(result.Status);
  const code = asRecord(status?.StatusCode)?.Value;
  const message = typeof status?.StatusMessage === 'string' ? status.StatusMessage : undefined;
  const statusText = typeof code === 'string' && code !== STATUS_OK ? ` (status ${code}${message ? `: ${message}` : ''})` : '';
  const advice = parseDirectives(result.AssociatedAdvice);
  return {
    decision,
    obligations: parseDirectives(result.Obligations),
    ...(advice.length ? { advice } : {}),
    reason: `PDP decided ${decision}${statusText}`,
  };
}

/**
 * An obligation from a XACML PDP as the engines read it: a cql2-json `filter` sent as JSON text
 * (AttributeAssignment values are text) becomes the JSON value, and '$subject.id',
 * '$subject.issuer', '$subject.groups' in it (or as whole values) are bound to the requesting
 * subject, as the rules decision point does, so no subject id is ever spliced into filter text.
 */
export function bindObligation(obligation: Obligation, subject: Subject): Obligation {
  const attributes: Record<string, unknown> = {};
  const lang = obligation.attributes.lang;
  for (const [name, value] of Object.entries(obligation.attributes)) {
    let v = value;
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

/** A XACML decision with its obligations and advice bound to the subject (bindObligation). */
export function bindDecision(decision: Decision, subject: Subject): Decision {
  if (decision.obligations.length === 0 && !decision.advice?.length) return decision;
  return {
    ...decision,
    obligations: decision.obligations.map((o) => bindObligation(o, subject)),
    ...(decision.advice ? { advice: decision.advice.map((a) => bindObligation(a, subject)) } : {}),
  };
}
