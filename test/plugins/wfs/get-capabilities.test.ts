/** GetCapabilities in 2.0.0 and 1.1.0: valid against the official schemas, feature types as the subject sees them, real filter capabilities and constraints. */
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { admin, createFilled, exception, get, PLACES, placeInputs, post, REGIONS, regionInputs, SCHEMAS, startWfs, user, xpath, type WfsHarness } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`wfs GetCapabilities (${kind.name})`, function () {
    this.timeout(60_000);
    let h: WfsHarness;
    before(async () => {
      h = await startWfs(kind);
      await createFilled(h.features, PLACES, placeInputs());
      await createFilled(h.features, REGIONS, regionInputs());
      await createFilled(h.features, { id: 'secret', geometryType: 'Point', properties: [], visibility: 'private', owner: 'alice' }, [], user('alice'));
    });
    after(async () => h?.close());

    it('answers 2.0.0 by default, valid against wfs/2.0/wfs.xsd', async () => {
      const res = await get(h.url, { service: 'WFS', request: 'GetCapabilities' });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.wfs20), []);
      assert.deepEqual(xpath(res.body, '/wfs:WFS_Capabilities/@version'), ['2.0.0']);
      assert.deepEqual(xpath(res.body, '//ows:ServiceTypeVersion'), ['2.0.0', '1.1.0']);
    });

    it('lists the feature types the subject may read, with their CRSs, formats and WGS 84 boxes', async () => {
      const res = await get(h.url, { service: 'WFS', request: 'GetCapabilities' });
      assert.deepEqual(xpath(res.body, '//wfs:FeatureType/wfs:Name').sort(), ['meridian:places', 'meridian:regions']);
      const places = "//wfs:FeatureType[wfs:Name='meridian:places']";
      assert.deepEqual(xpath(res.body, `${places}/wfs:Title`), ['Places']);
      assert.deepEqual(xpath(res.body, `${places}/wfs:DefaultCRS`), ['urn:ogc:def:crs:EPSG::4326']);
      assert.ok(xpath(res.body, `${places}/wfs:OtherCRS`).includes('urn:ogc:def:crs:EPSG::3857'));
      assert.deepEqual(xpath(res.body, `${places}/ows:Keywords/ows:Keyword`), ['towns', 'test']);
      assert.ok(xpath(res.body, `${places}/wfs:OutputFormats/wfs:Format`).includes('application/json'));
      const [lower] = xpath(res.body, `${places}/ows:WGS84BoundingBox/ows:LowerCorner`);
      assert.deepEqual(lower!.split(' ').map(Number), [6.1432, 46.2044]);
      assert.deepEqual(xpath(res.body, "//wfs:FeatureType[wfs:Name='meridian:regions']/wfs:DefaultCRS"), ['urn:ogc:def:crs:EPSG::2056']);
    });

    it('states the constraints it meets: basic, transactional, locking, paging with its CountDefault; no joins', async () => {
      const res = await get(h.url, { service: 'WFS', request: 'GetCapabilities' });
      const constraint = (name: string) => xpath(res.body, `/wfs:WFS_Capabilities/ows:OperationsMetadata/ows:Constraint[@name='${name}']/ows:DefaultValue`)[0];
      assert.equal(constraint('ImplementsBasicWFS'), 'TRUE');
      assert.equal(constraint('ImplementsTransactionalWFS'), 'TRUE');
      assert.equal(constraint('ImplementsResultPaging'), 'TRUE');
      assert.equal(constraint('ImplementsLockingWFS'), 'TRUE');
      assert.equal(constraint('ImplementsStandardJoins'), 'FALSE');
      assert.equal(constraint('CountDefault'), '10000');
      const operations = xpath(res.body, '//ows:Operation/@name');
      for (const op of ['GetCapabilities', 'DescribeFeatureType', 'GetFeature', 'GetPropertyValue', 'ListStoredQueries', 'DescribeStoredQueries', 'Transaction', 'LockFeature', 'GetFeatureWithLock']) assert.ok(operations.includes(op), op);
      assert.deepEqual(xpath(res.body, "//fes:Conformance/fes:Constraint[@name='ImplementsSorting']/ows:DefaultValue"), ['TRUE']);
      assert.deepEqual(xpath(res.body, "//fes:Conformance/fes:Constraint[@name='ImplementsVersionNav']/ows:DefaultValue"), ['FALSE']);
      assert.ok(xpath(res.body, '//fes:SpatialOperator/@name').includes('DWithin'));
    });

    it('shows a private collection to its owner only', async () => {
      const names = async (headers: Record<string, string>) => xpath((await get(h.url, { service: 'WFS', request: 'GetCapabilities' }, headers)).body, '//wfs:FeatureType/wfs:Name');
      assert.ok(!(await names({})).includes('meridian:secret'));
      const alice = await (await import('./support.js')).addUser(h, 'alice');
      const bob = await (await import('./support.js')).addUser(h, 'bob');
      const { basicAuth } = await import('./support.js');
      assert.ok((await names(basicAuth(alice))).includes('meridian:secret'));
      assert.ok(!(await names(basicAuth(bob))).includes('meridian:secret'));
      void admin;
    });

    it('answers 1.1.0 when asked, valid against wfs/1.1.0/wfs.xsd, with OWS 1.0 and Filter 1.1', async () => {
      const res = await get(h.url, { service: 'WFS', request: 'GetCapabilities', acceptversions: '1.1.0' });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.wfs11), []);
      assert.deepEqual(xpath(res.body, '//wfs11:FeatureType/wfs11:Name').sort(), ['meridian:places', 'meridian:regions']);
      assert.deepEqual(xpath(res.body, "//wfs11:FeatureType[wfs11:Name='meridian:places']/wfs11:DefaultSRS"), ['urn:ogc:def:crs:EPSG::4326']);
      assert.ok(xpath(res.body, '//ogc:SpatialOperator/@name').includes('BBOX'));
      // VERSION=1.1.0 (as GDAL and OWSLib send it) picks 1.1.0 too.
      const v = await get(h.url, { service: 'WFS', request: 'GetCapabilities', version: '1.1.0' });
      assert.deepEqual(xpath(v.body, '/wfs11:WFS_Capabilities/@version'), ['1.1.0']);
    });

    it('takes an XML GetCapabilities with AcceptVersions and Sections', async () => {
      const res = await post(
        h.url,
        `<GetCapabilities xmlns="http://www.opengis.net/wfs/2.0" xmlns:ows="http://www.opengis.net/ows/1.1" service="WFS"><ows:AcceptVersions><ows:Version>2.0.0</ows:Version></ows:AcceptVersions><ows:Sections><ows:Section>FeatureTypeList</ows:Section></ows:Sections></GetCapabilities>`,
      );
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.wfs20), []);
      assert.equal(xpath(res.body, '//ows:ServiceIdentification').length, 0);
      assert.equal(xpath(res.body, '//wfs:FeatureType').length, 2);
    });

    it('refuses versions it does not speak with VersionNegotiationFailed, and unknown sections', async () => {
      const res = await get(h.url, { service: 'WFS', request: 'GetCapabilities', acceptversions: '3.0.0,1.0.0' });
      assert.equal(res.status, 400);
      assert.deepEqual(validateXml(res.body, SCHEMAS.ows11Exception), []);
      assert.equal(exception(res.body).code, 'VersionNegotiationFailed');
      const sections = await get(h.url, { service: 'WFS', request: 'GetCapabilities', sections: 'Nope' });
      assert.deepEqual([exception(sections.body).code, exception(sections.body).locator], ['InvalidParameterValue', 'Sections']);
    });
  });
}
