/** Transaction in 2.0 and 1.1.0: Insert, Update, Replace, Delete with their counts and ids; all or nothing; writes need a permit. */
import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { addUser, admin, basicAuth, createFilled, exception, get, PLACES, placeInputs, post, SCHEMAS, startWfs, user, xpath, type Credentials, type WfsHarness } from './support.js';

const HEAD20 = 'xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:m="urn:meridian:features" service="WFS" version="2.0.0"';
const HEAD11 = 'xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml" xmlns:m="urn:meridian:features" service="WFS" version="1.1.0"';

const place = (name: string, population: number, lat: number, lon: number) =>
  `<m:places gml:id="new"><m:name>${name}</m:name><m:population>${population}</m:population><m:capital>false</m:capital><m:geometry><gml:Point gml:id="p" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>${lat} ${lon}</gml:pos></gml:Point></m:geometry></m:places>`;

const byName = (name: string) => `<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>m:name</fes:ValueReference><fes:Literal>${name}</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>`;

for (const kind of testDatabaseKinds()) {
  describe(`wfs Transaction (${kind.name})`, function () {
    this.timeout(60_000);
    let h: WfsHarness;
    let root: Credentials;
    let alice: Credentials;
    let bob: Credentials;
    before(async () => {
      h = await startWfs(kind);
      await createFilled(h.features, PLACES, placeInputs());
      await createFilled(h.features, { ...PLACES, id: 'alices', owner: 'alice' }, placeInputs().slice(0, 2), user('alice'));
      await createFilled(h.features, { ...PLACES, id: 'hidden', owner: 'alice', visibility: 'private' }, placeInputs().slice(0, 1), user('alice'));
      root = await addUser(h, 'root', ['admin']);
      alice = await addUser(h, 'alice');
      bob = await addUser(h, 'bob');
    });
    after(async () => h?.close());

    const names = async (type = 'places') => xpath((await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: `meridian:${type}`, sortby: 'name' })).body, `//meridian:${type}/meridian:name`);
    const transact = (xml: string, who: Credentials | null = root) => post(h.url, xml, who ? basicAuth(who) : {});

    it('inserts, updates, replaces and deletes in one Transaction, reporting counts and the new ids', async () => {
      const res = await transact(
        `<wfs:Transaction ${HEAD20}>` +
          `<wfs:Insert handle="towns">${place('Lugano', 63000, 46.0037, 8.9511)}${place('Chur', 37000, 46.8499, 9.5329)}</wfs:Insert>` +
          `<wfs:Update typeName="m:places"><wfs:Property><wfs:ValueReference>m:population</wfs:ValueReference><wfs:Value>135000</wfs:Value></wfs:Property>` +
          `<wfs:Property><wfs:ValueReference>geometry</wfs:ValueReference><wfs:Value><gml:Point gml:id="u" srsName="EPSG:4326"><gml:pos>7.45 46.95</gml:pos></gml:Point></wfs:Value></wfs:Property>${byName('Bern')}</wfs:Update>` +
          `<wfs:Replace>${place('Sitten', 35000, 46.2331, 7.3606)}${byName('Sion')}</wfs:Replace>` +
          `<wfs:Delete typeName="m:places">${byName('Basel')}</wfs:Delete>` +
          `</wfs:Transaction>`,
      );
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.wfs20), []);
      const total = (n: string) => xpath(res.body, `//wfs:TransactionSummary/wfs:${n}`)[0];
      assert.deepEqual([total('totalInserted'), total('totalUpdated'), total('totalReplaced'), total('totalDeleted')], ['2', '1', '1', '1']);
      const inserted = xpath(res.body, '//wfs:InsertResults/wfs:Feature/fes:ResourceId/@rid');
      assert.equal(inserted.length, 2);
      assert.deepEqual(xpath(res.body, '//wfs:InsertResults/wfs:Feature/@handle'), ['towns', 'towns']);
      // A request in the 2.0 namespace: the plain 2.0 response, no 1.1 FeatureIds beside the ResourceIds.
      assert.deepEqual(xpath(res.body, '//ogc:FeatureId'), []);
      assert.equal(xpath(res.body, '//wfs:ReplaceResults/wfs:Feature/fes:ResourceId/@rid').length, 1);
      assert.deepEqual(await names(), ['Bern', 'Chur', 'Geneva', 'Lausanne', 'Lugano', 'Sitten', 'Zurich']);
      const lugano = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', resourceid: inserted[0]!, srsname: 'EPSG:4326' });
      assert.deepEqual(xpath(lugano.body, '//meridian:name'), ['Lugano']);
      assert.deepEqual(xpath(lugano.body, '//gml:pos'), ['8.9511 46.0037']);
      const bern = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:places', filter: `<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0">${byName('Bern').slice(12, -13).replace(/m:name/, 'name')}</fes:Filter>`, srsname: 'EPSG:4326' });
      assert.deepEqual(xpath(bern.body, '//meridian:population'), ['135000']);
      assert.deepEqual(xpath(bern.body, '//gml:pos'), ['7.45 46.95']);
      // Replace writes the whole feature: what the new one lacks is gone.
      const sitten = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:places', filter: '<fes:Filter><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>Sitten</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>' });
      assert.deepEqual(xpath(sitten.body, '//meridian:area'), []);
    });

    it('writes nothing when any action fails, and says which value was wrong', async () => {
      const before = await names();
      const res = await transact(
        `<wfs:Transaction ${HEAD20}><wfs:Insert>${place('Thun', 43000, 46.75, 7.62)}</wfs:Insert>` +
          `<wfs:Delete typeName="m:places">${byName('Zurich')}</wfs:Delete>` +
          `<wfs:Insert><m:places gml:id="x"><m:name>Bad</m:name><m:population>many</m:population></m:places></wfs:Insert></wfs:Transaction>`,
      );
      assert.equal(res.status, 400, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.ows11Exception), []);
      assert.deepEqual([exception(res.body).code, exception(res.body).locator], ['InvalidValue', 'population']);
      assert.deepEqual(await names(), before);
      // A failure inside the engine (a polygon where points are declared) also leaves everything as it was.
      const engine = await transact(
        `<wfs:Transaction ${HEAD20}><wfs:Delete typeName="m:places">${byName('Zurich')}</wfs:Delete><wfs:Insert><m:places gml:id="y"><m:name>Square</m:name><m:geometry><gml:Polygon gml:id="g"><gml:exterior><gml:LinearRing><gml:posList>0 0 0 1 1 1 0 0</gml:posList></gml:LinearRing></gml:exterior></gml:Polygon></m:geometry></m:places></wfs:Insert></wfs:Transaction>`,
      );
      assert.equal(engine.status, 400, engine.body);
      assert.equal(exception(engine.body).code, 'InvalidValue');
      assert.deepEqual(await names(), before);
      const unknown = await transact(`<wfs:Transaction ${HEAD20}><wfs:Update typeName="m:places"><wfs:Property><wfs:ValueReference>colour</wfs:ValueReference><wfs:Value>red</wfs:Value></wfs:Property></wfs:Update></wfs:Transaction>`);
      assert.deepEqual([exception(unknown.body).code, exception(unknown.body).locator], ['InvalidParameterValue', 'colour']);
    });

    it('needs a permit: anonymous 401 with a challenge, another user 403, the owner may; a private collection stays invisible', async () => {
      const insert = (type: string) => `<wfs:Transaction ${HEAD20}><wfs:Insert>${place('Aarau', 21000, 47.39, 8.04).replace(/m:places/g, `m:${type}`)}</wfs:Insert></wfs:Transaction>`;
      const anonymous = await transact(insert('places'), null);
      assert.equal(anonymous.status, 401);
      assert.ok(anonymous.headers.get('www-authenticate'));
      assert.deepEqual(validateXml(anonymous.body, SCHEMAS.ows11Exception), []);
      assert.equal(exception(anonymous.body).code, 'NoApplicableCode');
      const other = await transact(insert('alices'), bob);
      assert.equal(other.status, 403, other.body);
      assert.deepEqual(validateXml(other.body, SCHEMAS.ows11Exception), []);
      const owner = await transact(insert('alices'), alice);
      assert.equal(owner.status, 200, owner.body);
      assert.deepEqual(xpath(owner.body, '//wfs:totalInserted'), ['1']);
      const hidden = await transact(insert('hidden'), bob);
      assert.equal(hidden.status, 400);
      assert.equal(exception(hidden.body).code, 'InvalidParameterValue');
      const read = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:hidden' }, basicAuth(bob));
      assert.deepEqual([exception(read.body).code, exception(read.body).locator], ['InvalidParameterValue', 'typeNames']);
      const own = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', typenames: 'meridian:hidden' }, basicAuth(alice));
      assert.deepEqual(xpath(own.body, '/wfs:FeatureCollection/@numberMatched'), ['1']);
      void admin;
    });

    it("answers GDAL's form (version 2.0.0 in the 1.1.0 namespace, several features in one Insert) with each id as ResourceId and FeatureId", async () => {
      const gml11 = (name: string, lat: number, lon: number) =>
        `<m:places><m:name>${name}</m:name><m:geometry><gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>${lat} ${lon}</gml:pos></gml:Point></m:geometry></m:places>`;
      const res = await transact(`<wfs:Transaction ${HEAD11.replace('version="1.1.0"', 'version="2.0.0"')}><wfs:Insert>${gml11('Aarau', 47.39, 8.04)}${gml11('Zug', 47.17, 8.52)}</wfs:Insert></wfs:Transaction>`);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(xpath(res.body, '/wfs:TransactionResponse/@version'), ['2.0.0']);
      assert.deepEqual(xpath(res.body, '//wfs:TransactionSummary/wfs:totalInserted'), ['2']);
      const rids = xpath(res.body, '//wfs:InsertResults/wfs:Feature/fes:ResourceId/@rid');
      assert.equal(rids.length, 2);
      // What GDAL's batched commit reads: FeatureId/@fid in each wfs:Feature, the same ids.
      assert.deepEqual(xpath(res.body, '//wfs:InsertResults/wfs:Feature/ogc:FeatureId/@fid'), rids);
      const read = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'GetFeature', resourceid: rids.join(',') });
      assert.deepEqual(xpath(read.body, '//meridian:name').sort(), ['Aarau', 'Zug']);
      await transact(`<wfs:Transaction ${HEAD20}><wfs:Delete typeName="m:places"><fes:Filter>${rids.map((rid) => `<fes:ResourceId rid="${rid}"/>`).join('')}</fes:Filter></wfs:Delete></wfs:Transaction>`);
    });

    it('answers a 1.1.0 Transaction with TransactionSummary and InsertResults, valid against wfs/1.1.0', async () => {
      const res = await transact(
        `<wfs:Transaction ${HEAD11}><wfs:Insert idgen="UseExisting"><m:places gml:id="places.custom-1"><m:name>Olten</m:name><m:geometry><gml:Point srsName="EPSG:4326"><gml:pos>7.9 47.35</gml:pos></gml:Point></m:geometry></m:places></wfs:Insert>` +
          `<wfs:Update typeName="m:places"><wfs:Property><wfs:Name>population</wfs:Name><wfs:Value>18000</wfs:Value></wfs:Property><ogc:Filter><ogc:GmlObjectId gml:id="places.custom-1"/></ogc:Filter></wfs:Update>` +
          `<wfs:Delete typeName="m:places"><ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>name</ogc:PropertyName><ogc:Literal>Chur</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter></wfs:Delete></wfs:Transaction>`,
      );
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.wfs11), []);
      assert.deepEqual(xpath(res.body, '//wfs11:TransactionSummary/*').map(Number), [1, 1, 1]);
      assert.deepEqual(xpath(res.body, '//wfs11:InsertResults/wfs11:Feature/ogc:FeatureId/@fid'), ['places.custom-1']);
      const olten = await get(h.url, { service: 'WFS', version: '1.1.0', request: 'GetFeature', featureid: 'places.custom-1' });
      assert.deepEqual(xpath(olten.body, '//meridian:population'), ['18000']);
      const kvp = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'Transaction' });
      assert.equal(exception(kvp.body).code, 'InvalidParameterValue');
    });
  });
}
