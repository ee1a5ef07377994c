import assert from 'node:assert/strict';
import { DecisionCache, decisionCacheKey, stableStringify } from '../../../core/auth/decision-cache.js';
import { ANONYMOUS, authenticatedSubject } from '../../../core/auth/subjects.js';
import type { AuthorizationRequest, Decision } from '../../../core/auth/types.js';

const alice = authenticatedSubject({ id: 'alice', issuer: 'https://idp.example', method: 'jwt', groups: ['a', 'b'] });

function request(overrides: Partial<AuthorizationRequest> = {}): AuthorizationRequest {
  return { subject: alice, resource: { type: 'layer', id: 'ndvi', attributes: { x: 1, y: 2 } }, action: 'read', context: {}, ...overrides };
}

/** A decision source that counts how often it is asked. */
function counter(decision: Decision['decision'] = 'Permit') {
  const state = { calls: 0 };
  const decide = async (): Promise<Decision> => {
    state.calls += 1;
    return { decision, obligations: [] };
  };
  return { state, decide };
}

describe('core/auth/decision-cache', () => {
  it('gives equal keys for equal requests whatever the key order of objects and group order', () => {
    assert.equal(stableStringify({ b: 1, a: [{ d: 2, c: 3 }] }), '{"a":[{"c":3,"d":2}],"b":1}');
    // Undefined members are left out (as JSON.stringify does), undefined array items are null.
    assert.equal(stableStringify({ z: undefined, y: [undefined, 'x"y'], x: { w: undefined } }), '{"x":{},"y":[null,"x\\"y"]}');
    assert.equal(stableStringify({ when: new Date(Date.UTC(2026, 0, 2)), n: null, 'é': 'ü', B: 2, a: 1 }), '{"B":2,"a":1,"n":null,"when":"2026-01-02T00:00:00.000Z","é":"ü"}');
    assert.equal(stableStringify([]), '[]');
    assert.equal(stableStringify({}), '{}');
    const reordered = request({
      subject: { ...alice, groups: ['b', 'a'] },
      resource: { attributes: { y: 2, x: 1 }, id: 'ndvi', type: 'layer' },
    });
    assert.equal(decisionCacheKey(request()), decisionCacheKey(reordered));
  });

  it('gives different keys when subject, groups, resource, action or context differ', () => {
    const base = decisionCacheKey(request());
    const variants = [
      request({ subject: ANONYMOUS }),
      request({ subject: { ...alice, groups: ['a'] } }),
      request({ subject: { ...alice, issuer: 'https://other.example' } }),
      request({ resource: { type: 'layer', id: 'other' } }),
      request({ action: 'write' }),
      request({ context: { ip: '192.0.2.1' } }),
    ];
    for (const variant of variants) assert.notEqual(decisionCacheKey(variant), base);
  });

  it('reuses a decision within the TTL and asks again after it expires', async () => {
    let now = 1_000_000;
    const cache = new DecisionCache({ ttlMs: 5000, max: 100 }, () => now);
    const source = counter();
    await cache.through(request(), source.decide);
    now += 4000;
    const hit = await cache.through(request(), source.decide);
    assert.equal(hit.decision, 'Permit');
    assert.equal(source.state.calls, 1, 'hit within the TTL');
    now += 2000;
    await cache.through(request(), source.decide);
    assert.equal(source.state.calls, 2, 'expired after the TTL');
  });

  it('freezes cached decisions so one caller cannot change what the next one gets', async () => {
    const cache = new DecisionCache({ ttlMs: 60_000, max: 10 });
    const decide = async (): Promise<Decision> => ({ decision: 'Permit', obligations: [{ id: 'filter', attributes: { owner: 'alice' } }] });
    const first = await cache.through(request(), decide);
    assert.throws(() => first.obligations.push({ id: 'x', attributes: {} }), TypeError);
    assert.throws(() => {
      first.obligations[0]!.attributes.owner = 'mallory';
    }, TypeError);
    assert.deepEqual((await cache.through(request(), decide)).obligations, [{ id: 'filter', attributes: { owner: 'alice' } }]);
  });

  it('does not keep Indeterminate decisions', async () => {
    const cache = new DecisionCache({ ttlMs: 60_000, max: 100 });
    const source = counter('Indeterminate');
    await cache.through(request(), source.decide);
    await cache.through(request(), source.decide);
    assert.equal(source.state.calls, 2);
    assert.equal(cache.size, 0);
  });

  it('is off when ttlMs is 0', async () => {
    const cache = new DecisionCache({ ttlMs: 0, max: 100 });
    assert.equal(cache.enabled, false);
    const source = counter();
    await cache.through(request(), source.decide);
    await cache.through(request(), source.decide);
    assert.equal(source.state.calls, 2);
  });

  it('keeps at most max decisions, dropping the least recently used', async () => {
    const cache = new DecisionCache({ ttlMs: 60_000, max: 2 });
    const source = counter();
    for (const id of ['1', '2', '3']) await cache.through(request({ resource: { type: 't', id } }), source.decide);
    assert.equal(cache.size, 2);
    await cache.through(request({ resource: { type: 't', id: '1' } }), source.decide);
    assert.equal(source.state.calls, 4, 'the oldest was evicted');
  });
});
