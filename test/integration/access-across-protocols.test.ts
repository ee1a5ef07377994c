/**
 * One access policy across protocols, end to end: alice's private collection (catalogue
 * records with a COG product, served as a WMS layer through the catalogue series) and her S3
 * bucket are shared with group `reviewers`. A reviewer finds and reads them through OpenSearch,
 * CSW, WMS and S3; bob, in no group, is denied through all four; alice sharing with bob opens
 * all four to him at once, and revoking closes them again. Decisions come from the built-in
 * XACML PDP (decision point `xacml`).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createUser } from '../../core/auth/index.js';
import type { CatalogueService } from '../../plugins/catalogue/types.js';
import type { CoveragesEngine } from '../../plugins/coverages/engine.js';
import { testDatabaseKinds } from '../helpers/databases.js';
import { parse, values } from '../plugins/opensearch/support.js';
import { startPdp, type PdpHarness, type Who } from '../plugins/pdp/support.js';

const COLLECTION = 'ALICE-S2';
const BUCKET = 'alice-s2';

/** A 64x64 uint8 COG in UTM 31N. */
function writeCog(path: string): void {
  const script = `
from osgeo import gdal, osr
import numpy as np
m = gdal.GetDriverByName('MEM').Create('', 64, 64, 1, gdal.GDT_Byte)
m.SetGeoTransform([500000, 100, 0, 4500000, 0, -100])
s = osr.SpatialReference(); s.ImportFromEPSG(32631); m.SetProjection(s.ExportToWkt())
m.GetRasterBand(1).WriteArray((np.arange(64 * 64) % 251).reshape(64, 64).astype('uint8'))
gdal.GetDriverByName('COG').CreateCopy('${path}', m, options=['COMPRESS=DEFLATE'])
`;
  execFileSync('/usr/bin/python3', ['-c', script]);
}

const area = { type: 'Polygon' as const, coordinates: [[[2.99, 40.57], [3.08, 40.57], [3.08, 40.64], [2.99, 40.64], [2.99, 40.57]]] };

