/**
 * The decision point's direct mapping (plugins/pdp/request-mapping.ts) against the core's JSON
 * Profile mapping it replaces: same engine request attributes, same Decisions, obligations bound.
 */
import { strict as assert } from 'node:assert';
import { bindDecision, fromXacmlResponse, toXacmlRequest, XACML_CATEGORY } from '../../../core/auth/decision-points/xacml-json.js';
import { ANONYMOUS, authenticatedSubject } from '../../../core/auth/subjects.js';
import type { AuthorizationRequest } from '../../../core/auth/types.js';
import { decisionOf, engineRequestOf } from '../../../plugins/pdp/request-mapping.js';
import { builtinPolicyXml } from '../../../plugins/pdp/generated-policies.js';
import { compilePolicyDocument, createPolicyDecisionPoint, responseToJson, type XacmlRequest } from '../../../plugins/pdp/xacml/index.js';

/** The core mapping as the engine request the plugin used to build from it. */
function viaJson(request: AuthorizationRequest): XacmlRequest {
  const json = toXacmlRequest(request);
  return {
    returnPolicyIdList: false,
    combinedDecision: false,
    categories: json.Request.Category.map((c) => ({
      category: c.CategoryId,
      attributes: c.Attribute.map((a) => ({
        attributeId: a.AttributeId,
        includeInResult: a.IncludeInResult,
        values: (Array.isArray(a.Value) ? a.Value : [a.Value]).map((value) => ({ dataType: a.DataType, value: value as string | number | boolean })),
      })),
    })),
  };
}

/** Categories without current-dateTime (the direct mapping leaves it to the engine) and empty categories. */
function comparable(r: XacmlRequest) {
  return r.categories
    .map((c) => ({ category: c.category, attributes: c.attributes.filter((a) => a.attributeId !== 'urn:oasis:names:tc:xacml:1.0:environment:current-dateTime') }))
    .filter((c) => c.attributes.length > 0);
}

const alice = authenticatedSubject({ id: 'alice', issuer: 'meridian:local', method: 'basic', groups: ['g1', 'g2'] });
const requests: AuthorizationRequest[] = [
  { subject: alice, resource: { type: 'record', service: 'catalogue' }, action: 'read', context: {} },
  { subject: ANONYMOUS, resource: { type: 'coverage', service: 'coverages', id: 'dem', owner: 'bob', attributes: { visibility: 'public' } }, action: 'read', context: { ip: '10.0.0.1' } },
  {
    subject: authenticatedSubject({ id: 'k1', issuer: 'meridian:apikey', method: 'apikey', groups: [] }),
    resource: { type: 'object', service: 's3', id: 'b/k', attributes: { bucket: 'b', key: 'k', size: 12, ratio: 0.5, flag: true, when: new Date(0), tags: ['a', 2, true], nums: [1, 2], nested: { a: 1 }, none: null, empty: [] } },
    action: 's3:GetObject',
    context: { n: 3, list: ['x', 'y'], skip: undefined },
  },
];

describe('pdp request mapping (direct, without JSON)', () => {
  it('gives the engine the attributes the core JSON Profile mapping gives', () => {
    for (const r of requests) assert.deepEqual(comparable(engineRequestOf(r)), comparable(viaJson(r)), JSON.stringify(r.resource));
  });

  it('decides as the JSON route did, obligations parsed and bound to the subject', async () => {
    const docs = builtinPolicyXml().map((xml) => compilePolicyDocument(xml));
    const root = docs.find((d) => d.id === 'urn:meridian:pdp:policy-set:default')!;
    const pdp = createPolicyDecisionPoint({ roots: [root], referenced: docs });
    const cases: AuthorizationRequest[] = [
      ...requests,
      { subject: alice, resource: { type: 'record', service: 'catalogue', id: 'r1', attributes: { visibility: 'private' } }, action: 'read', context: {} },
      { subject: alice, resource: { type: 'record', service: 'catalogue', id: 'r1', owner: 'alice', attributes: { visibility: 'private' } }, action: 'delete', context: {} },
      { subject: authenticatedSubject({ id: 'root', issuer: 'meridian:local', method: 'basic', groups: ['admin'] }), resource: { type: 'x' }, action: 'delete', context: {} },
    ];
    const seen = new Set<string>();
    for (const r of cases) {
      const direct = decisionOf(await pdp.evaluateOne(engineRequestOf(r)), r.subject);
      const json = bindDecision(fromXacmlResponse(responseToJson(await pdp.evaluate(viaJson(r)))), r.subject);
      assert.deepEqual(direct, json, JSON.stringify(r.resource));
      seen.add(direct.decision);
      if (direct.obligations.length) assert.ok(!JSON.stringify(direct.obligations).includes('$subject'), 'placeholders bound');
    }
    assert.deepEqual([...seen].sort(), ['NotApplicable', 'Permit']);
    const filter = decisionOf(await pdp.evaluateOne(engineRequestOf(cases[0]!)), alice).obligations[0]!;
    assert.deepEqual(filter.attributes.filter, { op: 'or', args: [{ op: 'isNull', args: [{ property: 'visibility' }] }, { op: '<>', args: [{ property: 'visibility' }, 'private'] }, { op: '=', args: [{ property: 'owner' }, 'alice'] }] });
  });

  it('an Indeterminate keeps its status in the reason', async () => {
    const pdp = createPolicyDecisionPoint({ roots: [compilePolicyDocument(`<Policy xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="p" Version="1" RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides"><Target/><Rule RuleId="r" Effect="Permit"><Condition><Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:string-equal"><Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:string-one-and-only"><AttributeDesignator Category="${XACML_CATEGORY.resource}" AttributeId="missing" DataType="http://www.w3.org/2001/XMLSchema#string" MustBePresent="true"/></Apply><AttributeValue DataType="http://www.w3.org/2001/XMLSchema#string">x</AttributeValue></Apply></Condition></Rule></Policy>`)] });
    const r = requests[0]!;
    const direct = decisionOf(await pdp.evaluateOne(engineRequestOf(r)), r.subject);
    const json = bindDecision(fromXacmlResponse(responseToJson(await pdp.evaluate(viaJson(r)))), r.subject);
    assert.deepEqual(direct, json);
    assert.equal(direct.decision, 'Indeterminate');
    assert.match(direct.reason!, /missing-attribute/);
  });
});
