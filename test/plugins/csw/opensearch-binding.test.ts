/**
 * The CSW 3.0 OpenSearch binding points at the OpenSearch plugin's description document, found in
 * the capabilities registry (or named in config).
 */
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { exception, get, SCHEMAS, startCsw, xpath, type CswHarness } from './support.js';

const OSDD = 'application/opensearchdescription+xml';
const caps30 = { service: 'CSW', request: 'GetCapabilities', acceptVersions: '3.0.0' };

for (const kind of testDatabaseKinds()) {
  describe(`csw 3.0 OpenSearch binding (${kind.name})`, function () {
    let h: CswHarness;
    before(async () => {
      h = await startCsw(kind, { plugins: { opensearch: {} } });
    });
    after(async () => h?.close());

    it('names the OpenSearch plugin description in the 3.0 capabilities, and claims the conformance class', async () => {
      const res = await get(h.url, caps30);
      assert.deepEqual(validateXml(res.body, SCHEMAS.csw30), []);
      assert.deepEqual(xpath(res.body, "//ows20:Operation[@name='GetRecords']/ows20:Constraint[@name='OpenSearchDescriptionDocument']//ows20:Value"), [`${h.server.url}/opensearch/description`]);
      assert.deepEqual(xpath(res.body, "//ows20:Constraint[@name='http://www.opengis.net/spec/csw/3.0/conf/OpenSearch']//ows20:Value"), ['TRUE']);
      assert.ok(xpath(res.body, "//ows20:Operation[@name='GetCapabilities']/ows20:Parameter[@name='acceptFormats']//ows20:Value").includes(OSDD));
    });

    it('redirects a GetCapabilities asking for the description document there (acceptFormats or Accept)', async () => {
      for (const [params, headers] of [
        [{ ...caps30, acceptFormats: OSDD }, {}],
        [caps30, { Accept: OSDD }],
      ] as const) {
        const res = await get(h.url, params, headers);
        assert.equal(res.status, 303);
        const location = res.headers.get('location')!;
        assert.equal(location, `${h.server.url}/opensearch/description`);
        const description = await fetch(location);
        assert.equal(description.status, 200);
        assert.match(await description.text(), /OpenSearchDescription/);
      }
      const xml = await get(h.url, caps30, { Accept: '*/*' });
      assert.equal(xml.status, 200);
    });

    it('takes the description URL from config when given, and offers no binding without one', async () => {
      const configured = await startCsw(kind, { csw: { openSearchDescriptionUrl: 'https://search.example.org/osdd.xml' } });
      const none = await startCsw(kind);
      try {
        const res = await get(configured.url, { ...caps30, acceptFormats: OSDD });
        assert.equal(res.status, 303);
        assert.equal(res.headers.get('location'), 'https://search.example.org/osdd.xml');
        const refused = await get(none.url, { ...caps30, acceptFormats: OSDD });
        assert.equal(refused.status, 400);
        assert.equal(exception(refused.body).locator, 'acceptFormats');
        // 2.0.2 has no OpenSearch binding.
        const v2 = await get(configured.url, { service: 'CSW', request: 'GetCapabilities', version: '2.0.2' }, { Accept: OSDD });
        assert.equal(v2.status, 200);
      } finally {
        await configured.close();
        await none.close();
      }
    });
  });
}
