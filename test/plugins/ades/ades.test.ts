/**
 * The ADES end to end on every database kind: a real CWL CommandLineTool (gdal_translate) deployed
 * over OGC API Processes Part 2, executed asynchronously on a catalogue product, followed to
 * success, its result fetched and found in the catalogue; built-ins run synchronously on a blob;
 * a $graph workflow deployed as an application package on an input by URL; callbacks; failing
 * tools, dismissal, and one user's jobs hidden from another. Responses are checked against the
 * official OGC API Processes 1.0 schemas.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticatedSubject, LOCAL_USER_ISSUER } from '../../../core/auth/index.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateStac } from '../../helpers/json-schema.js';
import { assertProcessesSchema } from './schemas.js';
import { fixture, gdalInfo, makeCog, startAdes, type AdesHarness, type ApiResponse } from './support.js';

const alice = authenticatedSubject({ id: 'alice', issuer: LOCAL_USER_ISSUER, method: 'apikey', groups: [] });
const bob = authenticatedSubject({ id: 'bob', issuer: LOCAL_USER_ISSUER, method: 'apikey', groups: [] });
const EXC1 = 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0';
const EXC2 = 'http://www.opengis.net/def/exceptions/ogcapi-processes-2/1.0';

function assertProblem(res: ApiResponse, status: number, type?: string): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assertProcessesSchema('exception', res.json);
  if (type) assert.equal(res.json.type, type);
}

function sleeping(tag: string): boolean {
  try {
    return execFileSync('pgrep', ['-f', tag], { encoding: 'utf8' }).trim() !== '';
  } catch {
    return false;
  }
}

for (const kind of testDatabaseKinds()) {
  describe(`ades (${kind.name})`, function () {
    this.timeout(120_000);
    let h: AdesHarness;
    let cog: string;
    let files: Server;
    let filesUrl: string;
    const callbacks: Array<{ path: string; body: any }> = [];

    before(async () => {
      h = await startAdes(kind);
      cog = makeCog();
      const blobs = h.server.meridian.stores.blobs as typeof h.server.meridian.stores.blobs & { localPath(key: string): string };
      await blobs.put('workspaces/alice/scene.tif', readFileSync(cog), { contentType: 'image/tiff; application=geotiff' });
      await blobs.put('workspaces/bob/scene.tif', readFileSync(cog), { contentType: 'image/tiff; application=geotiff' });
      await h.catalogue.upsert([
        { identifier: 'scenes', type: 'collection', title: 'Scenes', visibility: 'public' },
        { identifier: 'scene-1', type: 'product', parentIdentifier: 'scenes', title: 'Scene 1', start: '2026-06-01T10:00:00Z', geometry: { type: 'Polygon', coordinates: [[[10, 49], [11, 49], [11, 50], [10, 50], [10, 49]]] }, visibility: 'public', assets: { data: { href: blobs.localPath('workspaces/alice/scene.tif'), type: 'image/tiff; application=geotiff', roles: ['data'] } } },
        { identifier: 'bob-secret', type: 'product', parentIdentifier: 'scenes', title: 'Private scene', owner: 'bob', visibility: 'private', assets: { data: { href: blobs.localPath('workspaces/bob/scene.tif'), type: 'image/tiff' } } },
      ]);
      // A plain HTTP server: inputs by URL, and the subscriber's callbacks.
      files = createServer((req, res) => {
        if (req.method === 'POST') {
          let body = '';
          req.on('data', (c) => (body += c));
          req.on('end', () => {
            callbacks.push({ path: req.url ?? '', body: JSON.parse(body) });
            res.end('ok');
          });
          return;
        }
        if (req.url === '/scene.tif') {
          res.setHeader('Content-Type', 'image/tiff');
          res.end(readFileSync(cog));
        } else if (req.url === '/stac/item.json') {
          res.setHeader('Content-Type', 'application/geo+json');
          res.end(JSON.stringify({ type: 'Feature', stac_version: '1.0.0', id: 'remote-scene', geometry: null, properties: { datetime: '2026-06-01T10:00:00Z' }, links: [], assets: { thumbnail: { href: 'thumb.png', type: 'image/png', roles: ['thumbnail'] }, data: { href: '../scene.tif', type: 'image/tiff; application=geotiff', roles: ['data'] } } }));
        } else if (req.url === '/translate.cwl') {
          res.end(fixture('translate.cwl'));
        } else {
          res.statusCode = 404;
          res.end();
        }
      });
      await new Promise<void>((r) => files.listen(0, '127.0.0.1', r));
      filesUrl = `http://127.0.0.1:${(files.address() as AddressInfo).port}`;
    });
    after(async () => {
      await h?.close();
      await new Promise((r) => files?.close(r));
    });

    it('serves the landing page and conformance, valid against the schemas', async () => {
      const landing = await h.request('GET', '/');
      assert.equal(landing.status, 200);
      assertProcessesSchema('landingPage', landing.json);
      for (const l of landing.json.links) assert.equal((await h.request('GET', l.href)).status, 200, l.href);
      const conf = await h.request('GET', '/conformance');
      assertProcessesSchema('confClasses', conf.json);
      assert.ok(conf.json.conformsTo.includes('http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core'));
      assert.ok(conf.json.conformsTo.includes('http://www.opengis.net/spec/ogcapi-processes-2/1.0/conf/deploy-replace-undeploy'));
      const openapi = await h.request('GET', landing.json.links.find((l: { rel: string }) => l.rel === 'service-desc').href);
      assert.equal(openapi.status, 200);
      assert.ok(openapi.json.paths['/ades/processes/{processId}/execution'].post, Object.keys(openapi.json.paths).join(', '));
      assert.ok(openapi.json.paths['/ades/jobs/{jobId}'].delete);
      const registry = await h.request('GET', `${h.server.url}/conformance`);
      assert.ok(registry.json.conformsTo.includes('http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/job-list'));
    });

    it('lists and describes the built-in processes', async () => {
      const list = await h.request('GET', '/processes');
      assertProcessesSchema('processList', list.json);
      assert.deepEqual(list.json.processes.map((p: { id: string }) => p.id).sort(), ['clip', 'ndvi', 'reproject']);
      const ndvi = await h.request('GET', '/processes/ndvi');
      assertProcessesSchema('process', ndvi.json);
      assert.equal(ndvi.json.inputs.image.minOccurs, 1);
      assert.equal(ndvi.json.inputs.red.schema.default, 1);
      assertProblem(await h.request('GET', '/processes/nope'), 404, `${EXC1}/no-such-process`);
    });

    it('deploys a CWL CommandLineTool (application/cwl+yaml) whose description follows its inputs and outputs, visible to its owner only', async () => {
      const res = await h.request('POST', '/processes', { as: 'alice', body: fixture('translate.cwl'), type: 'application/cwl+yaml' });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.get('location'), `${h.base}/processes/translate`);
      const d = await h.request('GET', '/processes/translate', { as: 'alice' });
      assertProcessesSchema('process', d.json);
      assert.equal(d.json.title, 'Downsample a raster');
      assert.equal(d.json.version, '1.2.0');
      assert.deepEqual(d.json.inputs.source, { title: 'Input raster', schema: { type: 'string', format: 'binary', contentMediaType: 'image/tiff', contentEncoding: 'binary' }, minOccurs: 1, maxOccurs: 1 });
      assert.deepEqual(d.json.inputs.percent, { title: 'Output size in percent', schema: { type: 'integer', default: 50 }, minOccurs: 0, maxOccurs: 1 });
      assert.equal(d.json.outputs.result.schema.contentMediaType, 'image/tiff');
      assertProblem(await h.request('GET', '/processes/translate', { as: 'bob' }), 404, `${EXC1}/no-such-process`);
      const bobs = await h.request('GET', '/processes', { as: 'bob' });
      assert.ok(!bobs.json.processes.some((p: { id: string }) => p.id === 'translate'));
      assertProblem(await h.request('POST', '/processes', { as: 'alice', body: fixture('translate.cwl'), type: 'application/cwl+yaml' }), 409, `${EXC2}/duplicated-process`);
      const anonymous = await h.request('POST', '/processes', { body: fixture('translate.cwl'), type: 'application/cwl+yaml' });
      assertProblem(anonymous, 401);
      assert.ok(anonymous.headers.get('www-authenticate'));
    });

    it('refuses invalid packages saying what is wrong and where', async () => {
      const bad = fixture('translate.cwl').replace('type: int', 'type: integer');
      const res = await h.request('POST', '/processes', { as: 'alice', body: bad, type: 'application/cwl+yaml' });
      assertProblem(res, 400);
      assert.equal(res.json.locator, 'inputs.percent.type');
      assert.match(res.json.detail, /unknown type 'integer'/);
      const noVersion = await h.request('POST', '/processes', { as: 'alice', body: fixture('translate.cwl').replace('cwlVersion: v1.2\n', ''), type: 'application/cwl+yaml' });
      assertProblem(noVersion, 400);
      assert.equal(noVersion.json.locator, 'cwlVersion');
      assertProblem(await h.request('POST', '/processes', { as: 'alice', body: 'a: [', type: 'application/cwl+yaml' }), 400);
      assertProblem(await h.request('POST', '/processes', { as: 'alice', body: { executionUnit: [] }, type: 'application/ogcapppkg+json' }), 400);
      assertProblem(await h.request('POST', '/processes', { as: 'alice', body: 'x', type: 'text/plain' }), 415);
    });

    let jobId: string;
    it('executes the deployed tool asynchronously on a catalogue product, follows it to success and fetches the result', async () => {
      const res = await h.request('POST', '/processes/translate/execution', { as: 'alice', body: { inputs: { source: 'scene-1', percent: 50 } }, headers: { Prefer: 'respond-async' } });
      assert.equal(res.status, 201, res.text);
      assert.equal(res.headers.get('preference-applied'), 'respond-async');
      assertProcessesSchema('statusInfo', res.json);
      assert.ok(['accepted', 'running'].includes(res.json.status));
      jobId = res.json.jobID;
      assert.equal(res.headers.get('location'), `${h.base}/jobs/${jobId}`);
      const done = await h.waitJob(jobId, 'alice');
      assert.equal(done.status, 'successful', JSON.stringify(done));
      assertProcessesSchema('statusInfo', done);
      assert.equal(done.progress, 100);
      assert.ok(done.started && done.finished && done.created);
      const results = await h.request('GET', `/jobs/${jobId}/results`, { as: 'alice' });
      assertProcessesSchema('results', results.json);
      const href = results.json.result.href as string;
      assert.ok(href.startsWith(`${h.base}/jobs/${jobId}/files/`), href);
      const file = await h.request('GET', href, { as: 'alice' });
      assert.equal(file.status, 200);
      const out = join(mkdtempSync(join(tmpdir(), 'ades-')), 'result.tif');
      writeFileSync(out, file.bytes);
      const info = gdalInfo(out);
      assert.deepEqual(info.size, [32, 32]);
      assert.equal(info.metadata.IMAGE_STRUCTURE.LAYOUT, 'COG');
      const raw = await h.request('GET', `/jobs/${jobId}/results/result`, { as: 'alice' });
      assert.deepEqual(raw.bytes, file.bytes);
      const logs = await h.request('GET', `/jobs/${jobId}/logs`, { as: 'alice' });
      assert.match(logs.text, /gdal_translate/);
      const usage = (await h.request('GET', `/jobs/${jobId}/usage`, { as: 'alice' })).json.usage;
      assert.equal(usage.length, 1);
      assert.equal(usage[0].outcome, 'successful');
      assert.ok(usage[0].cpuMs > 0 && usage[0].maxRssKb > 0 && usage[0].wallMs >= usage[0].cpuMs / 4, JSON.stringify(usage));
      // The COG and the product's STAC item were staged in; the result file went out.
      assert.ok(usage[0].bytesIn > readFileSync(cog).length, JSON.stringify(usage));
      assert.equal(usage[0].bytesOut, file.bytes.length);
      assertProblem(await h.request('GET', `/jobs/${jobId}/usage`, { as: 'bob' }), 404);
    });

    it('stages the result out to the owner workspace with a STAC catalog, and registers it in the catalogue for the owner only', async () => {
      const blobs = h.server.meridian.stores.blobs;
      const listed = await blobs.list(`workspaces/alice/jobs/${jobId}/`);
      const keys = listed.items.map((i) => i.key);
      assert.ok(keys.includes(`workspaces/alice/jobs/${jobId}/result/result.tif`), keys.join(','));
      const catalog = await h.request('GET', `/jobs/${jobId}/files/catalog.json`, { as: 'alice' });
      assert.equal(validateStac(catalog.json).valid, true, validateStac(catalog.json).text);
      const itemLink = catalog.json.links.find((l: { rel: string }) => l.rel === 'item');
      const item = await h.request('GET', `/jobs/${jobId}/files/${itemLink.href.replace('./', '')}`, { as: 'alice' });
      const check = validateStac(item.json);
      assert.equal(check.valid, true, check.text);
      assert.deepEqual(item.json.bbox, [10, 49, 11, 50]);
      const product = await h.catalogue.get(`${jobId}-result`, alice);
      assert.ok(product, 'the result is a catalogue product');
      assert.equal(product.parentIdentifier, 'processing-results');
      assert.deepEqual(product.bbox, [10, 49, 11, 50]);
      assert.equal(await h.catalogue.get(`${jobId}-result`, bob), undefined);
      const found = await h.catalogue.search({ parentIdentifier: 'processing-results' }, alice);
      assert.ok(found.records.some((r) => r.identifier === `${jobId}-result`));
    });

    it('hides one user\'s jobs from another, who can neither read nor dismiss them', async () => {
      assertProblem(await h.request('GET', `/jobs/${jobId}`, { as: 'bob' }), 404, `${EXC1}/no-such-job`);
      assertProblem(await h.request('GET', `/jobs/${jobId}/results`, { as: 'bob' }), 404, `${EXC1}/no-such-job`);
      assertProblem(await h.request('DELETE', `/jobs/${jobId}`, { as: 'bob' }), 404, `${EXC1}/no-such-job`);
      const bobs = await h.request('GET', '/jobs', { as: 'bob' });
      assertProcessesSchema('jobList', bobs.json);
      assert.ok(!bobs.json.jobs.some((j: { jobID: string }) => j.jobID === jobId));
      const alices = await h.request('GET', '/jobs?processID=translate&status=successful', { as: 'alice' });
      assertProcessesSchema('jobList', alices.json);
      assert.deepEqual(alices.json.jobs.map((j: { jobID: string }) => j.jobID), [jobId]);
      const admin = await h.request('GET', `/jobs/${jobId}`, { as: 'admin' });
      assert.equal(admin.status, 200);
      assertProblem(await h.request('GET', '/jobs?status=finished', { as: 'alice' }), 400);
      // Bob may not stage in a product he cannot read, nor alice's blob.
      const denied = await h.request('POST', '/processes/ndvi/execution', { as: 'alice', body: { inputs: { image: 'bob-secret' } } });
      assertProblem(denied, 400);
      assert.equal(denied.json.locator, 'image');
      assert.match(denied.json.detail, /no catalogue product 'bob-secret'/);
    });

    it('runs a built-in synchronously on a blob of the caller\'s workspace, as a document and raw', async () => {
      const doc = await h.request('POST', '/processes/ndvi/execution', { as: 'bob', body: { inputs: { image: { href: 'blob:workspaces/bob/scene.tif' }, red: 1, nir: 2 } } });
      assert.equal(doc.status, 200, doc.text);
      assertProcessesSchema('results', doc.json);
      const raw = await h.request('POST', '/processes/ndvi/execution', { as: 'bob', body: { inputs: { image: { href: 'blob:workspaces/bob/scene.tif' } }, response: 'raw' } });
      assert.equal(raw.status, 200);
      assert.match(raw.headers.get('content-type')!, /image\/tiff/);
      const out = join(mkdtempSync(join(tmpdir(), 'ades-')), 'ndvi.tif');
      writeFileSync(out, raw.bytes);
      const band = gdalInfo(out).bands[0];
      assert.equal(band.type, 'Float32');
      assert.ok(Math.abs(band.mean - 40 / 60) < 1e-3, String(band.mean));
      // Someone else's workspace is refused.
      const other = await h.request('POST', '/processes/ndvi/execution', { as: 'bob', body: { inputs: { image: { href: 'blob:workspaces/alice/scene.tif' } } } });
      assertProblem(other, 403);
      assert.match(other.json.detail, /not allowed to read blob/);
      assertProblem(await h.request('POST', '/processes/ndvi/execution', { as: 'bob', body: { inputs: { image: { href: 'blob:workspaces/bob/none.tif' } } } }), 400);
      assertProblem(await h.request('POST', '/processes/ndvi/execution', { as: 'bob', body: { inputs: { image: { href: 'ftp://x/y.tif' } } } }), 400);
      assertProblem(await h.request('POST', '/processes/ndvi/execution', { as: 'bob', body: { inputs: { red: 'one' } } }), 400);
      assertProblem(await h.request('POST', '/processes/ndvi/execution', { as: 'bob', body: { inputs: { image: 'x', colour: 1 } } }), 400);
      assertProblem(await h.request('POST', '/processes/ndvi/execution', { as: 'bob', body: '{' }), 400);
    });

    it('clips and reprojects with the built-ins', async () => {
      const clip = await h.request('POST', '/processes/clip/execution', { as: 'alice', body: { inputs: { image: 'scene-1', bbox: { bbox: [10.25, 49.25, 10.75, 49.75] } }, response: 'raw' } });
      assert.equal(clip.status, 200, clip.text);
      const dir = mkdtempSync(join(tmpdir(), 'ades-'));
      writeFileSync(join(dir, 'clip.tif'), clip.bytes);
      const clipped = gdalInfo(join(dir, 'clip.tif'));
      assert.deepEqual(clipped.size, [32, 32]);
      assert.deepEqual(clipped.cornerCoordinates.upperLeft, [10.25, 49.75]);
      const warp = await h.request('POST', '/processes/reproject/execution', { as: 'alice', body: { inputs: { image: 'scene-1', crs: 'http://www.opengis.net/def/crs/EPSG/0/3857' }, response: 'raw' } });
      assert.equal(warp.status, 200, warp.text);
      writeFileSync(join(dir, 'warp.tif'), warp.bytes);
      const warped = gdalInfo(join(dir, 'warp.tif'));
      assert.match(warped.coordinateSystem.wkt, /Pseudo-Mercator/);
      assert.ok(Math.abs(warped.cornerCoordinates.upperLeft[0] - 1113194.9) < 1, JSON.stringify(warped.cornerCoordinates));
      assertProblem(await h.request('POST', '/processes/reproject/execution', { as: 'alice', body: { inputs: { image: 'scene-1', crs: 'WGS 84' } } }), 400);
    });

    it('stages a catalogue product into a Directory input and a Directory output out file by file', async () => {
      assert.equal((await h.request('POST', '/processes', { as: 'alice', body: fixture('listdir.cwl'), type: 'application/cwl+yaml' })).status, 201);
      const d = await h.request('GET', '/processes/listdir', { as: 'alice' });
      assert.equal(d.json.inputs.scene.schema.contentMediaType, 'application/json');
      const res = await h.request('POST', '/processes/listdir/execution', { as: 'alice', body: { inputs: { scene: 'scene-1' } } });
      assert.equal(res.status, 200, res.text);
      const listing = await h.request('GET', res.json.listing.href, { as: 'alice' });
      assert.equal(listing.text, 'item.json\nscene.tif\n');
      assert.deepEqual(res.json.copy.map((l: { href: string }) => l.href.replace(/^.*\/files\//, '')), ['copy/item.json', 'copy/scene.tif']);
      const item = await h.request('GET', res.json.copy[0].href, { as: 'alice' });
      assert.equal(item.json.id, 'scene-1');
    });

    it('deploys a $graph workflow as an OGC application package, runs it on an input by URL and calls the subscriber back', async () => {
      const pkg = { processDescription: { id: 'halve-twice', title: 'Quarter a raster' }, executionUnit: [{ unit: fixture('workflow.cwl') }], visibility: 'public' };
      const dep = await h.request('POST', '/processes', { as: 'alice', body: pkg, type: 'application/ogcapppkg+json' });
      assert.equal(dep.status, 201, dep.text);
      const d = await h.request('GET', '/processes/halve-twice', { as: 'bob' });
      assert.equal(d.status, 200, 'public packages are visible to others');
      assert.equal(d.json.title, 'Quarter a raster');
      assert.deepEqual(Object.keys(d.json.outputs), ['smaller']);
      const res = await h.request('POST', '/processes/halve-twice/execution', {
        as: 'bob',
        headers: { Prefer: 'respond-async' },
        body: { inputs: { source: { href: `${filesUrl}/scene.tif` } }, subscriber: { successUri: `${filesUrl}/done`, inProgressUri: `${filesUrl}/progress` } },
      });
      assert.equal(res.status, 201, res.text);
      const done = await h.waitJob(res.json.jobID, 'bob');
      assert.equal(done.status, 'successful', JSON.stringify(done));
      const results = await h.request('GET', `/jobs/${res.json.jobID}/results`, { as: 'bob' });
      const file = await h.request('GET', results.json.smaller.href, { as: 'bob' });
      const out = join(mkdtempSync(join(tmpdir(), 'ades-')), 'q.tif');
      writeFileSync(out, file.bytes);
      assert.deepEqual(gdalInfo(out).size, [16, 16]);
      assert.ok(callbacks.some((c) => c.path === '/progress' && c.body.jobID === res.json.jobID));
      const success = callbacks.find((c) => c.path === '/done');
      assert.ok(success, 'success callback received');
      assert.equal(success.body.smaller.href, results.json.smaller.href);
    });

    it('stages the data asset of a STAC item given by URL (relative asset href), and the item whole into a Directory', async () => {
      const res = await h.request('POST', '/processes/ndvi/execution', { as: 'alice', body: { inputs: { image: { href: `${filesUrl}/stac/item.json`, type: 'application/geo+json' } }, response: 'raw' } });
      assert.equal(res.status, 200, res.text);
      const out = join(mkdtempSync(join(tmpdir(), 'ades-')), 'ndvi.tif');
      writeFileSync(out, res.bytes);
      assert.deepEqual(gdalInfo(out).size, [64, 64]);
      const dir = await h.request('POST', '/processes/listdir/execution', { as: 'alice', body: { inputs: { scene: { href: `${filesUrl}/stac/item.json` } } } });
      assert.equal(dir.status, 200, dir.text);
      assert.equal((await h.request('GET', dir.json.listing.href, { as: 'alice' })).text, 'item.json\nscene.tif\n');
    });

    it('deploys by href and refuses a package whose reference does not resolve', async () => {
      const pkg = { processDescription: { id: 'translate-ref' }, executionUnit: { href: `${filesUrl}/translate.cwl`, type: 'application/cwl' } };
      const dep = await h.request('POST', '/processes', { as: 'alice', body: pkg, type: 'application/ogcapppkg+json' });
      assert.equal(dep.status, 201, dep.text);
      const missing = await h.request('POST', '/processes', { as: 'alice', body: { executionUnit: { href: `${filesUrl}/missing.cwl` } }, type: 'application/ogcapppkg+json' });
      assertProblem(missing, 400);
      assert.equal(missing.json.locator, 'executionUnit.href');
    });

    it('ends a failing tool as a failed job with its log', async () => {
      assert.equal((await h.request('POST', '/processes', { as: 'alice', body: fixture('failing.cwl'), type: 'application/cwl+yaml' })).status, 201);
      const res = await h.request('POST', '/processes/failing/execution', { as: 'alice', headers: { Prefer: 'respond-async' }, body: { inputs: {} } });
      const done = await h.waitJob(res.json.jobID, 'alice');
      assert.equal(done.status, 'failed');
      assert.match(done.message, /the tool failed \(cwltool exit 1\)/);
      const logs = await h.request('GET', `/jobs/${res.json.jobID}/logs`, { as: 'alice' });
      assert.match(logs.text, /the input is unusable: no band 7/);
      const results = await h.request('GET', `/jobs/${res.json.jobID}/results`, { as: 'alice' });
      assertProblem(results, 500);
      assert.equal((await h.request('GET', `/jobs/${res.json.jobID}/usage`, { as: 'alice' })).json.usage[0].outcome, 'failed');
    });

    it('fails a job whose input URL cannot be fetched, saying which input', async () => {
      const res = await h.request('POST', '/processes/ndvi/execution', { as: 'alice', headers: { Prefer: 'respond-async' }, body: { inputs: { image: { href: `${filesUrl}/missing.tif` } } } });
      assert.equal(res.status, 201);
      const done = await h.waitJob(res.json.jobID, 'alice');
      assert.equal(done.status, 'failed');
      assert.match(done.message, /input 'image': .*missing\.tif answered 404/);
    });

    it('dismisses a running job: the tool stops, the job is dismissed', async () => {
      assert.equal((await h.request('POST', '/processes', { as: 'alice', body: fixture('sleeper.cwl'), type: 'application/cwl+yaml' })).status, 201);
      const seconds = `${40 + Math.random()}`.slice(0, 9);
      const res = await h.request('POST', '/processes/sleeper/execution', { as: 'alice', headers: { Prefer: 'respond-async' }, body: { inputs: { seconds } } });
      const id = res.json.jobID;
      const deadline = Date.now() + 30_000;
      while (!sleeping(seconds)) {
        assert.ok(Date.now() < deadline, 'the tool never started');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal((await h.request('GET', `/jobs/${id}`, { as: 'alice' })).json.status, 'running');
      const dismissed = await h.request('DELETE', `/jobs/${id}`, { as: 'alice' });
      assert.equal(dismissed.status, 200);
      assertProcessesSchema('statusInfo', dismissed.json);
      assert.equal(dismissed.json.status, 'dismissed');
      const gone = Date.now() + 10_000;
      while (sleeping(seconds)) {
        assert.ok(Date.now() < gone, 'the tool still runs after dismissal');
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.equal((await h.request('GET', `/jobs/${id}`, { as: 'alice' })).json.status, 'dismissed');
      // The record is written when the aborted handler returns, just after the dismissal.
      let usage = await h.request('GET', `/jobs/${id}/usage`, { as: 'alice' });
      for (let i = 0; i < 50 && usage.json.usage.length === 0; i++) {
        await new Promise((r) => setTimeout(r, 100));
        usage = await h.request('GET', `/jobs/${id}/usage`, { as: 'alice' });
      }
      assert.equal(usage.json.usage[0]?.outcome, 'dismissed', usage.text);
    });

    it('dismisses an ended job: 200 dismissed, then 404 no-such-job; its results, files and catalogue product are deleted', async () => {
      const blobs = h.server.meridian.stores.blobs;
      const res = await h.request('POST', '/processes/ndvi/execution', { as: 'alice', headers: { Prefer: 'respond-async' }, body: { inputs: { image: { href: 'blob:workspaces/alice/scene.tif' }, red: 1, nir: 2 } } });
      assert.equal(res.status, 201, res.text);
      const id = res.json.jobID as string;
      assert.equal((await h.waitJob(id, 'alice')).status, 'successful');
      const results = await h.request('GET', `/jobs/${id}/results`, { as: 'alice' });
      assert.equal(results.status, 200, results.text);
      const [outputId, output] = Object.entries(results.json as Record<string, { href?: string }>).find(([, o]) => o.href)!;
      const fileHref = output.href!;
      assert.equal((await h.request('GET', fileHref, { as: 'alice' })).status, 200);
      const prefix = `workspaces/alice/jobs/${id}/`;
      assert.ok((await blobs.list(prefix)).items.length >= 2);
      const product = `${id}-${outputId}`;
      assert.ok(await h.catalogue.get(product, alice), 'the result is a catalogue product');

      const dismissed = await h.request('DELETE', `/jobs/${id}`, { as: 'alice' });
      assert.equal(dismissed.status, 200, dismissed.text);
      assertProcessesSchema('statusInfo', dismissed.json);
      assert.equal(dismissed.json.jobID, id);
      assert.equal(dismissed.json.status, 'dismissed');
      for (const path of [`/jobs/${id}`, `/jobs/${id}/results`, `/jobs/${id}/logs`, `/jobs/${id}/files/catalog.json`]) {
        assertProblem(await h.request('GET', path, { as: 'alice' }), 404, `${EXC1}/no-such-job`);
      }
      assertProblem(await h.request('DELETE', `/jobs/${id}`, { as: 'alice' }), 404, `${EXC1}/no-such-job`);
      assert.equal((await h.request('GET', fileHref, { as: 'alice' })).status, 404);
      assert.deepEqual((await blobs.list(prefix)).items.map((i) => i.key), []);
      assert.equal(await h.catalogue.get(product, alice), undefined);
      assert.equal((await h.catalogue.stamps([product])).size, 0);
      const listed = await h.request('GET', '/jobs?processID=ndvi&limit=1000', { as: 'alice' });
      assert.ok(!listed.json.jobs.some((j: { jobID: string }) => j.jobID === id));

      // A failed job is removed as well.
      const bad = await h.request('POST', '/processes/ndvi/execution', { as: 'alice', headers: { Prefer: 'respond-async' }, body: { inputs: { image: { href: `${filesUrl}/missing.tif` } } } });
      assert.equal((await h.waitJob(bad.json.jobID, 'alice')).status, 'failed');
      const gone = await h.request('DELETE', `/jobs/${bad.json.jobID}`, { as: 'alice' });
      assert.equal(gone.status, 200, gone.text);
      assert.equal(gone.json.status, 'dismissed');
      assertProblem(await h.request('GET', `/jobs/${bad.json.jobID}`, { as: 'alice' }), 404, `${EXC1}/no-such-job`);
    });

    it('undeploys a process with a job running: the job ends as submitted, no new job starts', async () => {
      const pkg = { processDescription: { id: 'nap' }, executionUnit: { unit: fixture('sleeper.cwl') } };
      assert.equal((await h.request('POST', '/processes', { as: 'alice', body: pkg, type: 'application/ogcapppkg+json' })).status, 201);
      const res = await h.request('POST', '/processes/nap/execution', { as: 'alice', headers: { Prefer: 'respond-async' }, body: { inputs: { seconds: '1.5' } } });
      assert.equal(res.status, 201);
      assert.equal((await h.request('DELETE', '/processes/nap', { as: 'alice' })).status, 204);
      assertProblem(await h.request('POST', '/processes/nap/execution', { as: 'alice', body: { inputs: { seconds: '1' } } }), 404, `${EXC1}/no-such-process`);
      const done = await h.waitJob(res.json.jobID, 'alice');
      assert.equal(done.status, 'successful', JSON.stringify(done));
      const results = await h.request('GET', `/jobs/${res.json.jobID}/results`, { as: 'alice' });
      const note = await h.request('GET', results.json.note.href, { as: 'alice' });
      assert.equal(note.text, 'sleeping\n');
    });

    it('replaces and undeploys a process; only its owner may', async () => {
      const replaced = fixture('translate.cwl').replace('label: Downsample a raster', 'label: Resize a raster');
      assertProblem(await h.request('PUT', '/processes/translate', { as: 'bob', body: replaced, type: 'application/cwl+yaml' }), 404);
      assert.equal((await h.request('PUT', '/processes/translate', { as: 'alice', body: replaced, type: 'application/cwl+yaml' })).status, 204);
      assert.equal((await h.request('GET', '/processes/translate', { as: 'alice' })).json.title, 'Resize a raster');
      assertProblem(await h.request('PUT', '/processes/translate', { as: 'alice', body: fixture('failing.cwl'), type: 'application/cwl+yaml' }), 400);
      assertProblem(await h.request('DELETE', '/processes/ndvi', { as: 'admin' }), 403, `${EXC2}/immutable-process`);
      assertProblem(await h.request('DELETE', '/processes/halve-twice', { as: 'bob' }), 403);
      assert.equal((await h.request('DELETE', '/processes/translate', { as: 'alice' })).status, 204);
      assertProblem(await h.request('GET', '/processes/translate', { as: 'alice' }), 404, `${EXC1}/no-such-process`);
      // Finished jobs of an undeployed process stay readable.
      assert.equal((await h.request('GET', `/jobs/${jobId}/results`, { as: 'alice' })).status, 200);
    });
  });
}
