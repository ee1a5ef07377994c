import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { exception, get, NS, post, SCHEMAS, startCsw, xpath, type CswHarness } from './support.js';

const XSD = 'http://www.w3.org/2001/XMLSchema';

for (const kind of testDatabaseKinds()) {
  describe(`csw DescribeRecord (${kind.name})`, function () {
    let h: CswHarness;
    before(async () => {
      h = await startCsw(kind);
    });
    after(async () => h?.close());

    it('describes csw:Record and gmd:MD_Metadata by schemas that include the official ones', async () => {
      const res = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'DescribeRecord' });
      assert.equal(res.status, 200);
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.deepEqual(xpath(res.body, '//csw:SchemaComponent/@targetNamespace'), [NS.csw, NS.gmd]);
      const includes = xpath(res.body.replaceAll(XSD, 'urn:xsd'), "//*[local-name()='include']/@schemaLocation");
      assert.deepEqual(includes, ['http://schemas.opengis.net/csw/2.0.2/record.xsd', 'http://schemas.opengis.net/iso/19139/20070417/gmd/gmd.xsd']);
    });

    it('describes the types named, through NAMESPACE or the XML declarations', async () => {
      const kvp = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'DescribeRecord', typeName: 'x:MD_Metadata', namespace: `xmlns(x=${NS.gmd})` });
      assert.deepEqual(xpath(kvp.body, '//csw:SchemaComponent/@targetNamespace'), [NS.gmd]);
      const xml = await post(h.url, `<csw:DescribeRecord xmlns:csw="${NS.csw}" service="CSW" version="2.0.2" schemaLanguage="http://www.w3.org/XML/Schema"><csw:TypeName>csw:Record</csw:TypeName></csw:DescribeRecord>`);
      assert.equal(xml.status, 200, xml.body);
      assert.deepEqual(xpath(xml.body, '//csw:SchemaComponent/@targetNamespace'), [NS.csw]);
    });

    it('refuses an unknown type or schema language, and is not an operation of CSW 3.0', async () => {
      const type = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'DescribeRecord', typeName: 'csw:Nothing' });
      assert.equal(type.status, 400);
      assert.equal(exception(type.body).locator, 'TypeName');
      const lang = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'DescribeRecord', schemaLanguage: 'RELAXNG' });
      assert.equal(exception(lang.body).locator, 'schemaLanguage');
      const v3 = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'DescribeRecord' });
      assert.equal(v3.status, 501);
      assert.deepEqual(validateXml(v3.body, SCHEMAS.ows20Exception), []);
      assert.equal(exception(v3.body).code, 'OperationNotSupported');
    });
  });
}
