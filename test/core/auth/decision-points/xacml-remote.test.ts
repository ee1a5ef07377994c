import assert from 'node:assert/strict';
import { createXacmlRemoteDecisionPoint } from '../../../../core/auth/decision-points/xacml-remote.js';
import { XACML_ATTRIBUTE, XACML_CATEGORY, XACML_DATATYPE, bindDecision, bindObligation, fromXacmlResponse, toXacmlRequest, type XacmlRequest } from '../../../../core/auth/decision-points/xacml-json.js';
import { ANONYMOUS, authenticatedSubject } from '../../../../core/auth/subjects.js';
import type { DecisionPoint, Resource, Subject } from '../../../../core/auth/types.js';
import { WARN, captureLogs } from '../support/logs.js';
import { closedPort } from '../support/closed-port.js';
import { TestPdp } from '../support/test-pdp.js';

const alice = authenticatedSubject({ id: 'alice', issuer: 'https://idp.example', method: 'jwt', groups: ['editors', 'eo'] });
const root = authenticatedSubject({ id: 'root', issuer: 'meridian:local', method: 'basic', groups: ['admin'] });

function category(request: XacmlRequest, id: string) {
  const found = request.Request.Category.find((c) => c.CategoryId === id);
  assert.ok(found, `category ${id}`);
  return found;
}

function attr(request: XacmlRequest, categoryId: string, attributeId: string) {
  return category(request, categoryId).Attribute.find((a) => a.AttributeId === attributeId);
}

