/** OWSLib's WebFeatureService (version 2.0.0) against the real server: capabilities (the locking operations' parameters too; OWSLib has no LockFeature call), GetFeature with a bbox (with and without its CRS) and with a FES 2.0 filter by GET and POST, GeoJSON. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { createFilled, PLACES, placeInputs, REGIONS, regionInputs, run, startWfs, type WfsHarness } from './support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/owslib_client.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

interface OwslibReport {
  version: string;
  title: string;
  types: string[];
  crs: string[];
  wgs84: number[];
  operations: string[];
  lock_parameters: Record<string, Record<string, string[]>>;
  bbox: string[];
  bbox_default_crs: string[];
  filter: string[];
  filter_post: string[];
  json: number;
}

for (const kind of testDatabaseKinds()) {
  describe(`wfs with OWSLib WebFeatureService 2.0.0 (${kind.name})`, function () {
    this.timeout(120_000);
    let h: WfsHarness;
    before(async () => {
      h = await startWfs(kind);
      await createFilled(h.features, PLACES, placeInputs());
      await createFilled(h.features, REGIONS, regionInputs());
    });
    after(async () => h?.close());

    it('reads the capabilities and gets features by bbox and by filter', async () => {
      const res = await run(PYTHON, [SCRIPT, h.url]);
      assert.equal(res.code, 0, `OWSLib failed:\n${res.stderr}\n${res.stdout}`);
      const r = JSON.parse(res.stdout) as OwslibReport;
      assert.equal(r.version, '2.0.0');
      assert.equal(r.title, 'Meridian features (WFS)');
      assert.deepEqual(r.types, ['meridian:places', 'meridian:regions']);
      assert.equal(r.crs[0], 'urn:ogc:def:crs:EPSG::4326');
      assert.deepEqual(r.wgs84, [6.1432, 46.2044, 8.5417, 47.5596]);
      for (const op of ['GetFeature', 'DescribeFeatureType', 'Transaction', 'LockFeature', 'GetFeatureWithLock']) assert.ok(r.operations.includes(op), op);
      assert.deepEqual(r.lock_parameters.LockFeature, { lockAction: ['ALL', 'SOME'] });
      assert.deepEqual(r.lock_parameters.GetFeatureWithLock!.lockAction, ['ALL', 'SOME']);
      assert.deepEqual(r.lock_parameters.GetFeatureWithLock!.resultType, ['results']);
      assert.deepEqual(r.bbox, ['Geneva', 'Lausanne', 'Sion']);
      assert.deepEqual(r.bbox_default_crs, ['Geneva', 'Lausanne', 'Sion']);
      assert.deepEqual(r.filter, ['Basel', 'Geneva']);
      assert.deepEqual(r.filter_post, ['Basel', 'Geneva']);
      assert.equal(r.json, 2);
    });
  });
}
