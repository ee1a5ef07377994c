/** DescribeFeatureType: a GML application schema generated from the collection definitions, a valid XSD that validates the features GetFeature writes. */
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { createFilled, exception, get, PLACES, placeInputs, post, REGIONS, regionInputs, SCHEMAS, startWfs, xpath, type WfsHarness } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`wfs DescribeFeatureType (${kind.name})`, function () {
    this.timeout(60_000);
    let h: WfsHarness;
    before(async () => {
      h = await startWfs(kind);
      await createFilled(h.features, PLACES, placeInputs());
      await createFilled(h.features, REGIONS, regionInputs());
    });
    after(async () => h?.close());

    it('writes one element per type extending gml:AbstractFeatureType, properties typed, the geometry by its declared type', async () => {
      const res = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'DescribeFeatureType', typenames: 'meridian:places' });
      assert.equal(res.status, 200, res.body);
      assert.match(res.contentType, /gml\+xml; version=3\.2/);
      assert.deepEqual(validateXml(res.body, SCHEMAS.xmlSchema), []);
      assert.deepEqual(xpath(res.body, '/xsd:schema/@targetNamespace'), ['urn:meridian:features']);
      assert.deepEqual(xpath(res.body, "/xsd:schema/xsd:element[@name='places']/@substitutionGroup"), ['gml:AbstractFeature']);
      const type = (name: string) => xpath(res.body, `//xsd:complexType[@name='placesType']//xsd:element[@name='${name}']/@type`)[0];
      assert.equal(type('name'), 'xsd:string');
      assert.equal(type('population'), 'xsd:long');
      assert.equal(type('area'), 'xsd:double');
      assert.equal(type('capital'), 'xsd:boolean');
      assert.equal(type('founded'), 'xsd:date');
      assert.equal(type('surveyed'), 'xsd:dateTime');
      assert.equal(type('geometry'), 'gml:PointPropertyType');
    });

    it('describes every readable type without TYPENAMES; GML 3.1.1 in 1.1.0', async () => {
      const all = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'DescribeFeatureType' });
      assert.deepEqual(xpath(all.body, '/xsd:schema/xsd:element/@name').sort(), ['places', 'regions']);
      assert.deepEqual(xpath(all.body, "//xsd:complexType[@name='regionsType']//xsd:element[@name='geometry']/@type"), ['gml:SurfacePropertyType']);
      const v11 = await get(h.url, { service: 'WFS', version: '1.1.0', request: 'DescribeFeatureType', typename: 'meridian:regions' });
      assert.equal(v11.status, 200, v11.body);
      assert.deepEqual(xpath(v11.body, "/xsd:schema/xsd:element[@name='regions']/@substitutionGroup"), ['gml:_Feature']);
      assert.deepEqual(xpath(v11.body, "//xsd:element[@name='geometry']/@type"), ['gml:PolygonPropertyType']);
      assert.deepEqual(xpath(v11.body, '/xsd:schema/xsd:import/@schemaLocation'), ['http://schemas.opengis.net/gml/3.1.1/base/gml.xsd']);
    });

    it('takes the XML binding', async () => {
      const res = await post(h.url, `<wfs:DescribeFeatureType xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:m="urn:meridian:features" service="WFS" version="2.0.0"><wfs:TypeName>m:regions</wfs:TypeName></wfs:DescribeFeatureType>`);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(xpath(res.body, '/xsd:schema/xsd:element/@name'), ['regions']);
    });

    it('refuses an unknown type with InvalidParameterValue on typeNames', async () => {
      const res = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'DescribeFeatureType', typenames: 'meridian:nope' });
      assert.equal(res.status, 400);
      assert.deepEqual(validateXml(res.body, SCHEMAS.ows11Exception), []);
      assert.deepEqual([exception(res.body).code, exception(res.body).locator], ['InvalidParameterValue', 'typeNames']);
      const other = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'DescribeFeatureType', typenames: 'x:places', namespaces: 'xmlns(x,http://example.org/other)' });
      assert.equal(exception(other.body).code, 'InvalidParameterValue');
    });
  });
}