describe('core/auth/decision-points/xacml-json: JSON Profile mapping', () => {
  it('maps subject, resource, action and context to the four standard categories and attribute ids', () => {
    const now = new Date('2030-05-06T07:08:09.000Z');
    const request = toXacmlRequest(
      {
        subject: alice,
        resource: { type: 'layer', id: 'ndvi', service: 'wms', owner: 'bob', attributes: { visibility: 'public', cloud: 12.5, bands: ['B04', 'B08'] } },
        action: 'read',
        context: { ip: '192.0.2.1', tls: true },
      },
      now,
    );
    assert.equal(request.Request.ReturnPolicyIdList, false);
    assert.equal(request.Request.CombinedDecision, false);
    assert.deepEqual(
      request.Request.Category.map((c) => c.CategoryId),
      [XACML_CATEGORY.accessSubject, XACML_CATEGORY.resource, XACML_CATEGORY.action, XACML_CATEGORY.environment],
    );
    const S = XACML_CATEGORY.accessSubject;
    assert.deepEqual(attr(request, S, 'urn:oasis:names:tc:xacml:1.0:subject:subject-id'), {
      AttributeId: 'urn:oasis:names:tc:xacml:1.0:subject:subject-id',
      DataType: 'http://www.w3.org/2001/XMLSchema#string',
      Value: 'alice',
      IncludeInResult: false,
    });
    assert.deepEqual(attr(request, S, 'urn:oasis:names:tc:xacml:2.0:subject:role')?.Value, ['editors', 'eo']);
    assert.equal(attr(request, S, XACML_ATTRIBUTE.subjectIssuer)?.Value, 'https://idp.example');
    assert.equal(attr(request, S, XACML_ATTRIBUTE.subjectAnonymous)?.DataType, XACML_DATATYPE.boolean);
    const R = XACML_CATEGORY.resource;
    assert.equal(attr(request, R, 'urn:oasis:names:tc:xacml:1.0:resource:resource-id')?.Value, 'ndvi');
    assert.equal(attr(request, R, XACML_ATTRIBUTE.resourceType)?.Value, 'layer');
    assert.equal(attr(request, R, XACML_ATTRIBUTE.resourceService)?.Value, 'wms');
    assert.equal(attr(request, R, XACML_ATTRIBUTE.resourceOwner)?.Value, 'bob');
    assert.deepEqual(attr(request, R, 'urn:meridian:resource:attribute:cloud'), {
      AttributeId: 'urn:meridian:resource:attribute:cloud',
      DataType: XACML_DATATYPE.double,
      Value: 12.5,
      IncludeInResult: false,
    });
    assert.deepEqual(attr(request, R, 'urn:meridian:resource:attribute:bands')?.Value, ['B04', 'B08']);
    assert.deepEqual(category(request, XACML_CATEGORY.action).Attribute, [
      { AttributeId: 'urn:oasis:names:tc:xacml:1.0:action:action-id', DataType: XACML_DATATYPE.string, Value: 'read', IncludeInResult: false },
    ]);
    const E = XACML_CATEGORY.environment;
    assert.deepEqual(attr(request, E, 'urn:oasis:names:tc:xacml:1.0:environment:current-dateTime'), {
      AttributeId: 'urn:oasis:names:tc:xacml:1.0:environment:current-dateTime',
      DataType: XACML_DATATYPE.dateTime,
      Value: '2030-05-06T07:08:09.000Z',
      IncludeInResult: false,
    });
    assert.equal(attr(request, E, 'urn:meridian:environment:ip')?.Value, '192.0.2.1');
  });

  it('leaves out absent values and empty bags (an anonymous subject has no role attribute)', () => {
    const request = toXacmlRequest({ subject: ANONYMOUS, resource: { type: 'collection' }, action: 'read', context: {} });
    const S = XACML_CATEGORY.accessSubject;
    assert.equal(attr(request, S, XACML_ATTRIBUTE.role), undefined);
    assert.equal(attr(request, S, XACML_ATTRIBUTE.subjectIssuer), undefined);
    assert.equal(attr(request, S, XACML_ATTRIBUTE.subjectAnonymous)?.Value, true);
    assert.equal(attr(request, XACML_CATEGORY.resource, XACML_ATTRIBUTE.resourceId), undefined);
  });

  it('reads Decision, Obligations and AssociatedAdvice from a JSON Profile Response', () => {
    const decision = fromXacmlResponse({
      Response: [
        {
          Decision: 'Permit',
          Status: { StatusCode: { Value: 'urn:oasis:names:tc:xacml:1.0:status:ok' } },
          Obligations: [
            {
              Id: 'urn:oasis:names:tc:xacml:2.0:conformance-test:IIIA001:obligation-2',
              AttributeAssignment: [
                { AttributeId: 'urn:oasis:names:tc:xacml:2.0:conformance-test:IIIA001:assignment1', DataType: 'http://www.w3.org/2001/XMLSchema#string', Value: 'assignment1' },
                { AttributeId: 'urn:oasis:names:tc:xacml:2.0:conformance-test:IIIA001:assignment2', Value: 'C. Everet Koop' },
                { AttributeId: 'urn:oasis:names:tc:xacml:2.0:conformance-test:IIIA001:assignment2', Value: 'Victor Frankenstein' },
              ],
            },
          ],
          AssociatedAdvice: { Id: 'urn:example:advice', AttributeAssignment: [{ AttributeId: 'level', Value: 3 }] },
        },
      ],
    });
    assert.equal(decision.decision, 'Permit');
    assert.deepEqual(decision.obligations, [
      {
        id: 'urn:oasis:names:tc:xacml:2.0:conformance-test:IIIA001:obligation-2',
        attributes: {
          'urn:oasis:names:tc:xacml:2.0:conformance-test:IIIA001:assignment1': 'assignment1',
          'urn:oasis:names:tc:xacml:2.0:conformance-test:IIIA001:assignment2': ['C. Everet Koop', 'Victor Frankenstein'],
        },
      },
    ]);
    assert.deepEqual(decision.advice, [{ id: 'urn:example:advice', attributes: { level: 3 } }]);
  });

  it('accepts a single Result object (JSON Profile 1.0) and reports a non-ok status of an Indeterminate', () => {
    assert.equal(fromXacmlResponse({ Response: { Decision: 'Deny' } }).decision, 'Deny');
    const syntax = fromXacmlResponse({
      Response: [{ Status: { StatusCode: { Value: 'urn:oasis:names:tc:xacml:1.0:status:syntax-error' }, StatusMessage: 'bad attribute' }, Decision: 'Indeterminate' }],
    });
    assert.equal(syntax.decision, 'Indeterminate');
    assert.match(syntax.reason!, /syntax-error: bad attribute/);
  });

  it('binds $subject placeholders in obligations, reading a cql2-json filter sent as JSON text, without splicing text', () => {
    const mallory = authenticatedSubject({ id: "x' OR '1'='1", issuer: 'https://idp.example', method: 'jwt', groups: ['g'] });
    const filter = JSON.stringify({ op: '=', args: [{ property: 'owner' }, '$subject.id'] });
    const bound = bindObligation({ id: 'filter', attributes: { lang: 'cql2-json', filter, who: '$subject.groups' } }, mallory);
    assert.deepEqual(bound.attributes.filter, { op: '=', args: [{ property: 'owner' }, "x' OR '1'='1"] }, 'a value, never filter text');
    assert.deepEqual(bound.attributes.who, ['g']);
    const text = bindObligation({ id: 'filter', attributes: { lang: 'cql2-text', filter: "owner = '$subject.id'" } }, mallory);
    assert.equal(text.attributes.filter, "owner = '$subject.id'", 'cql2-text is left alone: the engine refuses what it cannot bind');
    const decision = { decision: 'Permit' as const, obligations: [] };
    assert.equal(bindDecision(decision, mallory), decision, 'nothing to bind: the same object');
  });

  it('treats anything malformed as Indeterminate', () => {
    for (const body of [null, {}, { Response: [] }, { Response: [{ Decision: 'Maybe' }] }, 'Permit']) {
      assert.equal(fromXacmlResponse(body).decision, 'Indeterminate', JSON.stringify(body));
    }
  });
});

