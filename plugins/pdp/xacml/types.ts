/**
 * The XACML 3.0 request and response context as plain data, independent of its encoding
 * (XML or the JSON Profile): parsers produce these, encoders consume them.
 */
import type { Element as XmlElement } from 'libxmljs2';

export const XACML3_NS = 'urn:oasis:names:tc:xacml:3.0:core:schema:wd-17';

export const STATUS_OK = 'urn:oasis:names:tc:xacml:1.0:status:ok';
export const STATUS_MISSING_ATTRIBUTE = 'urn:oasis:names:tc:xacml:1.0:status:missing-attribute';
export const STATUS_SYNTAX_ERROR = 'urn:oasis:names:tc:xacml:1.0:status:syntax-error';
export const STATUS_PROCESSING_ERROR = 'urn:oasis:names:tc:xacml:1.0:status:processing-error';

export type Decision = 'Permit' | 'Deny' | 'NotApplicable' | 'Indeterminate';

/**
 * One attribute value as carried by a request, a finder or an attribute assignment: the data type
 * URI and the value's lexical form (JSON numbers and booleans are accepted as such). An
 * xpathExpression value also names the category whose Content it applies to, and the namespace
 * bindings in scope where it was written.
 */
export interface AttributeValue {
  dataType: string;
  value: string | number | boolean;
  xpathCategory?: string;
  namespaces?: Record<string, string>;
}

export interface RequestAttribute {
  attributeId: string;
  issuer?: string;
  includeInResult: boolean;
  values: AttributeValue[];
}

/** One `<Attributes>` element (JSON: one Category object). */
export interface RequestCategory {
  category: string;
  /** xml:id (JSON: Id), the target of a RequestReference. */
  id?: string;
  attributes: RequestAttribute[];
  /** The first element child of `<Content>`, for AttributeSelector. */
  content?: XmlElement;
}

export interface XacmlRequest {
  returnPolicyIdList: boolean;
  combinedDecision: boolean;
  categories: RequestCategory[];
  /** MultiRequests: each reference lists ids of categories that form one individual request. */
  multiRequests?: string[][];
  /** RequestDefaults/XPathVersion, when given. */
  xpathVersion?: string;
}

export interface MissingAttributeDetail {
  category: string;
  attributeId: string;
  dataType: string;
  issuer?: string;
}

export interface XacmlStatus {
  code: string;
  /** A nested StatusCode, when there is one. */
  subCode?: string;
  message?: string;
  missingAttributes?: MissingAttributeDetail[];
}

export interface AttributeAssignment {
  attributeId: string;
  category?: string;
  issuer?: string;
  dataType: string;
  /** Lexical form of the value. */
  value: string;
}

/** An Obligation or an Advice of a Result. */
export interface ObligationOrAdvice {
  id: string;
  assignments: AttributeAssignment[];
}

export interface PolicyIdentifier {
  id: string;
  version: string;
}

export interface XacmlResult {
  decision: Decision;
  status?: XacmlStatus;
  obligations: ObligationOrAdvice[];
  advice: ObligationOrAdvice[];
  /** Attributes with IncludeInResult="true", grouped by category as the request had them. */
  attributes: RequestCategory[];
  /** When the request asked ReturnPolicyIdList. */
  policyIdentifiers?: { policies: PolicyIdentifier[]; policySets: PolicyIdentifier[] };
}

export interface XacmlResponse {
  results: XacmlResult[];
}

/**
 * A policy information point consulted when a request lacks an attribute a policy designates.
 * `category` / `attributeId`, when set, restrict which designators the finder is asked about.
 * Returning undefined (or an empty array) means "not known here".
 */
export interface AttributeFinder {
  category?: string;
  attributeId?: string;
  find(category: string, attributeId: string, dataType: string, issuer: string | undefined, request: XacmlRequest): Promise<AttributeValue[] | undefined>;
  /**
   * Optional: the values when they are known without waiting (e.g. cached): an array (empty:
   * known to be none here), or undefined when only find() can tell. Saves an evaluation pass.
   */
  findNow?(category: string, attributeId: string, dataType: string, issuer: string | undefined, request: XacmlRequest): AttributeValue[] | undefined;
}
