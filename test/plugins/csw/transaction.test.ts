import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { addUser, basicAuth, exception, fixtureRecords, NS, post, SCHEMAS, startCsw, xpath, type Credentials, type CswHarness } from './support.js';

const transaction = (actions: string, version: '2.0.2' | '3.0.0' = '2.0.2') => {
  const ns = version === '2.0.2' ? NS.csw : NS.csw30;
  const fes = version === '2.0.2' ? NS.ogc : NS.fes;
  return `<csw:Transaction xmlns:csw="${ns}" xmlns:ogc="${fes}" xmlns:dc="${NS.dc}" xmlns:dct="${NS.dct}" xmlns:ows="${version === '2.0.2' ? NS.ows : NS.ows20}" service="CSW" version="${version}">${actions}</csw:Transaction>`;
};

const dcRecord = (id: string, title: string, extra = '') =>
  `<csw:Record xmlns:csw="${NS.csw}" xmlns:dc="${NS.dc}" xmlns:dct="${NS.dct}" xmlns:ows="${NS.ows}"><dc:identifier>${id}</dc:identifier><dc:title>${title}</dc:title><dc:type>dataset</dc:type><dc:subject>inserted</dc:subject>${extra}<ows:BoundingBox crs="urn:ogc:def:crs:EPSG::4326"><ows:LowerCorner>40 10</ows:LowerCorner><ows:UpperCorner>42 12</ows:UpperCorner></ows:BoundingBox></csw:Record>`;

const isoRecord = (id: string, title: string) => `<gmd:MD_Metadata xmlns:gmd="${NS.gmd}" xmlns:gco="${NS.gco}">
  <gmd:fileIdentifier><gco:CharacterString>${id}</gco:CharacterString></gmd:fileIdentifier>
  <gmd:hierarchyLevel><gmd:MD_ScopeCode codeList="http://www.isotc211.org/2005/resources/codeList.xml#MD_ScopeCode" codeListValue="dataset">dataset</gmd:MD_ScopeCode></gmd:hierarchyLevel>
  <gmd:contact/>
  <gmd:dateStamp><gco:DateTime>2022-05-01T00:00:00Z</gco:DateTime></gmd:dateStamp>
  <gmd:identificationInfo><gmd:MD_DataIdentification>
    <gmd:citation><gmd:CI_Citation><gmd:title><gco:CharacterString>${title}</gco:CharacterString></gmd:title><gmd:date/></gmd:CI_Citation></gmd:citation>
    <gmd:abstract><gco:CharacterString>An ISO record over Lisbon</gco:CharacterString></gmd:abstract>
    <gmd:language><gco:CharacterString>eng</gco:CharacterString></gmd:language>
    <gmd:extent><gmd:EX_Extent><gmd:geographicElement><gmd:EX_GeographicBoundingBox>
      <gmd:westBoundLongitude><gco:Decimal>-9.3</gco:Decimal></gmd:westBoundLongitude><gmd:eastBoundLongitude><gco:Decimal>-9.0</gco:Decimal></gmd:eastBoundLongitude>
      <gmd:southBoundLatitude><gco:Decimal>38.6</gco:Decimal></gmd:southBoundLatitude><gmd:northBoundLatitude><gco:Decimal>38.8</gco:Decimal></gmd:northBoundLatitude>
    </gmd:EX_GeographicBoundingBox></gmd:geographicElement></gmd:EX_Extent></gmd:extent>
  </gmd:MD_DataIdentification></gmd:identificationInfo>
</gmd:MD_Metadata>`;

const byId = (id: string) => `<csw:Constraint version="1.1.0"><ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>dc:identifier</ogc:PropertyName><ogc:Literal>${id}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter></csw:Constraint>`;

