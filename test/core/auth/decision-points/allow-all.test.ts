import assert from 'node:assert/strict';
import { createAllowAllDecisionPoint } from '../../../../core/auth/decision-points/allow-all.js';
import { ANONYMOUS } from '../../../../core/auth/subjects.js';
import { WARN, captureLogs } from '../support/logs.js';

describe('core/auth/decision-points/allow-all', () => {
  it('warns at creation that it is for development only', () => {
    const logs = captureLogs();
    createAllowAllDecisionPoint(logs.logger);
    const warning = logs.records.find((r) => r.level === WARN);
    assert.ok(warning, 'a warning is logged');
    assert.match(String(warning.msg), /development only/);
  });

  it('permits anything, to anyone, without obligations', async () => {
    const point = createAllowAllDecisionPoint(captureLogs().logger);
    const decision = await point.decide({ subject: ANONYMOUS, resource: { type: 'bucket', id: 'secret' }, action: 'delete', context: {} });
    assert.equal(decision.decision, 'Permit');
    assert.deepEqual(decision.obligations, []);
  });
});
