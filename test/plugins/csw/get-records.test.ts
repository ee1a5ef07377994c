import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { combinedSchema, CSW202_WITH_ISO, CSW30_WITH_ISO, exception, fixtureRecords, get, NS, post, SCHEMAS, startCsw, xpath, type CswHarness } from './support.js';

const getRecords202 = (body: string, attrs = '') => `<?xml version="1.0" encoding="UTF-8"?>
<csw:GetRecords xmlns:csw="${NS.csw}" xmlns:ogc="${NS.ogc}" xmlns:gml="${NS.gml}" xmlns:dc="${NS.dc}" xmlns:dct="${NS.dct}" xmlns:ows="${NS.ows}"
  service="CSW" version="2.0.2" resultType="results" ${attrs}>
  <csw:Query typeNames="csw:Record">${body}</csw:Query>
</csw:GetRecords>`;

const ids = (xml: string) => xpath(xml, '//csw:SearchResults/*/dc:identifier');

for (const kind of testDatabaseKinds()) {
  describe(`csw GetRecords (${kind.name})`, function () {
    let h: CswHarness;
    before(async () => {
      h = await startCsw(kind, { csw: { maxRecords: 4 } });
      await h.catalogue.upsert(fixtureRecords());
      await h.catalogue.upsert([{ identifier: 'PRIVATE_PARIS', type: 'product', parentIdentifier: 'S2-L2A', title: 'Private Paris', owner: 'alice', visibility: 'private', keywords: ['Paris'] }]);
    });
    after(async () => h?.close());

    const kvp = (params: Record<string, string>) => get(h.url, { service: 'CSW', version: '2.0.2', request: 'GetRecords', typeNames: 'csw:Record', ...params });

    it('is resultType=hits by default in 2.0.2: the count, no records', async () => {
      const res = await kvp({});
      assert.equal(res.status, 200);
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.deepEqual(xpath(res.body, '//csw:SearchResults/@numberOfRecordsMatched'), ['6']);
      assert.deepEqual(xpath(res.body, '//csw:SearchResults/@numberOfRecordsReturned'), ['0']);
      assert.deepEqual(ids(res.body), []);
    });

    for (const [set, element] of [['brief', 'BriefRecord'], ['summary', 'SummaryRecord'], ['full', 'Record']] as const) {
      it(`returns ${set} records as csw:${element}, valid against CSW-discovery.xsd, paged by startPosition and maxRecords`, async () => {
        const res = await kvp({ resultType: 'results', ElementSetName: set, maxRecords: '2', startPosition: '2', sortBy: 'dc:identifier:A' });
        assert.equal(res.status, 200);
        assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
        assert.deepEqual(xpath(res.body, `//csw:SearchResults/csw:${element}/dc:identifier`), ['S1A_PARIS_20210310', 'S2-L2A']);
        assert.deepEqual(xpath(res.body, '//csw:SearchResults/@nextRecord'), ['4']);
        assert.deepEqual(xpath(res.body, '//csw:SearchResults/@elementSet'), [set]);
        assert.deepEqual(xpath(res.body, '//csw:SearchResults/@recordSchema'), [NS.csw]);
      });
    }

    it('caps maxRecords at the configured maximum, and says where the next page starts', async () => {
      const res = await kvp({ resultType: 'results', maxRecords: '100' });
      assert.deepEqual(xpath(res.body, '//csw:SearchResults/@numberOfRecordsReturned'), ['4']);
      assert.deepEqual(xpath(res.body, '//csw:SearchResults/@nextRecord'), ['5']);
      const last = await kvp({ resultType: 'results', maxRecords: '100', startPosition: '5' });
      assert.deepEqual(xpath(last.body, '//csw:SearchResults/@numberOfRecordsReturned'), ['2']);
      assert.deepEqual(xpath(last.body, '//csw:SearchResults/@nextRecord'), ['0']);
    });

    it('filters with CQL_TEXT over Dublin Core names, AnyText and engine queryables', async () => {
      const cql = async (constraint: string) => ids((await kvp({ resultType: 'results', constraintLanguage: 'CQL_TEXT', constraint_language_version: '1.1.0', constraint, sortBy: 'dc:identifier' })).body);
      assert.deepEqual(await cql("dc:title LIKE '%Paris%'"), ['S1A_PARIS_20210310', 'S2A_PARIS_20200601']);
      assert.deepEqual(await cql("csw:AnyText LIKE '%lazio%'"), ['S2B_ROME_20200715']);
      assert.deepEqual(await cql("AnyText LIKE 'ROME'"), ['S2B_ROME_20200715']);
      assert.deepEqual(await cql('cloudCover < 20'), ['S2A_PARIS_20200601', 'S2A_SYDNEY_20190102']);
      assert.deepEqual(await cql("dc:type = 'series'"), ['S1-GRD', 'S2-L2A']);
      assert.deepEqual(await cql("dc:subject = 'Paris'"), ['S1A_PARIS_20210310', 'S2A_PARIS_20200601']);
      assert.deepEqual(await cql("dc:subject = 'Par'"), []);
      assert.deepEqual(await cql('BBOX(ows:BoundingBox, 0, 45, 5, 50) AND dc:type = \'dataset\''), ['S1A_PARIS_20210310', 'S2A_PARIS_20200601']);
      assert.deepEqual(await cql("dct:modified > '2000-01-01' AND apiso:Platform = 'SENTINEL-1'"), ['S1-GRD', 'S1A_PARIS_20210310']);
    });

    it('reads an XML POST with an FES 1.1 filter: BBOX in urn EPSG:4326 (latitude first), PropertyIsLike on AnyText, And, SortBy', async () => {
      const body = getRecords202(`
        <csw:ElementSetName>full</csw:ElementSetName>
        <csw:Constraint version="1.1.0"><ogc:Filter><ogc:And>
          <ogc:BBOX><ogc:PropertyName>ows:BoundingBox</ogc:PropertyName>
            <gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>40 0</gml:lowerCorner><gml:upperCorner>50 15</gml:upperCorner></gml:Envelope></ogc:BBOX>
          <ogc:PropertyIsLike wildCard="%" singleChar="_" escapeChar="\\"><ogc:PropertyName>csw:AnyText</ogc:PropertyName><ogc:Literal>%sentinel-2%</ogc:Literal></ogc:PropertyIsLike>
        </ogc:And></ogc:Filter></csw:Constraint>
        <ogc:SortBy><ogc:SortProperty><ogc:PropertyName>dc:title</ogc:PropertyName><ogc:SortOrder>DESC</ogc:SortOrder></ogc:SortProperty></ogc:SortBy>`, 'maxRecords="10"');
      const res = await post(h.url, body);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      // Sentinel-2 products and the global collection, by title descending ('Sentinel-2 ' sorts before 'Sentinel-2A').
      assert.deepEqual(ids(res.body), ['S2B_ROME_20200715', 'S2A_PARIS_20200601', 'S2-L2A']);
    });

    it('reads prefixes the request binds, whatever they are', async () => {
      const body = `<c:GetRecords xmlns:c="${NS.csw}" xmlns:f="${NS.ogc}" xmlns:d="${NS.dc}" service="CSW" version="2.0.2" resultType="results">
        <c:Query typeNames="c:Record"><c:ElementSetName>brief</c:ElementSetName>
        <c:Constraint version="1.1.0"><f:Filter><f:PropertyIsEqualTo><f:PropertyName>d:identifier</f:PropertyName><f:Literal>S2-L2A</f:Literal></f:PropertyIsEqualTo></f:Filter></c:Constraint></c:Query></c:GetRecords>`;
      const res = await post(h.url, body);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(ids(res.body), ['S2-L2A']);
    });

    it('takes KVP in a form POST, prefixes bound by NAMESPACE, and echoes a KVP request on validate', async () => {
      const form = new URLSearchParams({
        service: 'CSW', version: '2.0.2', request: 'GetRecords', typeNames: 'csw:Record', resultType: 'results',
        namespace: `xmlns(d=${NS.dc}),xmlns(csw=${NS.csw})`, constraintLanguage: 'CQL_TEXT', constraint: "d:identifier = 'S1-GRD'",
      });
      const res = await fetch(h.url, { method: 'POST', body: form, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      const body = await res.text();
      assert.equal(res.status, 200, body);
      assert.deepEqual(ids(body), ['S1-GRD']);
      const validate = await kvp({ resultType: 'validate', constraintLanguage: 'CQL_TEXT', constraint: "dc:title LIKE '%a%'" });
      assert.equal(validate.status, 200, validate.body);
      assert.deepEqual(validateXml(validate.body, SCHEMAS.discovery202), []);
      const echoed = xpath(validate.body, '/csw:Acknowledgement/csw:EchoedRequest/ows:Get/@xlink:href')[0]!;
      assert.equal(new URL(echoed).searchParams.get('constraint'), "dc:title LIKE '%a%'");
    });

    it('selects elements with ElementName', async () => {
      const res = await kvp({ resultType: 'results', ElementName: 'dc:identifier,dc:title', constraintLanguage: 'CQL_TEXT', constraint: "dc:identifier = 'S2-L2A'" });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.deepEqual(xpath(res.body, '//csw:SearchResults/csw:Record/*').length, 2);
      assert.deepEqual(xpath(res.body, '//csw:SearchResults/csw:Record/dc:title'), ['Sentinel-2 Level-2A']);
      assert.deepEqual(xpath(res.body, '//csw:SearchResults/@elementSet'), []);
    });

    it('writes ISO 19139 gmd:MD_Metadata for outputSchema gmd, valid with the ISO schemas', async () => {
      const res = await kvp({ resultType: 'results', outputSchema: NS.gmd, ElementSetName: 'full', typeNames: 'gmd:MD_Metadata', constraintLanguage: 'CQL_TEXT', constraint: "apiso:Title LIKE '%Rome%'" });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, CSW202_WITH_ISO()), []);
      assert.deepEqual(xpath(res.body, '//csw:SearchResults/gmd:MD_Metadata/gmd:fileIdentifier/gco:CharacterString'), ['S2B_ROME_20200715']);
      assert.deepEqual(xpath(res.body, '//csw:SearchResults/@recordSchema'), [NS.gmd]);
    });

    it('writes products in any XML format of the catalogue (EOP 2.1), refusing records it cannot describe', async () => {
      const EOP = 'http://www.opengis.net/eop/2.1';
      const schema = combinedSchema('csw202-eop', { [NS.csw]: 'csw/2.0.2/CSW-discovery.xsd', [EOP]: 'eompom/1.1/xsd/eop.xsd', 'http://www.opengis.net/opt/2.1': 'eompom/1.1/xsd/opt.xsd', 'http://www.opengis.net/sar/2.1': 'eompom/1.1/xsd/sar.xsd' });
      const products = await kvp({ resultType: 'results', outputSchema: EOP, ElementSetName: 'full', constraintLanguage: 'CQL_TEXT', constraint: "dc:type = 'dataset'", sortBy: 'dc:identifier' });
      assert.equal(products.status, 200, products.body);
      assert.deepEqual(validateXml(products.body, schema), []);
      assert.deepEqual(xpath(products.body, '//csw:SearchResults/@numberOfRecordsReturned'), ['4']);
      const mixed = await kvp({ resultType: 'results', outputSchema: EOP });
      assert.equal(mixed.status, 400);
      assert.deepEqual({ code: exception(mixed.body).code, locator: exception(mixed.body).locator }, { code: 'InvalidParameterValue', locator: 'outputSchema' });
    });

    it('validates a request with resultType=validate, echoing it, and finds errors in it first', async () => {
      const res = await post(h.url, getRecords202('<csw:ElementSetName>brief</csw:ElementSetName>').replace('resultType="results"', 'resultType="validate"'));
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.equal(xpath(res.body, '/csw:Acknowledgement/csw:EchoedRequest/csw:GetRecords/@resultType')[0], 'validate');
      const bad = await kvp({ resultType: 'validate', constraintLanguage: 'CQL_TEXT', constraint: "nosuch = 'x'" });
      assert.equal(bad.status, 400);
      assert.equal(exception(bad.body).code, 'InvalidParameterValue');
    });

    it('never shows a record the reader may not see, nor counts it', async () => {
      const res = await kvp({ resultType: 'results', constraintLanguage: 'CQL_TEXT', constraint: "AnyText LIKE '%Private%'" });
      assert.deepEqual(xpath(res.body, '//csw:SearchResults/@numberOfRecordsMatched'), ['0']);
      const alice = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'GetRecords', typeNames: 'csw:Record', resultType: 'results', constraintLanguage: 'CQL_TEXT', constraint: "AnyText LIKE '%Private%'" }, { Authorization: 'ApiKey nope' });
      assert.equal(alice.status, 401);
      assert.equal(exception(alice.body).code, 'NoApplicableCode');
    });

    it('answers bad requests with the exception code and locator of CSW 2.0.2', async () => {
      const cases: Array<[Record<string, string>, string, string]> = [
        [{ typeNames: '' }, 'MissingParameterValue', 'TYPENAMES'],
        [{ typeNames: 'foo:Bar' }, 'InvalidParameterValue', 'TYPENAMES'],
        [{ typeNames: 'csw:Dataset' }, 'InvalidParameterValue', 'typeNames'],
        [{ outputSchema: 'urn:nothing' }, 'InvalidParameterValue', 'outputSchema'],
        [{ outputFormat: 'text/html' }, 'InvalidParameterValue', 'outputFormat'],
        [{ ElementSetName: 'everything' }, 'InvalidParameterValue', 'ELEMENTSETNAME'],
        [{ maxRecords: '-1' }, 'InvalidParameterValue', 'MAXRECORDS'],
        [{ startPosition: '0' }, 'InvalidParameterValue', 'STARTPOSITION'],
        [{ resultType: 'everything' }, 'InvalidParameterValue', 'RESULTTYPE'],
        [{ constraintLanguage: 'CQL_TEXT', constraint: "dc:title LIKE 'x" }, 'InvalidParameterValue', 'CONSTRAINT'],
        [{ constraintLanguage: 'CQL_TEXT', constraint: "nosuch = 'x'" }, 'InvalidParameterValue', 'Constraint'],
        [{ constraintLanguage: 'SQL', constraint: '1=1' }, 'InvalidParameterValue', 'CONSTRAINTLANGUAGE'],
        [{ constraintLanguage: 'CQL_TEXT', constraint: "ows:BoundingBox = 'x'" }, 'InvalidParameterValue', 'Constraint'],
        [{ constraintLanguage: 'FILTER', constraint: '<ogc:Filter xmlns:ogc="http://www.opengis.net/ogc"><ogc:Nonsense/></ogc:Filter>' }, 'InvalidParameterValue', 'CONSTRAINT'],
        [{ sortBy: 'ows:BoundingBox:A' }, 'InvalidParameterValue', 'SortBy'],
        [{ ElementName: 'dc:title', ElementSetName: 'full' }, 'InvalidParameterValue', 'ELEMENTNAME'],
        [{ version: '1.0.0' }, 'InvalidParameterValue', 'version'],
        [{ responseHandler: 'http://example.org/' }, 'OptionNotSupported', 'ResponseHandler'],
      ];
      for (const [params, code, locator] of cases) {
        const res = await kvp(params);
        assert.ok(res.status === 400 || res.status === 501, `${JSON.stringify(params)} → ${res.status}`);
        assert.deepEqual(validateXml(res.body, SCHEMAS.ows10Exception), [], JSON.stringify(params));
        assert.deepEqual({ ...exception(res.body), text: undefined }, { code, locator, text: undefined }, `${JSON.stringify(params)}: ${res.body}`);
      }
    });

    it('refuses XML that is not well-formed, has a DOCTYPE, or is not a CSW request', async () => {
      const broken = await post(h.url, '<csw:GetRecords xmlns:csw="http://www.opengis.net/cat/csw/2.0.2">');
      assert.equal(broken.status, 400);
      assert.deepEqual(validateXml(broken.body, SCHEMAS.ows10Exception), []);
      const xxe = await post(h.url, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><csw:GetRecords xmlns:csw="${NS.csw}">&e;</csw:GetRecords>`);
      assert.equal(xxe.status, 400);
      assert.ok(!xxe.body.includes('root:'));
      const other = await post(h.url, '<GetRecords xmlns="urn:other"/>');
      assert.equal(other.status, 400);
      assert.equal(exception(other.body).code, 'NoApplicableCode');
      const noQuery = await post(h.url, `<csw:GetRecords xmlns:csw="${NS.csw}" service="CSW" version="2.0.2"/>`);
      assert.equal(noQuery.status, 400);
      assert.deepEqual({ code: exception(noQuery.body).code, locator: exception(noQuery.body).locator }, { code: 'MissingParameterValue', locator: 'Query' });
    });

    describe('CSW 3.0', () => {
      const getRecords30 = (body: string, attrs = '') => `<csw30:GetRecords xmlns:csw30="${NS.csw30}" xmlns:fes="${NS.fes}" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:dc="${NS.dc}" xmlns:ows="${NS.ows20}" service="CSW" version="3.0.0" ${attrs}>
        <csw30:Query typeNames="csw30:Record">${body}</csw30:Query></csw30:GetRecords>`;

      it('returns records by default, csw30:Record valid against cswAll.xsd, with an FES 2.0 filter', async () => {
        const res = await post(h.url, getRecords30(`<csw30:ElementSetName>full</csw30:ElementSetName>
          <csw30:Constraint version="2.0.0"><fes:Filter><fes:And>
            <fes:PropertyIsLike wildCard="*" singleChar="." escapeChar="!"><fes:ValueReference>dc:title</fes:ValueReference><fes:Literal>*Paris*</fes:Literal></fes:PropertyIsLike>
            <fes:During><fes:ValueReference>apiso:TempExtent_begin</fes:ValueReference><gml:TimePeriod gml:id="t1"><gml:beginPosition>2020-01-01T00:00:00Z</gml:beginPosition><gml:endPosition>2020-12-31T23:59:59Z</gml:endPosition></gml:TimePeriod></fes:During>
          </fes:And></fes:Filter></csw30:Constraint>`));
        assert.equal(res.status, 200, res.body);
        assert.deepEqual(validateXml(res.body, SCHEMAS.csw30), []);
        assert.deepEqual(xpath(res.body, '//csw30:SearchResults/csw30:Record/dc:identifier'), ['S2A_PARIS_20200601']);
        assert.deepEqual(xpath(res.body, '//csw30:SearchResults/@status'), ['complete']);
      });

      it('takes the KVP OpenSearch parameters q, bbox, time and recordIds', async () => {
        const res = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecords', q: 'Paris', bbox: '0,45,5,50', time: '2021-01-01/2021-12-31', ElementSetName: 'brief' });
        assert.equal(res.status, 200, res.body);
        assert.deepEqual(validateXml(res.body, SCHEMAS.csw30), []);
        assert.deepEqual(xpath(res.body, '//csw30:SearchResults/csw30:BriefRecord/dc:identifier'), ['S1A_PARIS_20210310']);
        const day = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecords', time: '2020-06-01', ElementSetName: 'brief' });
        assert.deepEqual(xpath(day.body, '//csw30:SearchResults/csw30:BriefRecord/dc:identifier'), ['S2A_PARIS_20200601']);
        // A box across the antimeridian (west > east) meets Sydney and the global collections; three numbers or north below south are refused.
        const across = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecords', bbox: '150,-35,-170,-33', ElementSetName: 'brief' });
        assert.deepEqual(xpath(across.body, '//csw30:SearchResults/csw30:BriefRecord/dc:identifier').sort(), ['S1-GRD', 'S2-L2A', 'S2A_SYDNEY_20190102']);
        for (const bbox of ['0,45,5', '0,50,5,45', '0,a,5,50']) {
          const bad = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecords', bbox });
          assert.equal(bad.status, 400, bbox);
          assert.equal(exception(bad.body).locator, 'bbox', bbox);
        }
        const badTime = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecords', time: 'yesterday' });
        assert.equal(badTime.status, 400);
        assert.equal(exception(badTime.body).locator, 'time');
        for (const time of ['2021/2020', '2020/2021/garbage', '2020/2021/P1M']) {
          const bad = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecords', time });
          assert.equal(bad.status, 400, time);
          assert.equal(exception(bad.body).locator, 'time', time);
        }
        const openEnd = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecords', time: '2021-03-01/..', ElementSetName: 'brief' });
        assert.deepEqual(xpath(openEnd.body, '//csw30:SearchResults/csw30:BriefRecord/dc:identifier'), ['S1A_PARIS_20210310']);
        const byIds = await get(h.url, { service: 'CSW', version: '3.0.0', request: 'GetRecords', recordIds: 'S2-L2A,S1-GRD', sortBy: 'dc:identifier ASC' });
        assert.deepEqual(xpath(byIds.body, '//csw30:SearchResults/*/dc:identifier'), ['S1-GRD', 'S2-L2A']);
      });

      it('writes ISO records in a 3.0 response, valid with the ISO schemas', async () => {
        const res = await post(h.url, getRecords30('<csw30:ElementSetName>summary</csw30:ElementSetName>', `outputSchema="${NS.gmd}" maxRecords="2"`));
        assert.equal(res.status, 200, res.body);
        assert.deepEqual(validateXml(res.body, CSW30_WITH_ISO()), []);
        assert.equal(xpath(res.body, '//csw30:SearchResults/gmd:MD_Metadata').length, 2);
      });

      it('answers errors as OWS 2.0 exception reports', async () => {
        const res = await post(h.url, getRecords30('<csw30:ElementSetName>brief</csw30:ElementSetName><csw30:Constraint version="2.0.0"><csw30:CqlText>nosuch = 1</csw30:CqlText></csw30:Constraint>'));
        assert.equal(res.status, 400);
        assert.deepEqual(validateXml(res.body, SCHEMAS.ows20Exception), []);
        assert.deepEqual({ code: exception(res.body).code, locator: exception(res.body).locator }, { code: 'InvalidParameterValue', locator: 'Constraint' });
        const validate = await post(h.url, getRecords30('<csw30:ElementSetName>brief</csw30:ElementSetName>').replace('version="3.0.0"', 'version="3.0.0" resultType="validate"'));
        assert.equal(validate.status, 400);
        assert.equal(exception(validate.body).locator, 'resultType');
      });
    });
  });
}
