import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateEoGeoJson } from '../../helpers/json-schema.js';
import { fetchText, serveFixtures } from './support.js';

interface Link {
  href: string;
  type?: string;
  title?: string;
}
interface Feature {
  type: string;
  id: string;
  geometry: { type: string } | null;
  properties: { identifier: string; title?: string; parentIdentifier?: string; date?: string; status?: string; links: Record<string, Link[]>; acquisitionInformation?: Array<Record<string, Record<string, unknown>>>; productInformation?: Record<string, unknown> };
}
interface FeatureCollection {
  type: string;
  id: string;
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  queries: { request: Array<Record<string, unknown>> };
  properties: { title: string; updated: string; creator: string; links: Record<string, Link[]> };
  features: Feature[];
}

/** OWS Context operation codes: 14-055r2 writes words ('GetMap'), the 17-003 schema wants URIs; the 17-003 encoder passes them through. */
const OPERATION_CODE = /\/offerings\/\d+\/operations\/\d+\/code$/;

/**
 * Errors of a Feature or FeatureCollection against the 17-003 schema, without those of the oneOf
 * branch the document is not (a Feature fails the FeatureCollection branch and the reverse).
 */
function schemaErrors(doc: object): string[] {
  const result = validateEoGeoJson(doc);
  if (result.valid) return [];
  const errors = result.errors.filter((e) => e.keyword !== 'oneOf' && !OPERATION_CODE.test(e.instancePath));
  const params = (e: (typeof errors)[number]) => e.params as { missingProperty?: string; allowedValues?: string[] };
  const collectionBranch = (e: (typeof errors)[number]) =>
    e.instancePath.startsWith('/features/') ||
    e.instancePath === '/bbox' ||
    (e.instancePath === '' && e.keyword === 'required' && ['type', 'features'].includes(params(e).missingProperty ?? '')) ||
    (e.instancePath === '/type' && e.keyword === 'enum' && params(e).allowedValues?.includes('FeatureCollection') === true);
  const own = (doc as { type?: unknown }).type === 'FeatureCollection' ? errors.filter(collectionBranch) : errors.filter((e) => !collectionBranch(e) || e.instancePath === '/bbox');
  return own.map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`);
}

for (const kind of testDatabaseKinds()) {
  describe(`OpenSearch GeoJSON responses (${kind.name})`, function () {
    this.timeout(30_000);
    const h = serveFixtures(kind);

    const search = async (query: string, headers: Record<string, string> = {}): Promise<FeatureCollection> => {
      const res = await fetchText(`${h.base}${query}`, headers);
      assert.equal(res.status, 200, res.body);
      assert.match(res.type, /^application\/geo\+json/);
      return JSON.parse(res.body) as FeatureCollection;
    };

    it('product search responses and features validate against the OGC 17-003 JSON schema', async () => {
      for (const query of ['/collections/S2-TEST/products?httpAccept=application/geo%2Bjson&count=50', '/collections/S1-TEST/products?format=json', '/collections/S2-TEST/products?format=json&count=0']) {
        const doc = await search(query);
        assert.deepEqual(schemaErrors(doc), [], query);
        for (const f of doc.features) assert.deepEqual(schemaErrors(f), [], f.id);
      }
      const single = JSON.parse((await fetchText(`${h.base}/collections/S2-TEST/products/P05?httpAccept=application/geo%2Bjson`)).body) as Feature;
      assert.deepEqual(schemaErrors(single), []);
      assert.equal(single.geometry?.type, 'MultiPolygon');
      // The check can fail: a feature without its required members does not pass.
      assert.deepEqual(schemaErrors({ ...single, properties: { ...single.properties, status: undefined } }), ["/properties must have required property 'status'"]);
      assert.deepEqual(schemaErrors({ type: 'FeatureCollection', features: [{ ...single, id: undefined }] }), ["/features/0 must have required property 'id'"]);
    });

    it('the FeatureCollection has the OGC 17-047 members: totalResults, startIndex, itemsPerPage, queries and grouped links', async () => {
      const doc = await search('/collections/S2-TEST/products?format=json&count=2&startIndex=2&cloudCover=[0,60]&bbox=-180,-90,180,90');
      assert.equal(doc.type, 'FeatureCollection');
      assert.equal(doc.id, `${h.base}/collections/S2-TEST/products?format=json&count=2&startIndex=2&cloudCover=[0,60]&bbox=-180,-90,180,90`);
      assert.equal(doc.totalResults, 4);
      assert.equal(doc.startIndex, 2);
      assert.equal(doc.itemsPerPage, 2);
      assert.deepEqual(doc.queries.request, [{ count: 2, startIndex: 2, 'geo:box': '-180,-90,180,90', 'eo:cloudCover': '[0,60]' }]);
      assert.equal(doc.properties.title, 'Products of Sentinel-2 test collection');
      assert.ok(!Number.isNaN(Date.parse(doc.properties.updated)));
      const links = doc.properties.links;
      assert.deepEqual(Object.keys(links).sort(), ['alternates', 'first', 'last', 'next', 'previous', 'profiles', 'search']);
      const at = (group: string) => new URL(links[group]![0]!.href).searchParams.get('startIndex');
      assert.deepEqual([at('first'), at('previous'), at('next'), at('last')], ['1', '1', '4', '3']);
      assert.equal(links.search![0]!.href, `${h.base}/collections/S2-TEST/description`);
      assert.equal(links.alternates![0]!.type, 'application/atom+xml');
    });

    it('features carry the EO properties, acquisition information and links to the Atom entry, metadata encodings and collection', async () => {
      const doc = await search('/collections/S2-TEST/products?format=json&uid=P02');
      const f = doc.features[0]!;
      assert.equal(f.properties.identifier, 'P02');
      assert.equal(f.properties.parentIdentifier, 'S2-TEST');
      assert.equal(f.properties.date, '2020-02-10T12:00:00.000Z/2020-02-10T12:00:10.000Z');
      const acquisition = f.properties.acquisitionInformation![0]!;
      assert.equal(acquisition.platform!.platformShortName, 'SENTINEL-2');
      assert.equal(acquisition.acquisitionParameters!.orbitNumber, 200);
      assert.equal(f.properties.productInformation!.cloudCover, 15);
      const alternates = f.properties.links.alternates!.map((l) => l.type);
      assert.ok(alternates.includes('application/atom+xml'));
      for (const format of h.catalogue.formats.list().filter((x) => (x.toXml || x.toJson) && x.name !== 'ogc17-003')) assert.ok(alternates.includes(format.mediaType), format.name);
      assert.equal(f.properties.links.up![0]!.href, `${h.base}/collections/S2-TEST?httpAccept=application%2Fgeo%2Bjson`);
      // Each link is followed to something real.
      for (const l of f.properties.links.alternates!) assert.equal((await fetchText(l.href)).status, 200, l.href);
    });

    it('collection search in GeoJSON links each collection to its own description (two-step search)', async () => {
      const doc = await search('/collections?format=json');
      assert.deepEqual(doc.features.map((f) => f.properties.identifier).sort(), ['S1-TEST', 'S2-TEST']);
      for (const f of doc.features) {
        const search = f.properties.links.search![0]!;
        assert.equal(search.href, `${h.base}/collections/${f.properties.identifier}/description`);
        assert.equal(search.type, 'application/opensearchdescription+xml');
        assert.equal((await fetchText(search.href)).status, 200);
      }
    });

    it('GeoJSON is chosen by httpAccept, format or the Accept header; Atom otherwise', async () => {
      const type = async (query: string, headers: Record<string, string> = {}) => (await fetchText(`${h.base}/collections${query}`, headers)).type.split(';')[0];
      assert.equal(await type('?httpAccept=application/geo%2Bjson'), 'application/geo+json');
      assert.equal(await type('?httpAccept=application/geo+json'), 'application/geo+json');
      assert.equal(await type('?format=json'), 'application/geo+json');
      assert.equal(await type('', { Accept: 'application/geo+json' }), 'application/geo+json');
      assert.equal(await type('', { Accept: 'application/atom+xml;q=0.5, application/json' }), 'application/geo+json');
      assert.equal(await type('', { Accept: 'text/html,*/*' }), 'application/atom+xml');
      assert.equal(await type(''), 'application/atom+xml');
      assert.equal(await type('?format=atom', { Accept: 'application/geo+json' }), 'application/atom+xml');
    });
  });
}
