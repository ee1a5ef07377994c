/**
 * A workflow job interrupted by a restart of the EMS's server resumes on the next: the scatter
 * elements that ended are kept, those still running on the remote ADES are followed again (not
 * dismissed by the shutdown, not submitted twice), and the workflow ends with every element.
 */
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startAdes } from '../ades/support.js';
import { emsClient, restartableEms, startRemoteAdes, waitLogs, waitResumed } from './support.js';

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
      const b = await startRemoteAdes(kind, { processing: { concurrency: 3 } });
      const { options, dispose } = await restartableEms(kind, b, 'ems-restart-');
      const onB = async () => (await b.get('/jobs?limit=100')).json.jobs as Array<{ jobID: string; processID: string; status: string }>;
      let first = await startAdes(null, options);
      let jobId = '';
      try {
        const ems = emsClient(() => first);
        assert.equal((await ems('POST', '/processes', { as: 'alice', body: NAPS, type: 'application/cwl+yaml' })).status, 201);
        const submitted = await ems('POST', '/processes/naps/execution', { as: 'alice', body: { inputs: { seconds: ['20', '20', '0.1'] } }, headers: { Prefer: 'respond-async' } });
        assert.equal(submitted.status, 201, submitted.text);
        jobId = submitted.json.jobID;
        // The two long naps outlast a busy machine's cwltool start-up of the short one (5 s did not in CI).
        await waitLogs(ems, jobId, (logs) => /step 'nap\[2\]': successful/.test(logs) && /step 'nap\[0\]': submitted/.test(logs) && /step 'nap\[1\]': submitted/.test(logs));
      } finally {
        await first.close();
      }
      const running = (await onB()).filter((j) => j.status === 'running' || j.status === 'accepted');
      assert.equal(running.length, 2, 'the shutdown left the two running elements running on B');
      const second = await startAdes(null, options);
      try {
        const ems = emsClient(() => second);
        const { logs } = await waitResumed(ems, jobId);
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
        await b.ades.close();
        await dispose();
      }
    });
  });
}
