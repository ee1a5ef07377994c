/**
 * The EMS across two Meridian instances on loopback, on every database kind: server A runs the
 * catalogue, the engine, its ADES and the EMS; server B an engine and its ADES, reached by the
 * EMS with an API key. Real CWL workflows (gdal_translate, gdalwarp, cwltool) are deployed on the
 * EMS; their steps are placed (near the data, else on the default B), deployed where missing,
 * run, and chained by reference; results are fetched from the EMS and checked with gdalinfo.
 * Failures name the step; dismissal reaches the step job on B; bad packages are refused.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { assertProcessesSchema } from '../ades/schemas.js';
import { gdalInfo, makeCog, startAdes, type AdesHarness, type ApiResponse } from '../ades/support.js';
import { addScene, emsClient, emsOnB, FIXTURES, fixture, startRemoteAdes, waitEms as waitEmsJob, type RemoteAdes } from './support.js';

function running(tag: string): boolean {
  try {
    return execFileSync('pgrep', ['-f', tag], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`ems across two servers (${kind.name})`, function () {
    this.timeout(180_000);
    let a: AdesHarness;
    let b: RemoteAdes;
    let cog: string;
    let files: Server;
    let filesHost: string;
    // The subscriber: a local HTTP receiver of the workflow jobs' callbacks.
    let receiver: Server;
    let receiverUrl: string;
    const received: Array<{ path: string; body: any }> = [];
    const ems = emsClient(() => a);
    const waitEms = (id: string) => waitEmsJob(ems, id);

    async function deploy(name: string): Promise<ApiResponse> {
      return ems('POST', '/processes', { as: 'alice', body: fixture(name), type: 'application/cwl+yaml' });
    }

    before(async () => {
      cog = makeCog();
      files = createServer((req, res) => {
        if (req.url === '/scene.tif') {
          res.setHeader('Content-Type', 'image/tiff');
          res.end(readFileSync(cog));
        } else {
          res.statusCode = 404;
          res.end();
        }
      });
      await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
      filesHost = `127.0.0.1:${(files.address() as AddressInfo).port}`;
      receiver = createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on('data', (c: Buffer) => chunks.push(c));
        req.on('end', () => {
          received.push({ path: `${req.method} ${req.url} ${req.headers['content-type']}`, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
          res.statusCode = 204;
          res.end();
        });
      });
      await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
      receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      b = await startRemoteAdes(kind);
      a = await startAdes(kind, { plugins: { ems: emsOnB(b, { ades: { dataHosts: [filesHost] }, callbacks: { allowPrivateNetworks: true } }) } });
      await addScene(a, cog);
    });
    after(async () => {
      await a?.close();
      await b?.ades.close();
      await new Promise((r) => files?.close(r));
      await new Promise((r) => receiver?.close(r));
    });

    it('serves the OGC API Processes landing page and conformance at /ems', async () => {
      const landing = await ems('GET', '/');
      assert.equal(landing.status, 200);
      assertProcessesSchema('landingPage', landing.json);
      assert.ok(landing.json.links.some((l: { href: string }) => l.href.endsWith('/ems/processes')));
      const conf = await ems('GET', '/conformance');
      assertProcessesSchema('confClasses', conf.json);
      assert.ok(conf.json.conformsTo.includes('http://www.opengis.net/spec/ogcapi-processes-2/1.0/conf/deploy-replace-undeploy'));
      assert.ok(conf.json.conformsTo.includes('http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/callback'));
    });

    it('refuses packages it cannot run step by step, saying where', async () => {
      const tool = await ems('POST', '/processes', { as: 'alice', body: fixture('../../ades/fixtures/translate.cwl'), type: 'application/cwl+yaml' });
      assert.equal(tool.status, 400, tool.text);
      assert.equal(tool.json.code, 'InvalidPackage');
      assert.match(tool.json.detail, /Workflows/);
      const scattered = fixture('halve-then-warp.cwl').replace("in: {source: halve/result}", "in: {source: halve/result}\n        scatter: source");
      const res = await ems('POST', '/processes', { as: 'alice', body: scattered, type: 'application/cwl+yaml' });
      assert.equal(res.status, 400, res.text);
      assert.match(res.json.locator, /steps\.warp\.scatter/);
      // JavaScript in the workflow's own expressions is refused, with its path (the EMS evaluates parameter references only).
      const js = await ems('POST', '/processes', { as: 'alice', body: fixture('scatter-when.cwl').replace('when: $(inputs.reproject)', 'when: ${ return inputs.reproject; }'), type: 'application/cwl+yaml' });
      assert.equal(js.status, 400, js.text);
      assert.equal(js.json.code, 'InvalidPackage');
      assert.equal(js.json.locator, '$graph[0].steps.warp.when');
      assert.match(js.json.detail, /JavaScript/);
      assert.equal((await ems('GET', '/processes', { as: 'alice' })).json.processes.length, 0);
    });

    it('runs step 1 next to its catalogue product on A and step 2 on B, chained by reference', async () => {
      const deployed = await deploy('halve-then-warp.cwl');
      assert.equal(deployed.status, 201, deployed.text);
      const described = await ems('GET', '/processes/halve-then-warp', { as: 'alice' });
      assertProcessesSchema('process', described.json);
      assert.deepEqual(Object.keys(described.json.inputs), ['source']);
      assert.equal((await ems('GET', '/processes/halve-then-warp', { as: 'bob' })).status, 404);

      const submitted = await ems('POST', '/processes/halve-then-warp/execution', { as: 'alice', body: { inputs: { source: { href: 'catalogue:scene-1' } } }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      assertProcessesSchema('statusInfo', submitted.json);
      const progress = new Set<number>();
      const deadline = Date.now() + 120_000;
      let status: any;
      for (;;) {
        status = (await ems('GET', `/jobs/${submitted.json.jobID}`, { as: 'alice' })).json;
        progress.add(status.progress);
        if (!['accepted', 'running'].includes(status.status) || Date.now() > deadline) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      const logs = (await ems('GET', `/jobs/${submitted.json.jobID}/logs`, { as: 'alice' })).text;
      assert.equal(status.status, 'successful', `${status.message}\n${logs}`);
      assertProcessesSchema('statusInfo', status);
      assert.ok([...progress].some((p) => p > 0 && p < 100), `intermediate progress seen: ${[...progress].join(', ')}`);
      assert.match(logs, /step 'halve': placed on 'local': nearest the data \(input 'source': product 'scene-1' is in this server's catalogue/);
      assert.match(logs, /step 'warp': placed on 'b': no input says where its data lives: the default ADES/);
      assert.match(logs, /process 'warp-[0-9a-f]{12}' deployed on 'b'/);

      // Step 1 ran on A's engine as alice, step 2 on B as the EMS's account there.
      const onA = await a.request('GET', '/jobs', { as: 'alice' });
      assert.equal(onA.json.jobs.length, 1);
      assert.match(onA.json.jobs[0].processID, /^halve-/);
      const onB = await b.get('/jobs');
      assert.equal(onB.json.jobs.length, 1);
      assert.match(onB.json.jobs[0].processID, /^warp-/);
      assert.equal(onB.json.jobs[0].status, 'successful');
      const bLogs = await b.get(`/jobs/${onB.json.jobs[0].jobID}/logs`);
      // B read step 1's output through the EMS's relay link on A.
      assert.ok(bLogs.text.length > 0);

      const results = await ems('GET', `/jobs/${submitted.json.jobID}/results`, { as: 'alice' });
      assert.equal(results.status, 200, results.text);
      assertProcessesSchema('results', results.json);
      const href: string = results.json.warped.href;
      assert.ok(href.startsWith(`${a.server.url}/ems/jobs/${submitted.json.jobID}/files/warp/result`), href);
      const file = await ems('GET', href, { as: 'alice' });
      assert.equal(file.status, 200);
      const dir = mkdtempSync(join(tmpdir(), 'ems-result-'));
      writeFileSync(join(dir, 'warped.tif'), file.bytes);
      const info = gdalInfo(join(dir, 'warped.tif'));
      assert.match(info.coordinateSystem.wkt, /Pseudo-Mercator|3857/);
      // 64x64 halved to 32x32, then warped to Web Mercator at 50°N (25x38 here; 64x64 unhalved would be ~50x76).
      assert.ok(info.size[0] >= 20 && info.size[0] <= 40 && info.size[1] >= 28 && info.size[1] <= 48, JSON.stringify(info.size));
      assert.equal(info.bands[0].computedMin ?? info.bands[0].minimum, 10);
      // Raw output, and nobody else reads it.
      const raw = await ems('GET', `/jobs/${submitted.json.jobID}/results/warped`, { as: 'alice' });
      assert.equal(raw.status, 200);
      assert.deepEqual(raw.bytes, file.bytes);
      assert.equal((await ems('GET', href, { as: 'bob' })).status, 404);
      assert.equal((await ems('GET', href)).status, 404);
    });

    it('reuses the step packages already deployed, and runs both steps on B when the input lives there', async () => {
      const before = (await b.get('/processes')).json.processes.length;
      const subscriber = { successUri: `${receiverUrl}/done`, inProgressUri: `${receiverUrl}/progress`, failedUri: `${receiverUrl}/failed` };
      const submitted = await ems('POST', '/processes/halve-then-warp/execution', { as: 'alice', body: { inputs: { source: { href: `http://${filesHost}/scene.tif`, type: 'image/tiff' } }, subscriber }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      const done = await waitEms(submitted.json.jobID);
      const logs = (await ems('GET', `/jobs/${submitted.json.jobID}/logs`, { as: 'alice' })).text;
      assert.equal(done.status, 'successful', logs);
      assert.match(logs, new RegExp(`step 'halve': placed on 'b': nearest the data \\(input 'source': ${filesHost.replace(/\./g, '\\.')} is a data host of 'b'\\)`));
      assert.match(logs, /process 'warp-[0-9a-f]{12}' already on 'b'/);
      const after = (await b.get('/processes')).json.processes.length;
      assert.equal(after, before + 1, 'only halve was new on B');
      const results = (await ems('GET', `/jobs/${submitted.json.jobID}/results`, { as: 'alice' })).json;
      const file = await ems('GET', results.warped.href, { as: 'alice' });
      assert.equal(file.status, 200);
      // Subscriber callbacks of the whole workflow: statusInfo while it runs (rising progress), then its results document, in that order.
      for (let i = 0; i < 50 && !received.some((c) => c.path.startsWith('POST /done')); i++) await new Promise((r) => setTimeout(r, 100));
      assert.match(logs, /callback inProgress to http:\/\/127\.0\.0\.1:\d+\/progress: 204/);
      const mine = received.filter((c) => c.body.jobID === submitted.json.jobID || c.path.startsWith('POST /done'));
      const progress = mine.filter((c) => c.path === 'POST /progress application/json');
      assert.ok(progress.length >= 2, JSON.stringify(mine.map((c) => c.path)));
      for (const c of progress) {
        assertProcessesSchema('statusInfo', c.body);
        assert.equal(c.body.status, 'running');
        assert.equal(c.body.processID, 'halve-then-warp');
        assert.equal(c.body.links[0].href, `${a.server.url}/ems/jobs/${submitted.json.jobID}`);
      }
      assert.ok(progress.at(-1)!.body.progress >= progress[0]!.body.progress);
      const success = mine.filter((c) => c.path === 'POST /done application/json');
      assert.equal(success.length, 1);
      assert.equal(mine.at(-1), success[0], 'the success callback comes last');
      assertProcessesSchema('results', success[0]!.body);
      assert.deepEqual(success[0]!.body, results);
      assert.ok(!mine.some((c) => c.path.startsWith('POST /failed')));
      const dir = mkdtempSync(join(tmpdir(), 'ems-result-'));
      writeFileSync(join(dir, 'w.tif'), file.bytes);
      assert.match(gdalInfo(join(dir, 'w.tif')).coordinateSystem.wkt, /Pseudo-Mercator|3857/);
    });

    it('fails the workflow when a step fails, naming the step, with its log', async () => {
      assert.equal((await deploy('halve-then-reject.cwl')).status, 201);
      const submitted = await ems('POST', '/processes/halve-then-reject/execution', { as: 'alice', body: { inputs: { source: 'scene-1' }, subscriber: { failedUri: `${receiverUrl}/failed`, successUri: `${receiverUrl}/done` } }, headers: { Prefer: 'respond-async' } });
      const done = await waitEms(submitted.json.jobID);
      assert.equal(done.status, 'failed');
      assert.match(done.message, /step 'reject' failed on 'b'/);
      for (let i = 0; i < 50 && !received.some((c) => c.body.jobID === submitted.json.jobID); i++) await new Promise((r) => setTimeout(r, 100));
      const failed = received.filter((c) => c.body.jobID === submitted.json.jobID);
      assert.deepEqual(failed.map((c) => c.path), ['POST /failed application/json']);
      assertProcessesSchema('statusInfo', failed[0]!.body);
      assert.equal(failed[0]!.body.status, 'failed');
      assert.match(failed[0]!.body.message, /step 'reject' failed on 'b'/);
      const logs = (await ems('GET', `/jobs/${submitted.json.jobID}/logs`, { as: 'alice' })).text;
      assert.match(logs, /\[reject\] .*no band 7/);
      assert.match(logs, /step 'halve': successful on 'local'/);
      const results = await ems('GET', `/jobs/${submitted.json.jobID}/results`, { as: 'alice' });
      assert.equal(results.status, 500);
      assert.equal(results.json.code, 'JobFailed');
    });

    it('dismissing the workflow job dismisses its running step job on B and stops the tool', async () => {
      assert.equal((await deploy('nap.cwl')).status, 201);
      const submitted = await ems('POST', '/processes/nap/execution', { as: 'alice', body: { inputs: { seconds: '60' } }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      const deadline = Date.now() + 60_000;
      let stepJob: any;
      while (Date.now() < deadline) {
        const jobs = (await b.get('/jobs?status=running')).json.jobs;
        stepJob = jobs.find((j: { processID: string }) => j.processID.startsWith('sleeper-'));
        if (stepJob && running('ems-nap sleeping')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(stepJob, 'the step runs on B');
      const dismissed = await ems('DELETE', `/jobs/${submitted.json.jobID}`, { as: 'alice' });
      assert.equal(dismissed.status, 200, dismissed.text);
      assert.equal(dismissed.json.status, 'dismissed');
      const onB = await b.ades.waitJob(stepJob.jobID, 'admin', 20_000);
      assert.equal(onB.status, 'dismissed');
      for (let i = 0; i < 50 && running('ems-nap sleeping'); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(running('ems-nap sleeping'), false, 'the tool was stopped');
    });

    it('dismissing an ended workflow job deletes it and its step job on B: 200 dismissed, then 404 no-such-job on both', async () => {
      const deployed = await deploy('nap.cwl');
      assert.ok(deployed.status === 201 || deployed.status === 409, deployed.text);
      const submitted = await ems('POST', '/processes/nap/execution', { as: 'alice', body: { inputs: { seconds: '0' } }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      const id = submitted.json.jobID as string;
      const done = await waitEms(id);
      const logs = (await ems('GET', `/jobs/${id}/logs`, { as: 'alice' })).text;
      assert.equal(done.status, 'successful', `${done.message}\n${logs}`);
      const stepJobId = /step 'sleep': submitted to 'b' as job (\S+)/.exec(logs)?.[1];
      assert.ok(stepJobId, logs);
      assert.equal((await b.get(`/jobs/${stepJobId}`)).json.status, 'successful');
      // Another user may not: bob gets no-such-job and the job stays.
      const byBob = await ems('DELETE', `/jobs/${id}`, { as: 'bob' });
      assert.equal(byBob.status, 404, byBob.text);
      assert.equal((await ems('GET', `/jobs/${id}`, { as: 'alice' })).json.status, 'successful');

      const dismissed = await ems('DELETE', `/jobs/${id}`, { as: 'alice' });
      assert.equal(dismissed.status, 200, dismissed.text);
      assert.equal(dismissed.json.status, 'dismissed');
      assert.equal(dismissed.json.jobID, id);
      for (const path of [`/jobs/${id}`, `/jobs/${id}/results`, `/jobs/${id}/logs`]) {
        const after = await ems('GET', path, { as: 'alice' });
        assert.equal(after.status, 404, `${path}: ${after.text}`);
        assert.match(String(after.json?.type ?? ''), /no-such-job/, path);
      }
      assert.equal((await ems('GET', '/jobs', { as: 'alice' })).json.jobs.some((j: { jobID: string }) => j.jobID === id), false);
      const onB = await b.get(`/jobs/${stepJobId}`);
      assert.equal(onB.status, 404, onB.text);
    });

    it('scatters a step over 3 inputs across A and B, skips a step whose when is false, and evaluates valueFrom', async () => {
      const deployed = await deploy('scatter-when.cwl');
      assert.equal(deployed.status, 201, deployed.text);
      const remote = { href: `http://${filesHost}/scene.tif`, type: 'image/tiff' };
      const submitted = await ems('POST', '/processes/scatter-when/execution', { as: 'alice', body: { inputs: { sources: [{ href: 'catalogue:scene-1' }, remote, remote] } }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      const done = await waitEms(submitted.json.jobID);
      const logs = (await ems('GET', `/jobs/${submitted.json.jobID}/logs`, { as: 'alice' })).text;
      assert.equal(done.status, 'successful', `${done.message}\n${logs}`);
      assert.match(logs, /step 'halve': scattered over 'source' \(dotproduct\): 3 jobs, 4 at a time/);
      // Each element placed by its own input: the catalogue product on A, the files on B.
      assert.match(logs, /step 'halve\[0\]': placed on 'local': nearest the data \(input 'sources': product 'scene-1'/);
      assert.match(logs, /step 'halve\[1\]': placed on 'b': nearest the data/);
      assert.match(logs, /step 'halve\[2\]': placed on 'b': nearest the data/);
      for (const i of [0, 1, 2]) assert.match(logs, new RegExp(`step 'warp\\[${i}\\]': skipped \\(when is false\\)`));
      assert.doesNotMatch(logs, /process 'warp-/);
      // The two elements on B ran there at once (submitted before either ended).
      const b1 = logs.indexOf("step 'halve[2]': submitted");
      assert.ok(b1 > 0 && b1 < logs.indexOf("step 'halve[1]': successful"), logs);

      const results = (await ems('GET', `/jobs/${submitted.json.jobID}/results`, { as: 'alice' })).json;
      assertProcessesSchema('results', results);
      assert.equal(results.halved.length, 3);
      assert.deepEqual(results.warped, [null, null, null]);
      // linkMerge merge_flattened + pickValue all_non_null over [warp/result, halve/result]: the halved files.
      assert.deepEqual(results.present, results.halved);
      const dir = mkdtempSync(join(tmpdir(), 'ems-scatter-'));
      for (const [i, h] of (results.halved as Array<{ href: string }>).entries()) {
        assert.ok(h.href.startsWith(`${a.server.url}/ems/jobs/${submitted.json.jobID}/files/halve%5B${i}%5D/result`), h.href);
        const file = await ems('GET', h.href, { as: 'alice' });
        assert.equal(file.status, 200, h.href);
        writeFileSync(join(dir, `${i}.tif`), file.bytes);
        assert.deepEqual(gdalInfo(join(dir, `${i}.tif`)).size, [32, 32]);
      }
      // valueFrom with parameter references: self (the sources), its basename/nameext, inputs.words.length.
      const named = await ems('GET', results.named.href, { as: 'alice' });
      assert.equal(named.status, 200);
      assert.equal(named.text, 'first: scene-1 of 3, ext ".tif"\n');
      // One step job on A (element 0) and two more on B.
      const onA = (await a.request('GET', '/jobs', { as: 'alice' })).json.jobs.filter((j: { processID: string }) => j.processID.startsWith('halve-'));
      assert.ok(onA.length >= 2, 'halve[0] ran on A');
    });

    it('runs a nested_crossproduct scatter (valueFrom after the scatter) and a pickValue input as cwltool does', async () => {
      assert.equal((await deploy('cross.cwl')).status, 201);
      const inputs = { a: ['x', 'y'], b: ['1', '2', '3'], fallback: 'only' };
      const submitted = await ems('POST', '/processes/cross/execution', { as: 'alice', body: { inputs }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      const done = await waitEms(submitted.json.jobID);
      const logs = (await ems('GET', `/jobs/${submitted.json.jobID}/logs`, { as: 'alice' })).text;
      assert.equal(done.status, 'successful', `${done.message}\n${logs}`);
      assert.match(logs, /step 'pair': scattered over 'words', 'other' \(nested_crossproduct\): 6 jobs/);
      const results = (await ems('GET', `/jobs/${submitted.json.jobID}/results`, { as: 'alice' })).json;
      const text = async (h: { href: string }) => (await ems('GET', h.href, { as: 'alice' })).text.trim();
      const ours = { pairs: await Promise.all((results.pairs as Array<Array<{ href: string }>>).map((row) => Promise.all(row.map(text)))), picked: await text(results.picked) };
      // The same workflow and inputs run by cwltool itself.
      const dir = mkdtempSync(join(tmpdir(), 'ems-cross-'));
      writeFileSync(join(dir, 'job.json'), JSON.stringify(inputs));
      const run = spawnSync('cwltool', ['--quiet', '--no-container', '--outdir', join(dir, 'out'), `${join(FIXTURES, 'cross.cwl')}#cross`, join(dir, 'job.json')], { encoding: 'utf8', timeout: 120_000 });
      assert.equal(run.status, 0, run.stderr);
      const theirs = JSON.parse(run.stdout) as { pairs: Array<Array<{ path: string }>>; picked: { path: string } };
      const read = (f: { path: string }) => readFileSync(f.path, 'utf8').trim();
      assert.deepEqual(ours, { pairs: theirs.pairs.map((row) => row.map(read)), picked: read(theirs.picked) });
      assert.deepEqual(ours.pairs, [['x-1', 'x-2', 'x-3'], ['y-1', 'y-2', 'y-3']]);
      assert.equal(ours.picked, 'only');
    });

    it('fails the job, naming the element, when a when is not a boolean', async () => {
      const body = fixture('cross.cwl').replace('    id: cross\n', '    id: cross-when\n').replace('        scatterMethod: nested_crossproduct\n', '        scatterMethod: nested_crossproduct\n        when: $(inputs.other)\n');
      assert.equal((await ems('POST', '/processes', { as: 'alice', body, type: 'application/cwl+yaml' })).status, 201);
      const submitted = await ems('POST', '/processes/cross-when/execution', { as: 'alice', body: { inputs: { a: ['x'], b: ['1'], fallback: 'f' } }, headers: { Prefer: 'respond-async' } });
      const done = await waitEms(submitted.json.jobID);
      assert.equal(done.status, 'failed');
      assert.match(done.message, /step 'pair\[0\]': when must be true or false, it is "1"/);
    });

    it('hides one user\'s workflows and jobs from another', async () => {
      const list = await ems('GET', '/jobs', { as: 'bob' });
      assert.equal(list.status, 200);
      assert.equal(list.json.jobs.length, 0);
      const mine = await ems('GET', '/jobs', { as: 'alice' });
      assert.ok(mine.json.jobs.length >= 4);
      assert.equal((await ems('DELETE', `/jobs/${mine.json.jobs[0].jobID}`, { as: 'bob' })).status, 404);
      assert.equal((await ems('GET', '/relay/not-a-token')).status, 404);
    });
  });
}
