import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { assertValidRnc } from '../../helpers/relaxng.js';
import { apiKey, fetchText, fillTemplate, FIXTURES, NSMAP, parse, serveFixtures, startOpenSearch, values } from './support.js';

const OSDD_GEO = 'ogc/opensearchgeo/1.0/schemas/osddgeo.rnc';
const OSDD_TIME = 'ogc/opensearchgeo/1.0/schemas/osddtime.rnc';

/** Every parameter OGC 10-032r8 and OpenSearch 1.1 define for a search, by qualified name. */
const GEO_TIME = ['searchTerms', 'count', 'startIndex', 'startPage', 'geo:box', 'geo:geometry', 'geo:lat', 'geo:lon', 'geo:radius', 'geo:uid', 'geo:relation', 'time:start', 'time:end', 'time:relation'];
/** The 13-026r9 parameters the catalogue indexes, per level. */
const EO_BOTH = ['eo:productType', 'eo:platform', 'eo:instrument', 'eo:sensorType', 'eo:processingLevel', 'eo:resolution', 'eo:creationDate', 'eo:modificationDate'];
const EO_PRODUCT = ['eo:productionStatus', 'eo:acquisitionType', 'eo:orbitNumber', 'eo:orbitDirection', 'eo:cloudCover', 'eo:snowCover', 'eo:polarisationChannels'];

function templateVariables(template: string): string[] {
  return [...template.matchAll(/\{([^}?]+)\??\}/g)].map((m) => m[1]!);
}

