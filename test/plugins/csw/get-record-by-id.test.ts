import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { CSW202_WITH_ISO, exception, fixtureRecords, get, NS, post, SCHEMAS, startCsw, xpath, type CswHarness } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`csw GetRecordById (${kind.name})`, function () {
    let h: CswHarness;
    before(async () => {
      h = await startCsw(kind);
      await h.catalogue.upsert(fixtureRecords());
      await h.catalogue.upsert([{ identifier: 'SECRET', type: 'product', parentIdentifier: 'S2-L2A', title: 'Secret', owner: 'alice', visibility: 'private' }]);
    });
    after(async () => h?.close());

    it('2.0.2: the records found, in the order asked, others left out', async () => {
      const res = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'GetRecordById', id: 'S2B_ROME_20200715,nothing,S2-L2A,SECRET', ElementSetName: 'full' });
      assert.equal(res.status, 200);
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.deepEqual(xpath(res.body, '/csw:GetRecordByIdResponse/csw:Record/dc:identifier'), ['S2B_ROME_20200715', 'S2-L2A']);
      const none = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'GetRecordById', id: 'SECRET' });
      assert.equal(none.status, 200);
      assert.deepEqual(validateXml(none.body, SCHEMAS.discovery202), []);
      assert.deepEqual(xpath(none.body, '/csw:GetRecordByIdResponse/*'), []);
    });

    it('2.0.2: summary by default, ISO 19139 for outputSchema gmd, and the XML binding', async () => {
      const summary = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'GetRecordById', id: 'S2-L2A' });
      assert.equal(xpath(summary.body, '/csw:GetRecordByIdResponse/csw:SummaryRecord').length, 1);
      const iso = await post(h.url, `<csw:GetRecordById xmlns:csw="${NS.csw}" service="CSW" version="2.0.2" outputSchema="${NS.gmd}"><csw:Id>S2A_PARIS_20200601</csw:Id><csw:ElementSetName>full</csw:ElementSetName></csw:GetRecordById>`);
      assert.equal(iso.status, 200, iso.body);
      assert.deepEqual(validateXml(iso.body, CSW202_WITH_ISO()), []);
      assert.deepEqual(xpath(iso.body, '/csw:GetRecordByIdResponse/gmd:MD_Metadata/gmd:fileIdentifier/gco:CharacterString'), ['S2A_PARIS_20200601']);
    });

    it('3.0: the record itself, and 404 NotFound in an OWS 2.0 report when there is none', async () => {
      const res = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecordById', id: 'S2-L2A', ElementSetName: 'full' });
      assert.equal(res.status, 200);
      assert.deepEqual(validateXml(res.body, SCHEMAS.csw30), []);
      assert.deepEqual(xpath(res.body, '/csw30:Record/dc:identifier'), ['S2-L2A']);
      for (const id of ['nothing', 'SECRET']) {
        const missing = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecordById', id });
        assert.equal(missing.status, 404);
        assert.deepEqual(validateXml(missing.body, SCHEMAS.ows20Exception), []);
        assert.deepEqual({ ...exception(missing.body), text: undefined }, { code: 'NotFound', locator: 'id', text: undefined });
      }
      const several = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecordById', id: 'a,b' });
      assert.equal(several.status, 400);
    });

    it('requires an id', async () => {
      const res = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'GetRecordById' });
      assert.equal(res.status, 400);
      assert.deepEqual({ ...exception(res.body), text: undefined }, { code: 'MissingParameterValue', locator: 'ID', text: undefined });
    });
  });
}
