import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { fetchText, fillTemplate, parse, S2_PUBLIC, serveFixtures, values } from './support.js';

for (const kind of testDatabaseKinds()) {
  describe(`OpenSearch search parameters (${kind.name})`, function () {
    this.timeout(30_000);
    const h = serveFixtures(kind);

    /** Identifiers an Atom product search of S2-TEST returns, in order. */
    const ids = async (query: string, collection = 'S2-TEST'): Promise<string[]> => {
      const res = await fetchText(`${h.base}/collections/${collection}/products?count=50&${query}`);
      assert.equal(res.status, 200, `${query}: ${res.body}`);
      return values(parse(res.body), '//atom:entry/dc:identifier');
    };
    const sorted = async (query: string, collection?: string) => (await ids(query, collection)).sort();

    it('two-step search: collections link to their description, whose template finds that collection\'s products only', async () => {
      const feed = parse((await fetchText(`${h.base}/collections`)).body);
      assert.deepEqual(values(feed, '//atom:entry/dc:identifier').sort(), ['S1-TEST', 'S2-TEST']);
      const description = values(feed, '//atom:entry[dc:identifier="S1-TEST"]/atom:link[@rel="search"][@type="application/opensearchdescription+xml"]/@href');
      assert.deepEqual(description, [`${h.base}/collections/S1-TEST/description`]);
      const template = values(parse((await fetchText(description[0]!)).body), '//os:Url[@type="application/atom+xml"][@rel="results"]/@template')[0]!;
      const products = parse((await fetchText(fillTemplate(template, { 'geo:box': '-10,-10,40,40' }))).body);
      assert.deepEqual(values(products, '//atom:entry/dc:identifier'), ['R01']);
      // Collection search takes the same Geo, Time and EO parameters.
      assert.deepEqual(values(parse((await fetchText(`${h.base}/collections?platform=SENTINEL-1`)).body), '//atom:entry/dc:identifier'), ['S1-TEST']);
      assert.deepEqual(values(parse((await fetchText(`${h.base}/collections?start=2019-06-01&end=2019-07-01`)).body), '//atom:entry/dc:identifier'), ['S1-TEST']);
      assert.deepEqual(values(parse((await fetchText(`${h.base}/collections?searchTerms=radar`)).body), '//atom:entry/dc:identifier'), ['S1-TEST']);
    });

    it('searchTerms needs every word, on the full-text index', async () => {
      assert.deepEqual(await sorted('searchTerms=Lyon'), ['P02']);
      assert.deepEqual(await sorted('searchTerms=lyon%20NOON'), ['P02']);
      assert.deepEqual(await sorted('searchTerms=Lyon%20Paris'), []);
      assert.deepEqual(await sorted('searchTerms=tiles'), ['P05']);
    });

    it('uid finds one record, only in its own collection', async () => {
      assert.deepEqual(await ids('uid=P03'), ['P03']);
      assert.deepEqual(await ids('uid=R01'), []);
      assert.deepEqual(await ids('uid=R01', 'S1-TEST'), ['R01']);
    });

    it('bbox intersects (across the antimeridian too); relation contains and disjoint', async () => {
      assert.deepEqual(await sorted('bbox=-1,-1,15,15'), ['P01', 'P02']);
      assert.deepEqual(await sorted('bbox=179,4,-179,7'), ['P04']);
      assert.deepEqual(await sorted('bbox=29,29,34,34&relation=contains'), ['P05']);
      assert.deepEqual(await sorted('bbox=30.5,29,34,34&relation=contains'), []);
      assert.deepEqual(await sorted('bbox=-1,-1,15,15&relation=disjoint'), ['P03', 'P04', 'P05']);
      assert.deepEqual(await sorted('bbox=179,4,-179,7&relation=contains'), ['P04']);
    });

    it('geometry is WKT in longitude latitude order, with the relation', async () => {
      assert.deepEqual(await sorted(`geometry=${encodeURIComponent('POLYGON((-1 -1, 15 -1, 15 15, -1 15, -1 -1))')}`), ['P01', 'P02']);
      assert.deepEqual(await sorted(`geometry=${encodeURIComponent('POINT(20.5 20.5)')}`), ['P03']);
      assert.deepEqual(await sorted(`geometry=${encodeURIComponent('LINESTRING(0.5 -5, 0.5 50)')}`), ['P01']);
      assert.deepEqual(await sorted(`geometry=${encodeURIComponent('MULTIPOINT((0.5 0.5),(10.5 10.5))')}`), ['P01', 'P02']);
      assert.deepEqual(await sorted(`relation=contains&geometry=${encodeURIComponent('POLYGON((29 29, 34 29, 34 34, 29 34, 29 29))')}`), ['P05']);
      assert.deepEqual(await sorted(`relation=disjoint&geometry=${encodeURIComponent('POLYGON((-1 -1, 15 -1, 15 15, -1 15, -1 -1))')}`), ['P03', 'P04', 'P05']);
    });

    it('lat/lon is a point, with radius (metres) a circle', async () => {
      assert.deepEqual(await sorted('lat=0.5&lon=0.5'), ['P01']);
      // 0.5° from P01's edge: 55.7 km.
      assert.deepEqual(await sorted('lat=0.5&lon=1.5&radius=60000'), ['P01']);
      assert.deepEqual(await sorted('lat=0.5&lon=1.5&radius=50000'), []);
      assert.deepEqual(await sorted('lat=0.5&lon=1.5&radius=60000&relation=disjoint'), ['P02', 'P03', 'P04', 'P05']);
      // P02's corners are 0.71° from its centre: inside a 0.9° circle, not a 0.6° one.
      assert.deepEqual(await sorted('lat=10.5&lon=10.5&radius=100000&relation=contains'), ['P02']);
      assert.deepEqual(await sorted('lat=10.5&lon=10.5&radius=66000&relation=contains'), []);
    });

    it('start and end bound the time range (a date or month covers its whole unit); timeRelation picks the relation', async () => {
      assert.deepEqual(await sorted('start=2020-02-01&end=2020-03-31'), ['P02', 'P03']);
      assert.deepEqual(await sorted('start=2020-03'), ['P03', 'P04', 'P05']);
      assert.deepEqual(await sorted('end=2020-01'), ['P01']);
      assert.deepEqual(await sorted('end=2020-02-10'), ['P01', 'P02']);
      assert.deepEqual(await sorted('start=2020-01-10T10:00:02Z&end=2020-01-10T10:00:05Z&timeRelation=contains'), ['P01']);
      assert.deepEqual(await sorted('start=2020-01-10T10:00:02Z&end=2020-01-10T10:00:05Z&timeRelation=during'), []);
      assert.deepEqual(await sorted('start=2020-01-01&end=2020-02-28&timeRelation=during'), ['P01', 'P02']);
      assert.deepEqual(await sorted('start=2020-02-10T12:00:00Z&end=2020-02-10T12:00:10Z&timeRelation=equals'), ['P02']);
      assert.deepEqual(await sorted('start=2020-02-01&end=2020-12-31&timeRelation=disjoint'), ['P01']);
    });

    it('EO parameters take values, {lists}, [ranges] with open or closed ends, and wildcards', async () => {
      assert.deepEqual(await sorted('cloudCover=[0,20]'), ['P01', 'P02']);
      assert.deepEqual(await sorted('cloudCover=]5,25['), ['P02']);
      assert.deepEqual(await sorted('cloudCover=]5,25]'), ['P02', 'P03']);
      assert.deepEqual(await sorted('cloudCover=[50'), ['P04', 'P05']);
      assert.deepEqual(await sorted('cloudCover=]50'), ['P05']);
      assert.deepEqual(await sorted('cloudCover=15]'), ['P01', 'P02']);
      assert.deepEqual(await sorted('cloudCover=15['), ['P01']);
      assert.deepEqual(await sorted('cloudCover={5,80}'), ['P01', 'P05']);
      assert.deepEqual(await sorted('cloudCover=25'), ['P03']);
      assert.deepEqual(await sorted('orbitNumber=[100,300]'), ['P01', 'P02', 'P03']);
      assert.deepEqual(await sorted('productType=S2MSI1C'), ['P03']);
      assert.deepEqual(await sorted('productType={S2MSI1C,S2MSI2A}'), S2_PUBLIC);
      assert.deepEqual(await sorted('platform=SENTINEL*'), S2_PUBLIC);
      assert.deepEqual(await sorted('platform=SENTINEL-?'), S2_PUBLIC);
      assert.deepEqual(await sorted('platform=sentinel-2'), []);
      assert.deepEqual(await sorted('orbitDirection=ASCENDING'), ['P01', 'P03', 'P05']);
      assert.deepEqual(await sorted('acquisitionType=CALIBRATION'), ['P03']);
      assert.deepEqual(await sorted('productionStatus=ARCHIVED&cloudCover=[0,20]&bbox=-1,-1,5,5'), ['P01']);
      // A comma outside braces is part of the value.
      assert.deepEqual(await sorted(`polarisationChannels=${encodeURIComponent('VV, VH')}`, 'S1-TEST'), ['R01']);
    });

    it('sortKeys orders the results; newest first by default', async () => {
      assert.deepEqual(await ids('sortKeys=cloudCover,,0'), ['P05', 'P04', 'P03', 'P02', 'P01']);
      assert.deepEqual(await ids('sortKeys=start,,1'), ['P01', 'P02', 'P03', 'P04', 'P05']);
      // Ties on the first key (no snow cover anywhere) fall to the second.
      assert.deepEqual(await ids('sortKeys=snowCover,,1%20cloudCover,,0'), ['P05', 'P04', 'P03', 'P02', 'P01']);
      assert.deepEqual(await ids(''), ['P05', 'P04', 'P03', 'P02', 'P01']);
    });

    it('names match in any case, empty values are absent, and unknown parameters are ignored (CEOS-BP-005F, 009B)', async () => {
      assert.deepEqual(await sorted('CLOUDCOVER=[0,20]&BBox=-1,-1,15,15'), ['P01', 'P02']);
      assert.deepEqual(await sorted('bbox=&start=&geometry=&cloudCover=&relation=&uid='), S2_PUBLIC);
      assert.deepEqual(await sorted('wrsPath=12&foo=bar&eo:platform=NOPE'), S2_PUBLIC);
      const query = values(parse((await fetchText(`${h.base}/collections/S2-TEST/products?wrsPath=12&relation=contains`)).body), '/atom:feed/os:Query/@*');
      assert.deepEqual(query, ['request', '10', '1']);
    });

    it('Atom and GeoJSON answer the same search alike', async () => {
      for (const query of ['cloudCover=[0,30]', 'bbox=179,4,-179,7', 'start=2020-03&sortKeys=cloudCover,,0']) {
        const json = JSON.parse((await fetchText(`${h.base}/collections/S2-TEST/products?format=json&${query}`)).body) as { features: Array<{ properties: { identifier: string } }> };
        assert.deepEqual(json.features.map((f) => f.properties.identifier), await ids(query), query);
      }
    });
  });
}
