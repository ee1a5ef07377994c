/**
 * QGIS's own WFS provider editing through WFS-T (PyQGIS, headless, fixtures/qgis_wfst.py): a QGIS
 * user changes an attribute and moves a point, commits, and the change reads back through
 * GetFeature (2.0 and 1.1.0). A feature another client locked (LockFeature) cannot be committed
 * from QGIS (which sends no lockId): the commit fails, QGIS shows the server's reason and nothing
 * changes; once the lock's holder releases it, the same edit commits.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { addUser, basicAuth, createFilled, get, PLACES, placeInputs, post, run, startWfs, xpath, type Credentials, type WfsHarness } from './support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/qgis_wfst.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

interface QgisReport {
  valid: boolean;
  error?: string;
  canChangeAttributes?: boolean;
  canChangeGeometries?: boolean;
  edits: Array<{ found: boolean; changed?: boolean; committed?: boolean; errors?: string[] }>;
  requests: string[];
  /** QGIS's message log (where its WFS provider writes the server's exception text). */
  messages: string[];
}

for (const kind of testDatabaseKinds()) {
  describe(`wfs-t editing with QGIS's own WFS provider (PyQGIS, headless, ${kind.name})`, function () {
    this.timeout(240_000);
    let h: WfsHarness;
    let dir: string;
    let root: Credentials;
    let carol: Credentials;
    before(async () => {
      h = await startWfs(kind);
      await createFilled(h.features, PLACES, placeInputs());
      root = await addUser(h, 'root', ['admin']);
      carol = await addUser(h, 'carol', ['admin']);
      dir = mkdtempSync(path.join(tmpdir(), 'meridian-wfs-qgis-'));
    });
    after(async () => {
      await h?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    let runs = 0;
    const qgis = async (version: '2.0.0' | '1.1.0', who: Credentials, edits: Array<{ match: [string, unknown]; set: [string, unknown]; move?: [number, number] }>) => {
      const uri = `pagingEnabled='true' srsname='EPSG:4326' typename='meridian:places' url='${h.url}' version='${version}' username='${who.user}' password='${who.password}' restrictToRequestBBOX='0'`;
      const planFile = path.join(dir, `plan${++runs}.json`);
      writeFileSync(planFile, JSON.stringify({ uri, edits }));
      const res = await run(PYTHON, [SCRIPT, planFile], { HOME: mkdtempSync(path.join(dir, 'home-')), QT_QPA_PLATFORM: 'offscreen' });
      assert.equal(res.code, 0, `QGIS failed:\n${res.stderr}\n${res.stdout}`);
      const report = JSON.parse(res.stdout) as QgisReport;
      assert.ok(report.valid, report.error);
      return report;
    };
    const byName = (name: string) => `<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>${name}</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>`;
    const read = async (name: string) => {
      const res = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:places', filter: byName(name), srsname: 'urn:ogc:def:crs:OGC:1.3:CRS84' });
      return { population: xpath(res.body, '//meridian:population')[0], pos: xpath(res.body, '//gml:pos')[0] };
    };

    it('changes an attribute and moves a point, commits through WFS 2.0 Transaction, and GetFeature reads the change back', async () => {
      const report = await qgis('2.0.0', root, [{ match: ['name', 'Bern'], set: ['population', 135001], move: [7.45, 46.95] }]);
      assert.equal(report.canChangeAttributes, true);
      assert.equal(report.canChangeGeometries, true);
      assert.deepEqual(report.edits.map((e) => [e.found, e.committed]), [[true, true]], report.messages.join('\n'));
      assert.ok(report.requests.some((u) => /REQUEST=DescribeFeatureType/i.test(u)), report.requests.join('\n'));
      // QGIS writes its 2.0 layer's Transactions as WFS 1.0.0 with GML 2 (x/y): the point lands where it was put.
      assert.deepEqual(await read('Bern'), { population: '135001', pos: '7.45 46.95' });
    });

    it('edits through WFS 1.1.0 as well (GML 3.1.1 in the URN\'s latitude-first order)', async () => {
      const report = await qgis('1.1.0', root, [{ match: ['name', 'Geneva'], set: ['population', 203001], move: [6.15, 46.21] }]);
      assert.deepEqual(report.edits.map((e) => [e.found, e.committed]), [[true, true]], report.messages.join('\n'));
      assert.deepEqual(await read('Geneva'), { population: '203001', pos: '6.15 46.21' });
    });

    it('cannot commit a change to a feature another client locked; can once the lock is released', async () => {
      const lock = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'LockFeature', typenames: 'meridian:places', filter: byName('Zurich') }, basicAuth(root));
      assert.equal(lock.status, 200, lock.body);
      const lockId = xpath(lock.body, '/wfs:LockFeatureResponse/@lockId')[0]!;
      const refused = await qgis('2.0.0', carol, [{ match: ['name', 'Zurich'], set: ['population', 1] }]);
      assert.equal(refused.edits[0]!.committed, false);
      assert.match(refused.messages.join('\n'), /locked/i);
      assert.equal((await read('Zurich')).population, '421000');
      // The lock's holder writes with its lockId (releaseAction ALL releases it).
      const release = await post(
        h.url,
        `<wfs:Transaction xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" service="WFS" version="2.0.0" lockId="${lockId}"><wfs:Update typeName="meridian:places" xmlns:meridian="urn:meridian:features"><wfs:Property><wfs:ValueReference>population</wfs:ValueReference><wfs:Value>421500</wfs:Value></wfs:Property>${byName('Zurich').replace(' xmlns:fes="http://www.opengis.net/fes/2.0"', '')}</wfs:Update></wfs:Transaction>`,
        basicAuth(root),
      );
      assert.equal(release.status, 200, release.body);
      const accepted = await qgis('2.0.0', carol, [{ match: ['name', 'Zurich'], set: ['population', 421999] }]);
      assert.deepEqual(accepted.edits.map((e) => e.committed), [true], accepted.messages.join('\n'));
      assert.equal((await read('Zurich')).population, '421999');
    });
  });
}
