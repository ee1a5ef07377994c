import assert from 'node:assert/strict';
import { LoginLimiter } from '../../../plugins/oidc/login-limiter.js';

describe('oidc: failed-login limiter', () => {
  it('refuses past the limit per account and per address, says how long to wait, and forgets failures as the window slides', () => {
    let now = 1_000_000;
    const limiter = new LoginLimiter({ perAccount: 2, perIp: 3, windowSec: 60 }, () => now);
    assert.equal(limiter.retryAfter('alice', '10.0.0.1'), 0);
    limiter.recordFailure('alice', '10.0.0.1');
    now += 10_000;
    limiter.recordFailure('Alice', '10.0.0.2');
    // Account names are compared without case: 2 failures of alice from two addresses.
    assert.equal(limiter.retryAfter('alice', '10.0.0.9'), 50);
    assert.equal(limiter.retryAfter('bob', '10.0.0.1'), 0);
    now += 50_001;
    // The first failure left the window: one attempt more.
    assert.equal(limiter.retryAfter('alice', '10.0.0.9'), 0);
    limiter.recordFailure('bob', '10.0.0.3');
    limiter.recordFailure('carol', '10.0.0.3');
    limiter.recordFailure('dave', '10.0.0.3');
    assert.equal(limiter.retryAfter('erin', '10.0.0.3'), 60);
    assert.equal(limiter.retryAfter('erin', '10.0.0.4'), 0);
  });

  it('a successful login clears the account, not the address', () => {
    const limiter = new LoginLimiter({ perAccount: 1, perIp: 2, windowSec: 60 }, () => 0);
    limiter.recordFailure('alice', 'ip');
    assert.ok(limiter.retryAfter('alice', 'other') > 0);
    limiter.recordSuccess('alice');
    assert.equal(limiter.retryAfter('alice', 'other'), 0);
    limiter.recordFailure('bob', 'ip');
    assert.ok(limiter.retryAfter('zed', 'ip') > 0);
  });
});
