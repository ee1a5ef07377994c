/**
 * A workflow job interrupted by a restart of the EMS's server resumes on the next: the scatter
 * elements that ended are kept, those still running on the remote ADES are followed again (not
 * dismissed by the shutdown, not submitted twice), and the workflow ends with every element.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../../../core/auth/index.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startAdes } from '../ades/support.js';

const NAPS = `cwlVersion: v1.2
$graph:
  - class: Workflow
    id: naps
    requirements:
      ScatterFeatureRequirement: {}
    inputs:
      seconds: string[]
    outputs:
      notes:
        type: File[]
        outputSource: nap/note
    steps:
      nap:
        run: '#napper'
        scatter: seconds
        in: {seconds: seconds}
        out: [note]
  - class: CommandLineTool
    id: napper
    baseCommand: [/usr/bin/python3, -c]
    arguments:
      - "import sys, time; time.sleep(float(sys.argv[1])); print('slept', sys.argv[1])"
      - $(inputs.seconds)
    inputs:
      seconds: string
    outputs:
      note:
        type: stdout
    stdout: note.txt
`;

for (const kind of testDatabaseKinds()) {
  describe(`ems restart (${kind.name})`, function () {
    this.timeout(180_000);

    it('resumes a scatter after a restart: ended elements kept, running ones followed again on B', async () => {
      // B runs the three elements at once (its engine's default is 2 at a time: the short one, submitted third, would wait for a long one to end).
      const b = await startAdes(kind, { catalogue: false, processing: { concurrency: 3 } });
      const bKey = (await createApiKey(b.server.meridian.stores.db, { user: 'ems-of-a' })).key;
      const test = await kind.open();
      await test.db.close();
      const database = kind.name === 'sqlite' ? { client: 'sqlite', filename: join(mkdtempSync(join(tmpdir(), 'ems-restart-')), 'meridian.db') } : (test.config as unknown as Record<string, unknown>);
      const options = { database, catalogue: false, plugins: { ems: { pollIntervalMs: 100, ades: [{ id: 'b', url: b.base, credentials: { apiKey: bKey } }], defaultAdes: 'b', discover: { enabled: false } } } };
      const onB = async () => (await b.request('GET', `${b.base}/jobs?limit=100`, { headers: { 'X-API-Key': bKey } })).json.jobs as Array<{ jobID: string; processID: string; status: string }>;
      let first = await startAdes(null, options);
      let jobId = '';
      try {
        const ems = (method: string, path: string, o: Parameters<typeof first.request>[2] = {}) => first.request(method, `${first.server.url}/ems${path}`, o);
        assert.equal((await ems('POST', '/processes', { as: 'alice', body: NAPS, type: 'application/cwl+yaml' })).status, 201);
        const submitted = await ems('POST', '/processes/naps/execution', { as: 'alice', body: { inputs: { seconds: ['20', '20', '0.1'] } }, headers: { Prefer: 'respond-async' } });
        assert.equal(submitted.status, 201, submitted.text);
        jobId = submitted.json.jobID;
        // The two long naps outlast a busy machine's cwltool start-up of the short one (5 s did not in CI).
        const deadline = Date.now() + 60_000;
        for (;;) {
          const logs = (await ems('GET', `/jobs/${jobId}/logs`, { as: 'alice' })).text;
          if (/step 'nap\[2\]': successful/.test(logs) && /step 'nap\[0\]': submitted/.test(logs) && /step 'nap\[1\]': submitted/.test(logs)) break;
          assert.ok(Date.now() < deadline, logs);
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        await first.close();
      }
      const running = (await onB()).filter((j) => j.status === 'running' || j.status === 'accepted');
      assert.equal(running.length, 2, 'the shutdown left the two running elements running on B');
      const second = await startAdes(null, options);
      try {
        const ems = (method: string, path: string, o: Parameters<typeof second.request>[2] = {}) => second.request(method, `${second.server.url}/ems${path}`, o);
        const deadline = Date.now() + 120_000;
        let status: any;
        for (;;) {
          status = (await ems('GET', `/jobs/${jobId}`, { as: 'alice' })).json;
          if (!['accepted', 'running'].includes(status.status)) break;
          assert.ok(Date.now() < deadline, JSON.stringify(status));
          await new Promise((r) => setTimeout(r, 100));
        }
        const logs = (await ems('GET', `/jobs/${jobId}/logs`, { as: 'alice' })).text;
        assert.equal(status.status, 'successful', `${status.message}\n${logs}`);
        assert.match(logs, /step 'nap\[0\]': following job .* on 'b' again/);
        assert.match(logs, /step 'nap\[1\]': following job .* on 'b' again/);
        assert.equal(logs.match(/step 'nap\[2\]': submitted/g)?.length, 1, logs);
        const jobs = await onB();
        assert.equal(jobs.length, 3, 'each element submitted once');
        assert.ok(jobs.every((j) => j.status === 'successful'), JSON.stringify(jobs));
        const results = (await ems('GET', `/jobs/${jobId}/results`, { as: 'alice' })).json;
        const notes = await Promise.all((results.notes as Array<{ href: string }>).map(async (n) => (await second.request('GET', n.href, { as: 'alice' })).text.trim()));
        assert.deepEqual(notes, ['slept 20', 'slept 20', 'slept 0.1']);
      } finally {
        await second.close();
        await b.close();
        await test.dispose().catch(() => {});
      }
    });
  });
}
