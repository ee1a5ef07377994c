/**
 * The EMS's relay of this server's blobs and catalogue products to steps on remote ADES, and ADES
 * endpoints discovered from the catalogue's service records, on every database kind. Server A
 * runs the catalogue, the engine and the EMS (local engine the default, no ADES configured);
 * server B an engine and its ADES, found only through A's service records (credentials per record
 * identifier). Real CWL (gdal_translate, gdalwarp, sha256sum under cwltool), results checked with
 * gdalinfo. Server C is A with `discover.allowPrivateNetworks: false`.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceToken } from '../../../plugins/ems/relay.js';
import type { S3ObjectsService } from '../../../plugins/s3/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { gdalInfo, makeCog, startAdes, type AdesHarness, type ApiResponse } from '../ades/support.js';
import { emsClient, fixture, startRemoteAdes, waitEms, type EmsCall, type RemoteAdes } from './support.js';

const PROCESSES_REL = 'http://www.opengis.net/def/rel/ogc/1.0/processes';
type User = 'admin' | 'alice' | 'bob';

for (const kind of testDatabaseKinds()) {
  describe(`ems relay of local data and discovered ADES (${kind.name})`, function () {
    this.timeout(180_000);
    let a: AdesHarness;
    let b: RemoteAdes;
    let cog: string;
    let cogSha: string;
    let blobs: AdesHarness['server']['meridian']['stores']['blobs'] & { localPath(key: string): string };
    const ems = emsClient(() => a);

    /** Runs the process as the user to the job's end: the job's id, status document and log. */
    async function run(call: EmsCall, processId: string, inputs: Record<string, unknown>, as: User = 'alice') {
      const submitted = await call('POST', `/processes/${processId}/execution`, { as, body: { inputs }, headers: { Prefer: 'respond-async' } });
      assert.equal(submitted.status, 201, submitted.text);
      const id = submitted.json.jobID as string;
      const status = await waitEms(call, id, { as });
      return { id, status, logs: (await call('GET', `/jobs/${id}/logs`, { as })).text };
    }

    const bJobs = async (): Promise<Array<{ jobID: string; processID: string; status: string }>> => (await b.get('/jobs?limit=1000')).json.jobs;

    /** A's service record for B: the processes link, or (`conformsTo`) a link whose conformsTo names OGC API Processes. */
    const serviceRecord = (identifier: string, collections: string[], variant: 'rel' | 'conformsTo', extra: Record<string, unknown> = {}) => ({
      identifier,
      type: 'service' as const,
      title: `ADES ${identifier}`,
      visibility: 'public' as const,
      links:
        variant === 'rel'
          ? [{ rel: PROCESSES_REL, href: `${b.ades.base}/processes`, type: 'application/json' }]
          : [{ rel: 'service', href: `${b.ades.base}/`, type: 'application/json', conformsTo: ['http://www.opengis.net/spec/ogcapi-processes-1/1.0/conf/core'] }],
      properties: { collections },
      ...extra,
    });

    const product = (identifier: string, collection: string, href: string, extra: Record<string, unknown> = {}) => ({
      identifier,
      type: 'product' as const,
      parentIdentifier: collection,
      title: identifier,
      start: '2026-06-01T10:00:00Z',
      geometry: { type: 'Polygon' as const, coordinates: [[[10, 49], [11, 49], [11, 50], [10, 50], [10, 49]]] },
      visibility: 'public' as const,
      assets: { data: { href, type: 'image/tiff; application=geotiff', roles: ['data'] } },
      ...extra,
    });

    /** The two-sums job's result: the sha256 of each of its two inputs, both the scene, each staged on B as scene.tif. */
    async function assertBothSumsAreTheScene(jobId: string): Promise<void> {
      const results = (await ems('GET', `/jobs/${jobId}/results`, { as: 'alice' })).json;
      const sums = (await ems('GET', results.sums.href, { as: 'alice' })).text.trim().split('\n');
      assert.equal(sums.length, 2, sums.join('\n'));
      for (const line of sums) {
        const [sum, path] = line.split(/\s+/);
        assert.equal(sum, cogSha, line);
        // The relay link ends with the file's name: B staged it as scene.tif.
        assert.match(path!, /\/scene\.tif$/, line);
      }
    }

    async function deploy(call: EmsCall, name: string): Promise<ApiResponse> {
      const res = await call('POST', '/processes', { as: 'alice', body: fixture(name), type: 'application/cwl+yaml' });
      assert.equal(res.status, 201, res.text);
      return res;
    }

    before(async () => {
      cog = makeCog();
      cogSha = createHash('sha256').update(readFileSync(cog)).digest('hex');
      b = await startRemoteAdes(kind);
      a = await startAdes(kind, {
        plugins: {
          ems: {
            pollIntervalMs: 100,
            discover: { enabled: true, allowPrivateNetworks: true, credentials: { 'ades-b': { apiKey: b.key }, 'hidden-b': { apiKey: b.key } } },
          },
          // Its workspace buckets (ws-<user>) are the users' workspaces in the blob store: s3:// inputs.
          s3: { listen: 0, sweepIntervalSeconds: 0, keyCacheSeconds: 0, bucketCacheSeconds: 0 },
        },
      });
      blobs = a.server.meridian.stores.blobs as typeof blobs;
      await blobs.put('workspaces/alice/scene.tif', readFileSync(cog), { contentType: 'image/tiff; application=geotiff' });
      await blobs.put('workspaces/bob/secret.tif', readFileSync(cog), { contentType: 'image/tiff; application=geotiff' });
      await a.catalogue.upsert([
        { identifier: 'far', type: 'collection', title: 'Next to B', visibility: 'public' },
        { identifier: 'secret-coll', type: 'collection', title: 'Next to B, says a private record', visibility: 'public' },
        // Data assets on A: a file of the blob store's folder, a blob key.
        product('far-1', 'far', blobs.localPath('workspaces/alice/scene.tif')),
        product('far-blob', 'far', 'blob:workspaces/alice/scene.tif'),
        product('secret-1', 'secret-coll', blobs.localPath('workspaces/alice/scene.tif')),
        product('bobs', 'far', 'blob:workspaces/bob/secret.tif', { owner: 'bob', visibility: 'private' }),
        serviceRecord('ades-b', ['far'], 'rel'),
      ]);
      await deploy(ems, 'halve-then-warp.cwl');
      await deploy(ems, 'two-sums.cwl');
    });
    after(async () => {
      await a?.close();
      await b?.ades.close();
    });

    it('places a step on the ADES of a service record (processes link) by its collections, its product relayed', async () => {
      const before = (await bJobs()).length;
      const done = await run(ems, 'halve-then-warp', { source: { href: 'catalogue:far-1' } });
      assert.equal(done.status.status, 'successful', `${done.status.message}\n${done.logs}`);
      assert.match(done.logs, /step 'halve': placed on 'catalogue:ades-b': nearest the data \(input 'source': product 'far-1' is in collection 'far', served by 'catalogue:ades-b'\)/);
      assert.match(done.logs, /process 'halve-[0-9a-f]{12}' deployed on 'catalogue:ades-b'/);
      assert.match(done.logs, /step 'warp': placed on 'local': no input says where its data lives: the default ADES/);
      // B ran halve as the account of discover.credentials['ades-b'], reading the product (a file on A) through A's relay.
      const onB = await bJobs();
      assert.equal(onB.length, before + 1);
      const halve = onB.filter((j) => j.processID.startsWith('halve-'));
      assert.equal(halve.length, 1, JSON.stringify(onB));
      assert.equal(halve[0]!.status, 'successful');
      const results = (await ems('GET', `/jobs/${done.id}/results`, { as: 'alice' })).json;
      const file = await ems('GET', results.warped.href, { as: 'alice' });
      assert.equal(file.status, 200);
      const dir = mkdtempSync(join(tmpdir(), 'ems-relay-'));
      writeFileSync(join(dir, 'w.tif'), file.bytes);
      const info = gdalInfo(join(dir, 'w.tif'));
      assert.match(info.coordinateSystem.wkt, /Pseudo-Mercator|3857/);
      assert.ok(info.size[0] >= 20 && info.size[0] <= 40, JSON.stringify(info.size));
      assert.equal(info.bands[0].computedMin ?? info.bands[0].minimum, 10);
    });

    it('finds the ADES by a link whose conformsTo names OGC API Processes, and relays blobs (an input and a product asset) byte for byte', async () => {
      await a.catalogue.upsert([serviceRecord('ades-b', ['far'], 'conformsTo')]);
      const done = await run(ems, 'two-sums', { first: { href: 'catalogue:far-blob' }, second: { href: 'blob:workspaces/alice/scene.tif' } });
      assert.equal(done.status.status, 'successful', `${done.status.message}\n${done.logs}`);
      // One vote each (the product for B, the blob for A): the first input's wins.
      assert.match(done.logs, /step 'sum': placed on 'catalogue:ades-b': nearest the data \(input 'first': product 'far-blob' is in collection 'far', served by 'catalogue:ades-b'\)/);
      await assertBothSumsAreTheScene(done.id);
    });

    it('does not relay what the workflow\'s user may not read, neither when linking nor when fetching', async () => {
      const before = (await bJobs()).length;
      const done = await run(ems, 'two-sums', { first: { href: 'catalogue:far-1' }, second: { href: 'blob:workspaces/bob/secret.tif' } });
      assert.equal(done.status.status, 'failed', done.logs);
      assert.match(done.status.message, /step 'sum': input 'second' \(blob:workspaces\/bob\/secret\.tif\) cannot be given to ADES 'catalogue:ades-b': the workflow's user may not read blob 'workspaces\/bob\/secret\.tif'/);
      assert.equal((await bJobs()).length, before, 'nothing was submitted to B');
      // Bob's private product, by id: not there for alice.
      const byId = await run(ems, 'two-sums', { first: { href: 'catalogue:far-1' }, second: 'bobs' });
      assert.equal(byId.status.status, 'failed', byId.logs);
      assert.match(byId.status.message, /step 'sum': input 'second' \(bobs\) cannot be given to ADES 'catalogue:ades-b': no catalogue product 'bobs' \(or not one the workflow's user may read\)/);
      assert.equal((await bJobs()).length, before, 'nothing was submitted to B');

      // A link made by hand for alice's job (as if her rights had changed since): the fetch checks again, as alice.
      const secrets = a.server.meridian.stores.secrets;
      const relay = (token: string, method = 'GET') => ems(method, `/relay/${token}/x.tif`);
      const mine = await relay(sourceToken(secrets, done.id, { blob: 'workspaces/alice/scene.tif' }, 60_000));
      assert.equal(mine.status, 200, mine.text);
      assert.equal(mine.headers.get('content-type'), 'image/tiff; application=geotiff');
      assert.equal(Number(mine.headers.get('content-length')), readFileSync(cog).length);
      assert.deepEqual(mine.bytes, readFileSync(cog));
      const head = await relay(sourceToken(secrets, done.id, { product: 'far-1', asset: 'data' }, 60_000), 'HEAD');
      assert.equal(head.status, 200);
      assert.equal(Number(head.headers.get('content-length')), readFileSync(cog).length);
      assert.equal(head.headers.get('content-type'), 'image/tiff; application=geotiff');
      assert.equal(head.bytes.length, 0);

      const blob = await relay(sourceToken(secrets, done.id, { blob: 'workspaces/bob/secret.tif' }, 60_000));
      assert.equal(blob.status, 403, blob.text);
      assert.match(blob.headers.get('content-type')!, /application\/problem\+json/);
      assert.match(blob.json.detail, /may not read blob 'workspaces\/bob\/secret\.tif'/);
      // Bob's private product (its asset a blob of bob's): alice cannot read it, so it is not there for her.
      const bobs = await relay(sourceToken(secrets, done.id, { product: 'bobs', asset: 'data' }, 60_000));
      assert.equal(bobs.status, 404, bobs.text);
      assert.match(bobs.headers.get('content-type')!, /application\/problem\+json/);
      // A product whose asset file is outside the served folders is refused even when readable.
      await a.catalogue.upsert([product('outside', 'far', cog)]);
      const outside = await relay(sourceToken(secrets, done.id, { product: 'outside', asset: 'data' }, 60_000));
      assert.equal(outside.status, 403, outside.text);
      assert.match(outside.json.detail, /outside the folders the platform serves/);
      // Expired, forged, or naming a job that is not a workflow's: nothing.
      assert.equal((await relay(sourceToken(secrets, done.id, { blob: 'workspaces/alice/scene.tif' }, -1))).status, 404);
      assert.equal((await relay(sourceToken(secrets, 'no-such-job', { blob: 'workspaces/alice/scene.tif' }, 60_000))).status, 404);
      const forged = await relay(`${sourceToken(secrets, done.id, { blob: 'workspaces/alice/scene.tif' }, 60_000)}x`);
      assert.equal(forged.status, 404);
      assert.match(forged.headers.get('content-type')!, /application\/problem\+json/);
    });

    it('relays an s3:// object of this server the workflow\'s user may read, byte for byte, and not one they may not', async () => {
      const s3 = a.server.meridian.service<S3ObjectsService>('s3-objects');
      const alices = await s3.workspace('alice');
      const bobs = await s3.workspace('bob');
      assert.ok(alices && bobs);
      const mine = `s3://${alices.bucket}/scene.tif`;
      const theirs = `s3://${bobs.bucket}/secret.tif`;
      // The product's vote places the step on B, which reads the object through A's relay.
      const done = await run(ems, 'two-sums', { first: { href: 'catalogue:far-blob' }, second: { href: mine } });
      assert.equal(done.status.status, 'successful', `${done.status.message}\n${done.logs}`);
      assert.match(done.logs, /step 'sum': placed on 'catalogue:ades-b'/);
      await assertBothSumsAreTheScene(done.id);

      const before = (await bJobs()).length;
      const refused = await run(ems, 'two-sums', { first: { href: 'catalogue:far-1' }, second: { href: theirs } });
      assert.equal(refused.status.status, 'failed', refused.logs);
      assert.match(refused.status.message, new RegExp(`step 'sum': input 'second' \\(${theirs.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\) cannot be given to ADES 'catalogue:ades-b': .*(denied|not allowed|may not)`, 'i'));
      assert.equal((await bJobs()).length, before, 'nothing was submitted to B');

      // At each fetch the read is authorized again, as the job's user.
      const secrets = a.server.meridian.stores.secrets;
      const fetched = await ems('GET', `/relay/${sourceToken(secrets, done.id, { s3: mine }, 60_000)}/scene.tif`);
      assert.equal(fetched.status, 200, fetched.text);
      assert.deepEqual(fetched.bytes, readFileSync(cog));
      const stolen = await ems('GET', `/relay/${sourceToken(secrets, done.id, { s3: theirs }, 60_000)}/secret.tif`);
      assert.equal(stolen.status, 403, stolen.text);
      assert.match(stolen.headers.get('content-type')!, /application\/problem\+json/);
      const missing = await ems('GET', `/relay/${sourceToken(secrets, done.id, { s3: `s3://${alices.bucket}/nothing.tif` }, 60_000)}/nothing.tif`);
      assert.equal(missing.status, 404, missing.text);
    });

    it('does not use a service record the workflow\'s user may not read', async () => {
      await a.catalogue.delete(['ades-b']);
      await a.catalogue.upsert([serviceRecord('hidden-b', ['secret-coll'], 'rel', { owner: 'bob', visibility: 'private' })]);
      const before = (await bJobs()).length;
      const alice = await run(ems, 'halve-then-warp', { source: 'secret-1' });
      assert.equal(alice.status.status, 'successful', `${alice.status.message}\n${alice.logs}`);
      assert.match(alice.logs, /step 'halve': placed on 'local': nearest the data \(input 'source': product 'secret-1' is in this server's catalogue with its data here\)/);
      assert.doesNotMatch(alice.logs, /hidden-b/);
      assert.equal((await bJobs()).length, before);
      // The admin reads the record: the same workflow's step goes there.
      const admin = await run(ems, 'halve-then-warp', { source: 'secret-1' }, 'admin');
      assert.equal(admin.status.status, 'successful', `${admin.status.message}\n${admin.logs}`);
      assert.match(admin.logs, /step 'halve': placed on 'catalogue:hidden-b': nearest the data \(input 'source': product 'secret-1' is in collection 'secret-coll', served by 'catalogue:hidden-b'\)/);
      assert.equal((await bJobs()).length, before + 1);
      // Two records naming one ADES are one endpoint (the first's id), serving both records' collections.
      await a.catalogue.upsert([serviceRecord('ades-b', ['far'], 'rel')]);
      const both = await run(ems, 'halve-then-warp', { source: 'far-1' }, 'admin');
      assert.equal(both.status.status, 'successful', `${both.status.message}\n${both.logs}`);
      assert.match(both.logs, /step 'halve': placed on 'catalogue:(ades|hidden)-b': nearest the data \(input 'source': product 'far-1' is in collection 'far', served by 'catalogue:(ades|hidden)-b'\)/);
    });

    describe('with discover.allowPrivateNetworks false', () => {
      let c: AdesHarness;
      const onC = emsClient(() => c);
      before(async () => {
        c = await startAdes(kind, { plugins: { ems: { pollIntervalMs: 100, discover: { enabled: true, allowPrivateNetworks: false, credentials: { 'ades-b': { apiKey: b.key } } } } } });
        const cBlobs = c.server.meridian.stores.blobs as typeof blobs;
        await cBlobs.put('workspaces/alice/scene.tif', readFileSync(cog), { contentType: 'image/tiff; application=geotiff' });
        await c.catalogue.upsert([
          { identifier: 'far', type: 'collection', title: 'Next to B', visibility: 'public' },
          product('far-1', 'far', cBlobs.localPath('workspaces/alice/scene.tif')),
          serviceRecord('ades-b', ['far'], 'rel'),
        ]);
        await deploy(onC, 'halve-then-warp.cwl');
      });
      after(async () => {
        await c?.close();
      });

      it('refuses the discovered loopback ADES, saying why, and runs the step elsewhere', async () => {
        const before = (await bJobs()).length;
        const done = await run(onC, 'halve-then-warp', { source: { href: 'catalogue:far-1' } });
        assert.equal(done.status.status, 'successful', `${done.status.message}\n${done.logs}`);
        const port = new URL(b.ades.base).port;
        const refusal = `'catalogue:ades-b' not used: ADES 'catalogue:ades-b' (http://127.0.0.1:${port}/ades, from service record 'ades-b') is on an internal network; discovered endpoints must be public (plugins.ems.discover.allowPrivateNetworks is false)`;
        const placed = done.logs.split('\n').find((l) => l.includes("step 'halve': placed on"));
        assert.ok(placed?.includes("step 'halve': placed on 'local': nearest the data (input 'source': product 'far-1' is in this server's catalogue with its data here)"), done.logs);
        assert.ok(placed!.includes(refusal), placed);
        assert.equal((await bJobs()).length, before, 'no request reached B');
      });
    });
  });
}
