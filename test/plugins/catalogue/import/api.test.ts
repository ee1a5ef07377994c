import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApiKey } from '../../../../core/auth/index.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { admin, startCatalogue, type CatalogueHarness } from '../support.js';
import { isoRecord, makeGeoTiff, serveDirectory, type StaticServer } from './support.js';

interface ImportStatus {
  id: string;
  status: string;
  progress: number;
  source?: string;
  error?: string;
  summary?: { records: { imported: number; rejected: number }; sources: { rejected: number } };
  rejected?: Array<{ source: string; record?: string; code: string; locator?: string; reason: string }>;
  links: Array<{ rel: string; href: string }>;
}

async function waitForEnd(url: string, key: string): Promise<ImportStatus> {
  for (let i = 0; i < 200; i++) {
    const res = await fetch(url, { headers: { 'X-API-Key': key } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as ImportStatus;
    if (['succeeded', 'failed', 'dismissed'].includes(body.status)) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import at ${url} did not end`);
}

for (const kind of testDatabaseKinds()) {
  describe(`catalogue import API (${kind.name})`, function () {
    this.timeout(60000);
    let h: CatalogueHarness;
    let files: StaticServer;
    let dir: string;
    let adminKey: string;
    let userKey: string;
    let base: string;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-import-api-'));
      writeFileSync(join(dir, 'collection.xml'), isoRecord({ id: 'API-C', title: 'API collection', level: 'series' }));
      writeFileSync(join(dir, 'orphan.xml'), isoRecord({ id: 'orphan', title: 'Orphan', parent: 'missing' }));
      makeGeoTiff(join(dir, 'scene_20220304.tif'), { srs: 'EPSG:32630', ullr: [400000, 4500000, 410000, 4490000], size: [256, 256], cog: true });
      files = await serveDirectory(dir);
      // The test servers are on loopback: this deployment lets imports reach its own network.
      h = await startCatalogue(kind, { import: { maxDocumentBytes: 4096, allowPrivateNetworks: true } });
      adminKey = (await createApiKey(h.server.meridian.stores.db, { user: 'alice', groups: ['admin'] })).key;
      userKey = (await createApiKey(h.server.meridian.stores.db, { user: 'bob', groups: ['users'] })).key;
      base = `${h.server.url}/catalogue/import`;
    });
    after(async () => {
      await h.close();
      await files.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const post = (body: string, headers: Record<string, string>, query = '') => fetch(`${base}${query}`, { method: 'POST', body, headers });

    it('runs a URL import as a job: 202 with a Location whose status ends with the totals and the rejections', async () => {
      const res = await post(JSON.stringify({ source: `${files.url}/collection.xml` }), { 'content-type': 'application/json', 'X-API-Key': adminKey });
      assert.equal(res.status, 202, await res.clone().text());
      const location = res.headers.get('location')!;
      const accepted = (await res.json()) as ImportStatus;
      assert.equal(location, `${base}/${accepted.id}`);
      assert.ok(['queued', 'running', 'succeeded'].includes(accepted.status));
      const done = await waitForEnd(location, adminKey);
      assert.equal(done.status, 'succeeded', done.error);
      assert.equal(done.progress, 100);
      assert.equal(done.summary!.records.imported, 1);
      assert.equal((await h.catalogue.get('API-C', admin))!.owner, 'alice');

      const tiff = await post(JSON.stringify({ source: `${files.url}/scene_20220304.tif`, collection: 'API-C' }), { 'content-type': 'application/json', 'X-API-Key': adminKey });
      assert.equal(tiff.status, 202);
      const tiffDone = await waitForEnd(tiff.headers.get('location')!, adminKey);
      assert.equal(tiffDone.summary!.records.imported, 1);
      const product = (await h.catalogue.get('scene_20220304', admin))!;
      assert.equal(product.parentIdentifier, 'API-C');
      assert.equal(product.start, '2022-03-04T00:00:00.000Z');
      assert.equal(product.assets!.data!.href, `${files.url}/scene_20220304.tif`);

      const orphan = await post(JSON.stringify({ source: `${files.url}/orphan.xml` }), { 'content-type': 'application/json', 'X-API-Key': adminKey });
      const orphanDone = await waitForEnd(orphan.headers.get('location')!, adminKey);
      assert.equal(orphanDone.status, 'succeeded');
      assert.equal(orphanDone.summary!.records.rejected, 1);
      assert.equal(orphanDone.rejected![0]!.record, 'orphan');
      assert.equal(orphanDone.rejected![0]!.locator, 'parentIdentifier');
      const report = orphanDone.links.find((l) => l.rel === 'report')!;
      const lines = (await (await fetch(report.href, { headers: { 'X-API-Key': adminKey } })).text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string });
      assert.deepEqual(lines.map((l) => l.type), ['rejected', 'summary']);
    });

    it('imports an uploaded document, its options in the query', async () => {
      const res = await post(isoRecord({ id: 'uploaded', title: 'Uploaded', parent: 'API-C' }), { 'content-type': 'application/vnd.iso.19139+xml', 'X-API-Key': adminKey, 'content-disposition': 'attachment; filename="up.xml"' }, '?collection=API-C');
      assert.equal(res.status, 202, await res.clone().text());
      const done = await waitForEnd(res.headers.get('location')!, adminKey);
      assert.equal(done.status, 'succeeded', done.error);
      assert.equal(done.source, 'up.xml');
      assert.equal((await h.catalogue.get('uploaded', admin))!.parentIdentifier, 'API-C');
    });

    it('asks for credentials (401) without them and refuses (403) a user who may not create records', async () => {
      const anonymous = await post(JSON.stringify({ source: `${files.url}/collection.xml` }), { 'content-type': 'application/json' });
      assert.equal(anonymous.status, 401);
      assert.ok(anonymous.headers.get('www-authenticate'));
      const user = await post(JSON.stringify({ source: `${files.url}/collection.xml` }), { 'content-type': 'application/json', 'X-API-Key': userKey });
      assert.equal(user.status, 403);
      const started = await post(JSON.stringify({ source: `${files.url}/collection.xml` }), { 'content-type': 'application/json', 'X-API-Key': adminKey });
      const location = started.headers.get('location')!;
      assert.equal((await fetch(location)).status, 401);
      assert.equal((await fetch(location, { headers: { 'X-API-Key': userKey } })).status, 403);
      await waitForEnd(location, adminKey);
    });

    it('refuses file: and local sources, bad members, a missing collection and uploaded TIFFs with 4xx', async () => {
      const json = { 'content-type': 'application/json', 'X-API-Key': adminKey };
      for (const [body, locator] of [
        [{ source: `file://${dir}/collection.xml` }, 'source'],
        [{ source: `${dir}/collection.xml` }, 'source'],
        [{ source: 'ftp://example.org/x.xml' }, 'source'],
        [{ source: `${files.url}/collection.xml`, collection: 'nope' }, 'collection'],
        [{ source: `${files.url}/collection.xml`, createCollection: 'yes' }, 'createCollection'],
        [{ source: `${files.url}/collection.xml`, path: '/etc' }, 'path'],
      ] as const) {
        const res = await post(JSON.stringify(body), json);
        assert.equal(res.status, 400, JSON.stringify(body));
        const problem = (await res.json()) as { locator?: string };
        assert.equal(problem.locator, locator, JSON.stringify(problem));
      }
      const tiff = await post(Buffer.from('II*\0rest of a tiff').toString('latin1'), { 'content-type': 'image/tiff', 'X-API-Key': adminKey });
      assert.equal(tiff.status, 415);
    });

    it('refuses an upload over the size limit (413) and reports a remote document over it', async () => {
      const big = isoRecord({ id: 'big', title: 'x'.repeat(5000) });
      const res = await post(big, { 'content-type': 'application/xml', 'X-API-Key': adminKey });
      assert.equal(res.status, 413);
      writeFileSync(join(dir, 'big.xml'), big);
      const remote = await post(JSON.stringify({ source: `${files.url}/big.xml` }), { 'content-type': 'application/json', 'X-API-Key': adminKey });
      const done = await waitForEnd(remote.headers.get('location')!, adminKey);
      assert.equal(done.rejected![0]!.code, 'SourceTooLarge');
      assert.equal(await h.catalogue.get('big', admin), undefined);
    });

    it('answers 404 for an unknown import', async () => {
      assert.equal((await fetch(`${base}/no-such-job`, { headers: { 'X-API-Key': adminKey } })).status, 404);
    });
  });

  describe(`catalogue import API on its default network policy (${kind.name})`, function () {
    this.timeout(60_000);
    let h: CatalogueHarness;
    let files: Awaited<ReturnType<typeof serveDirectory>>;
    let dir: string;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-import-ssrf-'));
      writeFileSync(join(dir, 'inside.xml'), isoRecord({ id: 'INSIDE', title: 'Served on loopback', level: 'series' }));
      files = await serveDirectory(dir);
      h = await startCatalogue(kind);
    });
    after(async () => {
      await h.close();
      await files.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('does not fetch for a client what sits on the server network (loopback, link-local metadata, private ranges)', async () => {
      const key = (await createApiKey(h.server.meridian.stores.db, { user: 'alice', groups: ['admin'] })).key;
      for (const source of [`${files.url}/inside.xml`, 'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1/x.json']) {
        const res = await fetch(`${h.server.url}/catalogue/import`, { method: 'POST', body: JSON.stringify({ source }), headers: { 'content-type': 'application/json', 'X-API-Key': key } });
        assert.equal(res.status, 202);
        const done = await waitForEnd(res.headers.get('location')!, key);
        assert.equal(done.summary!.records.imported, 0, source);
        assert.equal(done.rejected![0]!.code, 'UnreadableSource', source);
        assert.match(done.rejected![0]!.reason, /internal network/, source);
      }
      assert.equal(await h.catalogue.get('INSIDE', admin), undefined);
    });
  });
}
