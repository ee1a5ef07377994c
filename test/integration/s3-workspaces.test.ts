/**
 * One store for S3, the catalogue, WMS/WCS and processing, end to end with real clients: alice
 * uploads a COG into her workspace bucket with the AWS CLI, a catalogue product points at it as
 * `s3://ws-alice/...`, WMS draws it and WCS cuts it for her and not for bob (the product is public,
 * the object is not: the S3 GetObject decision applies); an NDVI job reads an `s3://` input as
 * alice, and its results, staged out to her workspace, are listed and downloaded with her S3 keys
 * while bob's keys get AccessDenied. On SQLite and PostgreSQL with the fs blob store, and once on
 * an S3 blob store (moto), where workers read the blobs through the main thread.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import type { CoveragesEngine } from '../../plugins/coverages/engine.js';
import { productCoverageId } from '../../plugins/coverages/ids.js';
import { findMotoCommand, startMoto, type LocalS3Server } from '../core/storage/blobs/s3-server.js';
import { testDatabaseKinds, type TestDatabaseKind } from '../helpers/databases.js';
import { gdalInfo, makeCog, startAdes, type AdesHarness, type ApiResponse } from '../plugins/ades/support.js';

const run = promisify(execFile);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const COLLECTION = 'alice-scenes';
const PRODUCT = 'alice-scene-1';
const OBJECT = 's3://ws-alice/scenes/scene.tif';
const footprint = { type: 'Polygon' as const, coordinates: [[[10, 49], [11, 49], [11, 50], [10, 50], [10, 49]]] };
const MAP = 'SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&STYLES=&CRS=CRS:84&BBOX=10,49,11,50&WIDTH=32&HEIGHT=32&FORMAT=image/png&TRANSPARENT=TRUE';

function assertProblem(res: ApiResponse, status: number, pattern: RegExp): void {
  assert.equal(res.status, status, res.text);
  assert.match(res.headers.get('content-type') ?? '', /^application\/problem\+json/);
  assert.match(res.json.detail ?? res.json.title, pattern);
  assert.doesNotMatch(res.text, /at .*\.ts:\d+/);
}

interface Setup {
  name: string;
  kind: TestDatabaseKind;
  /** An S3 blob store instead of the fs one. */
  moto?: boolean;
}

const setups: Setup[] = testDatabaseKinds().map((kind) => ({ name: kind.name, kind }));
const moto = findMotoCommand();
if (moto) setups.push({ name: 'sqlite, S3 blob store', kind: testDatabaseKinds()[0]!, moto: true });

