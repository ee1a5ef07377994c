/** Writes an XacmlResponse as an XACML 3.0 XML Response. */
import { XACML3_NS, type ObligationOrAdvice, type XacmlResponse, type XacmlResult } from './types.js';
import { escapeXml as x } from './xml-escape.js';

function assignments(item: ObligationOrAdvice): string {
  return item.assignments.map((a) => `<AttributeAssignment AttributeId="${x(a.attributeId)}" DataType="${x(a.dataType)}"${a.category ? ` Category="${x(a.category)}"` : ''}${a.issuer ? ` Issuer="${x(a.issuer)}"` : ''}>${x(a.value)}</AttributeAssignment>`).join('');
}

function result(r: XacmlResult): string {
  let out = `<Result><Decision>${r.decision}</Decision>`;
  if (r.status) {
    const s = r.status;
    out += `<Status><StatusCode Value="${x(s.code)}">${s.subCode ? `<StatusCode Value="${x(s.subCode)}"/>` : ''}</StatusCode>`;
    if (s.message) out += `<StatusMessage>${x(s.message)}</StatusMessage>`;
    if (s.missingAttributes?.length) {
      out += '<StatusDetail>' + s.missingAttributes.map((m) => `<MissingAttributeDetail Category="${x(m.category)}" AttributeId="${x(m.attributeId)}" DataType="${x(m.dataType)}"${m.issuer ? ` Issuer="${x(m.issuer)}"` : ''}/>`).join('') + '</StatusDetail>';
    }
    out += '</Status>';
  }
  if (r.obligations.length) out += `<Obligations>${r.obligations.map((o) => `<Obligation ObligationId="${x(o.id)}">${assignments(o)}</Obligation>`).join('')}</Obligations>`;
  if (r.advice.length) out += `<AssociatedAdvice>${r.advice.map((o) => `<Advice AdviceId="${x(o.id)}">${assignments(o)}</Advice>`).join('')}</AssociatedAdvice>`;
  for (const c of r.attributes) {
    out += `<Attributes Category="${x(c.category)}">`;
    for (const a of c.attributes) {
      out += `<Attribute AttributeId="${x(a.attributeId)}" IncludeInResult="true"${a.issuer ? ` Issuer="${x(a.issuer)}"` : ''}>`;
      out += a.values.map((v) => `<AttributeValue DataType="${x(v.dataType)}"${v.xpathCategory ? ` XPathCategory="${x(v.xpathCategory)}"` : ''}>${x(String(v.value))}</AttributeValue>`).join('');
      out += '</Attribute>';
    }
    out += '</Attributes>';
  }
  if (r.policyIdentifiers) {
    out += '<PolicyIdentifierList>';
    for (const p of r.policyIdentifiers.policies) out += `<PolicyIdReference Version="${x(p.version)}">${x(p.id)}</PolicyIdReference>`;
    for (const p of r.policyIdentifiers.policySets) out += `<PolicySetIdReference Version="${x(p.version)}">${x(p.id)}</PolicySetIdReference>`;
    out += '</PolicyIdentifierList>';
  }
  return `${out}</Result>`;
}

export function responseToXml(response: XacmlResponse): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response xmlns="${XACML3_NS}">${response.results.map(result).join('')}</Response>`;
}
