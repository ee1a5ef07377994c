/** ListStoredQueries, DescribeStoredQueries, GetFeatureById and config-defined stored queries; GetPropertyValue. */
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { createFilled, exception, get, PLACES, placeInputs, post, SCHEMAS, startWfs, validateGeoJson, validateWithApplicationSchema, xpath, type WfsHarness } from './support.js';

const BY_NAME = 'urn:meridian:query:PlacesByName';
const MIN_POPULATION = 'urn:meridian:query:PlacesAbove';

for (const kind of testDatabaseKinds()) {
  describe(`wfs stored queries and GetPropertyValue (${kind.name})`, function () {
    this.timeout(60_000);
    let h: WfsHarness;
    let ids: string[];
    before(async () => {
      h = await startWfs(kind, {
        wfs: {
          storedQueries: [
            {
              id: BY_NAME,
              title: 'Places by name',
              typeNames: ['places'],
              parameters: [{ name: 'name', type: 'xs:string', title: 'Name of the place' }],
              filter: '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>$${name}</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>',
            },
            {
              id: MIN_POPULATION,
              typeNames: ['places'],
              parameters: [{ name: 'min', type: 'xs:integer' }],
              filter: '<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsGreaterThan><fes:ValueReference>population</fes:ValueReference><fes:Literal>$${min}</fes:Literal></fes:PropertyIsGreaterThan></fes:Filter>',
            },
          ],
        },
      });
      const inserted = await createFilled(h.features, PLACES, placeInputs());
      ids = inserted;
    });
    after(async () => h?.close());

    const wfs = (params: Record<string, string>) => get(h.url, { service: 'WFS', version: '2.0.0', ...params });

    it('lists GetFeatureById and the configured queries, and describes them; both valid', async () => {
      const list = await wfs({ request: 'ListStoredQueries' });
      assert.equal(list.status, 200, list.body);
      assert.deepEqual(validateXml(list.body, SCHEMAS.wfs20), []);
      assert.deepEqual(xpath(list.body, '//wfs:StoredQuery/@id'), ['urn:ogc:def:query:OGC-WFS::GetFeatureById', BY_NAME, MIN_POPULATION]);
      assert.deepEqual(xpath(list.body, `//wfs:StoredQuery[@id='${BY_NAME}']/wfs:ReturnFeatureType`), ['meridian:places']);
      const described = await wfs({ request: 'DescribeStoredQueries', storedquery_id: BY_NAME });
      assert.deepEqual(validateXml(described.body, SCHEMAS.wfs20), []);
      assert.deepEqual(xpath(described.body, '//wfs:Parameter/@name'), ['name']);
      assert.deepEqual(xpath(described.body, '//wfs:Parameter/@type'), ['xs:string']);
      const all = await post(h.url, '<wfs:DescribeStoredQueries xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0"/>');
      assert.equal(xpath(all.body, '//wfs:StoredQueryDescription').length, 3);
      const unknown = await wfs({ request: 'DescribeStoredQueries', storedquery_id: 'urn:nope' });
      assert.deepEqual([exception(unknown.body).code, exception(unknown.body).locator], ['InvalidParameterValue', 'STOREDQUERY_ID']);
    });

    it('GetFeatureById answers with the bare feature, valid against the application schema; NotFound (404) otherwise', async () => {
      const all = await wfs({ request: 'GetFeature', typenames: 'meridian:places' });
      const gmlIds = xpath(all.body, '//meridian:places/@gml:id');
      assert.equal(gmlIds.length, ids.length);
      const res = await wfs({ request: 'GetFeature', storedquery_id: 'urn:ogc:def:query:OGC-WFS::GetFeatureById', id: gmlIds[1]! });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(xpath(res.body, '/meridian:places/meridian:name'), ['Zurich']);
      const schema = (await wfs({ request: 'DescribeFeatureType' })).body;
      assert.deepEqual(validateWithApplicationSchema(res.body, schema, '2.0.0'), []);
      const json = await wfs({ request: 'GetFeature', storedquery_id: 'urn:ogc:def:query:OGC-WFS::GetFeatureById', id: gmlIds[0]!, outputformat: 'application/json' });
      const feature = JSON.parse(json.body) as { id: string; properties: { name: string } };
      assert.deepEqual(validateGeoJson(feature, 'Feature'), []);
      assert.deepEqual([feature.id, feature.properties.name], [gmlIds[0], 'Bern']);
      const missing = await wfs({ request: 'GetFeature', storedquery_id: 'urn:ogc:def:query:OGC-WFS::GetFeatureById', id: 'places.999999' });
      assert.equal(missing.status, 404);
      assert.deepEqual([exception(missing.body).code, exception(missing.body).locator], ['NotFound', 'ID']);
      const noId = await wfs({ request: 'GetFeature', storedquery_id: 'urn:ogc:def:query:OGC-WFS::GetFeatureById' });
      assert.deepEqual([exception(noId.body).code, exception(noId.body).locator], ['MissingParameterValue', 'ID']);
    });

    it('runs configured stored queries with their parameters, by KVP and XML; values are escaped', async () => {
      const byName = await wfs({ request: 'GetFeature', storedquery_id: BY_NAME, NAME: 'Basel' });
      assert.equal(byName.status, 200, byName.body);
      assert.deepEqual(xpath(byName.body, '//meridian:name'), ['Basel']);
      const xml = await post(
        h.url,
        `<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" service="WFS" version="2.0.0"><wfs:StoredQuery id="${MIN_POPULATION}"><wfs:Parameter name="min">200000</wfs:Parameter></wfs:StoredQuery></wfs:GetFeature>`,
      );
      assert.deepEqual(xpath(xml.body, '//meridian:name').sort(), ['Geneva', 'Zurich']);
      const injected = await wfs({ request: 'GetFeature', storedquery_id: BY_NAME, name: 'x</fes:Literal></fes:PropertyIsEqualTo><fes:Or>' });
      assert.equal(injected.status, 200, injected.body);
      assert.deepEqual(xpath(injected.body, '/wfs:FeatureCollection/@numberMatched'), ['0']);
      const missing = await wfs({ request: 'GetFeature', storedquery_id: BY_NAME });
      assert.deepEqual([exception(missing.body).code, exception(missing.body).locator], ['MissingParameterValue', 'name']);
    });

    it('GetPropertyValue returns one value per feature, paged, valid against wfs.xsd', async () => {
      const res = await wfs({ request: 'GetPropertyValue', typenames: 'meridian:places', valuereference: 'meridian:name', sortby: 'name', count: '4' });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.wfs20), []);
      assert.deepEqual(xpath(res.body, '//wfs:member/meridian:name'), ['Basel', 'Bern', 'Geneva', 'Lausanne']);
      assert.deepEqual(xpath(res.body, '/wfs:ValueCollection/@numberMatched'), ['6']);
      const next = xpath(res.body, '/wfs:ValueCollection/@next')[0]!;
      const page2 = await fetch(next).then((r) => r.text());
      assert.deepEqual(xpath(page2, '//wfs:member/meridian:name'), ['Sion', 'Zurich']);
      const geometry = await wfs({ request: 'GetPropertyValue', typenames: 'meridian:places', valuereference: 'geometry', count: '1', srsname: 'EPSG:4326' });
      assert.deepEqual(xpath(geometry.body, '//wfs:member/meridian:geometry/gml:Point/gml:pos'), ['7.4474 46.948']);
      const bad = await wfs({ request: 'GetPropertyValue', typenames: 'meridian:places', valuereference: 'colour' });
      assert.deepEqual([exception(bad.body).code, exception(bad.body).locator], ['InvalidParameterValue', 'valueReference']);
      const xml = await post(
        h.url,
        `<wfs:GetPropertyValue xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" service="WFS" version="2.0.0" valueReference="population"><wfs:Query typeNames="meridian:places"><fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>Sion</fes:Literal></fes:PropertyIsEqualTo></fes:Filter></wfs:Query></wfs:GetPropertyValue>`,
      );
      assert.deepEqual(xpath(xml.body, '//wfs:member/meridian:population'), ['34000']);
    });
  });
}
