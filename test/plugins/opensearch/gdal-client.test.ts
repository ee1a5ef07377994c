import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { fetchText, serveFixtures } from './support.js';

const run = promisify(execFile);

/** identifier -> geometry WKT of each feature ogrinfo lists. */
function features(ogrinfo: string, idField: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const block of ogrinfo.split(/^OGRFeature\(/m).slice(1)) {
    const id = new RegExp(`^\\s+${idField} \\(String\\) = (.+)$`, 'm').exec(block)?.[1];
    const geometry = /^\s+((?:MULTI)?(?:POLYGON|POINT|LINESTRING) .+)$/m.exec(block)?.[1];
    if (id) out.set(id.trim(), geometry?.trim() ?? '');
  }
  return out;
}

for (const kind of testDatabaseKinds()) {
  describe(`OpenSearch read by GDAL/OGR (${kind.name})`, function () {
    this.timeout(60_000);
    const h = serveFixtures(kind);
    let dir: string;
    before(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'meridian-ogr-'));
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("ogrinfo's GeoJSON driver reads a product search from its URL", async () => {
      const { stdout } = await run('ogrinfo', ['-ro', '-al', '-geom=ISO_WKT', `${h.base}/collections/S2-TEST/products?httpAccept=application/geo%2Bjson&bbox=-1,-1,40,40`]);
      assert.match(stdout, /using driver `GeoJSON' successful/);
      assert.match(stdout, /Feature Count: 4/);
      const found = features(stdout, 'identifier');
      assert.deepEqual([...found.keys()].sort(), ['P01', 'P02', 'P03', 'P05']);
      assert.equal(found.get('P01'), 'POLYGON ((0 0,1 0,1 1,0 1,0 0))');
      assert.match(found.get('P05')!, /^MULTIPOLYGON \(\(\(30 30,31 30/);
    });

    it("ogrinfo's GeoRSS driver reads the Atom feed's footprints, latitude and longitude the right way round", async () => {
      const file = path.join(dir, 'feed.xml');
      writeFileSync(file, (await fetchText(`${h.base}/collections/S2-TEST/products?bbox=5,5,25,25`)).body);
      const { stdout } = await run('ogrinfo', ['-ro', '-al', '-geom=ISO_WKT', file]);
      assert.match(stdout, /using driver `GeoRSS' successful/);
      const found = features(stdout, 'dc_identifier');
      assert.deepEqual(Object.fromEntries(found), { P03: 'POLYGON ((20 20,21 20,21 21,20 21,20 20))', P02: 'POLYGON ((10 10,11 10,11 11,10 11,10 10))' });
      writeFileSync(file, (await fetchText(`${h.base}/collections/S2-TEST/products?uid=P04`)).body);
      const p04 = features((await run('ogrinfo', ['-ro', '-al', '-geom=ISO_WKT', file])).stdout, 'dc_identifier');
      assert.deepEqual(Object.fromEntries(p04), { P04: 'POLYGON ((179.5 5.0,180 5,180 6,179.5 6.0,179.5 5.0))' });
    });
  });
}
