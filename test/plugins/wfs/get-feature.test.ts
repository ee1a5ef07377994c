/**
 * GetFeature, KVP and XML, 2.0.0 and 1.1.0: GML validated against the official WFS/GML schemas and
 * the service's own application schema, GeoJSON against the GeoJSON schema, axis order per CRS
 * spelling, BBOX, FES filters, resource ids, sorting, projection, paging links, hits, errors.
 */
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { createFilled, exception, get, getUrl, PLACE_ROWS, PLACES, placeInputs, post, REGIONS, regionInputs, SCHEMAS, startWfs, validateGeoJson, validateWithApplicationSchema, xpath, type WfsHarness } from './support.js';

const FES = 'http://www.opengis.net/fes/2.0';
const GML = 'http://www.opengis.net/gml/3.2';

const names = (xml: string) => xpath(xml, '//meridian:places/meridian:name');

for (const kind of testDatabaseKinds()) {
  describe(`wfs GetFeature (${kind.name})`, function () {
    this.timeout(60_000);
    let h: WfsHarness;
    let schema20: string;
    let schema11: string;
    before(async () => {
      // A small engine page, so responses span several engine pages as large ones do.
      h = await startWfs(kind, { features: { maxLimit: 4 } });
      await createFilled(h.features, PLACES, placeInputs());
      await createFilled(h.features, REGIONS, regionInputs());
      schema20 = (await get(h.url, { service: 'WFS', version: '2.0.0', request: 'DescribeFeatureType' })).body;
      schema11 = (await get(h.url, { service: 'WFS', version: '1.1.0', request: 'DescribeFeatureType' })).body;
    });
    after(async () => h?.close());

    const getFeature = (params: Record<string, string>) => get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', ...params });

    it('writes GML 3.2 that validates against wfs.xsd and the application schema, every feature across engine pages', async () => {
      const res = await getFeature({ typenames: 'meridian:places' });
      assert.equal(res.status, 200, res.body);
      assert.match(res.contentType, /application\/gml\+xml; version=3\.2/);
      assert.deepEqual(validateWithApplicationSchema(res.body, schema20, '2.0.0'), []);
      assert.deepEqual(xpath(res.body, '/wfs:FeatureCollection/@numberMatched'), ['6']);
      assert.deepEqual(xpath(res.body, '/wfs:FeatureCollection/@numberReturned'), ['6']);
      assert.deepEqual(names(res.body), PLACE_ROWS.map((r) => r.name));
      const bern = "//meridian:places[meridian:name='Bern']";
      assert.deepEqual(xpath(res.body, `${bern}/meridian:population`), ['134000']);
      assert.deepEqual(xpath(res.body, `${bern}/meridian:capital`), ['true']);
      assert.deepEqual(xpath(res.body, `${bern}/meridian:founded`), ['1191-01-01']);
      assert.deepEqual(xpath(res.body, `${bern}/meridian:surveyed`), ['2020-05-17T10:30:00.000Z']);
      assert.match(xpath(res.body, `${bern}/@gml:id`)[0]!, /^places\./);
      // The DefaultCRS is the EPSG:4326 URN: latitude first.
      assert.deepEqual(xpath(res.body, `${bern}/meridian:geometry/gml:Point/@srsName`), ['urn:ogc:def:crs:EPSG::4326']);
      assert.deepEqual(xpath(res.body, `${bern}/meridian:geometry/gml:Point/gml:pos`), ['46.948 7.4474']);
    });

    it('writes coordinates in the order of the SRSNAME spelling, and reprojects', async () => {
      const pos = async (srsname: string) => xpath((await getFeature({ typenames: 'meridian:places', srsname, count: '1' })).body, '//gml:pos')[0]!.split(' ').map(Number);
      assert.deepEqual(await pos('EPSG:4326'), [7.4474, 46.948]);
      assert.deepEqual(await pos('http://www.opengis.net/def/crs/EPSG/0/4326'), [46.948, 7.4474]);
      assert.deepEqual(await pos('urn:ogc:def:crs:OGC:1.3:CRS84'), [7.4474, 46.948]);
      const [x, y] = await pos('urn:ogc:def:crs:EPSG::3857');
      assert.ok(Math.abs(x! - 829040.78) < 0.1 && Math.abs(y! - 5933590.48) < 0.1, `${x} ${y}`);
      // A projected storage CRS is written as stored.
      const regions = await getFeature({ typenames: 'meridian:regions' });
      assert.deepEqual(validateWithApplicationSchema(regions.body, schema20, '2.0.0'), []);
      assert.equal(xpath(regions.body, "//meridian:regions[meridian:label='west']//gml:posList")[0], '2500000 1110000 2600000 1110000 2600000 1200000 2500000 1200000 2500000 1110000');
    });

    it('takes BBOX in the axis order its CRS names, and in another CRS', async () => {
      const bbox = async (value: string) => names((await getFeature({ typenames: 'meridian:places', bbox: value })).body).sort();
      const west = ['Geneva', 'Lausanne', 'Sion'];
      assert.deepEqual(await bbox('46,6,46.6,7.4,urn:ogc:def:crs:EPSG::4326'), west);
      assert.deepEqual(await bbox('6,46,7.4,46.6,EPSG:4326'), west);
      // Without a CRS, the DefaultCRS (EPSG:4326 URN, latitude first).
      assert.deepEqual(await bbox('46,6,46.6,7.4'), west);
      assert.deepEqual(await bbox('2480000,1100000,2520000,1130000,urn:ogc:def:crs:EPSG::2056'), ['Geneva']);
    });

    it('filters with FES 2.0: comparisons, logic, spatial and temporal operators', async () => {
      const filter = async (xml: string) => {
        const res = await getFeature({ typenames: 'meridian:places', filter: xml });
        assert.equal(res.status, 200, res.body);
        return names(res.body).sort();
      };
      assert.deepEqual(await filter(`<fes:Filter xmlns:fes="${FES}"><fes:PropertyIsGreaterThan><fes:ValueReference>population</fes:ValueReference><fes:Literal>150000</fes:Literal></fes:PropertyIsGreaterThan></fes:Filter>`), ['Basel', 'Geneva', 'Zurich']);
      assert.deepEqual(
        await filter(`<fes:Filter xmlns:fes="${FES}" xmlns:m="urn:meridian:features"><fes:And><fes:PropertyIsEqualTo><fes:ValueReference>m:capital</fes:ValueReference><fes:Literal>false</fes:Literal></fes:PropertyIsEqualTo><fes:PropertyIsLike wildCard="*" singleChar="?" escapeChar="\\"><fes:ValueReference>m:name</fes:ValueReference><fes:Literal>*s*</fes:Literal></fes:PropertyIsLike></fes:And></fes:Filter>`),
        ['Basel', 'Lausanne'],
      );
      assert.deepEqual(
        await filter(`<fes:Filter xmlns:fes="${FES}" xmlns:gml="${GML}"><fes:Intersects><fes:ValueReference>geometry</fes:ValueReference><gml:Polygon gml:id="p" srsName="urn:ogc:def:crs:EPSG::4326"><gml:exterior><gml:LinearRing><gml:posList>47 7 47 9 48 9 48 7 47 7</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></fes:Intersects></fes:Filter>`),
        ['Basel', 'Zurich'],
      );
      assert.deepEqual(
        await filter(`<fes:Filter xmlns:fes="${FES}" xmlns:gml="${GML}"><fes:After><fes:ValueReference>surveyed</fes:ValueReference><gml:TimeInstant gml:id="t"><gml:timePosition>2021-06-01T00:00:00Z</gml:timePosition></gml:TimeInstant></fes:After></fes:Filter>`),
        ['Basel', 'Sion'],
      );
      // KVP filters may leave the fes prefix undeclared.
      assert.deepEqual(await filter('<fes:Filter><fes:PropertyIsLessThan><fes:ValueReference>area</fes:ValueReference><fes:Literal>20</fes:Literal></fes:PropertyIsLessThan></fes:Filter>'), ['Geneva']);
    });

    it('finds features by RESOURCEID, with or without TYPENAMES', async () => {
      const all = await getFeature({ typenames: 'meridian:places' });
      const ids = xpath(all.body, '//meridian:places/@gml:id');
      const byId = await getFeature({ resourceid: `${ids[2]},${ids[0]}` });
      assert.equal(byId.status, 200, byId.body);
      assert.deepEqual(names(byId.body).sort(), ['Bern', 'Geneva']);
      const filtered = await getFeature({ typenames: 'meridian:places', filter: `<fes:Filter xmlns:fes="${FES}"><fes:ResourceId rid="${ids[1]}"/></fes:Filter>` });
      assert.deepEqual(names(filtered.body), ['Zurich']);
      const bad = await getFeature({ resourceid: 'nothing.1' });
      assert.deepEqual([exception(bad.body).code, exception(bad.body).locator], ['InvalidParameterValue', 'RESOURCEID']);
    });

    it('sorts, projects properties and counts hits', async () => {
      const sorted = await getFeature({ typenames: 'meridian:places', sortby: 'population DESC' });
      assert.deepEqual(names(sorted.body), ['Zurich', 'Geneva', 'Basel', 'Lausanne', 'Bern', 'Sion']);
      const projected = await getFeature({ typenames: 'meridian:places', propertyname: 'meridian:name', count: '2' });
      assert.deepEqual(validateWithApplicationSchema(projected.body, schema20, '2.0.0'), []);
      assert.equal(xpath(projected.body, '//meridian:population').length, 0);
      assert.equal(xpath(projected.body, '//meridian:geometry').length, 0);
      assert.equal(names(projected.body).length, 2);
      const hits = await getFeature({ typenames: 'meridian:places', resulttype: 'hits', filter: `<fes:Filter xmlns:fes="${FES}"><fes:PropertyIsEqualTo><fes:ValueReference>capital</fes:ValueReference><fes:Literal>false</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>` });
      assert.deepEqual(validateXml(hits.body, SCHEMAS.wfs20), []);
      assert.deepEqual(xpath(hits.body, '/wfs:FeatureCollection/@numberMatched'), ['5']);
      assert.deepEqual(xpath(hits.body, '/wfs:FeatureCollection/@numberReturned'), ['0']);
    });

    it('pages with COUNT and STARTINDEX: next links walk every feature once, previous goes back', async () => {
      const seen: string[] = [];
      let url: string | undefined = `${h.url}?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=meridian:places&SORTBY=name&COUNT=4`;
      const pages: string[] = [];
      while (url) {
        const res = await getUrl(url);
        assert.equal(res.status, 200, res.body);
        assert.deepEqual(validateWithApplicationSchema(res.body, schema20, '2.0.0'), []);
        pages.push(res.body);
        seen.push(...names(res.body));
        url = xpath(res.body, '/wfs:FeatureCollection/@next')[0];
      }
      assert.equal(pages.length, 2);
      assert.deepEqual(seen, PLACE_ROWS.map((r) => r.name).sort());
      assert.deepEqual(xpath(pages[1]!, '/wfs:FeatureCollection/@numberReturned'), ['2']);
      const previous = xpath(pages[1]!, '/wfs:FeatureCollection/@previous')[0]!;
      assert.deepEqual(names((await getUrl(previous)).body), seen.slice(0, 4));
      // Overlapping windows agree with the whole.
      for (const start of [1, 3, 5]) {
        const page = await getFeature({ typenames: 'meridian:places', sortby: 'name', startindex: String(start), count: '2' });
        assert.deepEqual(names(page.body), seen.slice(start, start + 2));
      }
      const beyond = await getFeature({ typenames: 'meridian:places', startindex: '10' });
      assert.deepEqual(xpath(beyond.body, '/wfs:FeatureCollection/@numberReturned'), ['0']);
    });

    it('pages an XML request through KVP next links carrying its filter', async () => {
      const res = await post(
        h.url,
        `<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="${FES}" xmlns:m="urn:meridian:features" service="WFS" version="2.0.0" count="2">` +
          `<wfs:Query typeNames="m:places"><fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>m:capital</fes:ValueReference><fes:Literal>false</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>` +
          `<fes:SortBy><fes:SortProperty><fes:ValueReference>m:population</fes:ValueReference><fes:SortOrder>DESC</fes:SortOrder></fes:SortProperty></fes:SortBy></wfs:Query></wfs:GetFeature>`,
      );
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(names(res.body), ['Zurich', 'Geneva']);
      const next = xpath(res.body, '/wfs:FeatureCollection/@next')[0]!;
      const page2 = await getUrl(next);
      assert.deepEqual(names(page2.body), ['Basel', 'Lausanne']);
      assert.deepEqual(xpath(page2.body, '/wfs:FeatureCollection/@numberMatched'), ['5']);
    });

    it('answers several queries in one response, paging across them', async () => {
      const res = await getFeature({ typenames: '(meridian:places)(meridian:regions)', startindex: '5', count: '2' });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateWithApplicationSchema(res.body, schema20, '2.0.0'), []);
      assert.deepEqual(xpath(res.body, '/wfs:FeatureCollection/@numberMatched'), ['8']);
      assert.deepEqual(names(res.body), ['Sion']);
      assert.deepEqual(xpath(res.body, '//meridian:regions/meridian:label'), ['west']);
    });

    it('writes GeoJSON that validates, with the same ids, counts and links', async () => {
      const res = await getFeature({ typenames: 'meridian:places', outputformat: 'application/json', count: '4' });
      assert.equal(res.status, 200, res.body);
      assert.match(res.contentType, /application\/json/);
      const doc = JSON.parse(res.body) as { numberMatched: number; numberReturned: number; links: Array<{ rel: string; href: string }>; features: Array<{ id: string; geometry: { coordinates: number[] }; properties: Record<string, unknown> }> };
      assert.deepEqual(validateGeoJson(doc), []);
      assert.equal(doc.numberMatched, 6);
      assert.equal(doc.numberReturned, 4);
      assert.deepEqual(doc.features[0]!.geometry.coordinates, [7.4474, 46.948]);
      assert.deepEqual(doc.features[0]!.properties, { name: 'Bern', population: 134000, area: 51.62, capital: true, founded: '1191-01-01', surveyed: '2020-05-17T10:30:00.000Z' });
      const next = doc.links.find((l) => l.rel === 'next')!;
      const page2 = JSON.parse((await getUrl(next.href)).body) as typeof doc;
      assert.deepEqual(validateGeoJson(page2), []);
      assert.deepEqual(page2.features.map((f) => f.properties.name), ['Lausanne', 'Sion']);
      const gml = await getFeature({ typenames: 'meridian:places', count: '1' });
      assert.equal(doc.features[0]!.id, xpath(gml.body, '//meridian:places/@gml:id')[0]);
    });

    it('answers WFS 1.1.0 with GML 3.1.1 valid against wfs/1.1.0 and the application schema', async () => {
      const res = await get(h.url, { service: 'WFS', version: '1.1.0', request: 'GetFeature', typename: 'meridian:places', maxfeatures: '3', srsname: 'EPSG:4326' });
      assert.equal(res.status, 200, res.body);
      assert.match(res.contentType, /subtype=gml\/3\.1\.1/);
      assert.deepEqual(validateWithApplicationSchema(res.body, schema11, '1.1.0'), []);
      assert.deepEqual(xpath(res.body, '/wfs11:FeatureCollection/@numberOfFeatures'), ['3']);
      assert.equal(xpath(res.body, '//gml311:featureMember').length, 3);
      assert.deepEqual(xpath(res.body, "//meridian:places[meridian:name='Bern']//gml311:pos"), ['7.4474 46.948']);
      const urn = await get(h.url, { service: 'WFS', version: '1.1.0', request: 'GetFeature', typename: 'meridian:places', maxfeatures: '1', srsname: 'urn:ogc:def:crs:EPSG::4326' });
      assert.deepEqual(xpath(urn.body, '//gml311:pos'), ['46.948 7.4474']);
      const xml = await post(
        h.url,
        `<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" service="WFS" version="1.1.0" resultType="hits"><wfs:Query typeName="meridian:places"><ogc:Filter><ogc:PropertyIsGreaterThanOrEqualTo><ogc:PropertyName>population</ogc:PropertyName><ogc:Literal>178000</ogc:Literal></ogc:PropertyIsGreaterThanOrEqualTo></ogc:Filter></wfs:Query></wfs:GetFeature>`,
      );
      assert.equal(xml.status, 200, xml.body);
      assert.deepEqual(validateXml(xml.body, SCHEMAS.wfs11), []);
      assert.deepEqual(xpath(xml.body, '/wfs11:FeatureCollection/@numberOfFeatures'), ['3']);
    });

    it('refuses a filter on an unknown property with InvalidParameterValue at FILTER, before reading anything', async () => {
      const res = await getFeature({ typenames: 'meridian:places', filter: `<fes:Filter xmlns:fes="${FES}"><fes:PropertyIsEqualTo><fes:ValueReference>colour</fes:ValueReference><fes:Literal>red</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>` });
      assert.equal(res.status, 400);
      assert.deepEqual(validateXml(res.body, SCHEMAS.ows11Exception), []);
      const e = exception(res.body);
      assert.deepEqual([e.code, e.locator, e.namespace, e.version], ['InvalidParameterValue', 'FILTER', 'http://www.opengis.net/ows/1.1', '2.0.0']);
      assert.match(e.text!, /colour/);
      const sort = await getFeature({ typenames: 'meridian:places', sortby: 'colour' });
      assert.deepEqual([exception(sort.body).code, exception(sort.body).locator], ['InvalidParameterValue', 'SORTBY']);
      const v11 = await get(h.url, { service: 'WFS', version: '1.1.0', request: 'GetFeature', typename: 'meridian:places', propertyname: 'colour' });
      assert.deepEqual(validateXml(v11.body, SCHEMAS.ows10Exception), []);
      assert.deepEqual([exception(v11.body).code, exception(v11.body).locator, exception(v11.body).version], ['InvalidParameterValue', 'PROPERTYNAME', '1.1.0']);
    });

    it('answers bad requests with the exception codes and locators of the standard', async () => {
      const cases: Array<[Record<string, string>, string, string | undefined, number]> = [
        [{ service: 'WFS', version: '2.0.0', request: 'GetFeature' }, 'MissingParameterValue', 'TYPENAMES', 400],
        [{ service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:nope' }, 'InvalidParameterValue', 'typeNames', 400],
        [{ service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:places', count: '-1' }, 'InvalidParameterValue', 'COUNT', 400],
        [{ service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:places', outputformat: 'image/png' }, 'InvalidParameterValue', 'outputFormat', 400],
        [{ service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:places', srsname: 'EPSG:99999999' }, 'InvalidParameterValue', 'srsName', 400],
        [{ service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:places', bbox: '1,2,3' }, 'InvalidParameterValue', 'BBOX', 400],
        [{ service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:places', filter: '<fes:Filter>', bbox: '1,2,3,4' }, 'InvalidParameterValue', 'BBOX', 400],
        [{ service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:places', filter: '<fes:Filter><fes:Nope/></fes:Filter>' }, 'InvalidParameterValue', 'FILTER', 400],
        [{ service: 'WFS', version: '3.0.0', request: 'GetFeature', typenames: 'meridian:places' }, 'InvalidParameterValue', 'version', 400],
        [{ service: 'WFS', request: 'GetFeature', typenames: 'meridian:places' }, 'MissingParameterValue', 'version', 400],
        [{ service: 'WMS', version: '2.0.0', request: 'GetFeature' }, 'InvalidParameterValue', 'service', 400],
        [{ service: 'WFS', version: '2.0.0', request: 'LockFeature' }, 'MissingParameterValue', 'TYPENAMES', 400],
        [{ service: 'WFS', version: '2.0.0', request: 'CreateStoredQuery' }, 'OperationNotSupported', 'CreateStoredQuery', 501],
        [{ service: 'WFS', version: '2.0.0', request: 'Frobnicate' }, 'OperationNotSupported', 'Frobnicate', 501],
      ];
      for (const [params, code, locator, status] of cases) {
        const res = await get(h.url, params);
        assert.equal(res.status, status, `${JSON.stringify(params)}: ${res.body}`);
        assert.deepEqual(validateXml(res.body, SCHEMAS.ows11Exception), [], JSON.stringify(params));
        assert.deepEqual([exception(res.body).code, exception(res.body).locator], [code, locator], JSON.stringify(params));
      }
      const notXml = await post(h.url, '<wfs:GetFeature xmlns:wfs="http://www.opengis.net/wfs/2.0"');
      assert.equal(notXml.status, 400);
      assert.equal(exception(notXml.body).code, 'OperationParsingFailed');
    });
  });
}