describe('core/auth/decision-points/xacml-remote against a test PDP (the built-in PDP comes later)', () => {
  let pdp: TestPdp;
  let point: DecisionPoint;
  let logs: ReturnType<typeof captureLogs>;

  before(async () => {
    pdp = await TestPdp.start();
  });
  after(() => pdp.close());
  beforeEach(() => {
    pdp.mode = 'normal';
    pdp.requests = [];
    logs = captureLogs();
    point = createXacmlRemoteDecisionPoint({ url: pdp.url, timeoutMs: 500 }, logs.logger);
  });

  const ask = (subject: Subject, resource: Resource, action: string) => point.decide({ subject, resource, action, context: {} });

  it('POSTs application/xacml+json and gets Permit for an admin', async () => {
    const decision = await ask(root, { type: 'layer', id: 'x', attributes: { visibility: 'private' } }, 'delete');
    assert.equal(decision.decision, 'Permit');
    assert.equal(pdp.requests.length, 1);
    assert.equal(pdp.requests[0]!.contentType, 'application/xacml+json');
  });

  it('returns the obligations and advice of a Permit', async () => {
    const decision = await ask(alice, { type: 'collection', id: 'S2', attributes: { visibility: 'public' } }, 'read');
    assert.equal(decision.decision, 'Permit');
    assert.deepEqual(decision.obligations, [
      { id: 'urn:meridian:obligation:filter', attributes: { 'urn:meridian:filter:viewer': 'alice', 'urn:meridian:filter:visibility': ['public', 'shared'] } },
    ]);
    assert.deepEqual(decision.advice, [{ id: 'urn:example:advice:audit', attributes: { 'urn:example:advice:level': 'low' } }]);
  });

  it('gets Deny, owner Permit and NotApplicable as the PDP evaluates them', async () => {
    assert.equal((await ask(alice, { type: 'layer', id: 'x', owner: 'bob', attributes: { visibility: 'private' } }, 'read')).decision, 'Deny');
    assert.equal((await ask(alice, { type: 'layer', id: 'x', owner: 'bob' }, 'write')).decision, 'Deny');
    assert.equal((await ask(alice, { type: 'layer', id: 'x', owner: 'alice' }, 'write')).decision, 'Permit');
    assert.equal((await ask(alice, { type: 'unknown' }, 'read')).decision, 'NotApplicable');
  });

  it('PDP down: Indeterminate, with the reason logged', async () => {
    const port = await closedPort();
    const down = createXacmlRemoteDecisionPoint({ url: `http://127.0.0.1:${port}/pdp` }, logs.logger);
    const decision = await down.decide({ subject: root, resource: { type: 'layer' }, action: 'read', context: {} });
    assert.equal(decision.decision, 'Indeterminate');
    assert.match(decision.reason!, /unreachable/);
    assert.ok(logs.records.some((r) => r.level === WARN && String(r.reason).includes('unreachable')));
  });

  it('PDP too slow: Indeterminate after the timeout', async () => {
    pdp.mode = 'hang';
    const slow = createXacmlRemoteDecisionPoint({ url: pdp.url, timeoutMs: 100 }, logs.logger);
    const decision = await slow.decide({ subject: root, resource: { type: 'layer' }, action: 'read', context: {} });
    assert.equal(decision.decision, 'Indeterminate');
    assert.match(decision.reason!, /within 100 ms/);
  });

  it('HTTP errors and unreadable answers: Indeterminate', async () => {
    pdp.mode = 'http-500';
    const failed = await ask(root, { type: 'layer' }, 'read');
    assert.equal(failed.decision, 'Indeterminate');
    assert.match(failed.reason!, /HTTP 500/);
    pdp.mode = 'garbage';
    assert.equal((await ask(root, { type: 'layer' }, 'read')).decision, 'Indeterminate');
  });
});
