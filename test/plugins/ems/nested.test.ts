/**
 * Sub-workflows (SubworkflowFeatureRequirement) on the EMS, across the two servers of
 * ems.test.ts (A: catalogue, engine, ADES, EMS; B: engine and ADES reached with an API key), on
 * every database kind, compared with cwltool running the same package here: a step running an
 * inline sub-workflow {warp; halve; say} after a halve of a catalogue product (each inner step
 * placed and deployed as any step, its record, log lines and file URLs `reproject/<step>`), a
 * sub-workflow step scattered with when and valueFrom (records `each[i]/<step>`), a failure
 * inside a sub-workflow named by its record, a dismissal reaching the sub-workflow's step jobs on
 * B, and a sub-workflow's steps resumed after a restart.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { StepStore } from '../../../plugins/ems/step-store.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { assertProcessesSchema } from '../ades/schemas.js';
import { gdalInfo, makeCog, startAdes, type AdesHarness } from '../ades/support.js';
import { addScene, emsClient, emsOnB, FIXTURES, fixture, restartableEms, startRemoteAdes, waitEms, waitLogs, waitResumed, type RemoteAdes } from './support.js';

const NAPS = `cwlVersion: v1.2
$graph:
  - class: Workflow
    id: nested-naps
    requirements:
      SubworkflowFeatureRequirement: {}
    inputs:
      long: string
      short: string
    outputs:
      long_note: {type: File, outputSource: naps/long_note}
      short_note: {type: File, outputSource: naps/short_note}
    steps:
      naps:
        run:
          class: Workflow
          inputs: {long: string, short: string}
          outputs:
            long_note: {type: File, outputSource: long/note}
            short_note: {type: File, outputSource: short/note}
          steps:
            long: {run: '#napper', in: {seconds: long}, out: [note]}
            short: {run: '#napper', in: {seconds: short}, out: [note]}
        in: {long: long, short: short}
        out: [long_note, short_note]
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

/**
 * cwltool running a package of the fixtures here: its output object. The outputs are left where
 * their steps wrote them (--leave-outputs, --leave-tmpdir, in a directory of the test's): two
 * named alike (half.tif of both halves) would overwrite each other in one --outdir. Run without
 * blocking: the servers of the test live in this process (a blocked event loop let their
 * keep-alive timers close sockets the client was about to reuse).
 */
async function cwltool(name: string, id: string, inputs: unknown): Promise<any> {
  const dir = mkdtempSync(join(tmpdir(), 'ems-nested-cwltool-'));
  writeFileSync(join(dir, 'job.json'), JSON.stringify(inputs));
  const run = await promisify(execFile)('cwltool', ['--quiet', '--no-container', '--leave-outputs', '--leave-tmpdir', '--tmp-outdir-prefix', `${dir}/`, '--tmpdir-prefix', `${dir}/tmp-`, `${join(FIXTURES, name)}#${id}`, join(dir, 'job.json')], { encoding: 'utf8', timeout: 170_000, maxBuffer: 16 << 20 });
  return JSON.parse(run.stdout);
}

