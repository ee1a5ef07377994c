import assert from 'node:assert/strict';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { assertValidXml } from '../../helpers/xsd.js';
import { fetchText, parse, serveFixtures, values } from './support.js';

/** Bad product searches in S2-TEST and the parameter each error must name. */
const BAD: Array<[query: string, locator: string, code?: string]> = [
  ['bbox=1,2,3', 'bbox'],
  ['bbox=a,b,c,d', 'bbox'],
  ['bbox=0,10,5,5', 'bbox'],
  ['bbox=0,0,200,5', 'bbox'],
  ['bbox=0,0,1,1,EPSG:4326', 'bbox'],
  ['relation=overlaps&bbox=0,0,1,1', 'relation'],
  ['timeRelation=before&start=2020-01-01', 'timeRelation'],
  ['start=2020-13-45', 'start'],
  ['end=yesterday', 'end'],
  ['start=2020-05-01&end=2020-04-01', 'end'],
  ['count=51', 'count'],
  ['count=-1', 'count'],
  ['count=ten', 'count'],
  ['startIndex=0', 'startIndex'],
  ['startPage=0', 'startPage'],
  ['geometry=POLYGON((0 0, 1 1', 'geometry'],
  ['geometry=POLYGON((0 0, 1 0, 1 1, 0 1))', 'geometry'],
  ['geometry=POINT(200 10)', 'geometry'],
  ['geometry=CIRCLE(1 1, 5)', 'geometry'],
  ['lat=10', 'lon', 'MissingParameterValue'],
  ['lon=10', 'lat', 'MissingParameterValue'],
  ['radius=100', 'lat', 'MissingParameterValue'],
  ['lat=100&lon=0', 'lat'],
  ['lat=0&lon=0&radius=-5', 'radius'],
  ['cloudCover=[a,b]', 'cloudCover'],
  ['cloudCover=[20,10]', 'cloudCover'],
  ['cloudCover={10,}', 'cloudCover'],
  ['cloudCover=[1,2,3]', 'cloudCover'],
  ['orbitNumber=1.5', 'orbitNumber'],
  ['sortKeys=geometry', 'sortKeys'],
  ['sortKeys=cloudCover,,2', 'sortKeys'],
  ['httpAccept=text/csv', 'httpAccept'],
  ['format=kml', 'format'],
  ['uid=P01&uid=P02', 'uid'],
];

for (const kind of testDatabaseKinds()) {
  describe(`OpenSearch errors (${kind.name})`, function () {
    this.timeout(30_000);
    const h = serveFixtures(kind);

    it('bad input is a 400 OWS 2.0 ExceptionReport naming the parameter, valid against its schema', async () => {
      for (const [query, locator, code = 'InvalidParameterValue'] of BAD) {
        const res = await fetchText(`${h.base}/collections/S2-TEST/products?${query.replace(/ /g, '%20')}`);
        assert.equal(res.status, 400, `${query}: ${res.body}`);
        assert.match(res.type, /^application\/xml/, query);
        const doc = parse(res.body);
        assert.deepEqual(values(doc, '/ows:ExceptionReport/ows:Exception/@locator'), [locator], `${query}: ${res.body}`);
        assert.deepEqual(values(doc, '/ows:ExceptionReport/ows:Exception/@exceptionCode'), [code], query);
        assert.ok(values(doc, '//ows:ExceptionText')[0]!.length > 0);
        assertValidXml(res.body, 'ogc/ows/2.0/owsExceptionReport.xsd');
      }
    });

    it('collection search refuses bad input the same way', async () => {
      for (const url of [`${h.base}/collections?bbox=1,2`, `${h.base}/collections?count=1000`, `${h.base}/collections?start=2020-99`]) {
        const res = await fetchText(url);
        assert.equal(res.status, 400, url);
        assert.equal(values(parse(res.body), '//ows:Exception/@locator').length, 1);
      }
    });

    it('a request for GeoJSON gets its error as JSON (problem details with the code and locator)', async () => {
      for (const [url, headers] of [
        [`${h.base}/collections/S2-TEST/products?format=json&bbox=1,2,3`, {}],
        [`${h.base}/collections/S2-TEST/products?httpAccept=application/geo%2Bjson&bbox=1,2,3`, {}],
        [`${h.base}/collections/S2-TEST/products?bbox=1,2,3`, { Accept: 'application/geo+json' }],
      ] as const) {
        const res = await fetchText(url, headers);
        assert.equal(res.status, 400);
        assert.match(res.type, /^application\/problem\+json/);
        const body = JSON.parse(res.body) as { status: number; code: string; locator: string; detail: string };
        assert.equal(body.status, 400);
        assert.equal(body.code, 'InvalidParameterValue');
        assert.equal(body.locator, 'bbox');
        assert.match(body.detail, /bbox/);
      }
      const missing = await fetchText(`${h.base}/collections/NOPE/products?format=json`);
      assert.equal(missing.status, 404);
      assert.match(missing.type, /^application\/problem\+json/);
    });

    it('a missing collection or product is a 404 ExceptionReport', async () => {
      for (const path of ['/collections/NOPE', '/collections/NOPE/products', '/collections/S2-TEST/products/NOPE', '/collections/P01/products']) {
        const res = await fetchText(`${h.base}${path}`);
        assert.equal(res.status, 404, path);
        assert.deepEqual(values(parse(res.body), '//ows:Exception/@exceptionCode'), ['NoApplicableCode']);
        assertValidXml(res.body, 'ogc/ows/2.0/owsExceptionReport.xsd');
      }
    });

    it('odd but well-formed input never fails the server', async () => {
      const odd = [
        'searchTerms=%22quoted%22%20AND%20(x)%20*',
        "searchTerms=O'Brien%20%25%20_",
        'geometry=GEOMETRYCOLLECTION(POINT(0.5%200.5),LINESTRING(10%2010,11%2011))',
        'bbox=-180,-90,180,90&relation=contains',
        'platform=%5C*literal%5C?',
        'cloudCover=%7B5%7D',
        'start=2020-01-10T11:00:00%2B01:00',
        'sortKeys=start,,0%20%20title,,1',
      ];
      for (const q of odd) {
        const res = await fetchText(`${h.base}/collections/S2-TEST/products?${q}`);
        assert.equal(res.status, 200, `${q}: ${res.body}`);
      }
      // A zoned start is the instant it names: 11:00+01:00 is 10:00Z, P01's start.
      assert.deepEqual(values(parse((await fetchText(`${h.base}/collections/S2-TEST/products?start=2020-01-10T11:00:00%2B01:00&end=2020-01-10T11:00:05%2B01:00`)).body), '//atom:entry/dc:identifier'), ['P01']);
    });
  });
}
