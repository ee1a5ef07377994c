import assert from 'node:assert/strict';
import { parseXmlDocument, selectNodes } from '../../../core/ows/index.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { get, NS, post, SCHEMAS, startCsw, type CswHarness } from './support.js';

const values = (xml: string, xpath: string) => selectNodes(parseXmlDocument(xml), xpath, { ...NS }).map((n) => (n as unknown as { text(): string; value?(): string }).text?.() ?? '');
const attr = (xml: string, xpath: string) => selectNodes(parseXmlDocument(xml), xpath, { ...NS }).map((n) => (n as unknown as { value(): string }).value());

for (const kind of testDatabaseKinds()) {
  describe(`csw GetCapabilities (${kind.name})`, function () {
    let h: CswHarness;
    before(async () => {
      h = await startCsw(kind);
    });
    after(async () => h?.close());

    it('answers 2.0.2 (OWS 1.0, FES 1.1) valid against CSW-discovery.xsd', async () => {
      const res = await get(h.url, { service: 'CSW', request: 'GetCapabilities', version: '2.0.2' });
      assert.equal(res.status, 200);
      assert.match(res.contentType, /^application\/xml/);
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.deepEqual(attr(res.body, '/csw:Capabilities/@version'), ['2.0.2']);
      const ops = attr(res.body, '//ows:OperationsMetadata/ows:Operation/@name');
      assert.deepEqual(ops, ['GetCapabilities', 'DescribeRecord', 'GetRecords', 'GetRecordById', 'GetDomain', 'Transaction', 'Harvest']);
      assert.ok(values(res.body, "//ows:Operation[@name='GetRecords']/ows:Parameter[@name='outputSchema']/ows:Value").includes(NS.gmd));
      assert.deepEqual(values(res.body, "//ows:Operation[@name='GetRecords']/ows:Parameter[@name='CONSTRAINTLANGUAGE']/ows:Value"), ['FILTER', 'CQL_TEXT']);
      assert.deepEqual(values(res.body, "//ows:OperationsMetadata/ows:Constraint[@name='MaxRecordDefault']/ows:Value"), ['10']);
      // Filter capabilities name what core/filter parses.
      const spatial = attr(res.body, '//ogc:Spatial_Capabilities/ogc:SpatialOperators/ogc:SpatialOperator/@name');
      assert.ok(spatial.includes('BBOX') && spatial.includes('Intersects') && spatial.includes('DWithin'));
      assert.ok(values(res.body, '//ogc:ComparisonOperators/ogc:ComparisonOperator').includes('Like'));
      assert.ok(values(res.body, '//ogc:FunctionNames/ogc:FunctionName').includes('lower'));
      // Transaction is XML only: no Get endpoint.
      assert.deepEqual(attr(res.body, "//ows:Operation[@name='Transaction']//ows:Get/@xlink:href"), []);
      assert.deepEqual(attr(res.body, "//ows:Operation[@name='GetRecords']//ows:Get/@xlink:href"), [`${h.url}?`]);
    });

    it('answers 3.0 (OWS 2.0, FES 2.0) valid against cswAll.xsd, without DescribeRecord', async () => {
      const res = await get(h.url, { service: 'CSW', request: 'GetCapabilities', acceptVersions: '3.0.0' });
      assert.equal(res.status, 200);
      assert.deepEqual(validateXml(res.body, SCHEMAS.csw30), []);
      const doc = parseXmlDocument(res.body);
      assert.equal(doc.root()!.namespace()!.href(), NS.csw30);
      const ops = attr(res.body, '//ows20:OperationsMetadata/ows20:Operation/@name');
      assert.deepEqual(ops, ['GetCapabilities', 'GetRecords', 'GetRecordById', 'GetDomain', 'Transaction', 'Harvest']);
      assert.ok(attr(res.body, '//fes:Temporal_Capabilities//fes:TemporalOperator/@name').includes('During'));
      const conformance = attr(res.body, "//ows20:OperationsMetadata/ows20:Constraint[starts-with(@name, 'http://www.opengis.net/spec/csw/3.0/conf/')]/@name");
      assert.ok(conformance.includes('http://www.opengis.net/spec/csw/3.0/conf/Filter-FES-XML'));
      // No OpenSearch plugin here: the binding is not claimed.
      assert.deepEqual(values(res.body, "//ows20:Constraint[@name='http://www.opengis.net/spec/csw/3.0/conf/OpenSearch']//ows20:Value"), ['FALSE']);
    });

    it('negotiates: no version is the highest, AcceptVersions picks the first supported, none supported fails', async () => {
      const none = await get(h.url, { service: 'CSW', request: 'GetCapabilities' });
      assert.deepEqual(attr(none.body, '/*/@version'), ['3.0.0']);
      const list = await get(h.url, { service: 'CSW', request: 'GetCapabilities', acceptVersions: '1.0.0,2.0.2,3.0.0' });
      assert.deepEqual(attr(list.body, '/*/@version'), ['2.0.2']);
      const failed = await get(h.url, { service: 'CSW', request: 'GetCapabilities', acceptVersions: '1.0.0' });
      assert.equal(failed.status, 400);
      assert.deepEqual(validateXml(failed.body, SCHEMAS.ows10Exception), []);
      assert.deepEqual(attr(failed.body, '//ows:Exception/@exceptionCode'), ['VersionNegotiationFailed']);
      assert.deepEqual(attr(failed.body, '//ows:Exception/@locator'), ['AcceptVersions']);
    });

    it('answers an XML GetCapabilities in the version of its namespace', async () => {
      const res = await post(h.url, `<csw:GetCapabilities xmlns:csw="${NS.csw}" service="CSW"/>`);
      assert.equal(res.status, 200);
      assert.deepEqual(attr(res.body, '/csw:Capabilities/@version'), ['2.0.2']);
      const v3 = await post(h.url, `<GetCapabilities xmlns="${NS.csw30}" xmlns:ows="${NS.ows20}" service="CSW"><ows:AcceptVersions><ows:Version>3.0.0</ows:Version></ows:AcceptVersions><ows:Sections><ows:Section>ServiceIdentification</ows:Section></ows:Sections></GetCapabilities>`);
      assert.equal(v3.status, 200);
      assert.deepEqual(validateXml(v3.body, SCHEMAS.csw30), []);
      assert.equal(selectNodes(parseXmlDocument(v3.body), '/*/*', {}).length, 1);
    });

    it('writes only the sections asked for (2.0.2 always keeps the Filter_Capabilities its schema requires)', async () => {
      const res = await get(h.url, { service: 'CSW', request: 'GetCapabilities', version: '2.0.2', sections: 'ServiceProvider' });
      assert.deepEqual(validateXml(res.body, SCHEMAS.discovery202), []);
      assert.deepEqual(selectNodes(parseXmlDocument(res.body), '/*/*', {}).map((n) => (n as unknown as { name(): string }).name()), ['ServiceProvider', 'Filter_Capabilities']);
      const bad = await get(h.url, { service: 'CSW', request: 'GetCapabilities', version: '2.0.2', sections: 'Contents' });
      assert.equal(bad.status, 400);
      assert.deepEqual(attr(bad.body, '//ows:Exception/@locator'), ['sections']);
    });

    it('refuses a missing or wrong service, and an unknown request, in the OWS version asked for', async () => {
      const noService = await get(h.url, { request: 'GetCapabilities' });
      assert.equal(noService.status, 400);
      assert.deepEqual(attr(noService.body, '//ows:Exception/@exceptionCode'), ['MissingParameterValue']);
      assert.deepEqual(attr(noService.body, '//ows:Exception/@locator'), ['service']);
      const wrong = await get(h.url, { service: 'WMS', request: 'GetCapabilities', version: '3.0.0' });
      assert.equal(wrong.status, 400);
      assert.deepEqual(validateXml(wrong.body, SCHEMAS.ows20Exception), []);
      assert.deepEqual(selectNodes(parseXmlDocument(wrong.body), '//ows20:Exception/@locator', { ...NS }).map((n) => (n as unknown as { value(): string }).value()), ['service']);
      const unknown = await get(h.url, { service: 'CSW', request: 'GetMap', version: '2.0.2' });
      assert.equal(unknown.status, 501);
      assert.deepEqual(attr(unknown.body, '//ows:Exception/@exceptionCode'), ['OperationNotSupported']);
      const none = await get(h.url, {});
      assert.equal(none.status, 400);
      assert.deepEqual(attr(none.body, '//ows:Exception/@locator'), ['request']);
    });

    it('registers the CSW service and its 3.0 conformance classes', async () => {
      const services = (await (await fetch(`${h.server.url}/services`, { headers: { Accept: 'application/json' } })).json()) as { services?: Array<{ type: string; versions: string[]; url: string; capabilitiesUrl?: string }> } | Array<{ type: string; versions: string[]; url: string; capabilitiesUrl?: string }>;
      const list = Array.isArray(services) ? services : services.services!;
      const csw = list.find((s) => s.type === 'CSW')!;
      assert.deepEqual(csw.versions, ['2.0.2', '3.0.0']);
      assert.equal(csw.url, h.url);
      const caps = await fetch(csw.capabilitiesUrl!);
      assert.equal(caps.status, 200);
      const conformance = (await (await fetch(`${h.server.url}/conformance`, { headers: { Accept: 'application/json' } })).json()) as { conformsTo: string[] };
      assert.ok(conformance.conformsTo.includes('http://www.opengis.net/spec/csw/3.0/conf/GetRecords-Basic-XML'));
      assert.ok(!conformance.conformsTo.includes('http://www.opengis.net/spec/csw/3.0/conf/GetRecords-Async-XML'));
    });
  });
}