for (const kind of testDatabaseKinds()) {
  describe(`ems sub-workflows across two servers (${kind.name})`, function () {
    this.timeout(240_000);
    let a: AdesHarness;
    let b: RemoteAdes;
    let cog: string;
    let steps: StepStore;
    const ems = emsClient(() => a);

    /** Polls the job to its end; the progress values seen and, while it ran, the step records seen. */
    async function follow(id: string): Promise<{ status: any; progress: number[]; records: Set<string> }> {
      const progress: number[] = [];
      const records = new Set<string>();
      const poll = async (status: any) => {
        progress.push(status.progress);
        for (const s of await steps.list(id)) records.add(`${s.step} ${s.status}`);
      };
      return { status: await waitEms(ems, id, { timeoutMs: 180_000, poll }), progress, records };
    }

    before(async () => {
      cog = makeCog();
      b = await startRemoteAdes(kind);
      a = await startAdes(kind, { plugins: { ems: emsOnB(b) } });
      steps = new StepStore(a.server.meridian.stores.db);
      await addScene(a, cog);
    });
    after(async () => {
      await a?.close();
      await b?.ades.close();
    });

    it('runs a sub-workflow step: its steps placed and deployed as steps, its outputs the step\'s, as cwltool gives them', async () => {
      const deployed = await ems('POST', '/processes', { as: 'alice', body: fixture('nested.cwl'), type: 'application/cwl+yaml' });
      assert.equal(deployed.status, 201, deployed.text);
      const described = (await ems('GET', '/processes/nested', { as: 'alice' })).json;
      assert.deepEqual(Object.keys(described.outputs), ['halved', 'warped', 'quarter', 'note']);
      const submitted = await ems('POST', '/processes/nested/execution', { as: 'alice', body: { inputs: { source: { href: 'catalogue:scene-1' } } }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      const jobId: string = submitted.json.jobID;
      const { status, progress, records } = await follow(jobId);
      const logs = (await ems('GET', `/jobs/${jobId}/logs`, { as: 'alice' })).text;
      assert.equal(status.status, 'successful', `${status.message}\n${logs}`);
      assertProcessesSchema('statusInfo', status);
      assert.equal(status.progress, 100);
      // Progress rose through the steps, the sub-workflow's counted by its own steps.
      assert.ok(progress.some((p) => p > 0 && p < 100), progress.join(', '));
      for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! >= progress[i - 1]!, progress.join(', '));
      // Each inner step is placed on its own inputs (from steps: the default B), deployed where missing, run as `reproject/<step>`.
      assert.match(logs, /step 'halve': placed on 'local': nearest the data \(input 'source': product 'scene-1'/);
      assert.match(logs, /step 'reproject\/warp': placed on 'b': no input says where its data lives: the default ADES/);
      assert.match(logs, /step 'reproject\/halve': placed on 'b'/);
      assert.match(logs, /step 'reproject\/say': submitted to 'b' as job /);
      assert.match(logs, /step 'reproject\/halve': process 'halve-[0-9a-f]{12}' deployed on 'b'/);
      assert.ok(logs.indexOf("step 'reproject/halve': submitted") > logs.indexOf("step 'reproject/warp': successful"), 'the inner halve waits for the inner warp');
      assert.ok(logs.indexOf("step 'reproject/warp': placed") > logs.indexOf("step 'halve': successful"), 'the sub-workflow waits for its source');
      // The step records: one per step job, none for the sub-workflow step itself.
      const saved = (await steps.list(jobId)).map((s) => [s.step, s.adesId, s.status]).sort();
      assert.deepEqual(saved, [['halve', 'local', 'successful'], ['reproject/halve', 'b', 'successful'], ['reproject/say', 'b', 'successful'], ['reproject/warp', 'b', 'successful']]);
      assert.ok([...records].some((r) => /^reproject\/\w+ (accepted|running)$/.test(r)), [...records].join(', '));

      const results = (await ems('GET', `/jobs/${jobId}/results`, { as: 'alice' })).json;
      assertProcessesSchema('results', results);
      const base = `${a.server.url}/ems/jobs/${jobId}/files/`;
      assert.deepEqual(
        Object.fromEntries(Object.entries(results as Record<string, { href: string }>).map(([k, v]) => [k, v.href.slice(base.length)])),
        { halved: 'halve/result', warped: 'reproject/warp/result', quarter: 'reproject/halve/result', note: 'reproject/say/said' },
      );
      const dir = mkdtempSync(join(tmpdir(), 'ems-nested-'));
      const ours: Record<string, any> = {};
      for (const name of ['halved', 'warped', 'quarter']) {
        const file = await ems('GET', results[name].href, { as: 'alice' });
        assert.equal(file.status, 200, results[name].href);
        writeFileSync(join(dir, `${name}.tif`), file.bytes);
        ours[name] = gdalInfo(join(dir, `${name}.tif`));
      }
      const note = await ems('GET', results.note.href, { as: 'alice' });
      assert.equal(note.status, 200);
      assert.equal((await ems('GET', results.quarter.href, { as: 'bob' })).status, 404);
      // cwltool on the same package and file.
      const theirs = await cwltool('nested.cwl', 'nested', { source: { class: 'File', path: cog, format: 'https://www.iana.org/assignments/media-types/image/tiff' } });
      for (const name of ['halved', 'warped', 'quarter']) {
        const info = gdalInfo(theirs[name].path);
        assert.deepEqual(ours[name].size, info.size, name);
        assert.equal(ours[name].coordinateSystem.wkt, info.coordinateSystem.wkt, name);
        assert.deepEqual(ours[name].bands.map((x: any) => [x.minimum, x.maximum]), info.bands.map((x: any) => [x.minimum, x.maximum]), name);
      }
      assert.deepEqual(ours.halved.size, [32, 32]);
      assert.match(ours.quarter.coordinateSystem.wkt, /Pseudo-Mercator|3857/);
      ours.quarter.size.forEach((n: number, i: number) => assert.ok(Math.abs(n - ours.warped.size[i] / 2) <= 1, `${ours.quarter.size} is half of ${ours.warped.size}`));
      assert.equal(note.text, readFileSync(theirs.note.path, 'utf8'));
      assert.equal(note.text, 'warped and halved\n');
    });

    it('scatters a sub-workflow step (when and valueFrom per element, the sub-workflow\'s default), as cwltool does', async () => {
      assert.equal((await ems('POST', '/processes', { as: 'alice', body: fixture('nested-scatter.cwl'), type: 'application/cwl+yaml' })).status, 201);
      const inputs = { words: ['a', 'b', 'c'], flags: [true, false, true] };
      const submitted = await ems('POST', '/processes/nested-scatter/execution', { as: 'alice', body: { inputs }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      const jobId: string = submitted.json.jobID;
      const { status } = await follow(jobId);
      const logs = (await ems('GET', `/jobs/${jobId}/logs`, { as: 'alice' })).text;
      assert.equal(status.status, 'successful', `${status.message}\n${logs}`);
      assert.match(logs, /step 'each': scattered over 'words', 'go' \(dotproduct\): 3 jobs/);
      assert.match(logs, /step 'each\[1\]': skipped \(when is false\)/);
      assert.doesNotMatch(logs, /step 'each\[1\]\//);
      const saved = (await steps.list(jobId)).map((s) => [s.step, s.status]).sort();
      assert.deepEqual(saved, [['each[0]/say', 'successful'], ['each[0]/shout', 'successful'], ['each[2]/say', 'successful'], ['each[2]/shout', 'successful']]);
      const results = (await ems('GET', `/jobs/${jobId}/results`, { as: 'alice' })).json;
      assert.equal(results.said[1], null);
      assert.ok(results.said[0].href.endsWith(`/jobs/${jobId}/files/each%5B0%5D/say/said`), results.said[0].href);
      const text = async (h: { href: string } | null) => (h ? (await ems('GET', h.href, { as: 'alice' })).text : null);
      const ours = { said: await Promise.all(results.said.map(text)), shouted: await Promise.all(results.shouted.map(text)) };
      const theirs = await cwltool('nested-scatter.cwl', 'nested-scatter', inputs);
      const read = (f: { path: string } | null) => (f ? readFileSync(f.path, 'utf8') : null);
      assert.deepEqual(ours, { said: theirs.said.map(read), shouted: theirs.shouted.map(read) });
      assert.deepEqual(ours, { said: ['w-a\n', null, 'w-c\n'], shouted: ['w-a!\n', null, 'w-c!\n'] });
    });

    it('dismissing the workflow job dismisses the sub-workflow\'s running step jobs on B', async () => {
      assert.equal((await ems('POST', '/processes', { as: 'alice', body: NAPS, type: 'application/cwl+yaml' })).status, 201);
      const submitted = await ems('POST', '/processes/nested-naps/execution', { as: 'alice', body: { inputs: { long: '60', short: '60' } }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      const jobId: string = submitted.json.jobID;
      const deadline = Date.now() + 60_000;
      let running: Array<{ step: string; jobId: string }> = [];
      while (running.length < 2) {
        assert.ok(Date.now() < deadline, JSON.stringify(await steps.list(jobId)));
        await new Promise((r) => setTimeout(r, 100));
        running = (await steps.list(jobId)).filter((s) => s.status === 'running' && s.ref).map((s) => ({ step: s.step, jobId: s.ref!.jobId }));
      }
      assert.deepEqual(running.map((r) => r.step).sort(), ['naps/long', 'naps/short']);
      const dismissed = await ems('DELETE', `/jobs/${jobId}`, { as: 'alice' });
      assert.equal(dismissed.status, 200, dismissed.text);
      assert.equal(dismissed.json.status, 'dismissed');
      for (const r of running) assert.equal((await b.ades.waitJob(r.jobId, 'admin', 20_000)).status, 'dismissed', r.step);
    });

    it('fails the workflow naming the sub-workflow\'s step (record each[0]/shout)', async () => {
      const body = fixture('nested-scatter.cwl').replace('    id: nested-scatter\n', '    id: nested-fails\n').replace("valueFrom: '$(self)$(inputs.suffix)'", "valueFrom: '$(self.length.x)'");
      assert.equal((await ems('POST', '/processes', { as: 'alice', body, type: 'application/cwl+yaml' })).status, 201);
      const submitted = await ems('POST', '/processes/nested-fails/execution', { as: 'alice', body: { inputs: { words: ['a'], flags: [true] } }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      const { status } = await follow(submitted.json.jobID);
      assert.equal(status.status, 'failed');
      assert.match(status.message, /step 'each\[0\]\/shout': valueFrom of input 'words': /);
      const logs = (await ems('GET', `/jobs/${submitted.json.jobID}/logs`, { as: 'alice' })).text;
      assert.match(logs, /failed: step 'each\[0\]\/shout': valueFrom/);
      assert.doesNotMatch(logs, /step 'each\[0\]\/shout': placed/);
    });
  });

  describe(`ems sub-workflow restart (${kind.name})`, function () {
    this.timeout(180_000);

    it('resumes a sub-workflow after a restart: its ended step kept, its running one followed again on B', async () => {
      const b = await startRemoteAdes(kind);
      const { options, dispose } = await restartableEms(kind, b, 'ems-nested-restart-');
      const onB = async () => (await b.get('/jobs?limit=100')).json.jobs as Array<{ jobID: string; status: string }>;
      const first = await startAdes(null, options);
      let jobId = '';
      try {
        const ems = emsClient(() => first);
        assert.equal((await ems('POST', '/processes', { as: 'alice', body: NAPS, type: 'application/cwl+yaml' })).status, 201);
        const submitted = await ems('POST', '/processes/nested-naps/execution', { as: 'alice', body: { inputs: { long: '20', short: '0.1' } }, headers: { Prefer: 'respond-async' } });
        assert.equal(submitted.status, 201, submitted.text);
        jobId = submitted.json.jobID;
        await waitLogs(ems, jobId, (logs) => /step 'naps\/short': successful/.test(logs) && /step 'naps\/long': submitted/.test(logs));
      } finally {
        await first.close();
      }
      assert.equal((await onB()).filter((j) => j.status === 'running' || j.status === 'accepted').length, 1, 'the shutdown left naps/long running on B');
      const second = await startAdes(null, options);
      try {
        const ems = emsClient(() => second);
        const { logs } = await waitResumed(ems, jobId);
        assert.match(logs, /step 'naps\/long': following job .* on 'b' again/);
        assert.equal(logs.match(/step 'naps\/short': submitted/g)?.length, 1, logs);
        const jobs = await onB();
        assert.equal(jobs.length, 2, 'each inner step submitted once');
        assert.ok(jobs.every((j) => j.status === 'successful'), JSON.stringify(jobs));
        const results = (await ems('GET', `/jobs/${jobId}/results`, { as: 'alice' })).json;
        const text = async (h: { href: string }) => (await second.request('GET', h.href, { as: 'alice' })).text.trim();
        assert.deepEqual([await text(results.long_note), await text(results.short_note)], ['slept 20', 'slept 0.1']);
      } finally {
        await second.close();
        await b.ades.close();
        await dispose();
      }
    });
  });
}
