/** Writes an XacmlResponse in the JSON Profile of XACML 3.0 v1.1. */
import type { ObligationOrAdvice, XacmlResponse, XacmlResult } from './types.js';

function items(list: ObligationOrAdvice[]): object[] {
  return list.map((o) => ({
    Id: o.id,
    ...(o.assignments.length ? {
      AttributeAssignment: o.assignments.map((a) => ({
        AttributeId: a.attributeId, Value: a.value, DataType: a.dataType,
        ...(a.category ? { Category: a.category } : {}), ...(a.issuer ? { Issuer: a.issuer } : {}),
      })),
    } : {}),
  }));
}

function result(r: XacmlResult): object {
  const out: Record<string, unknown> = { Decision: r.decision };
  if (r.status) {
    const s = r.status;
    out.Status = {
      StatusCode: { Value: s.code, ...(s.subCode ? { StatusCode: { Value: s.subCode } } : {}) },
      ...(s.message ? { StatusMessage: s.message } : {}),
      ...(s.missingAttributes?.length ? {
        StatusDetail: { MissingAttributeDetail: s.missingAttributes.map((m) => ({ Category: m.category, AttributeId: m.attributeId, DataType: m.dataType, ...(m.issuer ? { Issuer: m.issuer } : {}) })) },
      } : {}),
    };
  }
  if (r.obligations.length) out.Obligations = items(r.obligations);
  if (r.advice.length) out.AssociatedAdvice = items(r.advice);
  if (r.attributes.length) {
    out.Category = r.attributes.map((c) => ({
      CategoryId: c.category,
      Attribute: c.attributes.map((a) => ({
        AttributeId: a.attributeId,
        Value: a.values.length === 1 ? a.values[0]!.value : a.values.map((v) => v.value),
        DataType: a.values[0]?.dataType,
        ...(a.issuer ? { Issuer: a.issuer } : {}),
        IncludeInResult: true,
      })),
    }));
  }
  if (r.policyIdentifiers) {
    out.PolicyIdentifierList = {
      PolicyIdReference: r.policyIdentifiers.policies.map((p) => ({ Id: p.id, Version: p.version })),
      PolicySetIdReference: r.policyIdentifiers.policySets.map((p) => ({ Id: p.id, Version: p.version })),
    };
  }
  return out;
}

export function responseToJson(response: XacmlResponse): object {
  return { Response: response.results.map(result) };
}