for (const kind of testDatabaseKinds()) {
  describe(`one access policy through OpenSearch, CSW, WMS and S3 (${kind.name})`, function () {
    this.timeout(120_000);
    let dir: string;
    let h: PdpHarness;
    const clients: S3Client[] = [];
    const s3 = {} as Record<'alice' | 'bob' | 'carol', S3Client>;

    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'meridian-access-'));
      writeCog(join(dir, 'scene.tif'));
      h = await startPdp(kind, {
        plugins: {
          catalogue: { sampleProducts: 0 },
          opensearch: {},
          csw: {},
          coverages: { workers: 1, refreshSeconds: 0, sampleRasters: false, catalogue: { allowedRoots: [dir] } },
          wms: {},
          s3: { listen: 0, sweepIntervalSeconds: 0, keyCacheSeconds: 0 },
        },
      });
      const provided = (name: string) => h.server.meridian.plugins.find((p) => p.name === name)!.instance.provide!;
      const catalogue = provided('catalogue').catalogue as CatalogueService;
      await catalogue.upsert([
        { identifier: COLLECTION, type: 'collection', title: "Alice's scenes", geometry: area, owner: 'alice', visibility: 'private', start: '2024-01-01T00:00:00Z' },
        {
          identifier: 'alice-scene-1',
          type: 'product',
          parentIdentifier: COLLECTION,
          geometry: area,
          start: '2024-01-05T10:00:00Z',
          owner: 'alice',
          visibility: 'private',
          assets: { data: { href: join(dir, 'scene.tif'), type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'] } },
        },
      ]);
      await (provided('coverages').coverages as CoveragesEngine).refresh();
      // S3 keys map to accounts: the same users, with the groups their API keys carry.
      for (const [name, groups] of [['alice', ['analysts']], ['bob', []], ['carol', ['reviewers']]] as const) {
        await createUser(h.server.meridian.stores.db, { name, password: `${name}-password-1`, groups: [...groups] });
      }
      const keys = provided('s3').s3 as { keys: { create(o: { user: string }): Promise<{ accessKeyId: string; secretAccessKey: string }> } };
      for (const who of ['alice', 'bob', 'carol'] as const) {
        const c = new S3Client({ endpoint: `http://127.0.0.1:${h.server.ports.s3}`, region: 'us-east-1', forcePathStyle: true, credentials: await keys.keys.create({ user: who }) });
        clients.push(c);
        s3[who] = c;
      }
      // The same scene, ingested once more as an object in alice's bucket (created through S3: she owns it).
      await s3.alice.send(new CreateBucketCommand({ Bucket: BUCKET }));
      await s3.alice.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'scene.tif', Body: readFileSync(join(dir, 'scene.tif')) }));
    });
    after(async () => {
      for (const c of clients) c.destroy();
      await h?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const get = (path: string, as: Who) => h.request('GET', `${h.server.url}${path}`, { as });

    /** What `as` gets of alice's data through each protocol. */
    async function reach(as: 'bob' | 'carol') {
      const opensearch = await get('/opensearch/collections', as);
      assert.equal(opensearch.status, 200, opensearch.text);
      const csw = await get(`/csw?service=CSW&version=2.0.2&request=GetRecords&typeNames=csw:Record&resultType=results&elementSetName=brief&maxRecords=100`, as);
      assert.equal(csw.status, 200, csw.text);
      const map = await fetch(
        `${h.server.url}/wms?SERVICE=WMS&VERSION=1.3.0&REQUEST=GetMap&LAYERS=${COLLECTION}&STYLES=&CRS=EPSG:32631&BBOX=500000,4493600,506400,4500000&WIDTH=64&HEIGHT=64&FORMAT=image/png`,
        { headers: { 'X-API-Key': h.keys[as] } },
      );
      const mapType = map.headers.get('content-type') ?? '';
      const mapBody = Buffer.from(await map.arrayBuffer());
      let object: string | number;
      try {
        const got = await s3[as].send(new GetObjectCommand({ Bucket: BUCKET, Key: 'scene.tif' }));
        object = `${(await got.Body!.transformToByteArray()).length} bytes`;
      } catch (err) {
        object = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode ?? String(err);
      }
      return {
        opensearch: values(parse(opensearch.text), '//atom:entry/dc:identifier').includes(COLLECTION),
        csw: values(parse(csw.text), '//*[local-name()="identifier"]').includes(COLLECTION),
        wms: mapType === 'image/png' ? 'image' : /LayerNotDefined/.test(mapBody.toString()) ? 'LayerNotDefined' : `${map.status} ${mapType}`,
        s3: object,
      };
    }

    const sceneBytes = () => `${readFileSync(join(dir, 'scene.tif')).length} bytes`;
    const open = () => ({ opensearch: true, csw: true, wms: 'image', s3: sceneBytes() });
    const closed = { opensearch: false, csw: false, wms: 'LayerNotDefined', s3: 403 };
    const share = (path: string, grantee: Record<string, string>) =>
      h.request('POST', path, { as: 'alice', body: JSON.stringify(grantee), type: 'application/json' });

    it('before any share, neither a reviewer nor bob reaches alice’s private data', async () => {
      assert.deepEqual(await reach('carol'), closed);
      assert.deepEqual(await reach('bob'), closed);
    });

    it('shared with group reviewers, a reviewer reaches it through all four protocols and bob through none', async () => {
      assert.equal((await share(`/resources/catalogue/record/${COLLECTION}/shares`, { group: 'reviewers' })).status, 201);
      assert.equal((await share(`/resources/s3/bucket/${BUCKET}/shares`, { group: 'reviewers' })).status, 201);
      assert.deepEqual(await reach('carol'), open());
      assert.deepEqual(await reach('bob'), closed);
    });

    it("alice sharing with bob opens all four to him at once; revoking closes them again", async () => {
      assert.equal((await share(`/resources/catalogue/record/${COLLECTION}/shares`, { user: 'bob' })).status, 201);
      assert.equal((await share(`/resources/s3/bucket/${BUCKET}/shares`, { user: 'bob' })).status, 201);
      assert.deepEqual(await reach('bob'), open());
      assert.equal((await h.request('DELETE', `/resources/catalogue/record/${COLLECTION}/shares/user/bob`, { as: 'alice' })).status, 204);
      assert.equal((await h.request('DELETE', `/resources/s3/bucket/${BUCKET}/shares/user/bob`, { as: 'alice' })).status, 204);
      assert.deepEqual(await reach('bob'), closed);
      assert.deepEqual(await reach('carol'), open(), "the group's share is untouched");
    });

    it('bob cannot share what is not his', async () => {
      assert.equal((await h.request('POST', `/resources/catalogue/record/${COLLECTION}/shares`, { as: 'bob', body: JSON.stringify({ user: 'bob' }), type: 'application/json' })).status, 403);
      assert.deepEqual(await reach('bob'), closed);
    });
  });
}