for (const kind of testDatabaseKinds()) {
  describe(`OpenSearch description documents (${kind.name})`, function () {
    this.timeout(30_000);
    const h = serveFixtures(kind);

    it('the collection-level and per-collection descriptions validate against the OpenSearch Geo and Time grammars and their rules', async () => {
      const docs = [(await fetchText(`${h.base}/description`)).body, (await fetchText(`${h.base}/`)).body, (await fetchText(`${h.base}/collections/S2-TEST/description`)).body];
      assertValidRnc(docs, OSDD_GEO);
      assertValidRnc(docs, OSDD_TIME);
    });

    it('is served as application/opensearchdescription+xml with an Atom and a GeoJSON template and a self link', async () => {
      const res = await fetchText(`${h.base}/description`);
      assert.equal(res.status, 200);
      assert.match(res.type, /^application\/opensearchdescription\+xml/);
      const doc = parse(res.body);
      assert.deepEqual(values(doc, '/os:OpenSearchDescription/os:Url/@type'), ['application/atom+xml', 'application/geo+json', 'application/opensearchdescription+xml']);
      assert.deepEqual(values(doc, '/os:OpenSearchDescription/os:Url/@rel'), ['collection', 'collection', 'self']);
      assert.deepEqual(values(doc, '/os:OpenSearchDescription/os:Url[@rel="self"]/@template'), [`${h.base}/description`]);
      assert.deepEqual(values(doc, '//os:Url[@rel="collection"]/@indexOffset'), ['1', '1']);
    });

    it('declares every Geo, Time and EO parameter under the qualified names and namespaces of the specifications', async () => {
      for (const [path, eo] of [['/description', EO_BOTH], ['/collections/S2-TEST/description', [...EO_BOTH, ...EO_PRODUCT]]] as const) {
        const doc = parse((await fetchText(`${h.base}${path}`)).body);
        for (const url of doc.find('//os:Url[@rel!="self"]', NSMAP) as Array<import('libxmljs2').Element>) {
          const template = url.attr('template')!.value();
          const declared = templateVariables(template);
          for (const name of [...GEO_TIME, ...eo]) assert.ok(declared.includes(name), `${path} ${url.attr('type')!.value()} template lacks {${name}?}`);
          // Each prefix is bound on the document to the specification's namespace.
          for (const qname of declared.filter((q) => q.includes(':'))) {
            const prefix = qname.split(':')[0]!;
            const expected = { geo: NSMAP.geo, time: NSMAP.time, eo: NSMAP.eo, sru: 'http://docs.oasis-open.org/ns/search-ws/sruResponse' }[prefix];
            assert.equal(url.namespaces(false).find((n) => n.prefix() === prefix)?.href() ?? doc.root()!.namespaces().find((n) => n.prefix() === prefix)?.href(), expected, qname);
          }
          // One Parameter element per template variable, naming the URL parameter that carries it.
          const params = (url.find('param:Parameter', NSMAP) as Array<import('libxmljs2').Element>).map((p) => [p.attr('name')!.value(), p.attr('value')!.value()]);
          assert.deepEqual(params.map(([, v]) => v), declared.map((q) => `{${q}}`));
          for (const [name, value] of params) assert.ok(template.includes(`${name}=${value!.replace('}', '?}')}`), `${name} is not the URL name of ${value}`);
        }
        if (path === '/description') for (const p of EO_PRODUCT) assert.ok(!templateVariables(values(doc, '//os:Url/@template')[0]!).includes(p), `${p} is a product parameter`);
      }
    });

    it('lists facet values with counts, the data min/max, patterns and fixed options, as the subject may see them', async () => {
      const doc = parse((await fetchText(`${h.base}/collections/S2-TEST/description`)).body);
      const param = (name: string) => `//os:Url[@type="application/atom+xml"]/param:Parameter[@name="${name}"]`;
      assert.deepEqual(values(doc, `${param('platform')}/param:Option/@label`), ['SENTINEL-2 (5)']);
      assert.deepEqual(values(doc, `${param('productType')}/param:Option/@value`), ['S2MSI2A', 'S2MSI1C']);
      assert.deepEqual(values(doc, `${param('productType')}/param:Option/@label`), ['S2MSI2A (4)', 'S2MSI1C (1)']);
      assert.deepEqual(values(doc, `${param('orbitDirection')}/param:Option/@label`), ['ASCENDING (3)', 'DESCENDING (2)']);
      assert.deepEqual(values(doc, `${param('cloudCover')}/@minInclusive`), ['5']);
      assert.deepEqual(values(doc, `${param('cloudCover')}/@maxInclusive`), ['80']);
      assert.deepEqual(values(doc, `${param('orbitNumber')}/@maxInclusive`), ['500']);
      assert.deepEqual(values(doc, `${param('start')}/@minInclusive`), ['2020-01-10T10:00:00.000Z']);
      assert.deepEqual(values(doc, `${param('end')}/@maxInclusive`), ['2020-05-10T08:00:10.000Z']);
      assert.deepEqual(values(doc, `${param('count')}/@maxInclusive`), ['50']);
      assert.deepEqual(values(doc, `${param('relation')}/param:Option/@value`), ['intersects', 'contains', 'disjoint']);
      assert.deepEqual(values(doc, `${param('timeRelation')}/param:Option/@value`), ['intersects', 'contains', 'during', 'disjoint', 'equals']);
      assert.deepEqual(values(doc, `${param('geometry')}/atom:link[@rel="profile"]/@href`).map((h) => h.split('/').pop()), ['POINT', 'LINESTRING', 'POLYGON', 'MULTIPOINT', 'MULTILINESTRING', 'MULTIPOLYGON']);
      assert.ok(values(doc, `${param('sortKeys')}/param:Option/@value`).includes('start,,0'));
      // The patterns accept the syntax they advertise.
      const pattern = new RegExp(`^(?:${values(doc, `${param('cloudCover')}/@pattern`)[0]})$`);
      for (const ok of ['10', '[0,20]', ']10,20[', '[5', '20]', '{10,20,30}']) assert.match(ok, pattern);
      assert.doesNotMatch('[0;20]', pattern);
      assert.match('2020-01-01T00:00:00Z', new RegExp(`^(?:${values(doc, `${param('start')}/@pattern`)[0]})$`));
    });

    it('the collection-level options count collections', async () => {
      const doc = parse((await fetchText(`${h.base}/description`)).body);
      assert.deepEqual(values(doc, '//os:Url[@type="application/atom+xml"]/param:Parameter[@name="platform"]/param:Option/@label').sort(), ['SENTINEL-1 (1)', 'SENTINEL-2 (1)']);
    });

    it("another user's private records are not in the options, counts or ranges; their owner's are", async () => {
      const bob = await apiKey(h, 'bob');
      const alice = await apiKey(h, 'alice');
      const labels = async (key: string, path: string, name: string) =>
        values(parse((await fetchText(`${h.base}${path}`, { 'X-API-Key': key })).body), `//os:Url[@type="application/atom+xml"]/param:Parameter[@name="${name}"]/param:Option/@label`);
      assert.deepEqual(await labels(bob, '/collections/S2-TEST/description', 'productType'), ['S2MSI2A (4)', 'S2MSI1C (1)']);
      assert.deepEqual(await labels(alice, '/collections/S2-TEST/description', 'productType'), ['S2MSI2A (4)', 'S2MSI1C (1)', 'SECRET-TYPE (1)']);
      assert.ok(!(await labels(bob, '/description', 'platform')).some((l) => l.startsWith('SECRET-SAT')));
      assert.ok((await labels(alice, '/description', 'platform')).includes('SECRET-SAT (1)'));
      const min = async (key: string) => values(parse((await fetchText(`${h.base}/collections/S2-TEST/description`, { 'X-API-Key': key })).body), '//os:Url[1]/param:Parameter[@name="cloudCover"]/@minInclusive');
      assert.deepEqual(await min(bob), ['5']);
      assert.deepEqual(await min(alice), ['1']);
      // A private collection's description is as missing as an unknown one.
      assert.equal((await fetchText(`${h.base}/collections/SECRET-COLL/description`, { 'X-API-Key': bob })).status, 404);
      assert.equal((await fetchText(`${h.base}/collections/SECRET-COLL/description`, { 'X-API-Key': alice })).status, 200);
    });

    it('an unknown collection, or a product named as a collection, is a 404 ExceptionReport', async () => {
      for (const id of ['NOPE', 'P01']) {
        const res = await fetchText(`${h.base}/collections/${id}/description`);
        assert.equal(res.status, 404);
        assert.deepEqual(values(parse(res.body), '/ows:ExceptionReport/ows:Exception/@exceptionCode'), ['NoApplicableCode']);
      }
    });

    it('a client needs nothing but the description: it fills the templates and gets the search in either encoding', async () => {
      const doc = parse((await fetchText(`${h.base}/collections/S2-TEST/description`)).body);
      const [atomTemplate, jsonTemplate] = values(doc, '//os:Url[@rel="results"]/@template');
      const given = { 'geo:box': '-1,-1,15,15', 'eo:cloudCover': '[0,20]', count: '10' };
      const atom = await fetchText(fillTemplate(atomTemplate!, given));
      assert.equal(atom.status, 200);
      assert.match(atom.type, /^application\/atom\+xml/);
      assert.deepEqual(values(parse(atom.body), '//atom:entry/dc:identifier').sort(), ['P01', 'P02']);
      const json = await fetchText(fillTemplate(jsonTemplate!, given));
      assert.equal(json.status, 200);
      assert.match(json.type, /^application\/geo\+json/);
      const collection = JSON.parse(json.body) as { features: Array<{ properties: { identifier: string } }> };
      assert.deepEqual(collection.features.map((f) => f.properties.identifier).sort(), ['P01', 'P02']);
    });

    it('uses the configured names, maximum and sort options', async () => {
      const other = await startOpenSearch(kind, { shortName: 'EO Hub', maxRecords: 25, defaultRecords: 5, sortable: ['start', 'cloudCover'], contact: 'eo@example.org' });
      try {
        await other.catalogue.upsert(FIXTURES.slice(0, 4));
        const doc = parse((await fetchText(`${other.base}/collections/S2-TEST/description`)).body);
        assert.deepEqual(values(doc, '/os:OpenSearchDescription/os:ShortName'), ['EO Hub']);
        assert.deepEqual(values(doc, '/os:OpenSearchDescription/os:Contact'), ['eo@example.org']);
        assert.deepEqual(values(doc, '//os:Url[1]/param:Parameter[@name="count"]/@maxInclusive'), ['25']);
        assert.deepEqual(values(doc, '//os:Url[1]/param:Parameter[@name="sortKeys"]/param:Option/@value'), ['start,,1', 'start,,0', 'cloudCover,,1', 'cloudCover,,0']);
        const feed = parse((await fetchText(`${other.base}/collections/S2-TEST/products`)).body);
        assert.deepEqual(values(feed, '/atom:feed/os:itemsPerPage'), ['5']);
      } finally {
        await other.close();
      }
    });
  });
}
