/**
 * GDAL's CSW driver (`ogrinfo CSW:<url>`) against the real server. It asks for capabilities
 * without a version (so gets 3.0.0), then posts 2.0.2-namespaced GetRecords carrying
 * version="3.0.0" and reads the response with its GML driver; spatial and attribute filters
 * become ogc:Filter constraints.
 */
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { fixtureRecords, run, startCsw, type CswHarness } from './support.js';

const identifiers = (stdout: string) => [...stdout.matchAll(/^\s+identifier \(String\) = (.+)$/gm)].map((m) => m[1]!.trim()).sort();

for (const kind of testDatabaseKinds()) {
  describe(`csw with GDAL's CSW driver (${kind.name})`, function () {
    this.timeout(120_000);
    let h: CswHarness;
    before(async () => {
      h = await startCsw(kind);
      await h.catalogue.upsert(fixtureRecords());
    });
    after(async () => h?.close());

    const ogrinfo = async (...args: string[]) => {
      const res = await run('ogrinfo', ['-ro', ...args], undefined, { GDAL_HTTP_TIMEOUT: '30' });
      assert.equal(res.code, 0, `ogrinfo ${args.join(' ')} failed:\n${res.stderr}\n${res.stdout}`);
      assert.ok(!/ERROR/.test(res.stderr), res.stderr);
      return res.stdout;
    };

    it('has the CSW driver', async () => {
      const res = await run('ogrinfo', ['--formats']);
      assert.match(res.stdout, /^\s*CSW -vector- \(ro\)/m);
    });

    it('lists the records layer with its count (resultType=hits)', async () => {
      const out = await ogrinfo('-al', '-so', `CSW:${h.url}`);
      assert.match(out, /Layer name: records/);
      assert.match(out, /Feature Count: 6/);
    });

    it('lists every record with its identifier, type, subjects and footprint', async () => {
      const out = await ogrinfo('-al', `CSW:${h.url}`);
      assert.deepEqual(identifiers(out), fixtureRecords().map((r) => r.identifier).sort());
      assert.match(out, /identifier \(String\) = S2B_ROME_20200715\n\s+type \(String\) = dataset\n\s+subject \(String\) = Rome/);
      assert.match(out, /POLYGON \(\(11\.8 41\.5,11\.8 42\.3,13\.1 42\.3,13\.1 41\.5,11\.8 41\.5\)\)/);
    });

    it('passes a spatial filter as a BBOX on ows:BoundingBox', async () => {
      const out = await ogrinfo('-al', `CSW:${h.url}`, '-spat', '0', '45', '5', '50');
      assert.deepEqual(identifiers(out), ['S1-GRD', 'S1A_PARIS_20210310', 'S2-L2A', 'S2A_PARIS_20200601']);
    });

    it('passes an attribute filter as an ogc:Filter on the Dublin Core names', async () => {
      const out = await ogrinfo('-al', `CSW:${h.url}`, '-where', "type = 'series'");
      assert.deepEqual(identifiers(out), ['S1-GRD', 'S2-L2A']);
    });
  });
}
