import assert from 'node:assert/strict';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { isInternalAddress } from '../../../core/net/remote-fetch.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { startRemoteSources, type RemoteSources } from './fixtures/remote-sources.js';
import { addUser, basicAuth, exception, fixtureRecords, get, NS, post, SCHEMAS, startCsw, xpath, type CswHarness } from './support.js';

const harvestXml = (source: string, resourceType: string, version: '2.0.2' | '3.0.0' = '2.0.2', extra = '') =>
  `<csw:Harvest xmlns:csw="${version === '2.0.2' ? NS.csw : NS.csw30}" service="CSW" version="${version}"><csw:Source>${source.replaceAll('&', '&amp;')}</csw:Source><csw:ResourceType>${resourceType}</csw:ResourceType>${extra}</csw:Harvest>`;

const ATOM = 'http://www.w3.org/2005/Atom';
const OPENSEARCH = 'http://a9.com/-/spec/opensearch/1.1/';

describe('csw Harvest: internal addresses', () => {
  it('counts loopback, private, link-local and unique-local addresses as internal', () => {
    for (const a of ['127.0.0.1', '10.1.2.3', '172.20.0.1', '192.168.1.1', '169.254.169.254', '0.0.0.0', '::1', 'fd00::1', 'fe80::1', '::ffff:127.0.0.1', '100.64.0.1']) assert.equal(isInternalAddress(a), true, a);
    for (const a of ['8.8.8.8', '2001:4860:4860::8888', '93.184.216.34']) assert.equal(isInternalAddress(a), false, a);
  });
});

