/**
 * WCS 1.0.0 and 1.1.1 GetCapabilities and DescribeCoverage on the real server over GDAL-made
 * rasters: valid against the official schemas (WCS 1.0.0, and WCS 1.1.1 as the OGC 1.1.1 test
 * suite has them), with the grids, CRSs, bands, nodata and times the coverages have; version
 * negotiation over HTTP; errors in each version's own report.
 */
import assert from 'node:assert/strict';
import { validateXml } from '../../helpers/xsd.js';
import { addUser, basicAuth, exception, get, post, SCHEMAS, startWcs, xpath, type WcsHarness } from './support.js';

const caps10 = { service: 'WCS', version: '1.0.0', request: 'GetCapabilities' };
const describe10 = (coverage?: string) => ({ service: 'WCS', version: '1.0.0', request: 'DescribeCoverage', ...(coverage === undefined ? {} : { coverage }) });
const describe11 = (identifiers: string, version = '1.1.1') => ({ service: 'WCS', version, request: 'DescribeCoverage', identifiers });
const numbers = (text: string | undefined) => (text ?? '').trim().split(/\s+/).map(Number);

describe('wcs 1.0.0 and 1.1.1 documents', function () {
  this.timeout(120_000);
  let h: WcsHarness;
  before(async () => {
    h = await startWcs();
  });
  after(async () => h?.close());

  describe('WCS 1.0.0 GetCapabilities', () => {
    it('is a WCS_Capabilities valid against wcsCapabilities.xsd: Service, the three operations on GET, ServiceExceptionReport, a CoverageOfferingBrief per coverage', async () => {
      const res = await get(h.url, caps10);
      assert.equal(res.status, 200);
      assert.match(res.contentType, /^text\/xml/);
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs10Capabilities), []);
      assert.deepEqual(xpath(res.text, '/w10:WCS_Capabilities/@version'), ['1.0.0']);
      assert.deepEqual(xpath(res.text, '/w10:WCS_Capabilities/w10:Service/w10:label'), ['Meridian coverages (WCS)']);
      for (const op of ['GetCapabilities', 'DescribeCoverage', 'GetCoverage']) {
        assert.deepEqual(xpath(res.text, `//w10:Capability/w10:Request/w10:${op}/w10:DCPType/w10:HTTP/w10:Get/w10:OnlineResource/@xlink:href`), [`${h.url}?`], op);
      }
      assert.deepEqual(xpath(res.text, '//w10:Capability/w10:Exception/w10:Format'), ['application/vnd.ogc.se_xml']);
      assert.deepEqual(xpath(res.text, '//w10:CoverageOfferingBrief/w10:name').sort(), ['dem', 'monthly', 'rgb']);
      const rgb = "//w10:CoverageOfferingBrief[w10:name='rgb']";
      assert.deepEqual(xpath(res.text, `${rgb}/w10:label`), ['RGB test image']);
      assert.deepEqual(xpath(res.text, `${rgb}/w10:description`), ['Three bands of byte patterns']);
      assert.deepEqual(xpath(res.text, `${rgb}/w10:lonLatEnvelope/@srsName`), ['urn:ogc:def:crs:OGC:1.3:CRS84']);
      const corners = xpath(res.text, `${rgb}/w10:lonLatEnvelope/gml31:pos`).map(numbers);
      assert.deepEqual(corners.map((c) => c.map((v) => Math.round(v * 1e9) / 1e9)), [[10, 49], [12, 50]]);
      // A series carries its first and last instant in the envelope.
      assert.deepEqual(xpath(res.text, "//w10:CoverageOfferingBrief[w10:name='monthly']/w10:lonLatEnvelope/gml31:timePosition").map((t) => t.slice(0, 10)), ['2020-01-01', '2020-03-01']);
    });

    it('answers one SECTION as the root, and lists a private coverage only to who may read it', async () => {
      const service = await get(h.url, { ...caps10, section: '/WCS_Capabilities/Service' });
      assert.deepEqual(validateXml(service.text, SCHEMAS.wcs10Capabilities), []);
      assert.deepEqual(xpath(service.text, '/w10:Service/w10:fees'), ['NONE']);
      const content = await get(h.url, { ...caps10, section: '/WCS_Capabilities/ContentMetadata' });
      assert.deepEqual(validateXml(content.text, SCHEMAS.wcs10Capabilities), []);
      assert.equal(xpath(content.text, '/w10:ContentMetadata/w10:CoverageOfferingBrief').length, 3);
      const bad = await get(h.url, { ...caps10, section: '/WCS_Capabilities/Nothing' });
      assert.deepEqual([bad.status, exception(bad.text).code, exception(bad.text).locator], [400, 'InvalidParameterValue', 'SECTION']);
      const alice = await addUser(h, 'alice');
      const names = (headers: Record<string, string> = {}) => get(h.url, caps10, headers).then((r) => xpath(r.text, '//w10:CoverageOfferingBrief/w10:name'));
      assert.ok(!(await names()).includes('secret'));
      assert.ok((await names(basicAuth(alice))).includes('secret'));
    });
  });

  describe('WCS 1.0.0 DescribeCoverage', () => {
    it('is valid against describeCoverage.xsd; an EPSG:4326 grid in x/y order: envelope, limits, origin at the first cell centre, offset vectors', async () => {
      const res = await get(h.url, describe10('rgb'));
      assert.equal(res.status, 200);
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs10Describe), []);
      const o = "/w10:CoverageDescription/w10:CoverageOffering[w10:name='rgb']";
      assert.deepEqual(xpath(res.text, `${o}/w10:domainSet/w10:spatialDomain/gml31:Envelope/@srsName`), ['EPSG:4326']);
      assert.deepEqual(xpath(res.text, `${o}//gml31:Envelope/gml31:pos`).map(numbers), [[10, 49], [12, 50]]);
      const grid = `${o}/w10:domainSet/w10:spatialDomain/gml31:RectifiedGrid`;
      assert.deepEqual(xpath(res.text, `${grid}/@srsName`), ['EPSG:4326']);
      assert.deepEqual(xpath(res.text, `${grid}/gml31:limits/gml31:GridEnvelope/gml31:high`).map(numbers), [[199, 99]]);
      assert.deepEqual(xpath(res.text, `${grid}/gml31:axisName`), ['x', 'y']);
      assert.deepEqual(xpath(res.text, `${grid}/gml31:origin/gml31:pos`).map(numbers), [[10.005, 49.995]]);
      assert.deepEqual(xpath(res.text, `${grid}/gml31:offsetVector`).map(numbers), [[0.01, 0], [0, -0.01]]);
      assert.deepEqual(xpath(res.text, `${o}/w10:rangeSet/w10:RangeSet/w10:axisDescription/w10:AxisDescription/w10:name`), ['Band']);
      assert.deepEqual(xpath(res.text, `${o}//w10:AxisDescription/w10:values/w10:singleValue`), ['1', '2', '3']);
      assert.deepEqual(xpath(res.text, `${o}/w10:supportedCRSs/w10:nativeCRSs`), ['EPSG:4326']);
      const crss = xpath(res.text, `${o}/w10:supportedCRSs/w10:requestResponseCRSs`);
      assert.equal(crss[0], 'EPSG:4326');
      assert.ok(crss.includes('EPSG:3857') && crss.includes('CRS:84'), crss.join(' '));
      assert.deepEqual(xpath(res.text, `${o}/w10:supportedFormats/w10:formats`), ['GeoTIFF', 'PNG', 'JPEG']);
      assert.deepEqual(xpath(res.text, `${o}/w10:supportedFormats/@nativeFormat`), ['GeoTIFF']);
      assert.deepEqual(xpath(res.text, `${o}/w10:supportedInterpolations/w10:interpolationMethod`), ['nearest neighbor', 'bilinear', 'bicubic']);
    });

    it('describes a UTM coverage with its nodata, a WGS 84 envelope too, and a series with its instants; all coverages without COVERAGE', async () => {
      const res = await get(h.url, describe10('dem,monthly'));
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs10Describe), []);
      const dem = "//w10:CoverageOffering[w10:name='dem']";
      assert.deepEqual(xpath(res.text, `${dem}//gml31:Envelope/@srsName`), ['EPSG:32631', 'EPSG:4326']);
      assert.deepEqual(xpath(res.text, `${dem}//gml31:Envelope[@srsName='EPSG:32631']/gml31:pos`).map(numbers), [[500000, 4994000], [509000, 5000000]]);
      assert.deepEqual(xpath(res.text, `${dem}//gml31:origin/gml31:pos`).map(numbers), [[500015, 4999985]]);
      assert.deepEqual(xpath(res.text, `${dem}//gml31:offsetVector`).map(numbers), [[30, 0], [0, -30]]);
      assert.deepEqual(xpath(res.text, `${dem}/w10:rangeSet/w10:RangeSet/w10:nullValues/w10:singleValue`), ['-9999']);
      assert.deepEqual(xpath(res.text, `${dem}/w10:supportedCRSs/w10:nativeCRSs`), ['EPSG:32631']);
      const times = xpath(res.text, "//w10:CoverageOffering[w10:name='monthly']/w10:domainSet/w10:temporalDomain/gml31:timePosition");
      assert.deepEqual(times.map((t) => t.slice(0, 10)), ['2020-01-01', '2020-02-01', '2020-03-01']);
      const all = await get(h.url, describe10());
      assert.deepEqual(xpath(all.text, '//w10:CoverageOffering/w10:name').sort(), ['dem', 'monthly', 'rgb']);
    });

    it('refuses an unknown or unreadable coverage with CoverageNotDefined in a ServiceExceptionReport 1.2.0', async () => {
      for (const id of ['nope', 'secret']) {
        const res = await get(h.url, describe10(`rgb,${id}`));
        assert.equal(res.status, 400);
        assert.equal(res.contentType, 'application/vnd.ogc.se_xml');
        assert.deepEqual(validateXml(res.text, SCHEMAS.wcs10Exception), []);
        assert.deepEqual(xpath(res.text, '/ogc:ServiceExceptionReport/@version'), ['1.2.0']);
        assert.deepEqual([exception(res.text).code, exception(res.text).locator], ['CoverageNotDefined', 'COVERAGE']);
      }
    });
  });

  describe('WCS 1.1.1 GetCapabilities', () => {
    it('answers QGIS\'s AcceptVersions=1.1.0,1.0.0 in 1.1.1, valid against the 1.1.1 schemas: OWS 1.1 sections and a CoverageSummary per coverage', async () => {
      const res = await get(h.url, { service: 'WCS', request: 'GetCapabilities', AcceptVersions: '1.1.0,1.0.0' });
      assert.equal(res.status, 200);
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs11), []);
      assert.deepEqual(xpath(res.text, '/w11:Capabilities/@version'), ['1.1.1']);
      assert.deepEqual(xpath(res.text, '//ows11:ServiceIdentification/ows11:Title'), ['Meridian coverages (WCS)']);
      assert.deepEqual(xpath(res.text, '//ows11:ServiceIdentification/ows11:ServiceTypeVersion'), ['2.0.1', '2.0.0', '1.1.1', '1.0.0']);
      assert.deepEqual(xpath(res.text, '//ows11:OperationsMetadata/ows11:Operation/@name'), ['GetCapabilities', 'DescribeCoverage', 'GetCoverage']);
      assert.deepEqual(xpath(res.text, "//ows11:Operation[@name='GetCoverage']/ows11:DCP/ows11:HTTP/ows11:Get/@xlink:href"), [`${h.url}?`]);
      assert.deepEqual(xpath(res.text, "//ows11:Operation[@name='GetCoverage']/ows11:Parameter[@name='store']/ows11:AllowedValues/ows11:Value"), ['false']);
      assert.deepEqual(xpath(res.text, '//w11:Contents/w11:CoverageSummary/w11:Identifier').sort(), ['dem', 'monthly', 'rgb']);
      const rgb = "//w11:CoverageSummary[w11:Identifier='rgb']";
      assert.deepEqual(xpath(res.text, `${rgb}/ows11:Title`), ['RGB test image']);
      assert.deepEqual(numbers(xpath(res.text, `${rgb}/ows11:WGS84BoundingBox/ows11:LowerCorner`)[0]), [10, 49]);
      assert.equal(xpath(res.text, `${rgb}/w11:SupportedCRS`)[0], 'urn:ogc:def:crs:EPSG::4326');
      assert.deepEqual(xpath(res.text, `${rgb}/w11:SupportedFormat`), ['image/tiff', 'image/png', 'image/jpeg']);
      assert.equal(xpath(res.text, "//w11:CoverageSummary[w11:Identifier='dem']/w11:SupportedCRS")[0], 'urn:ogc:def:crs:EPSG::32631');
    });

    it('answers VERSION=1.1.1 (OWSLib, GDAL) and AcceptVersions=1.1.2 in 1.1.1, and Sections', async () => {
      for (const params of [{ version: '1.1.1' }, { acceptVersions: '1.1.2' }, { version: '1.1.0' }] as Array<Record<string, string>>) {
        const res = await get(h.url, { service: 'WCS', request: 'GetCapabilities', ...params });
        assert.deepEqual(xpath(res.text, '/w11:Capabilities/@version'), ['1.1.1'], JSON.stringify(params));
      }
      const contents = await get(h.url, { service: 'WCS', request: 'GetCapabilities', version: '1.1.1', sections: 'Contents' });
      assert.deepEqual(validateXml(contents.text, SCHEMAS.wcs11), []);
      assert.equal(xpath(contents.text, '//ows11:ServiceIdentification').length, 0);
      assert.equal(xpath(contents.text, '//w11:CoverageSummary').length, 3);
      const bad = await get(h.url, { service: 'WCS', request: 'GetCapabilities', version: '1.1.1', sections: 'Everything' });
      assert.deepEqual([bad.status, exception(bad.text).code], [400, 'InvalidParameterValue']);
      assert.deepEqual(validateXml(bad.text, SCHEMAS.ows11Exception), []);
    });
  });

  describe('WCS 1.1.1 DescribeCoverage', () => {
    it('is valid against the 1.1.1 schemas: imageCRS and native boxes, the GridCRS in authority order, the Band axis and nodata', async () => {
      const res = await get(h.url, describe11('rgb,dem', '1.1.0'));
      assert.equal(res.status, 200);
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs11), []);
      const rgb = "/w11:CoverageDescriptions/w11:CoverageDescription[w11:Identifier='rgb']";
      const sd = `${rgb}/w11:Domain/w11:SpatialDomain`;
      assert.deepEqual(xpath(res.text, `${sd}/ows11:BoundingBox/@crs`), ['urn:ogc:def:crs:OGC::imageCRS', 'urn:ogc:def:crs:EPSG::4326']);
      assert.deepEqual(numbers(xpath(res.text, `${sd}/ows11:BoundingBox[@crs='urn:ogc:def:crs:OGC::imageCRS']/ows11:UpperCorner`)[0]), [199, 99]);
      // Latitude first, the cells' outer edges.
      assert.deepEqual(numbers(xpath(res.text, `${sd}/ows11:BoundingBox[@crs='urn:ogc:def:crs:EPSG::4326']/ows11:LowerCorner`)[0]), [49, 10]);
      assert.deepEqual(numbers(xpath(res.text, `${sd}/ows11:BoundingBox[@crs='urn:ogc:def:crs:EPSG::4326']/ows11:UpperCorner`)[0]), [50, 12]);
      assert.deepEqual(xpath(res.text, `${sd}/w11:GridCRS/w11:GridBaseCRS`), ['urn:ogc:def:crs:EPSG::4326']);
      assert.deepEqual(xpath(res.text, `${sd}/w11:GridCRS/w11:GridType`), ['urn:ogc:def:method:WCS:1.1:2dSimpleGrid']);
      assert.deepEqual(numbers(xpath(res.text, `${sd}/w11:GridCRS/w11:GridOrigin`)[0]), [49.995, 10.005]);
      assert.deepEqual(numbers(xpath(res.text, `${sd}/w11:GridCRS/w11:GridOffsets`)[0]), [-0.01, 0.01]);
      assert.deepEqual(xpath(res.text, `${rgb}/w11:Range/w11:Field/w11:Identifier`), ['contents']);
      assert.deepEqual(xpath(res.text, `${rgb}/w11:Range/w11:Field/w11:Axis/@identifier`), ['Band']);
      assert.deepEqual(xpath(res.text, `${rgb}/w11:Range/w11:Field/w11:Axis/w11:AvailableKeys/w11:Key`), ['1', '2', '3']);
      assert.deepEqual(xpath(res.text, `${rgb}/w11:Range/w11:Field/w11:Axis/ows11:DataType`), ['Byte']);
      assert.deepEqual(xpath(res.text, `${rgb}/w11:Range/w11:Field/w11:InterpolationMethods/w11:InterpolationMethod`), ['nearest', 'linear', 'cubic']);
      const dem = "/w11:CoverageDescriptions/w11:CoverageDescription[w11:Identifier='dem']";
      assert.deepEqual(numbers(xpath(res.text, `${dem}//w11:GridCRS/w11:GridOrigin`)[0]), [500015, 4999985]);
      assert.deepEqual(numbers(xpath(res.text, `${dem}//w11:GridCRS/w11:GridOffsets`)[0]), [30, -30]);
      assert.deepEqual(xpath(res.text, `${dem}/w11:Range/w11:Field/w11:NullValue`), ['-9999']);
      assert.deepEqual(xpath(res.text, `${dem}//ows11:BoundingBox/@crs`), ['urn:ogc:def:crs:OGC::imageCRS', 'urn:ogc:def:crs:EPSG::32631', 'urn:ogc:def:crs:EPSG::4326']);
      assert.equal(xpath(res.text, `${dem}/w11:SupportedCRS`)[0], 'urn:ogc:def:crs:EPSG::32631');
    });

    it('lists a series\' instants in its TemporalDomain', async () => {
      const res = await get(h.url, describe11('monthly'));
      assert.deepEqual(validateXml(res.text, SCHEMAS.wcs11), []);
      assert.deepEqual(xpath(res.text, '//w11:Domain/w11:TemporalDomain/gml31:timePosition').map((t) => t.slice(0, 10)), ['2020-01-01', '2020-02-01', '2020-03-01']);
    });

    it('refuses an unknown identifier with InvalidParameterValue in an OWS 1.1 ExceptionReport', async () => {
      const res = await get(h.url, describe11('rgb,nope'));
      assert.equal(res.status, 400);
      assert.equal(res.contentType, 'application/xml');
      assert.deepEqual(validateXml(res.text, SCHEMAS.ows11Exception), []);
      assert.deepEqual(xpath(res.text, '/ows11:ExceptionReport/@version'), ['1.1.1']);
      assert.deepEqual([exception(res.text).code, exception(res.text).locator], ['InvalidParameterValue', 'identifiers']);
      const none = await get(h.url, { service: 'WCS', version: '1.1.1', request: 'DescribeCoverage' });
      assert.deepEqual([exception(none.text).code, exception(none.text).locator], ['MissingParameterValue', 'identifiers']);
    });
  });

  describe('version negotiation over HTTP', () => {
    it('GetCapabilities: no version → 2.0.1; VERSION by the WCS 1.0 rule; AcceptVersions in the client order', async () => {
      const root = async (params: Record<string, string>) => {
        const res = await get(h.url, { service: 'WCS', request: 'GetCapabilities', ...params });
        const name = /^<\?xml[^>]*>\s*<(?:[\w-]+:)?([\w-]+)/.exec(res.text)?.[1];
        return `${xpath(res.text, '/*/@version')[0]} ${name}`;
      };
      assert.equal(await root({}), '2.0.1 Capabilities');
      assert.equal(await root({ version: '1.0.0' }), '1.0.0 WCS_Capabilities');
      assert.equal(await root({ version: '1.5.0' }), '1.1.1 Capabilities');
      assert.equal(await root({ version: '3.0.0' }), '2.0.1 Capabilities');
      assert.equal(await root({ acceptVersions: '1.0.0,2.0.1' }), '1.0.0 WCS_Capabilities');
      assert.equal(await root({ acceptVersions: '2.0.1,1.0.0' }), '2.0.1 Capabilities');
    });

    it('errors go out in the format of the version asked; unserved versions and XML are WCS 2.0\'s', async () => {
      const missing = await get(h.url, { service: 'WCS', version: '1.0.0', request: 'GetCoverage', coverage: 'rgb', bbox: '10,49,11,50', width: '10', height: '10', format: 'GeoTIFF' });
      assert.equal(missing.contentType, 'application/vnd.ogc.se_xml');
      assert.deepEqual([exception(missing.text).code, exception(missing.text).locator], ['MissingParameterValue', 'CRS']);
      const eo = await get(h.url, { service: 'WCS', version: '1.0.0', request: 'DescribeEOCoverageSet', eoId: 'monthly' });
      assert.deepEqual([eo.status, exception(eo.text).code], [501, 'OperationNotSupported']);
      assert.deepEqual(validateXml(eo.text, SCHEMAS.wcs10Exception), []);
      const eo11 = await get(h.url, { service: 'WCS', version: '1.1.1', request: 'DescribeEOCoverageSet', eoId: 'monthly' });
      assert.deepEqual([eo11.status, exception(eo11.text).code], [501, 'OperationNotSupported']);
      assert.deepEqual(validateXml(eo11.text, SCHEMAS.ows11Exception), []);
      const unserved = await get(h.url, { service: 'WCS', version: '1.5.0', request: 'GetCoverage', coverage: 'rgb' });
      assert.deepEqual(validateXml(unserved.text, SCHEMAS.owsException), []);
      assert.deepEqual([exception(unserved.text).code, exception(unserved.text).locator], ['InvalidParameterValue', 'version']);
      const xml = await post(
        h.url,
        `<wcs:GetCapabilities xmlns:wcs="http://www.opengis.net/wcs/2.0" xmlns:ows="http://www.opengis.net/ows/2.0" service="WCS"><ows:AcceptVersions><ows:Version>1.1.1</ows:Version></ows:AcceptVersions></wcs:GetCapabilities>`,
      );
      assert.deepEqual(validateXml(xml.text, SCHEMAS.owsException), []);
      assert.equal(exception(xml.text).code, 'VersionNegotiationFailed');
    });
  });
});
