/**
 * Waiting for a job (synchronous execution): a try that ends in this process wakes the wait at
 * once instead of at its next poll; and literal inputs are validated by one compiled validator per
 * distinct schema, however often the process description is read anew.
 */
import assert from 'node:assert/strict';
import { API_KEY_ISSUER, authenticatedSubject } from '../../../core/auth/index.js';
import { validatorOf } from '../../../plugins/processing/check-inputs.js';
import { jobResource } from '../../../plugins/processing/engine.js';
import { JobEndSignal, JobStore } from '../../../plugins/processing/job-store.js';
import { PROCESS_JOBS_TABLE } from '../../../plugins/processing/migrations.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startAdes, type AdesHarness } from '../ades/support.js';

const ECHO = `cwlVersion: v1.2
class: CommandLineTool
id: echo-wait
baseCommand: echo
arguments: [done]
inputs:
  n: {type: int, default: 0}
outputs: []
`;

describe('processing: job end signal', function () {
  it('wakes a waiter when the job ends, remembers an end that came before the wait, and times out otherwise', async () => {
    const signal = new JobEndSignal();
    const t = Date.now();
    const woken = signal.wait('a', 60_000);
    setTimeout(() => signal.notify('a'), 20);
    assert.equal(await woken, true);
    assert.ok(Date.now() - t < 30_000);
    signal.notify('b');
    assert.equal(await signal.wait('b', 60_000), true);
    assert.equal(await signal.wait('c', 30), false);
  });
});

describe('processing: literal input validators', function () {
  it('compiles one validator per distinct schema, not per copy of the description', () => {
    const validators = new WeakMap();
    const schema = () => JSON.parse('{"type": "integer", "minimum": 3}') as object;
    const first = validatorOf(schema(), validators);
    assert.equal(validatorOf(schema(), new WeakMap()), first);
    assert.equal(first(4), true);
    assert.equal(first(2), false);
    assert.notEqual(validatorOf({ type: 'integer', minimum: 4 }, validators), first);
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`processing: waiting for a job on ${kind.name}`, function () {
    this.timeout(120_000);
    let h: AdesHarness;

    before(async () => {
      h = await startAdes(kind, { catalogue: false });
      const res = await h.request('POST', '/processes', { as: 'alice', body: ECHO, type: 'application/cwl+yaml' });
      assert.equal(res.status, 201, res.text);
    });

    after(async () => {
      await h?.close();
    });

    it('returns once the job ended in this process, without waiting for the next poll', async () => {
      const res = await h.request('POST', '/processes/echo-wait/execution', { as: 'alice', body: { inputs: { n: 1 } }, headers: { Prefer: 'respond-async' } });
      assert.equal(res.status, 201, res.text);
      const { stores } = h.server.meridian;
      // Polls so far apart that only the end signal can end the wait before its timeout.
      const store = new JobStore({ db: stores.db, jobs: stores.jobs, auth: stores.auth, table: PROCESS_JOBS_TABLE, resource: jobResource, poll: { firstMs: 600_000, maxMs: 600_000 } });
      const alice = authenticatedSubject({ id: 'alice', issuer: API_KEY_ISSUER, method: 'apikey' });
      const t = Date.now();
      const job = await store.wait(res.json.jobID, alice, 60_000);
      assert.equal(job.status, 'successful', JSON.stringify(job));
      assert.ok(Date.now() - t < 30_000, `woken after ${Date.now() - t} ms: by the timeout, not by the job's end`);
    });
  });
}