for (const kind of testDatabaseKinds()) {
  describe(`csw Harvest (${kind.name})`, function () {
    this.timeout(60_000);
    let h: CswHarness;
    let remote: RemoteSources;
    let admin: Record<string, string>;
    before(async () => {
      remote = await startRemoteSources();
      h = await startCsw(kind, { csw: { harvest: { allowPrivateNetworks: true, timeoutMs: 1500, maxBytes: 100_000, maxRecords: 50 } } });
      admin = basicAuth(await addUser(h, 'root', ['admin']));
    });
    after(async () => {
      await h?.close();
      await remote?.close();
    });

    it('harvests an ISO 19139 document (KVP), answering the inserted records, valid against CSW-publication.xsd', async () => {
      const res = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'Harvest', source: `${remote.base}/iso.xml`, resourceType: NS.gmd }, admin);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.publication202), []);
      assert.deepEqual(xpath(res.body, '/csw:HarvestResponse/csw:TransactionResponse/csw:TransactionSummary/csw:totalInserted'), ['1']);
      assert.deepEqual(xpath(res.body, '//csw:InsertResult/csw:BriefRecord/dc:identifier'), ['ISO-HARVESTED']);
      const record = (await h.catalogue.get('ISO-HARVESTED', ANONYMOUS))!;
      assert.equal(record.title, 'Harvested ISO record');
      assert.deepEqual(record.bbox, [5, 45, 6, 46]);
      assert.equal(record.owner, 'root');
      // Harvesting again updates, and keeps the stored owner.
      const again = await get(h.url, { service: 'CSW', version: '2.0.2', request: 'Harvest', source: `${remote.base}/redirect`, resourceType: NS.gmd }, admin);
      assert.equal(again.status, 200, again.body);
      assert.deepEqual(xpath(again.body, '//csw:totalInserted'), ['0']);
      assert.deepEqual(xpath(again.body, '//csw:totalUpdated'), ['1']);
    });

    it('harvests a remote CSW page by page through the GetRecords endpoint its capabilities name', async () => {
      const before = remote.requests.length;
      const res = await post(h.url, harvestXml(`${remote.base}/csw`, NS.csw), admin);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.publication202), []);
      assert.deepEqual(xpath(res.body, '//csw:totalInserted'), ['3']);
      assert.deepEqual(remote.requests.slice(before), ['GET /csw?service=CSW&request=GetCapabilities&version=2.0.2', 'POST /csw-post', 'POST /csw-post']);
      const found = await h.catalogue.search({ identifiers: ['REMOTE-1', 'REMOTE-2', 'REMOTE-3'] }, ANONYMOUS);
      assert.equal(found.numberMatched, 3);
      assert.deepEqual(found.records.find((r) => r.identifier === 'REMOTE-2')?.bbox, [18, -34, 19, -33]);
    });

    it('harvests an Atom feed across its pages: linked ISO documents, and entries described by GeoRSS alone', async () => {
      const res = await post(h.url, harvestXml(`${remote.base}/feed.atom`, ATOM), admin);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(xpath(res.body, '//csw:InsertResult/csw:BriefRecord/dc:identifier').sort(), ['ATOM-BOX', 'ATOM-GEORSS', 'ATOM-ISO']);
      const linked = (await h.catalogue.get('ATOM-ISO', ANONYMOUS))!;
      assert.equal(linked.title, 'Linked from an Atom entry');
      const georss = (await h.catalogue.get('ATOM-GEORSS', ANONYMOUS))!;
      assert.equal(georss.title, 'Described by its entry');
      assert.deepEqual(georss.bbox, [20, 10, 21, 11]);
      assert.equal(georss.start, '2023-03-01T00:00:00.000Z');
      assert.deepEqual(georss.keywords, ['atom']);
      assert.ok(georss.links?.some((l) => l.rel === 'enclosure' && l.href.endsWith('/data/atom-georss.tif')));
      assert.deepEqual((await h.catalogue.get('ATOM-BOX', ANONYMOUS))!.bbox, [-20, -10, -19, -9]);
    });

    it('harvests through an OpenSearch description: its GeoJSON template, then the next links', async () => {
      const res = await post(h.url, harvestXml(`${remote.base}/osdd.xml`, OPENSEARCH, '3.0.0'), admin);
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.csw30), []);
      assert.deepEqual(xpath(res.body, '//csw30:totalInserted'), ['3']);
      assert.ok(remote.requests.includes('GET /search.json?q=&bbox=&count=&startIndex=1'), remote.requests.join('\n'));
      assert.equal((await h.catalogue.get('GEOJSON-3', ANONYMOUS))?.title, 'GeoJSON product 3');
    });

    it('refuses unsafe or broken sources, writing nothing', async () => {
      const cases: Array<[string, string, number, string]> = [
        ['file:///etc/passwd', NS.gmd, 400, 'Source'],
        ['ftp://example.org/x.xml', NS.gmd, 400, 'Source'],
        ['not a url', NS.gmd, 400, 'Source'],
        ['not a url', NS.csw, 400, 'Source'],
        [`${remote.base}/huge.xml`, NS.gmd, 413, 'Source'],
        [`${remote.base}/never`, NS.gmd, 504, 'Source'],
        [`${remote.base}/error`, NS.gmd, 502, 'Source'],
        [`${remote.base}/redirect-loop`, NS.gmd, 502, 'Source'],
        [`${remote.base}/not-xml`, NS.gmd, 400, 'Source'],
        [`${remote.base}/iso.xml`, 'urn:something-else', 400, 'ResourceType'],
      ];
      const stored = (await h.catalogue.search({}, ANONYMOUS)).numberMatched;
      for (const [source, type, status, locator] of cases) {
        const res = await post(h.url, harvestXml(source, type), admin);
        assert.equal(res.status, status, `${source}: ${res.body}`);
        assert.deepEqual(validateXml(res.body, SCHEMAS.ows10Exception), [], source);
        assert.equal(exception(res.body).locator?.split('/')[0], locator, source);
      }
      assert.equal((await h.catalogue.search({}, ANONYMOUS)).numberMatched, stored);
      const periodic = await post(h.url, harvestXml(`${remote.base}/iso.xml`, NS.gmd, '2.0.2', '<csw:HarvestInterval>P1D</csw:HarvestInterval>'), admin);
      assert.equal(periodic.status, 501);
      assert.equal(exception(periodic.body).code, 'OptionNotSupported');
      const asynchronous = await post(h.url, harvestXml(`${remote.base}/iso.xml`, NS.gmd, '2.0.2', '<csw:ResponseHandler>mailto:a@b.c</csw:ResponseHandler>'), admin);
      assert.equal(exception(asynchronous.body).locator, 'ResponseHandler');
    });

    it('needs write permission: anonymous is refused before any fetch', async () => {
      const before = remote.requests.length;
      const res = await post(h.url, harvestXml(`${remote.base}/iso.xml`, NS.gmd));
      assert.equal(res.status, 401);
      assert.equal(remote.requests.length, before);
      const bob = basicAuth(await addUser(h, 'bob'));
      // Bob may create his own records, not replace the admin's.
      const replace = await post(h.url, harvestXml(`${remote.base}/iso.xml`, NS.gmd), bob);
      assert.equal(replace.status, 403);
    });

    it('refuses a source holding more records than a Harvest brings, and internal hosts unless allowed', async () => {
      const small = await startCsw(kind, { csw: { harvest: { allowPrivateNetworks: true, maxRecords: 2 } } });
      const strict = await startCsw(kind);
      try {
        const root = basicAuth(await addUser(small, 'root', ['admin']));
        const res = await post(small.url, harvestXml(`${remote.base}/csw`, NS.csw), root);
        assert.equal(res.status, 400);
        assert.match(exception(res.body).text!, /more than 2 records/);
        assert.equal((await small.catalogue.search({}, ANONYMOUS)).numberMatched, 0);
        const internal = await post(strict.url, harvestXml(`${remote.base}/iso.xml`, NS.gmd), basicAuth(await addUser(strict, 'root', ['admin'])));
        assert.equal(internal.status, 400);
        assert.match(exception(internal.body).text!, /internal network/);
      } finally {
        await small.close();
        await strict.close();
      }
    });

    it("harvests another Meridian's CSW (2.0.2 and 3.0) and OpenSearch into this catalogue", async () => {
      const source = await startCsw(kind, { plugins: { opensearch: {} } });
      try {
        await source.catalogue.upsert(fixtureRecords());
        const csw = await post(h.url, harvestXml(source.url, NS.csw), admin);
        assert.equal(csw.status, 200, csw.body);
        assert.deepEqual(xpath(csw.body, '//csw:totalInserted'), ['6']);
        const paris = (await h.catalogue.get('S2A_PARIS_20200601', ANONYMOUS))!;
        assert.equal(paris.title, 'Sentinel-2A over Paris');
        assert.deepEqual(paris.bbox, [1.5, 48.3, 3.2, 49.3]);
        assert.equal(paris.parentIdentifier, 'S2-L2A');
        const csw3 = await post(h.url, harvestXml(`${source.url}?service=CSW&request=GetCapabilities&acceptVersions=3.0.0`, NS.csw30, '3.0.0'), admin);
        assert.equal(csw3.status, 200, csw3.body);
        assert.deepEqual(xpath(csw3.body, '//csw30:totalUpdated'), ['6']);
        const opensearch = await post(h.url, harvestXml(`${source.server.url}/opensearch/description`, OPENSEARCH), admin);
        assert.equal(opensearch.status, 200, opensearch.body);
        assert.deepEqual(xpath(opensearch.body, '//csw:totalUpdated'), ['2']);
      } finally {
        await source.close();
      }
    });
  });
}
