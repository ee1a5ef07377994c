/**
 * XACML 3.0 policy engine: a pure library (no HTTP, no database) used by the `pdp` plugin.
 *
 * Public API:
 * - `compilePolicyDocument(xml)` parses a Policy or PolicySet (libxmljs2, no DTD, no entities,
 *   no network) and compiles it once into an evaluator tree. The result exposes `id`, `version`
 *   and `kind` ('Policy' | 'PolicySet'). Invalid policies (unknown function, data type or
 *   combining algorithm, wrong arity or argument type where statically known, undefined
 *   VariableReference...) throw `PolicySyntaxError` naming what and where.
 * - `createPolicyDecisionPoint({ roots, referenced, attributeFinders, maxMultipleDecisions })`
 *   returns `{ evaluate(request) }`. With several roots, the one whose Target applies is used (more
 *   than one applicable -> Indeterminate). Policy(Set)IdReference resolve against roots and
 *   `referenced`, honouring Version / EarliestVersion / LatestVersion patterns and choosing the
 *   latest matching version; circular references give Indeterminate (processing-error).
 *   Evaluation is synchronous; it goes async only when an attribute is missing and a finder
 *   could supply it.
 * - `AttributeFinder` (PIP): asked for attributes the request lacks (e.g. remaining credit).
 * - `parseXmlRequest(text)`, `parseJsonRequest(textOrObject)` (JSON Profile of XACML 3.0 v1.1:
 *   shorthand category names, inferred data types, Category arrays, MultiRequests) throw
 *   `XacmlSyntaxError`; answer it with `syntaxErrorResponse(message)`.
 * - `responseToXml(response)` (string) and `responseToJson(response)` (JSON Profile object).
 * - Types of the request/response context: `XacmlRequest`, `XacmlResponse`, `XacmlResult`...
 *
 * Typical use:
 *   const pdp = createPolicyDecisionPoint({ roots: [compilePolicyDocument(xml)] });
 *   const response = await pdp.evaluate(parseJsonRequest(body));
 *   ctx.body = responseToJson(response);
 */
export * from './types.js';
export { PolicySyntaxError, XacmlSyntaxError } from './errors.js';
export { compilePolicyDocument, type CompiledPolicyDocument } from './policy-document.js';
export { createPolicyDecisionPoint, type PolicyDecisionPoint, type PolicyDecisionPointOptions } from './pdp.js';
export { parseXmlRequest } from './request-xml.js';
export { parseJsonRequest } from './request-json.js';
export { responseToXml } from './response-xml.js';
export { responseToJson } from './response-json.js';
export { syntaxErrorResponse } from './responses.js';
