import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANONYMOUS, createApiKey } from '../../../../core/auth/index.js';
import type { FeaturesService } from '../../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';
import { startTestServer, type TestServer } from '../../../helpers/server.js';
import { collect, user } from '../support.js';
import { ogr2ogr, SOURCE_FEATURES, writeSource } from './support.js';

const builtinDir = fileURLToPath(new URL('../../../../plugins/', import.meta.url));

interface ImportStatus {
  id: string;
  status: string;
  progress: number;
  source: string;
  error?: string;
  summary?: { imported: number; rejected: number; layers: Array<{ collection: string; created: boolean; crs: string }> };
  rejected?: Array<{ row: number; code: string; locator?: string; reason: string }>;
  links: Array<{ rel: string; href: string }>;
}

async function waitForEnd(url: string, key: string): Promise<ImportStatus> {
  for (let i = 0; i < 400; i++) {
    const res = await fetch(url, { headers: { 'X-API-Key': key } });
    assert.equal(res.status, 200);
    const body = (await res.json()) as ImportStatus;
    if (['succeeded', 'failed', 'dismissed'].includes(body.status)) return body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`import at ${url} did not end`);
}

for (const kind of testDatabaseKinds()) {
  describe(`features import API (${kind.name})`, function () {
    this.timeout(120000);
    let server: TestServer;
    let dir: string;
    let adminKey: string;
    let bobKey: string;
    let base: string;
    let features: FeaturesService;
    let dispose: () => Promise<void>;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-features-api-'));
      writeSource(join(dir, 'towns.geojson'));
      const test = await kind.open();
      await test.db.close();
      dispose = test.dispose;
      server = await startTestServer({ database: test.config.client === 'sqlite' ? { client: 'sqlite', filename: join(dir, 'm.db') } : test.config, plugins: { features: {} } }, { builtinDir });
      features = server.meridian.service<FeaturesService>('features');
      adminKey = (await createApiKey(server.meridian.stores.db, { user: 'alice', groups: ['admin'] })).key;
      bobKey = (await createApiKey(server.meridian.stores.db, { user: 'bob', groups: ['users'] })).key;
      base = `${server.url}/features/import`;
    });
    after(async () => {
      await server?.close();
      await dispose?.();
      rmSync(dir, { recursive: true, force: true });
    });

    const post = (body: Buffer | string, headers: Record<string, string>, query = '') => fetch(`${base}${query}`, { method: 'POST', body, headers });

    it('imports a GeoPackage sent as the body as a job: 202 with a Location whose status ends with the totals; the features are there', async () => {
      const gpkg = join(dir, 'towns.gpkg');
      ogr2ogr(['-f', 'GPKG', gpkg, join(dir, 'towns.geojson'), '-nln', 'towns', '-t_srs', 'EPSG:2056']);
      const res = await post(readFileSync(gpkg), { 'content-type': 'application/geopackage+sqlite3', 'X-API-Key': adminKey, 'content-disposition': 'attachment; filename="towns.gpkg"' }, '?collection=api_towns');
      assert.equal(res.status, 202, await res.clone().text());
      const accepted = (await res.json()) as ImportStatus;
      const location = res.headers.get('location')!;
      assert.equal(location, `${base}/${accepted.id}`);
      const done = await waitForEnd(location, adminKey);
      assert.equal(done.status, 'succeeded', done.error);
      assert.equal(done.progress, 100);
      assert.equal(done.source, 'towns.gpkg');
      assert.equal(done.summary!.imported, SOURCE_FEATURES.length);
      assert.deepEqual(done.summary!.layers.map((l) => [l.collection, l.created, l.crs]), [['api_towns', true, 'EPSG:2056']]);
      const c = (await features.collection('api_towns', ANONYMOUS))!;
      assert.equal(c.count, SOURCE_FEATURES.length);
      assert.equal(c.owner, 'alice');
    });

    it('a CSV with a bad row: the job succeeds with the good rows, the status and the report list the bad one', async () => {
      const csv = ['lon;lat;name;n', '7;46;a;1', '8;47;b;2', 'x;48;c;3', '9;49;d;4'].join('\n');
      const res = await post(csv, { 'content-type': 'text/csv', 'X-API-Key': adminKey }, '?collection=api_points');
      assert.equal(res.status, 202, await res.clone().text());
      const done = await waitForEnd(res.headers.get('location')!, adminKey);
      assert.equal(done.status, 'succeeded', done.error);
      assert.equal(done.summary!.imported, 3);
      assert.deepEqual(done.rejected!.map((r) => [r.row, r.code]), [[3, 'UnreadableRow']]);
      assert.match(done.rejected![0]!.reason, /longitude "x" is not a number/);
      const report = done.links.find((l) => l.rel === 'report')!;
      const lines = (await (await fetch(report.href, { headers: { 'X-API-Key': adminKey } })).text()).trim().split('\n').map((l) => JSON.parse(l) as { type: string });
      assert.deepEqual(lines.map((l) => l.type), ['rejected', 'summary']);
      const got = await collect((await features.query('api_points', { sortBy: [{ property: 'n' }] }, ANONYMOUS)).features);
      assert.deepEqual(got.map((f) => f.geometry), [[7, 46], [8, 47], [9, 49]].map((coordinates) => ({ type: 'Point', coordinates })));
    });

    it('a zipped shapefile; an unreadable file fails the job with the reason', async () => {
      ogr2ogr(['-f', 'ESRI Shapefile', join(dir, 'zipped.shp'), join(dir, 'towns.geojson'), '-lco', 'ENCODING=UTF-8']);
      execFileSync('zip', ['-q', '-j', join(dir, 'zipped.zip'), ...['shp', 'shx', 'dbf', 'prj', 'cpg'].map((e) => join(dir, `zipped.${e}`))]);
      const res = await post(readFileSync(join(dir, 'zipped.zip')), { 'content-type': 'application/zip', 'X-API-Key': adminKey });
      assert.equal(res.status, 202);
      const done = await waitForEnd(res.headers.get('location')!, adminKey);
      assert.equal(done.status, 'succeeded', done.error);
      assert.deepEqual(done.summary!.layers.map((l) => l.collection), ['zipped']);
      assert.equal((await features.collection('zipped', ANONYMOUS))!.count, SOURCE_FEATURES.length);

      const bad = await post('{"type":"FeatureCollection","features":[', { 'content-type': 'application/geo+json', 'X-API-Key': adminKey }, '?collection=bad');
      const failed = await waitForEnd(bad.headers.get('location')!, adminKey);
      assert.equal(failed.status, 'failed');
      assert.match(failed.error!, /GeoJSON|ends/);
    });

    it('admins import anywhere, owners into their own collection; others get 401/403; bad requests 400; imports are private to who started them', async () => {
      const body = readFileSync(join(dir, 'towns.geojson'));
      const anonymous = await post(body, { 'content-type': 'application/geo+json' });
      assert.equal(anonymous.status, 401);
      const bob = await post(body, { 'content-type': 'application/geo+json', 'X-API-Key': bobKey }, '?collection=bobs');
      assert.equal(bob.status, 403);
      await features.createCollection({ id: 'bobs', geometryType: 'Geometry', properties: [{ name: 'name', type: 'string' }] }, user('bob', ['users']));
      const own = await post(body, { 'content-type': 'application/geo+json', 'X-API-Key': bobKey }, '?collection=bobs&assignIds=true');
      assert.equal(own.status, 202, await own.clone().text());
      const location = own.headers.get('location')!;
      const done = await waitForEnd(location, bobKey);
      assert.equal(done.status, 'succeeded', done.error);
      assert.equal((await features.collection('bobs', ANONYMOUS))!.count, SOURCE_FEATURES.length);
      // Alice (admin) sees Bob's import; Bob does not see Alice's.
      assert.equal((await fetch(location, { headers: { 'X-API-Key': adminKey } })).status, 200);
      const alices = await post(body, { 'content-type': 'application/geo+json', 'X-API-Key': adminKey }, '?collection=alices');
      const alicesLocation = alices.headers.get('location')!;
      await waitForEnd(alicesLocation, adminKey);
      assert.equal((await fetch(alicesLocation, { headers: { 'X-API-Key': bobKey } })).status, 403);
      assert.equal((await fetch(`${base}/no-such-import`, { headers: { 'X-API-Key': bobKey } })).status, 404);

      for (const [query, locator] of [['?colection=x', 'colection'], ['?crs=EPSG:999999', 'crs'], ['?format=kml', 'format'], ['?assignIds=maybe', 'assignIds']] as const) {
        const r = await post(body, { 'content-type': 'application/geo+json', 'X-API-Key': adminKey }, query);
        assert.equal(r.status, 400, query);
        assert.equal(((await r.json()) as { locator?: string }).locator, locator);
      }
      const empty = await post('', { 'content-type': 'application/geo+json', 'X-API-Key': adminKey });
      assert.equal(empty.status, 400);
    });
  });
}