for (const kind of testDatabaseKinds()) {
  describe(`csw Transaction (${kind.name})`, function () {
    let h: CswHarness;
    let admin: Record<string, string>;
    let alice: Credentials;
    let bob: Credentials;
    before(async () => {
      h = await startCsw(kind);
      await h.catalogue.upsert(fixtureRecords());
      admin = basicAuth(await addUser(h, 'root', ['admin']));
      alice = await addUser(h, 'alice');
      bob = await addUser(h, 'bob');
    });
    after(async () => h?.close());

    it('inserts csw:Record and ISO records, answering a summary and the inserted BriefRecords', async () => {
      const res = await post(h.url, transaction(`<csw:Insert handle="first">${dcRecord('T-DC-1', 'Inserted over Rome')}${isoRecord('T-ISO-1', 'Lisbon from ISO')}</csw:Insert>`), admin);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.publication202), []);
      assert.deepEqual(xpath(res.body, '//csw:totalInserted'), ['2']);
      assert.deepEqual(xpath(res.body, '//csw:InsertResult[@handleRef="first"]/csw:BriefRecord/dc:identifier'), ['T-DC-1', 'T-ISO-1']);
      const iso = await h.catalogue.get('T-ISO-1', ANONYMOUS);
      assert.equal(iso?.title, 'Lisbon from ISO');
      assert.deepEqual(iso?.bbox, [-9.3, 38.6, -9, 38.8]);
      assert.equal(iso?.owner, 'root');
      const dc = await h.catalogue.get('T-DC-1', ANONYMOUS);
      assert.deepEqual(dc?.bbox, [10, 40, 12, 42]);
    });

    it('refuses to insert an identifier that exists, writing nothing of the Transaction', async () => {
      const res = await post(h.url, transaction(`<csw:Insert>${dcRecord('T-NEW', 'New')}${dcRecord('S2-L2A', 'Clash')}</csw:Insert>`), admin);
      assert.equal(res.status, 400);
      assert.deepEqual(validateXml(res.body, SCHEMAS.ows10Exception), []);
      assert.equal(exception(res.body).code, 'InvalidParameterValue');
      assert.match(exception(res.body).text!, /S2-L2A.*already exists/);
      assert.equal(await h.catalogue.get('T-NEW', ANONYMOUS), undefined);
    });

    it('updates by RecordProperty and Constraint, and replaces a whole record', async () => {
      const props = transaction(`<csw:Update>
          <csw:RecordProperty><csw:Name>dc:title</csw:Name><csw:Value>Renamed Rome</csw:Value></csw:RecordProperty>
          <csw:RecordProperty><csw:Name>apiso:CloudCover</csw:Name><csw:Value>7.5</csw:Value></csw:RecordProperty>
          <csw:RecordProperty><csw:Name>ows:BoundingBox</csw:Name><csw:Value><ows:BoundingBox crs="urn:ogc:def:crs:EPSG::4326"><ows:LowerCorner>41 12</ows:LowerCorner><ows:UpperCorner>42 13</ows:UpperCorner></ows:BoundingBox></csw:Value></csw:RecordProperty>
          <csw:RecordProperty><csw:Name>dct:abstract</csw:Name></csw:RecordProperty>
          ${byId('S2B_ROME_20200715')}</csw:Update>`);
      const res = await post(h.url, props, admin);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.publication202), []);
      assert.deepEqual(xpath(res.body, '//csw:totalUpdated'), ['1']);
      const rome = (await h.catalogue.get('S2B_ROME_20200715', ANONYMOUS))!;
      assert.equal(rome.title, 'Renamed Rome');
      assert.equal(rome.cloudCover, 7.5);
      assert.equal(rome.abstract, undefined);
      assert.deepEqual(rome.bbox, [12, 41, 13, 42]);
      assert.equal(rome.parentIdentifier, 'S2-L2A');

      const replace = await post(h.url, transaction(`<csw:Update>${dcRecord('T-DC-1', 'Replaced title')}</csw:Update>`), admin);
      assert.equal(replace.status, 200, replace.body);
      assert.deepEqual(xpath(replace.body, '//csw:totalUpdated'), ['1']);
      assert.equal((await h.catalogue.get('T-DC-1', ANONYMOUS))?.title, 'Replaced title');
    });

    it('deletes by Constraint (CQL text too), counting what it deleted', async () => {
      await h.catalogue.upsert([
        { identifier: 'DEL-1', type: 'product', title: 'to delete one', keywords: ['doomed'] },
        { identifier: 'DEL-2', type: 'product', title: 'to delete two', keywords: ['doomed'] },
      ]);
      const res = await post(h.url, transaction(`<csw:Delete typeName="csw:Record"><csw:Constraint version="1.1.0"><csw:CqlText>dc:subject = 'doomed'</csw:CqlText></csw:Constraint></csw:Delete>`), admin);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(xpath(res.body, '//csw:totalDeleted'), ['2']);
      assert.equal((await h.catalogue.search({ identifiers: ['DEL-1', 'DEL-2'] }, ANONYMOUS)).numberMatched, 0);
      const none = await post(h.url, transaction(`<csw:Delete>${byId('no-such-record')}</csw:Delete>`), admin);
      assert.deepEqual(xpath(none.body, '//csw:totalDeleted'), ['0']);
    });

    it('writes inserts, updates and deletes of one Transaction together or not at all', async () => {
      // Deleting S1-GRD alone would leave its product: the engine refuses, and the Insert before it is not kept.
      const refused = await post(h.url, transaction(`<csw:Insert>${dcRecord('T-ATOMIC', 'atomic')}</csw:Insert><csw:Delete>${byId('S1-GRD')}</csw:Delete>`), admin);
      assert.equal(refused.status, 400, refused.body);
      assert.match(exception(refused.body).text!, /still has products/);
      assert.equal(await h.catalogue.get('T-ATOMIC', ANONYMOUS), undefined);
      assert.ok(await h.catalogue.get('S1-GRD', ANONYMOUS));
      // With its product in the same Transaction, both go, and the Insert is kept.
      const done = await post(h.url, transaction(`<csw:Insert>${dcRecord('T-ATOMIC', 'atomic')}</csw:Insert><csw:Delete>${byId('S1A_PARIS_20210310')}</csw:Delete><csw:Delete>${byId('S1-GRD')}</csw:Delete>`), admin);
      assert.equal(done.status, 200, done.body);
      assert.deepEqual(xpath(done.body, '//csw:totalInserted'), ['1']);
      assert.deepEqual(xpath(done.body, '//csw:totalDeleted'), ['2']);
      assert.equal(await h.catalogue.get('S1-GRD', ANONYMOUS), undefined);
      await h.catalogue.upsert(fixtureRecords().filter((r) => r.identifier.startsWith('S1')));
    });

    it('authorizes every record: anonymous is 401, others may change only what they own', async () => {
      const anonymous = await post(h.url, transaction(`<csw:Insert>${dcRecord('T-ANON', 'x')}</csw:Insert>`));
      assert.equal(anonymous.status, 401);
      assert.ok(anonymous.headers.get('www-authenticate'));
      assert.equal(exception(anonymous.body).code, 'NoApplicableCode');

      const own = await post(h.url, transaction(`<csw:Insert>${dcRecord('T-ALICE', 'Alice record')}</csw:Insert>`), basicAuth(alice));
      assert.equal(own.status, 200, own.body);
      assert.equal((await h.catalogue.get('T-ALICE', ANONYMOUS))?.owner, 'alice');

      const theft = await post(h.url, transaction(`<csw:Update><csw:RecordProperty><csw:Name>dc:title</csw:Name><csw:Value>Bob was here</csw:Value></csw:RecordProperty>${byId('T-ALICE')}</csw:Update>`), basicAuth(bob));
      assert.equal(theft.status, 403);
      assert.equal((await h.catalogue.get('T-ALICE', ANONYMOUS))?.title, 'Alice record');
      const replace = await post(h.url, transaction(`<csw:Update>${dcRecord('T-ALICE', 'Bob replaces')}</csw:Update>`), basicAuth(bob));
      assert.equal(replace.status, 403);
      const del = await post(h.url, transaction(`<csw:Delete>${byId('T-ALICE')}</csw:Delete>`), basicAuth(bob));
      assert.equal(del.status, 403);
      // One forbidden record fails the whole Transaction: the insert before it is not written.
      const mixed = await post(h.url, transaction(`<csw:Insert>${dcRecord('T-BOB', 'Bob')}</csw:Insert><csw:Delete>${byId('T-ALICE')}</csw:Delete>`), basicAuth(bob));
      assert.equal(mixed.status, 403);
      assert.equal(await h.catalogue.get('T-BOB', ANONYMOUS), undefined);

      const mine = await post(h.url, transaction(`<csw:Update><csw:RecordProperty><csw:Name>dc:title</csw:Name><csw:Value>Alice renamed</csw:Value></csw:RecordProperty>${byId('T-ALICE')}</csw:Update>`), basicAuth(alice));
      assert.equal(mine.status, 200, mine.body);
      assert.equal((await h.catalogue.get('T-ALICE', ANONYMOUS))?.title, 'Alice renamed');
    });

    it('refuses bad actions with a locator naming the action', async () => {
      const cases: Array<[string, string]> = [
        [`<csw:Update><csw:RecordProperty><csw:Name>dc:nothing</csw:Name><csw:Value>x</csw:Value></csw:RecordProperty>${byId('S2-L2A')}</csw:Update>`, 'RecordProperty'],
        [`<csw:Update><csw:RecordProperty><csw:Name>dc:identifier</csw:Name><csw:Value>x</csw:Value></csw:RecordProperty>${byId('S2-L2A')}</csw:Update>`, 'RecordProperty'],
        [`<csw:Update><csw:RecordProperty><csw:Name>apiso:CloudCover</csw:Name><csw:Value>lots</csw:Value></csw:RecordProperty>${byId('S2B_ROME_20200715')}</csw:Update>`, 'RecordProperty'],
        [`<csw:Update><csw:RecordProperty><csw:Name>dc:title</csw:Name><csw:Value>x</csw:Value></csw:RecordProperty></csw:Update>`, 'Constraint'],
        [`<csw:Update>${dcRecord('nobody-has-this', 'x')}</csw:Update>`, 'Update[1]'],
        [`<csw:Insert><csw:Record xmlns:csw="${NS.csw}"><dc:title xmlns:dc="${NS.dc}">no identifier</dc:title></csw:Record></csw:Insert>`, 'Insert[1]'],
        [`<csw:Insert><foo xmlns="urn:unknown"/></csw:Insert>`, 'Insert[1]'],
        [`<csw:Delete/>`, 'Constraint'],
      ];
      for (const [action, locator] of cases) {
        const res = await post(h.url, transaction(action), admin);
        assert.equal(res.status, 400, `${action}: ${res.body}`);
        assert.deepEqual(validateXml(res.body, SCHEMAS.ows10Exception), []);
        assert.equal(exception(res.body).locator?.split('/')[0], locator, `${action}: ${res.body}`);
      }
      const kvp = await fetch(`${h.url}?service=CSW&version=2.0.2&request=Transaction`);
      assert.equal(kvp.status, 400);
    });

    it('takes CSW 3.0 Transactions, answering in 3.0', async () => {
      const record = `<csw30:Record xmlns:csw30="${NS.csw30}" xmlns:dc="${NS.dc}"><dc:identifier>T-30</dc:identifier><dc:title>From 3.0</dc:title><dc:type>dataset</dc:type></csw30:Record>`;
      const res = await post(h.url, transaction(`<csw:Insert>${record}</csw:Insert>`, '3.0.0'), admin);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.csw30), []);
      assert.deepEqual(xpath(res.body, '//csw30:InsertResult/csw30:BriefRecord/dc:identifier'), ['T-30']);
      const del = await post(h.url, transaction(`<csw:Delete><csw:Constraint version="2.0.0"><ogc:Filter><ogc:ResourceId rid="T-30"/></ogc:Filter></csw:Constraint></csw:Delete>`, '3.0.0'), admin);
      assert.equal(del.status, 200, del.body);
      assert.deepEqual(xpath(del.body, '//csw30:totalDeleted'), ['1']);
    });

    it('is refused when transactions are switched off', async () => {
      const off = await startCsw(kind, { csw: { transactions: false } });
      try {
        const res = await post(off.url, transaction(`<csw:Insert>${dcRecord('X', 'x')}</csw:Insert>`), basicAuth(await addUser(off, 'root', ['admin'])));
        assert.equal(res.status, 501);
        assert.equal(exception(res.body).code, 'OperationNotSupported');
      } finally {
        await off.close();
      }
    });
  });
}
