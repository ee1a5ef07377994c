import assert from 'node:assert/strict';
import { defaultRules } from '../../../../core/auth/decision-points/default-rules.js';
import { createRulesDecisionPoint, type RuleConfig } from '../../../../core/auth/decision-points/rules.js';
import { ANONYMOUS, authenticatedSubject } from '../../../../core/auth/subjects.js';
import type { DecisionPoint, Resource, Subject } from '../../../../core/auth/types.js';

const alice = authenticatedSubject({ id: 'alice', issuer: 'https://idp.example', method: 'jwt', groups: ['editors'] });
const bob = authenticatedSubject({ id: 'bob', issuer: 'https://idp.example', method: 'jwt' });
const root = authenticatedSubject({ id: 'root', issuer: 'meridian:local', method: 'basic', groups: ['admin'] });

async function decide(point: DecisionPoint, subject: Subject, resource: Resource, action: string) {
  return point.decide({ subject, resource, action, context: {} });
}

describe('core/auth/decision-points/rules', () => {
  it('first-applicable: the first matching rule decides, with its obligations only', async () => {
    const rules: RuleConfig[] = [
      { name: 'no deletes of layers', effect: 'deny', resources: { type: 'layer' }, actions: ['delete'] },
      { name: 'editors', effect: 'permit', subjects: { groups: ['editors'] }, actions: ['*'] },
      { name: 'everyone reads', effect: 'permit', actions: ['read'], obligations: [{ id: 'filter', attributes: { public: true } }] },
    ];
    const point = createRulesDecisionPoint({ rules });
    const layer = { type: 'layer', id: 'ndvi', service: 'wms' };
    const denied = await decide(point, alice, layer, 'delete');
    assert.equal(denied.decision, 'Deny');
    assert.match(denied.reason!, /rule 1 \(no deletes of layers\) denies/);
    const editor = await decide(point, alice, layer, 'read');
    assert.equal(editor.decision, 'Permit');
    assert.deepEqual(editor.obligations, [], 'the editors rule applies first, without the filter');
    const reader = await decide(point, bob, layer, 'read');
    assert.equal(reader.decision, 'Permit');
    assert.deepEqual(reader.obligations, [{ id: 'filter', attributes: { public: true } }]);
    assert.equal((await decide(point, bob, layer, 'write')).decision, 'NotApplicable');
  });

  it('matches resources by service, type and id globs, and attribute conditions', async () => {
    const point = createRulesDecisionPoint({
      rules: [
        {
          effect: 'permit',
          resources: { service: ['wms', 'wmts'], type: 'layer', id: 'sentinel2-*', attributes: { level: { in: ['L2A'] }, cloud: { exists: true } } },
          actions: ['read'],
        },
      ],
    });
    const ok = { service: 'wmts', type: 'layer', id: 'sentinel2-ndvi', attributes: { level: 'L2A', cloud: 3 } };
    assert.equal((await decide(point, bob, ok, 'read')).decision, 'Permit');
    for (const other of [
      { ...ok, service: 'wcs' },
      { ...ok, type: 'coverage' },
      { ...ok, id: 'landsat-ndvi' },
      { ...ok, id: undefined },
      { ...ok, attributes: { level: 'L1C', cloud: 3 } },
      { ...ok, attributes: { level: 'L2A' } },
    ]) {
      assert.equal((await decide(point, bob, other, 'read')).decision, 'NotApplicable', JSON.stringify(other));
    }
  });

  it('glob patterns are literal apart from *', async () => {
    const point = createRulesDecisionPoint({ rules: [{ effect: 'permit', resources: { id: 'a.b*' }, actions: ['read'] }] });
    assert.equal((await decide(point, bob, { type: 'x', id: 'a.b-1' }, 'read')).decision, 'Permit');
    assert.equal((await decide(point, bob, { type: 'x', id: 'aXb-1' }, 'read')).decision, 'NotApplicable');
  });

  it('selects subjects by anonymity, authentication, group and id', async () => {
    const point = createRulesDecisionPoint({
      rules: [
        { name: 'anon', effect: 'permit', subjects: { anonymous: true }, actions: ['a'] },
        { name: 'authn', effect: 'permit', subjects: { authenticated: true }, actions: ['b'] },
        { name: 'group', effect: 'permit', subjects: { groups: ['editors'] }, actions: ['c'] },
        { name: 'id', effect: 'permit', subjects: { ids: ['bob'] }, actions: ['d'] },
      ],
    });
    const r = { type: 'thing' };
    const table: Array<[Subject, string, string]> = [
      [ANONYMOUS, 'a', 'Permit'],
      [alice, 'a', 'NotApplicable'],
      [ANONYMOUS, 'b', 'NotApplicable'],
      [bob, 'b', 'Permit'],
      [alice, 'c', 'Permit'],
      [bob, 'c', 'NotApplicable'],
      [bob, 'd', 'Permit'],
      [alice, 'd', 'NotApplicable'],
    ];
    for (const [subject, action, expected] of table) {
      assert.equal((await decide(point, subject, r, action)).decision, expected, `${subject.id} ${action}`);
    }
  });

  it('owner: $subject lets authenticated owners act on what they own, never anonymous', async () => {
    const point = createRulesDecisionPoint({ rules: [{ effect: 'permit', resources: { owner: '$subject' }, actions: ['*'] }] });
    assert.equal((await decide(point, alice, { type: 'bucket', id: 'b1', owner: 'alice' }, 'delete')).decision, 'Permit');
    assert.equal((await decide(point, bob, { type: 'bucket', id: 'b1', owner: 'alice' }, 'delete')).decision, 'NotApplicable');
    assert.equal((await decide(point, alice, { type: 'bucket', id: 'b2' }, 'delete')).decision, 'NotApplicable');
    assert.equal((await decide(point, ANONYMOUS, { type: 'bucket', owner: 'anonymous' }, 'read')).decision, 'NotApplicable');
  });

  it('binds $subject placeholders in obligations', async () => {
    const point = createRulesDecisionPoint({
      rules: [
        {
          effect: 'permit',
          actions: ['read'],
          obligations: [{ id: 'filter', attributes: { owner: '$subject.id', groups: '$subject.groups', nested: [{ by: '$subject.issuer' }] } }],
        },
      ],
    });
    const decision = await decide(point, alice, { type: 'collection' }, 'read');
    assert.deepEqual(decision.obligations, [
      { id: 'filter', attributes: { owner: 'alice', groups: ['editors'], nested: [{ by: 'https://idp.example' }] } },
    ]);
  });

  it('refuses rules that cannot work', () => {
    assert.throws(() => createRulesDecisionPoint({ rules: [{ effect: 'permit', actions: [] }] }), /rule 1: actions/);
    assert.throws(() => createRulesDecisionPoint({ rules: [{ effect: 'allow' as 'permit', actions: ['read'] }] }), /effect/);
    assert.throws(() => createRulesDecisionPoint({ rules: [{ name: 'x', effect: 'permit', subjects: {}, actions: ['read'] }] }), /rule 1 \(x\): .*select nobody/);
  });

  describe('the embedded default rules', () => {
    const point = createRulesDecisionPoint({ rules: defaultRules });
    const publicLayer = { type: 'layer', id: 'ndvi', service: 'wms', owner: 'alice', attributes: { visibility: 'public' } };
    const privateLayer = { type: 'layer', id: 'draft', service: 'wms', owner: 'alice', attributes: { visibility: 'private' } };
    const search = { type: 'collection', service: 'opensearch' };

    it('let anonymous and authenticated users read what is not private', async () => {
      assert.equal((await decide(point, ANONYMOUS, publicLayer, 'read')).decision, 'Permit');
      assert.equal((await decide(point, bob, publicLayer, 'read')).decision, 'Permit');
      assert.equal((await decide(point, ANONYMOUS, { type: 'layer', id: 'no-visibility-attribute' }, 'read')).decision, 'Permit');
      assert.equal((await decide(point, ANONYMOUS, privateLayer, 'read')).decision, 'NotApplicable');
      assert.equal((await decide(point, bob, privateLayer, 'read')).decision, 'NotApplicable');
    });

    it('need group admin or ownership for anything but reading', async () => {
      assert.equal((await decide(point, ANONYMOUS, publicLayer, 'write')).decision, 'NotApplicable');
      assert.equal((await decide(point, bob, publicLayer, 'write')).decision, 'NotApplicable');
      assert.equal((await decide(point, root, publicLayer, 'write')).decision, 'Permit');
      assert.equal((await decide(point, root, privateLayer, 'read')).decision, 'Permit');
      assert.equal((await decide(point, alice, privateLayer, 'delete')).decision, 'Permit', 'owner');
    });

    it('give searches a CQL2 visibility filter: public for anonymous, public or own for users, none for admins', async () => {
      const anonymous = await decide(point, ANONYMOUS, search, 'read');
      assert.equal(anonymous.obligations[0]?.id, 'filter');
      assert.equal(anonymous.obligations[0]?.attributes.lang, 'cql2-json');
      assert.ok(!JSON.stringify(anonymous.obligations).includes('owner'));
      const user = await decide(point, bob, search, 'read');
      assert.deepEqual((user.obligations[0]?.attributes.filter as { args: unknown[] }).args.at(-1), { op: '=', args: [{ property: 'owner' }, 'bob'] });
      const admin = await decide(point, root, search, 'read');
      assert.deepEqual(admin.obligations, []);
    });
  });
});
