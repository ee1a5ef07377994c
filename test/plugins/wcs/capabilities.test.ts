/**
 * GetCapabilities, DescribeCoverage and DescribeEOCoverageSet on the real server over GDAL-made
 * rasters: valid against the official WCS 2.0 / EO-WCS 1.0 schemas, with the grids, axis orders,
 * range types and EO metadata the coverages have, and only what the subject may read.
 */
import assert from 'node:assert/strict';
import { validateXml } from '../../helpers/xsd.js';
import { addUser, basicAuth, exception, get, post, SCHEMAS, startWcs, xpath, type WcsHarness } from './support.js';

const CAPS = { service: 'WCS', request: 'GetCapabilities' };
const describe_ = (ids: string) => ({ service: 'WCS', version: '2.0.1', request: 'DescribeCoverage', coverageId: ids });

describe('wcs GetCapabilities, DescribeCoverage and DescribeEOCoverageSet', function () {
  this.timeout(120_000);
  let h: WcsHarness;
  before(async () => {
    h = await startWcs();
  });
  after(async () => h?.close());

  describe('GetCapabilities', () => {
    it('is valid against wcsAll.xsd and wcsEOAll.xsd, version 2.0.1, with the extension profiles', async () => {
      const res = await get(h.url, CAPS);
      assert.equal(res.status, 200);
      assert.match(res.contentType, /^application\/xml/);
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs), []);
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcseo), []);
      assert.deepEqual(xpath(res.text, '/wcs:Capabilities/@version'), ['2.0.1']);
      const profiles = xpath(res.text, '//ows:ServiceIdentification/ows:Profile');
      for (const p of [
        'http://www.opengis.net/spec/WCS/2.0/conf/core',
        'http://www.opengis.net/spec/WCS_protocol-binding_get-kvp/1.0/conf/get-kvp',
        'http://www.opengis.net/spec/WCS_protocol-binding_post-xml/1.0/conf/post-xml',
        'http://www.opengis.net/spec/GMLCOV_geotiff-coverages/1.0/conf/geotiff-coverage',
        'http://www.opengis.net/spec/WCS_service-extension_crs/1.0/conf/crs',
        'http://www.opengis.net/spec/WCS_service-extension_scaling/1.0/conf/scaling',
        'http://www.opengis.net/spec/WCS_service-extension_range-subsetting/1.0/conf/record-subsetting',
        'http://www.opengis.net/spec/WCS_service-extension_interpolation/1.0/conf/interpolation',
        'http://www.opengis.net/spec/WCS_application-profile_earth-observation/1.0/conf/eowcs',
      ]) {
        assert.ok(profiles.includes(p), `missing profile ${p}`);
      }
      assert.deepEqual(xpath(res.text, '//ows:OperationsMetadata/ows:Operation/@name'), ['GetCapabilities', 'DescribeCoverage', 'GetCoverage', 'DescribeEOCoverageSet']);
      assert.deepEqual(xpath(res.text, "//ows:Operation[@name='GetCoverage']//ows:Get/@xlink:href"), [`${h.url}?`]);
      assert.deepEqual(xpath(res.text, "//ows:OperationsMetadata/ows:Constraint[@name='CountDefault']/ows:DefaultValue"), ['100']);
    });

    it('ServiceMetadata lists the formats, the interpolations and the CRSs, native ones included', async () => {
      const res = await get(h.url, CAPS);
      assert.deepEqual(xpath(res.text, '//wcs:ServiceMetadata/wcs:formatSupported'), ['image/tiff', 'image/png', 'image/jpeg', 'application/gml+xml']);
      assert.deepEqual(xpath(res.text, '//wcs:ServiceMetadata/wcs:Extension/int:InterpolationMetadata/int:InterpolationSupported'), [
        'http://www.opengis.net/def/interpolation/OGC/1/nearest-neighbor',
        'http://www.opengis.net/def/interpolation/OGC/1/linear',
        'http://www.opengis.net/def/interpolation/OGC/1/cubic',
      ]);
      const crs = xpath(res.text, '//wcs:ServiceMetadata/wcs:Extension/crs:CrsMetadata/crs:crsSupported');
      assert.ok(crs.includes('http://www.opengis.net/def/crs/EPSG/0/4326'));
      assert.ok(crs.includes('http://www.opengis.net/def/crs/EPSG/0/32631'));
      assert.ok(crs.includes('http://www.opengis.net/def/crs/OGC/1.3/CRS84'));
    });

    it('Contents: a CoverageSummary per readable coverage with its WGS84 and native boxes, series also as DatasetSeriesSummary', async () => {
      const res = await get(h.url, CAPS);
      assert.deepEqual(xpath(res.text, '//wcs:CoverageSummary/wcs:CoverageId').sort(), ['dem', 'monthly', 'rgb']);
      assert.deepEqual(xpath(res.text, "//wcs:CoverageSummary[wcs:CoverageId='rgb']/wcs:CoverageSubtype"), ['RectifiedGridCoverage']);
      const lower = xpath(res.text, "//wcs:CoverageSummary[wcs:CoverageId='rgb']/ows:WGS84BoundingBox/ows:LowerCorner")[0]!.split(' ').map(Number);
      assert.deepEqual(lower, [10, 49]);
      // EPSG:4326 native box in its authority order: lat first.
      assert.deepEqual(xpath(res.text, "//wcs:CoverageSummary[wcs:CoverageId='rgb']/ows:BoundingBox/@crs"), ['http://www.opengis.net/def/crs/EPSG/0/4326']);
      assert.deepEqual(xpath(res.text, "//wcs:CoverageSummary[wcs:CoverageId='rgb']/ows:BoundingBox/ows:UpperCorner")[0]!.split(' ').map(Number), [50, 12]);
      assert.deepEqual(xpath(res.text, "//wcs:CoverageSummary[wcs:CoverageId='dem']/ows:BoundingBox/ows:LowerCorner")[0]!.split(' ').map(Number), [500000, 4994000]);
      assert.deepEqual(xpath(res.text, '//wcs:Contents/wcs:Extension/wcseo:DatasetSeriesSummary/wcseo:DatasetSeriesId'), ['monthly']);
      assert.deepEqual(xpath(res.text, '//wcseo:DatasetSeriesSummary/gml:TimePeriod/gml:beginPosition').map((t) => t.slice(0, 10)), ['2020-01-01']);
      assert.deepEqual(xpath(res.text, '//wcseo:DatasetSeriesSummary/gml:TimePeriod/gml:endPosition').map((t) => t.slice(0, 10)), ['2020-03-01']);
    });

    it('lists a private coverage only to a subject who may read it', async () => {
      const alice = await addUser(h, 'alice');
      const bob = await addUser(h, 'bob');
      const ids = async (headers: Record<string, string>) => xpath((await get(h.url, CAPS, headers)).text, '//wcs:CoverageSummary/wcs:CoverageId');
      assert.ok(!(await ids({})).includes('secret'));
      assert.ok(!(await ids(basicAuth(bob))).includes('secret'));
      assert.ok((await ids(basicAuth(alice))).includes('secret'));
      const denied = await get(h.url, describe_('secret'), basicAuth(bob));
      assert.equal(denied.status, 404);
      assert.equal(exception(denied.text).code, 'NoSuchCoverage');
      assert.equal((await get(h.url, describe_('secret'), basicAuth(alice))).status, 200);
    });

    it('answers one section, EO sections, AcceptVersions negotiation and the XML binding', async () => {
      const one = await get(h.url, { ...CAPS, sections: 'ServiceMetadata' });
      assert.deepEqual(validateXml(one.text, SCHEMAS.wcs), []);
      assert.equal(xpath(one.text, '//ows:ServiceIdentification').length, 0);
      assert.equal(xpath(one.text, '//wcs:formatSupported').length, 4);
      const series = await get(h.url, { ...CAPS, sections: 'DatasetSeriesSummary' });
      assert.equal(xpath(series.text, '//wcs:CoverageSummary').length, 0);
      assert.deepEqual(xpath(series.text, '//wcseo:DatasetSeriesId'), ['monthly']);
      const v200 = await get(h.url, { ...CAPS, acceptVersions: '1.5.0,2.0.0' });
      assert.deepEqual(xpath(v200.text, '/wcs:Capabilities/@version'), ['2.0.0']);
      const failed = await get(h.url, { ...CAPS, acceptVersions: '0.8.0,3.0.0' });
      assert.equal(failed.status, 400);
      assert.equal(exception(failed.text).code, 'VersionNegotiationFailed');
      assert.deepEqual(validateXml(failed.text, SCHEMAS.owsException), []);
      const xml = await post(
        h.url,
        `<wcs:GetCapabilities xmlns:wcs="http://www.opengis.net/wcs/2.0" xmlns:ows="http://www.opengis.net/ows/2.0" service="WCS"><ows:AcceptVersions><ows:Version>2.0.1</ows:Version></ows:AcceptVersions><ows:Sections><ows:Section>Contents</ows:Section></ows:Sections></wcs:GetCapabilities>`,
      );
      assert.equal(xml.status, 200);
      assert.deepEqual(validateXml(xml.text, SCHEMAS.wcs), []);
      assert.equal(xpath(xml.text, '//wcs:CoverageSummary').length, 3);
      const bad = await get(h.url, { ...CAPS, sections: 'Nonsense' });
      assert.equal(exception(bad.text).code, 'InvalidParameterValue');
    });
  });

  describe('DescribeCoverage', () => {
    it('describes an EPSG:4326 coverage in lat/long order: envelope, grid, origin at the first cell centre, offset vectors', async () => {
      const res = await get(h.url, describe_('rgb'));
      assert.equal(res.status, 200);
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs), []);
      const d = "//wcs:CoverageDescription[@gml:id='rgb']";
      assert.deepEqual(xpath(res.text, `${d}/gml:boundedBy/gml:Envelope/@srsName`), ['http://www.opengis.net/def/crs/EPSG/0/4326']);
      assert.deepEqual(xpath(res.text, `${d}/gml:boundedBy/gml:Envelope/@axisLabels`), ['Lat Long']);
      assert.deepEqual(xpath(res.text, `${d}/gml:boundedBy/gml:Envelope/@uomLabels`), ['deg deg']);
      assert.deepEqual(xpath(res.text, `${d}/gml:boundedBy/gml:Envelope/@srsDimension`), ['2']);
      assert.deepEqual(xpath(res.text, `${d}/gml:boundedBy/gml:Envelope/gml:lowerCorner`)[0]!.split(' ').map(Number), [49, 10]);
      assert.deepEqual(xpath(res.text, `${d}/gml:boundedBy/gml:Envelope/gml:upperCorner`)[0]!.split(' ').map(Number), [50, 12]);
      const grid = `${d}/gml:domainSet/gml:RectifiedGrid`;
      assert.deepEqual(xpath(res.text, `${grid}/gml:limits/gml:GridEnvelope/gml:high`), ['99 199']);
      assert.deepEqual(xpath(res.text, `${grid}/gml:axisLabels`), ['Lat Long']);
      const origin = xpath(res.text, `${grid}/gml:origin/gml:Point/gml:pos`)[0]!.split(' ').map(Number);
      assert.ok(Math.abs(origin[0]! - 49.995) < 1e-9 && Math.abs(origin[1]! - 10.005) < 1e-9, `origin ${origin}`);
      const offsets = xpath(res.text, `${grid}/gml:offsetVector`).map((v) => v.split(' ').map(Number));
      assert.deepEqual(offsets, [
        [-0.01, 0],
        [0, 0.01],
      ]);
      assert.deepEqual(xpath(res.text, `${d}/gml:coverageFunction/gml:GridFunction/gml:sequenceRule/@axisOrder`), ['+2 +1']);
      assert.deepEqual(xpath(res.text, `${d}/gmlcov:rangeType/swe:DataRecord/swe:field/@name`), ['red', 'green', 'blue']);
      assert.deepEqual(xpath(res.text, `${d}/gmlcov:rangeType//swe:field[1]/swe:Quantity/swe:constraint/swe:AllowedValues/swe:interval`), ['0 255']);
      assert.deepEqual(xpath(res.text, `${d}/wcs:ServiceParameters/wcs:CoverageSubtype`), ['RectifiedGridCoverage']);
      assert.deepEqual(xpath(res.text, `${d}/wcs:ServiceParameters/wcs:nativeFormat`), ['image/tiff']);
    });

    it('describes a UTM coverage in E/N order with its nodata as a nil value', async () => {
      const res = await get(h.url, describe_('dem'));
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs), []);
      const d = "//wcs:CoverageDescription[@gml:id='dem']";
      assert.deepEqual(xpath(res.text, `${d}/gml:boundedBy/gml:Envelope/@axisLabels`), ['E N']);
      assert.deepEqual(xpath(res.text, `${d}/gml:boundedBy/gml:Envelope/@uomLabels`), ['m m']);
      assert.deepEqual(xpath(res.text, `${d}/gml:boundedBy/gml:Envelope/@srsName`), ['http://www.opengis.net/def/crs/EPSG/0/32631']);
      assert.deepEqual(xpath(res.text, `${d}//gml:GridEnvelope/gml:high`), ['299 199']);
      assert.deepEqual(xpath(res.text, `${d}//gml:origin/gml:Point/gml:pos`)[0]!.split(' ').map(Number), [500015, 4999985]);
      assert.deepEqual(xpath(res.text, `${d}//gml:offsetVector`).map((v) => v.split(' ').map(Number)), [
        [30, 0],
        [0, -30],
      ]);
      assert.deepEqual(xpath(res.text, `${d}//swe:field/@name`), ['elevation']);
      assert.deepEqual(xpath(res.text, `${d}//swe:field/swe:Quantity/swe:nilValues/swe:NilValues/swe:nilValue`), ['-9999']);
    });

    it('describes a series with its time extent (EnvelopeWithTimePeriod, a time axis label)', async () => {
      const res = await get(h.url, describe_('monthly'));
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs), []);
      assert.deepEqual(xpath(res.text, '//gml:EnvelopeWithTimePeriod/@axisLabels'), ['Lat Long time']);
      assert.deepEqual(xpath(res.text, '//gml:EnvelopeWithTimePeriod/gml:beginPosition').map((t) => t.slice(0, 10)), ['2020-01-01']);
    });

    it('describes several coverages in one request (KVP list and XML), and refuses unknown ones with NoSuchCoverage 404', async () => {
      const two = await get(h.url, describe_('dem,rgb'));
      assert.deepEqual(xpath(two.text, '//wcs:CoverageDescription/wcs:CoverageId'), ['dem', 'rgb']);
      const xml = await post(h.url, `<wcs:DescribeCoverage xmlns:wcs="http://www.opengis.net/wcs/2.0" service="WCS" version="2.0.1"><wcs:CoverageId>rgb</wcs:CoverageId></wcs:DescribeCoverage>`);
      assert.equal(xml.status, 200);
      assert.deepEqual(xpath(xml.text, '//wcs:CoverageDescription/wcs:CoverageId'), ['rgb']);
      const missing = await get(h.url, describe_('rgb,nope'));
      assert.equal(missing.status, 404);
      assert.deepEqual(exception(missing.text), { code: 'NoSuchCoverage', locator: 'nope', text: "No coverage 'nope' is offered" });
      assert.deepEqual(validateXml(missing.text, SCHEMAS.owsException), []);
    });
  });

  describe('DescribeEOCoverageSet', () => {
    it('describes a dataset series and its granules as RectifiedDatasets with EO metadata, valid against wcsEOAll.xsd', async () => {
      const res = await get(h.url, { service: 'WCS', version: '2.0.1', request: 'DescribeEOCoverageSet', eoId: 'monthly' });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcseo), []);
      assert.deepEqual(xpath(res.text, '/wcseo:EOCoverageSetDescription/@numberMatched'), ['3']);
      assert.deepEqual(xpath(res.text, '/wcseo:EOCoverageSetDescription/@numberReturned'), ['3']);
      assert.equal(xpath(res.text, '//wcs:CoverageDescription/wcs:ServiceParameters/wcs:CoverageSubtype').filter((s) => s === 'RectifiedDataset').length, 3);
      const times = xpath(res.text, '//wcseo:EOMetadata/eop:EarthObservation/om:phenomenonTime/gml:TimePeriod/gml:beginPosition').map((t) => t.slice(0, 10));
      assert.deepEqual(times.sort(), ['2020-01-01', '2020-02-01', '2020-03-01']);
      assert.equal(xpath(res.text, '//eop:EarthObservation/om:featureOfInterest/eop:Footprint//gml:posList').length, 3);
      assert.deepEqual(xpath(res.text, '//wcseo:DatasetSeriesDescription/wcseo:DatasetSeriesId'), ['monthly']);
    });

    it('trims on phenomenonTime, Lat and Long with overlaps or contains, limits by count, and answers sections', async () => {
      const base = { service: 'WCS', version: '2.0.1', request: 'DescribeEOCoverageSet', eoId: 'monthly' };
      const feb = await get(h.url, [...Object.entries(base), ['subset', 'phenomenonTime("2020-01-15","2020-02-15")']]);
      assert.deepEqual(xpath(feb.text, '/wcseo:EOCoverageSetDescription/@numberMatched'), ['1']);
      assert.deepEqual(xpath(feb.text, '//om:phenomenonTime//gml:beginPosition').map((t) => t.slice(0, 10)), ['2020-02-01']);
      const far = await get(h.url, [...Object.entries(base), ['subset', 'Lat(0,1)']]);
      assert.deepEqual(xpath(far.text, '/wcseo:EOCoverageSetDescription/@numberMatched'), ['0']);
      assert.deepEqual(validateXml(far.text, SCHEMAS.wcseo), []);
      const overlapping = await get(h.url, [...Object.entries(base), ['subset', 'Long(11,11.5)'], ['subset', 'Lat(49.5,49.8)']]);
      assert.deepEqual(xpath(overlapping.text, '/wcseo:EOCoverageSetDescription/@numberMatched'), ['3']);
      const contained = await get(h.url, [...Object.entries(base), ['subset', 'Long(11,11.5)'], ['subset', 'Lat(49.5,49.8)'], ['containment', 'contains']]);
      assert.deepEqual(xpath(contained.text, '/wcseo:EOCoverageSetDescription/@numberMatched'), ['0']);
      const counted = await get(h.url, { ...base, count: '2' });
      assert.deepEqual(xpath(counted.text, '/wcseo:EOCoverageSetDescription/@numberReturned'), ['2']);
      assert.deepEqual(xpath(counted.text, '/wcseo:EOCoverageSetDescription/@numberMatched'), ['3']);
      const seriesOnly = await get(h.url, { ...base, sections: 'DatasetSeriesDescriptions' });
      assert.deepEqual(validateXml(seriesOnly.text, SCHEMAS.wcseo), []);
      assert.equal(xpath(seriesOnly.text, '//wcs:CoverageDescriptions').length, 0);
      assert.deepEqual(xpath(seriesOnly.text, '//wcseo:DatasetSeriesId'), ['monthly']);
    });

    it('takes the XML binding; refuses non-EO ids, bad containment and other axes', async () => {
      const xml = await post(
        h.url,
        `<wcseo:DescribeEOCoverageSet xmlns:wcseo="http://www.opengis.net/wcs/wcseo/1.0" xmlns:wcs="http://www.opengis.net/wcs/2.0" service="WCS" version="2.0.1" count="10"><wcseo:eoId>monthly</wcseo:eoId><wcseo:containment>OVERLAPS</wcseo:containment><wcs:DimensionTrim><wcs:Dimension>phenomenonTime</wcs:Dimension><wcs:TrimLow>2020-02-01</wcs:TrimLow></wcs:DimensionTrim></wcseo:DescribeEOCoverageSet>`,
      );
      assert.equal(xml.status, 200, xml.text);
      assert.deepEqual(validateXml(xml.text, SCHEMAS.wcseo), []);
      assert.deepEqual(xpath(xml.text, '/wcseo:EOCoverageSetDescription/@numberMatched'), ['2']);
      const notEo = await get(h.url, { service: 'WCS', version: '2.0.1', request: 'DescribeEOCoverageSet', eoId: 'rgb' });
      assert.equal(notEo.status, 404);
      assert.equal(exception(notEo.text).code, 'NoSuchDatasetSeriesOrCoverage');
      const bad = await get(h.url, { service: 'WCS', version: '2.0.1', request: 'DescribeEOCoverageSet', eoId: 'monthly', containment: 'within' });
      assert.equal(bad.status, 400);
      assert.deepEqual(exception(bad.text).code, 'InvalidParameterValue');
      const axis = await get(h.url, [['service', 'WCS'], ['version', '2.0.1'], ['request', 'DescribeEOCoverageSet'], ['eoId', 'monthly'], ['subset', 'height(0,1)']]);
      assert.equal(exception(axis.text).code, 'InvalidAxisLabel');
    });
  });

  describe('registry and bindings', () => {
    it('registers the WCS service and its conformance classes', async () => {
      const services = (await (await fetch(`${h.server.url}/services`, { headers: { Accept: 'application/json' } })).json()) as unknown;
      const list = (Array.isArray(services) ? services : (services as { services: unknown[] }).services) as Array<{ type: string; versions: string[]; url: string; capabilitiesUrl?: string }>;
      const wcs = list.find((s) => s.type === 'WCS');
      assert.ok(wcs, JSON.stringify(services));
      assert.deepEqual(wcs.versions, ['2.0.1', '2.0.0', '1.1.1', '1.0.0']);
      assert.match(wcs.capabilitiesUrl ?? '', /\/wcs\?service=WCS&request=GetCapabilities$/);
      const conformance = JSON.stringify(await (await fetch(`${h.server.url}/conformance`, { headers: { Accept: 'application/json' } })).json());
      assert.ok(conformance.includes('http://www.opengis.net/spec/WCS/2.0/conf/core'));
      assert.ok(conformance.includes('http://www.opengis.net/spec/WCS_application-profile_earth-observation/1.0/conf/eowcs'));
    });

    it('takes KVP in a form POST too', async () => {
      const res = await fetch(h.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'service=WCS&version=2.0.1&request=DescribeCoverage&coverageId=dem',
      });
      assert.equal(res.status, 200);
      assert.deepEqual(xpath(await res.text(), '//wcs:CoverageDescription/wcs:CoverageId'), ['dem']);
    });
  });

  describe('request checks', () => {
    it('MissingParameterValue, InvalidParameterValue, OperationNotSupported, InvalidEncodingSyntax', async () => {
      const noRequest = await get(h.url, { service: 'WCS' });
      assert.equal(noRequest.status, 400);
      assert.deepEqual([exception(noRequest.text).code, exception(noRequest.text).locator], ['MissingParameterValue', 'request']);
      const noService = await get(h.url, { request: 'GetCapabilities' });
      assert.deepEqual([exception(noService.text).code, exception(noService.text).locator], ['MissingParameterValue', 'service']);
      const wrongService = await get(h.url, { service: 'WMS', request: 'GetCapabilities' });
      assert.deepEqual([exception(wrongService.text).code, exception(wrongService.text).locator], ['InvalidParameterValue', 'service']);
      const noVersion = await get(h.url, { service: 'WCS', request: 'DescribeCoverage', coverageId: 'rgb' });
      assert.deepEqual([exception(noVersion.text).code, exception(noVersion.text).locator], ['MissingParameterValue', 'version']);
      const badVersion = await get(h.url, { service: 'WCS', version: '1.5.0', request: 'DescribeCoverage', coverageId: 'rgb' });
      assert.deepEqual([exception(badVersion.text).code, exception(badVersion.text).locator], ['InvalidParameterValue', 'version']);
      const op = await get(h.url, { service: 'WCS', version: '2.0.1', request: 'ProcessCoverages' });
      assert.equal(op.status, 501);
      assert.equal(exception(op.text).code, 'OperationNotSupported');
      const broken = await post(h.url, '<wcs:GetCoverage xmlns:wcs="http://www.opengis.net/wcs/2.0"><wcs:CoverageId>rgb</wcs:Cov');
      assert.equal(broken.status, 400);
      assert.equal(exception(broken.text).code, 'InvalidEncodingSyntax');
      const foreign = await post(h.url, '<GetCoverage xmlns="urn:other"/>');
      assert.equal(exception(foreign.text).code, 'InvalidEncodingSyntax');
      const empty = await post(h.url, `<wcs:DescribeCoverage xmlns:wcs="http://www.opengis.net/wcs/2.0" service="WCS" version="2.0.1"/>`);
      assert.equal(empty.status, 404);
      assert.equal(exception(empty.text).code, 'EmptyCoverageIdList');
    });
  });
});
