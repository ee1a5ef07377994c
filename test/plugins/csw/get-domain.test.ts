import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { exception, fixtureRecords, get, NS, post, SCHEMAS, startCsw, xpath, type CswHarness } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`csw GetDomain (${kind.name})`, function () {
    let h: CswHarness;
    before(async () => {
      h = await startCsw(kind);
      await h.catalogue.upsert(fixtureRecords());
      await h.catalogue.upsert([{ identifier: 'HIDDEN', type: 'product', parentIdentifier: 'S1-GRD', title: 'Hidden', platform: 'SECRETSAT', cloudCover: 99, owner: 'alice', visibility: 'private' }]);
    });
    after(async () => h?.close());

    const domain202 = (params: Record<string, string>) => get(h.url, { service: 'CSW', version: '2.0.2', request: 'GetDomain', ...params });

    it('lists the values of an enumerable property among the records the reader may see', async () => {
      const res = await domain202({ PropertyName: 'apiso:Platform' });
      assert.equal(res.status, 200);
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.deepEqual(xpath(res.body, '//csw:DomainValues/csw:PropertyName'), ['apiso:Platform']);
      assert.deepEqual(xpath(res.body, '//csw:DomainValues/csw:ListOfValues/csw:Value').sort(), ['SENTINEL-1', 'SENTINEL-2']);
      const types = await domain202({ PropertyName: 'dc:type' });
      assert.deepEqual(xpath(types.body, '//csw:ListOfValues/csw:Value').sort(), ['dataset', 'series']);
    });

    it('gives the range of a number or time property', async () => {
      const res = await domain202({ PropertyName: 'cloudCover' });
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.deepEqual(xpath(res.body, '//csw:RangeOfValues/csw:MinValue'), ['3.5']);
      assert.deepEqual(xpath(res.body, '//csw:RangeOfValues/csw:MaxValue'), ['41']);
      const times = await domain202({ PropertyName: 'apiso:TempExtent_begin' });
      assert.deepEqual(xpath(times.body, '//csw:RangeOfValues/csw:MinValue'), ['2015-01-01T00:00:00.000Z']);
    });

    it('names a free-text property without listing values', async () => {
      const res = await domain202({ PropertyName: 'dc:title' });
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.deepEqual(xpath(res.body, '//csw:DomainValues/*').length, 1);
    });

    it('lists what a request parameter accepts, as the capabilities do', async () => {
      const res = await post(h.url, `<csw:GetDomain xmlns:csw="${NS.csw}" service="CSW" version="2.0.2"><csw:ParameterName>GetRecords.outputSchema</csw:ParameterName></csw:GetDomain>`);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.ok(xpath(res.body, '//csw:ListOfValues/csw:Value').includes(NS.gmd));
      const rt = await domain202({ ParameterName: 'GetRecords.resultType' });
      assert.deepEqual(xpath(rt.body, '//csw:ListOfValues/csw:Value'), ['hits', 'results', 'validate']);
    });

    it('3.0: value counts, several domains, and a Filter restricting the records counted', async () => {
      const res = await post(h.url, `<csw30:GetDomain xmlns:csw30="${NS.csw30}" xmlns:fes="${NS.fes}" service="CSW" version="3.0.0">
        <csw30:ValueReference>apiso:Platform</csw30:ValueReference>
        <fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>dc:type</fes:ValueReference><fes:Literal>dataset</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>
        <csw30:ParameterName>GetRecordById.ElementSetName</csw30:ParameterName></csw30:GetDomain>`);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.csw30), []);
      assert.deepEqual(xpath(res.body, "//csw30:DomainValues[csw30:ValueReference]//csw30:Value[.='SENTINEL-2']/@count"), ['3']);
      assert.deepEqual(xpath(res.body, "//csw30:DomainValues[csw30:ValueReference]//csw30:Value[.='SENTINEL-1']/@count"), ['1']);
      assert.deepEqual(xpath(res.body, '//csw30:DomainValues[csw30:ParameterName]//csw30:Value'), ['brief', 'summary', 'full']);
    });

    it('refuses an unknown property or parameter, naming it', async () => {
      const p = await domain202({ PropertyName: 'dc:nothing' });
      assert.equal(p.status, 400);
      assert.deepEqual({ ...exception(p.body), text: undefined }, { code: 'InvalidParameterValue', locator: 'PropertyName', text: undefined });
      const q = await domain202({ ParameterName: 'GetRecords.nothing' });
      assert.equal(q.status, 400);
      assert.equal(exception(q.body).locator, 'ParameterName');
      const none = await domain202({});
      assert.equal(exception(none.body).code, 'MissingParameterValue');
      const two = await domain202({ PropertyName: 'dc:type', ParameterName: 'GetRecords.resultType' });
      assert.equal(two.status, 400);
    });
  });
}