for (const setup of setups) {
  describe(`S3 workspaces shared with the catalogue, WMS/WCS and processing (${setup.name})`, function () {
    this.timeout(180_000);
    let h: AdesHarness;
    let store: LocalS3Server | undefined;
    let dir: string;
    let endpoint: string;
    let s3Port: number;
    const env: Record<'alice' | 'bob', NodeJS.ProcessEnv> = { alice: {}, bob: {} };
    const aws = (as: 'alice' | 'bob', ...args: string[]) => run('/usr/bin/aws', ['--endpoint-url', endpoint, ...args], { env: env[as], maxBuffer: 64 * 1024 * 1024 });
    /** The AWS CLI's failure (exit status and stderr) for a command that must fail. */
    const awsFails = async (as: 'alice' | 'bob', ...args: string[]) => {
      try {
        await aws(as, ...args);
      } catch (err) {
        return String((err as { stderr?: string }).stderr);
      }
      assert.fail(`aws ${args.join(' ')} as ${as} succeeded`);
    };
    const get = (url: string, as: 'alice' | 'bob') => h.request('GET', url, { as });
    const coverages = () => h.server.meridian.plugins.find((p) => p.name === 'coverages')!.instance.provide!.coverages as CoveragesEngine;

    before(async function () {
      dir = mkdtempSync(join(tmpdir(), 'meridian-ws-'));
      const inline: Record<string, unknown> = { log: { level: process.env.WS_LOG ?? 'silent' } };
      if (setup.moto) {
        store = await startMoto(moto!);
        inline.blobs = {
          type: 's3',
          endpoint: store.endpoint,
          region: 'eu-west-1',
          bucket: `meridian-${randomUUID()}`,
          credentials: { accessKeyId: 'meridian-test', secretAccessKey: 'meridian-test-secret' },
          createBucket: true,
        };
      }
      h = await startAdes(setup.kind, {
        inline,
        plugins: {
          coverages: { workers: 1, refreshSeconds: 0, sampleRasters: false },
          wms: {},
          wcs: {},
          // hostName: http URLs on localhost name objects of this service (path style), as s3:// does.
          s3: { listen: 0, sweepIntervalSeconds: 0, keyCacheSeconds: 0, bucketCacheSeconds: 0, hostName: 'localhost' },
        },
      });
      s3Port = h.server.ports.s3!;
      endpoint = `http://127.0.0.1:${s3Port}`;
      const keys = h.server.meridian.plugins.find((p) => p.name === 's3')!.instance.provide!.s3 as { keys: { create(o: { user: string }): Promise<{ accessKeyId: string; secretAccessKey: string }> } };
      for (const who of ['alice', 'bob'] as const) {
        const key = await keys.keys.create({ user: who });
        writeFileSync(join(dir, `${who}-aws-config`), '[default]\ns3 =\n  addressing_style = path\n');
        env[who] = {
          PATH: process.env.PATH,
          HOME: dir,
          AWS_ACCESS_KEY_ID: key.accessKeyId,
          AWS_SECRET_ACCESS_KEY: key.secretAccessKey,
          AWS_DEFAULT_REGION: 'us-east-1',
          AWS_EC2_METADATA_DISABLED: 'true',
          AWS_CONFIG_FILE: join(dir, `${who}-aws-config`),
        };
      }
      // Alice's first S3 request creates her workspace bucket; the COG goes in with the AWS CLI.
      await aws('alice', 's3', 'cp', makeCog(dir), OBJECT);
      await h.catalogue.upsert([{ identifier: COLLECTION, type: 'collection', title: "Alice's scenes", geometry: footprint, start: '2026-06-01T00:00:00Z', owner: 'alice', visibility: 'public' }]);
      // The product, public, through the catalogue API as alice: anyone finds it, only who may read the object gets its pixels.
      const item = {
        type: 'Feature',
        stac_version: '1.0.0',
        id: PRODUCT,
        geometry: footprint,
        bbox: [10, 49, 11, 50],
        properties: { datetime: '2026-06-01T10:00:00Z' },
        assets: { data: { href: OBJECT, type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'] } },
        links: [],
      };
      const created = await h.request('POST', `${h.server.url}/catalogue/collections/${COLLECTION}/items?visibility=public`, { as: 'alice', body: item, type: 'application/geo+json' });
      assert.equal(created.status, 201, created.text);
      await coverages().refresh();
    });
    after(async () => {
      await h?.close();
      await store?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('the AWS CLI sees the upload in alice’s workspace bucket, and bob’s keys cannot read it', async () => {
      assert.match((await aws('alice', 's3', 'ls')).stdout, /ws-alice/);
      assert.match((await aws('alice', 's3', 'ls', 's3://ws-alice/scenes/')).stdout, /scene\.tif/);
      assert.match(await awsFails('bob', 's3', 'cp', OBJECT, join(dir, 'stolen.tif')), /403|Forbidden|AccessDenied/);
      assert.doesNotMatch((await aws('bob', 's3', 'ls')).stdout, /ws-alice/);
    });

    it('WMS draws the s3:// product for alice, and nothing for bob', async () => {
      const mine = await get(`${h.server.url}/wms?${MAP}&LAYERS=${COLLECTION}`, 'alice');
      assert.equal(mine.status, 200, mine.text);
      assert.equal(mine.headers.get('content-type'), 'image/png', mine.text);
      const a = await sharp(mine.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      assert.ok(a.data[(16 * a.info.width + 16) * 4 + 3]! > 0, 'the scene is drawn for alice');
      // Bob finds the public product, but may not read its object: the series draws nothing for him.
      const theirs = await get(`${h.server.url}/wms?${MAP}&LAYERS=${COLLECTION}`, 'bob');
      assert.equal(theirs.status, 200, theirs.text);
      const b = await sharp(theirs.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      assert.equal(b.data[(16 * b.info.width + 16) * 4 + 3], 0, 'nothing drawn for bob');
    });

    it('WCS cuts the s3:// product for alice (the data, read from the blob) and not for bob', async () => {
      const query = `SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID=${PRODUCT}&FORMAT=image/tiff`;
      const mine = await get(`${h.server.url}/wcs?${query}`, 'alice');
      assert.equal(mine.status, 200, mine.text);
      writeFileSync(join(dir, 'cut.tif'), mine.bytes);
      const info = gdalInfo(join(dir, 'cut.tif'));
      assert.equal(info.bands.length, 2);
      assert.equal(info.bands[0].minimum, 10);
      assert.equal(info.bands[1].maximum, 50);
      const theirs = await get(`${h.server.url}/wcs?${query}`, 'bob');
      assert.equal(theirs.status, 404, theirs.text);
      assert.match(theirs.text, /NoSuchCoverage/);
    });

    let jobId: string;
    it('runs NDVI on an s3:// input as alice; her S3 keys list and download the result from ws-alice/jobs/<id>/, bob’s cannot', async () => {
      const res = await h.request('POST', '/processes/ndvi/execution', { as: 'alice', body: { inputs: { image: { href: OBJECT } } }, headers: { Prefer: 'respond-async' } });
      assert.equal(res.status, 201, res.text);
      jobId = res.json.jobID;
      const done = await h.waitJob(jobId, 'alice');
      assert.equal(done.status, 'successful', JSON.stringify(done));
      const listing = (await aws('alice', 's3', 'ls', `s3://ws-alice/jobs/${jobId}/`, '--recursive')).stdout;
      for (const key of [`jobs/${jobId}/ndvi/ndvi.tif`, `jobs/${jobId}/catalog.json`, `jobs/${jobId}/items/${jobId}-ndvi.json`]) assert.match(listing, new RegExp(key.replace(/[.]/g, '\\.')), listing);
      await aws('alice', 's3', 'cp', `s3://ws-alice/jobs/${jobId}/ndvi/ndvi.tif`, join(dir, 'ndvi.tif'));
      const info = gdalInfo(join(dir, 'ndvi.tif'));
      // (50 - 10) / (50 + 10)
      assert.ok(Math.abs(info.bands[0].mean - 2 / 3) < 1e-3, `mean ${info.bands[0].mean}`);
      // The same bytes as the ADES serves for the job: one copy.
      const results = await h.request('GET', `/jobs/${jobId}/results`, { as: 'alice' });
      const viaAdes = await h.request('GET', results.json.ndvi.href, { as: 'alice' });
      assert.ok(viaAdes.bytes.equals(readFileSync(join(dir, 'ndvi.tif'))));
      // The STAC item of the job carries the s3:// alternate.
      await aws('alice', 's3', 'cp', `s3://ws-alice/jobs/${jobId}/items/${jobId}-ndvi.json`, join(dir, 'item.json'));
      const item = JSON.parse(readFileSync(join(dir, 'item.json'), 'utf8'));
      assert.equal(item.assets.ndvi.alternate.s3.href, `s3://ws-alice/jobs/${jobId}/ndvi/ndvi.tif`);
      // Bob's keys: no listing, no download.
      assert.match(await awsFails('bob', 's3', 'ls', `s3://ws-alice/jobs/${jobId}/`), /AccessDenied/);
      assert.match(await awsFails('bob', 's3', 'cp', `s3://ws-alice/jobs/${jobId}/ndvi/ndvi.tif`, join(dir, 'x.tif')), /403|Forbidden|AccessDenied/);
    });

    it('registers the result in the catalogue with its s3:// URL as an alternate (or as its href on an S3 blob store)', async () => {
      const res = await get(`${h.server.url}/catalogue/collections/processing-results/items/${jobId}-ndvi?f=stac`, 'alice');
      assert.equal(res.status, 200, res.text);
      const url = `s3://ws-alice/jobs/${jobId}/ndvi/ndvi.tif`;
      const data = res.json.assets.data;
      if (setup.moto) assert.equal(data.href, url);
      else {
        assert.match(data.href, /^\/.*\/workspaces\/alice\/jobs\//);
        assert.equal(data.alternate.s3.href, url);
        assert.ok(res.json.stac_extensions.some((e: string) => /alternate-assets/.test(e)), JSON.stringify(res.json.stac_extensions));
      }
      // Whichever href it has, WMS draws it for alice (the results collection is a series) and WCS cuts it; not for bob.
      await coverages().refresh();
      const query = `${MAP}&LAYERS=processing-results`;
      const drawn = async (as: 'alice' | 'bob') => {
        const map = await get(`${h.server.url}/wms?${query}`, as);
        assert.equal(map.headers.get('content-type'), 'image/png', map.text);
        const { data, info } = await sharp(map.bytes).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
        return data[(16 * info.width + 16) * 4 + 3]! > 0;
      };
      assert.equal(await drawn('alice'), true);
      assert.equal(await drawn('bob'), false);
      const cut = `SERVICE=WCS&VERSION=2.0.1&REQUEST=GetCoverage&COVERAGEID=${productCoverageId(`${jobId}-ndvi`)}&FORMAT=image/tiff`;
      const mine = await get(`${h.server.url}/wcs?${cut}`, 'alice');
      assert.equal(mine.status, 200, mine.text);
      writeFileSync(join(dir, 'result-cut.tif'), mine.bytes);
      assert.ok(Math.abs(gdalInfo(join(dir, 'result-cut.tif')).bands[0].mean - 2 / 3) < 1e-3);
      assert.equal((await get(`${h.server.url}/wcs?${cut}`, 'bob')).status, 404);
    });

    it('stages in a catalogue product whose asset is s3:// and the service’s own http URL, as the caller', async () => {
      const byProduct = await h.request('POST', '/processes/ndvi/execution', { as: 'alice', body: { inputs: { image: PRODUCT } }, headers: { Prefer: 'respond-async' } });
      assert.equal(byProduct.status, 201, byProduct.text);
      assert.equal((await h.waitJob(byProduct.json.jobID, 'alice')).status, 'successful');
      const byUrl = await h.request('POST', '/processes/ndvi/execution', { as: 'alice', body: { inputs: { image: { href: `http://localhost:${s3Port}/ws-alice/scenes/scene.tif` } } }, headers: { Prefer: 'respond-async' } });
      assert.equal(byUrl.status, 201, byUrl.text);
      const done = await h.waitJob(byUrl.json.jobID, 'alice');
      assert.equal(done.status, 'successful', JSON.stringify(done));
    });

    it('refuses s3:// inputs the caller may not read (403) and bad or missing ones (400), in the OGC API problem format', async () => {
      const execute = (as: 'alice' | 'bob', image: unknown) => h.request('POST', '/processes/ndvi/execution', { as, body: { inputs: { image } } });
      assertProblem(await execute('bob', { href: OBJECT }), 403, /not allowed to read s3:\/\/ws-alice\/scenes\/scene\.tif/);
      // The product is public, its object is not.
      assertProblem(await execute('bob', PRODUCT), 403, /not allowed to read/);
      assertProblem(await execute('bob', { href: `http://localhost:${s3Port}/ws-alice/scenes/scene.tif` }), 403, /not allowed/);
      assertProblem(await execute('alice', { href: 's3://ws-alice/scenes/missing.tif' }), 400, /no object 's3:\/\/ws-alice\/scenes\/missing\.tif'/);
      assertProblem(await execute('alice', { href: 's3://no-such-bucket-here/a.tif' }), 400, /no bucket/);
      assertProblem(await execute('alice', { href: 's3://Bad_Bucket/a.tif' }), 400, /not a valid bucket name/);
      assertProblem(await execute('alice', { href: 's3://ws-alice/a/../b.tif' }), 400, /invalid object key/);
      assertProblem(await execute('alice', { href: 's3://ws-alice' }), 400, /names a bucket/);
    });
  });
}

describe('s3:// inputs without the s3 plugin', function () {
  this.timeout(60_000);
  let h: AdesHarness;
  before(async () => {
    h = await startAdes(testDatabaseKinds()[0]!);
  });
  after(async () => h?.close());

  it('are refused with a 400 saying the s3 plugin is needed', async () => {
    const res = await h.request('POST', '/processes/ndvi/execution', { as: 'alice', body: { inputs: { image: { href: 's3://ws-alice/scene.tif' } } } });
    assertProblem(res, 400, /s3:\/\/ references need the s3 plugin/);
  });
});
