import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { assertValidRnc } from '../../helpers/relaxng.js';
import { SCHEMAS_SOURCE } from '../../helpers/xsd.js';
import { fetchText, parse, serveFixtures, values } from './support.js';

const ATOM_GEO = 'ogc/opensearchgeo/1.0/schemas/atomgeo.rnc';
const ATOM_TIME = 'ogc/opensearchgeo/1.0/schemas/atomtime.rnc';

for (const kind of testDatabaseKinds()) {
  describe(`OpenSearch Atom responses (${kind.name})`, function () {
    this.timeout(30_000);
    const h = serveFixtures(kind);

    const feed = async (query: string) => {
      const res = await fetchText(`${h.base}${query}`);
      assert.equal(res.status, 200, res.body);
      assert.match(res.type, /^application\/atom\+xml/);
      return res.body;
    };

    it('feeds and entries validate against the OpenSearch Geo and Time Atom grammars and their rules', async () => {
      const docs = [
        await feed('/collections'),
        await feed('/collections/S2-TEST/products?count=50'),
        await feed('/collections/S2-TEST/products?bbox=25,25,40,40&start=2020-05&end=2020-05&timeRelation=during&cloudCover=[50,100]&searchTerms=tiles&sortKeys=cloudCover,,0'),
        await feed(`/collections/S2-TEST/products?geometry=${encodeURIComponent('POLYGON((-1 -1, 15 -1, 15 15, -1 15, -1 -1))')}&relation=contains&platform=SENTINEL*&orbitNumber=[100,500]&uid=P01`),
        await feed('/collections/S2-TEST/products?count=0'),
        await feed('/collections/S2-TEST/products?uid=none-such'),
        await feed('/collections/S1-TEST/products?lat=1&lon=1&radius=10000&relation=intersects'),
        (await fetchText(`${h.base}/collections/S2-TEST/products/P05`)).body,
        (await fetchText(`${h.base}/collections/S2-TEST`)).body,
      ];
      assertValidRnc(docs, ATOM_GEO);
      assertValidRnc(docs, ATOM_TIME);
    });

    it('carries totalResults, startIndex, itemsPerPage and the Query as the search understood it', async () => {
      const doc = parse(await feed('/collections/S2-TEST/products?count=2&startIndex=2&bbox=-1,-1,%2015,15&start=2020-01&end=2020-06-30&eo:ignored=1&cloudCover=[0,20]&searchTerms=noon'));
      assert.deepEqual(values(doc, '/atom:feed/os:totalResults'), ['1']);
      assert.deepEqual(values(doc, '/atom:feed/os:startIndex'), ['2']);
      assert.deepEqual(values(doc, '/atom:feed/os:itemsPerPage'), ['2']);
      const query = (doc.get('/atom:feed/os:Query', { atom: 'http://www.w3.org/2005/Atom', os: 'http://a9.com/-/spec/opensearch/1.1/' }) as import('libxmljs2').Element).attrs();
      const attrs = Object.fromEntries(query.map((a) => [`${a.namespace() ? `${a.namespace()!.prefix()}:` : ''}${a.name()}`, a.value()]));
      assert.deepEqual(attrs, {
        role: 'request',
        count: '2',
        startIndex: '2',
        searchTerms: 'noon',
        'geo:box': '-1,-1,15,15',
        // A reduced-precision time is given as the instant it stands for (10-032r8's pattern has no 2020-01).
        'time:start': '2020-01-01T00:00:00.000Z',
        'time:end': '2020-06-30',
        'eo:cloudCover': '[0,20]',
      });
    });

    it('each entry has its identifier, time span, GeoRSS footprint (latitude first), dates and an HTML summary', async () => {
      const doc = parse(await feed('/collections/S2-TEST/products?uid=P01'));
      const entry = '/atom:feed/atom:entry';
      assert.deepEqual(values(doc, `${entry}/dc:identifier`), ['P01']);
      assert.deepEqual(values(doc, `${entry}/atom:title`), ['Paris morning']);
      assert.deepEqual(values(doc, `${entry}/atom:id`), [`${h.base}/collections/S2-TEST/products/P01`]);
      assert.deepEqual(values(doc, `${entry}/dc:date`), ['2020-01-10T10:00:00.000Z/2020-01-10T10:00:10.000Z']);
      assert.deepEqual(values(doc, `${entry}/georss:polygon`), ['0 0 0 1 1 1 1 0 0 0']);
      assert.equal(values(doc, `${entry}/atom:updated`).length, 1);
      assert.equal(values(doc, `${entry}/atom:published`).length, 1);
      const html = values(doc, `${entry}/atom:content[@type="html"]`)[0]!;
      assert.match(html, /<th>cloudCover<\/th><td>5<\/td>/);
      // A multi-polygon footprint has no GeoRSS Simple form: its bounding box (south west north east).
      const multi = parse(await feed('/collections/S2-TEST/products?uid=P05'));
      assert.deepEqual(values(multi, `${entry}/georss:box`), ['30 30 33 33']);
    });

    it('links each entry to its metadata in every encoding the catalogue writes, and nothing else', async () => {
      const formats = h.catalogue.formats.list().filter((f) => f.toXml || f.toJson);
      const doc = parse(await feed('/collections/S2-TEST/products?uid=P02'));
      const alternates = values(doc, '//atom:entry/atom:link[@rel="alternate"]/@type');
      const expected = formats.map((f) => f.mediaType);
      assert.deepEqual([...alternates].sort(), [...new Set(expected)].sort());
      for (const f of formats) {
        const href = values(doc, `//atom:entry/atom:link[@rel="alternate"][@type='${f.mediaType}']/@href`)[0];
        assert.ok(href, `no link to ${f.name}`);
        const res = await fetchText(href!);
        assert.equal(res.status, 200, `${f.name}: ${res.body}`);
        assert.equal(res.type.split(';')[0], f.mediaType.split(';')[0]);
        if (f.toXml) assert.ok(parse(res.body).root(), f.name);
        else assert.ok(JSON.stringify(JSON.parse(res.body)).includes('P02'), f.name);
      }
      // Unknown or decode-only format names are refused by name.
      const bad = await fetchText(`${h.base}/collections/S2-TEST/products/P02?recordSchema=nope`);
      assert.equal(bad.status, 400);
      assert.deepEqual(values(parse(bad.body), '//ows:Exception/@locator'), ['recordSchema']);
    });

    it('links to the metadata as received (rel=via) when the record came from a document', async () => {
      const text = readFileSync(path.join(SCHEMAS_SOURCE, 'stac/v1.0.0/examples/simple-item.json'), 'utf8');
      const { format, records } = h.catalogue.formats.decode({ text, source: 'simple-item.json' });
      await h.catalogue.upsert(records.map((r) => ({ ...r, parentIdentifier: 'S2-TEST' })));
      const id = records[0]!.identifier;
      const doc = parse(await feed(`/collections/S2-TEST/products?uid=${id}`));
      const via = values(doc, '//atom:entry/atom:link[@rel="via"]/@href');
      assert.equal(via.length, 1);
      assert.deepEqual(values(doc, '//atom:entry/atom:link[@rel="via"]/@type'), [format.mediaType]);
      const res = await fetchText(via[0]!);
      assert.equal(res.status, 200);
      assert.equal(res.body, text);
      await h.catalogue.delete([id]);
    });

    it("carries the record's links, assets and OWS Context offerings", async () => {
      const doc = parse(await feed('/collections/S2-TEST/products?uid=P05'));
      assert.deepEqual(values(doc, '//atom:entry/atom:link[@rel="enclosure"]/@href'), ['https://data.example.org/P05.zip']);
      assert.deepEqual(values(doc, '//atom:entry/atom:link[@rel="icon"]/@href'), ['https://data.example.org/P05.jpg']);
      assert.deepEqual(values(doc, '//atom:entry/owc:offering/@code'), ['http://www.opengis.net/spec/owc-atom/1.0/req/wms']);
      assert.deepEqual(values(doc, '//atom:entry/owc:offering/owc:operation/@href'), ['https://maps.example.org/wms?SERVICE=WMS&REQUEST=GetMap&LAYERS=P05']);
      assert.deepEqual(values(doc, '//atom:entry/atom:link[@rel="up"]/@href'), [`${h.base}/collections/S2-TEST?httpAccept=application%2Fatom%2Bxml`]);
    });

    it('an entry URL gives the Atom entry document, or the GeoJSON feature with httpAccept', async () => {
      const res = await fetchText(`${h.base}/collections/S2-TEST/products/P01`);
      assert.equal(res.status, 200);
      assert.match(res.type, /^application\/atom\+xml/);
      assert.deepEqual(values(parse(res.body), '/atom:entry/dc:identifier'), ['P01']);
      const json = await fetchText(`${h.base}/collections/S2-TEST/products/P01?httpAccept=application/geo%2Bjson`);
      assert.match(json.type, /^application\/geo\+json/);
      assert.equal((JSON.parse(json.body) as { properties: { identifier: string } }).properties.identifier, 'P01');
      // A product is only found within its own collection.
      assert.equal((await fetchText(`${h.base}/collections/S1-TEST/products/P01`)).status, 404);
    });
  });
}
