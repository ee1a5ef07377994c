/** Both bindings read into the same requests: KVP as clients write it, XML as the schemas and official examples do. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseKvp, parseXmlElementTree } from '../../../core/ows/index.js';
import { kvpHead } from '../../../plugins/wcs/kvp-request.js';
import type { DescribeEOCoverageSetRequest, GetCoverageRequest } from '../../../plugins/wcs/requests.js';
import { xmlHead } from '../../../plugins/wcs/xml-request.js';
import { SCHEMAS_SOURCE } from '../../helpers/xsd.js';

const kvp = (q: string) => kvpHead(parseKvp(q));
const xml = (x: string) => xmlHead(parseXmlElementTree(x));

describe('wcs request bindings', () => {
  it('reads a GDAL-style KVP GetCoverage: percent-encoded parentheses, SUBSET0 for extra axes, SCALESIZE on grid axes', () => {
    const head = kvp('SERVICE=WCS&REQUEST=GetCoverage&VERSION=2.0.1&COVERAGEID=dem&FORMAT=image/tiff&SUBSET=Long%2810.1,10.5%29&SUBSET=Lat%2849.6,49.9%29&SUBSET0=time%28%222020-01-01%22%29&SCALESIZE=Long%28100%29,Lat%2850%29');
    assert.equal(head.operation, 'GetCoverage');
    assert.equal(head.version, '2.0.1');
    const r = head.parse('GetCoverage') as GetCoverageRequest;
    assert.equal(r.coverageId, 'dem');
    assert.deepEqual(r.subsets, [
      { kind: 'trim', axis: 'Long', low: '10.1', high: '10.5', crs: undefined },
      { kind: 'trim', axis: 'Lat', low: '49.6', high: '49.9', crs: undefined },
      { kind: 'slice', axis: 'time', point: '2020-01-01', crs: undefined },
    ]);
    assert.deepEqual(r.scaling, { kind: 'size', axes: [{ axis: 'Long', size: 100 }, { axis: 'Lat', size: 50 }] });
    assert.equal(r.scalingLocator, 'SCALESIZE');
  });

  it('reads an OWSLib-style KVP GetCoverage (every comma encoded, quoted times)', () => {
    const r = kvp('version=2.0.1&request=GetCoverage&service=WCS&CoverageID=s&format=image%2Ftiff&subset=Lat%2849.6%2C49.9%29&subset=time%28%222020-01-01%22%2C%222020-02-01%22%29').parse('GetCoverage') as GetCoverageRequest;
    assert.deepEqual(r.subsets[0], { kind: 'trim', axis: 'Lat', low: '49.6', high: '49.9', crs: undefined });
    assert.deepEqual(r.subsets[1], { kind: 'trim', axis: 'time', low: '2020-01-01', high: '2020-02-01', crs: undefined });
  });

  it('reads the WCS 2.0.0 subset form with a CRS and open bounds', () => {
    const r = kvp('request=GetCoverage&coverageId=c&subset=x,http://www.opengis.net/def/crs/EPSG/0/4326(*,10)').parse('GetCoverage') as GetCoverageRequest;
    assert.deepEqual(r.subsets, [{ kind: 'trim', axis: 'x', low: undefined, high: '10', crs: 'http://www.opengis.net/def/crs/EPSG/0/4326' }]);
  });

  it('reads the GeoTIFF, range subsetting, interpolation and CRS KVP parameters', () => {
    const r = kvp(
      'request=GetCoverage&coverageId=c&rangeSubset=b1,b3:b5&interpolation=http://www.opengis.net/def/interpolation/OGC/1/linear&subsettingCrs=http://www.opengis.net/def/crs/EPSG/0/4326&outputCrs=http://www.opengis.net/def/crs/EPSG/0/3857&geotiff:compression=Deflate&geotiff:predictor=Horizontal&geotiff:tiling=true&geotiff:tilewidth=256&geotiff:tileheight=128&mediaType=multipart/related',
    ).parse('GetCoverage') as GetCoverageRequest;
    assert.deepEqual(r.rangeSubset, [{ kind: 'component', name: 'b1' }, { kind: 'interval', start: 'b3', end: 'b5' }]);
    assert.equal(r.interpolation, 'http://www.opengis.net/def/interpolation/OGC/1/linear');
    assert.equal(r.subsettingCrs, 'http://www.opengis.net/def/crs/EPSG/0/4326');
    assert.equal(r.outputCrs, 'http://www.opengis.net/def/crs/EPSG/0/3857');
    assert.deepEqual(r.geotiff, { compression: 'Deflate', predictor: 'Horizontal', interleave: undefined, tiling: 'true', tileWidth: '256', tileHeight: '128' });
    assert.equal(r.mediaType, 'multipart/related');
  });

  it('refuses two scaling parameters at once, and an empty DescribeCoverage list', () => {
    assert.throws(() => kvp('request=GetCoverage&coverageId=c&scaleFactor=2&scaleSize=x(10)').parse('GetCoverage'), { code: 'InvalidParameterValue', locator: 'SCALESIZE' });
    assert.throws(() => kvp('request=DescribeCoverage&coverageId=').parse('DescribeCoverage'), { code: 'EmptyCoverageIdList' });
    assert.throws(() => kvp('request=DescribeCoverage').parse('DescribeCoverage'), { code: 'MissingParameterValue', locator: 'coverageId' });
    assert.throws(() => kvp('request=GetCoverage&coverageId=a,b').parse('GetCoverage'), { code: 'InvalidParameterValue', locator: 'coverageId' });
  });

  it('reads an XML GetCoverage with every extension into the same request as KVP', () => {
    const body = `<?xml version="1.0"?>
<wcs:GetCoverage xmlns:wcs="http://www.opengis.net/wcs/2.0" xmlns:scal="http://www.opengis.net/wcs/scaling/1.0" xmlns:rsub="http://www.opengis.net/wcs/range-subsetting/1.0"
  xmlns:int="http://www.opengis.net/wcs/interpolation/1.0" xmlns:crs="http://www.opengis.net/wcs/crs/1.0" xmlns:geotiff="http://www.opengis.net/gmlcov/geotiff/1.0" service="WCS" version="2.0.1">
  <wcs:Extension>
    <scal:ScaleToSize><scal:TargetAxisSize><scal:axis>Long</scal:axis><scal:targetSize>100</scal:targetSize></scal:TargetAxisSize><scal:TargetAxisSize><scal:axis>Lat</scal:axis><scal:targetSize>50</scal:targetSize></scal:TargetAxisSize></scal:ScaleToSize>
    <rsub:RangeSubset><rsub:RangeItem><rsub:RangeComponent>b1</rsub:RangeComponent></rsub:RangeItem><rsub:RangeItem><rsub:RangeInterval><rsub:startComponent>b3</rsub:startComponent><rsub:endComponent>b5</rsub:endComponent></rsub:RangeInterval></rsub:RangeItem></rsub:RangeSubset>
    <int:Interpolation><int:globalInterpolation>http://www.opengis.net/def/interpolation/OGC/1/cubic</int:globalInterpolation></int:Interpolation>
    <crs:subsettingCrs>http://www.opengis.net/def/crs/EPSG/0/4326</crs:subsettingCrs>
    <crs:outputCrs>http://www.opengis.net/def/crs/EPSG/0/3857</crs:outputCrs>
    <geotiff:parameters><geotiff:compression>LZW</geotiff:compression><geotiff:predictor>Horizontal</geotiff:predictor><geotiff:tiling>true</geotiff:tiling><geotiff:tilewidth>256</geotiff:tilewidth><geotiff:tileheight>256</geotiff:tileheight></geotiff:parameters>
  </wcs:Extension>
  <wcs:CoverageId>dem</wcs:CoverageId>
  <wcs:DimensionTrim><wcs:Dimension>Lat</wcs:Dimension><wcs:TrimLow>49.6</wcs:TrimLow><wcs:TrimHigh>49.9</wcs:TrimHigh></wcs:DimensionTrim>
  <wcs:DimensionSlice><wcs:Dimension>time</wcs:Dimension><wcs:SlicePoint>2020-01-01</wcs:SlicePoint></wcs:DimensionSlice>
  <wcs:format>image/tiff</wcs:format>
</wcs:GetCoverage>`;
    const head = xml(body);
    assert.equal(head.operation, 'GetCoverage');
    assert.equal(head.knownNamespace, true);
    const r = head.parse('GetCoverage') as GetCoverageRequest;
    assert.equal(r.coverageId, 'dem');
    assert.deepEqual(r.subsets, [
      { kind: 'trim', axis: 'Lat', low: '49.6', high: '49.9', crs: undefined },
      { kind: 'slice', axis: 'time', point: '2020-01-01', crs: undefined },
    ]);
    assert.deepEqual(r.scaling, { kind: 'size', axes: [{ axis: 'Long', size: 100 }, { axis: 'Lat', size: 50 }] });
    assert.deepEqual(r.rangeSubset, [{ kind: 'component', name: 'b1' }, { kind: 'interval', start: 'b3', end: 'b5' }]);
    assert.equal(r.interpolation, 'http://www.opengis.net/def/interpolation/OGC/1/cubic');
    assert.equal(r.subsettingCrs, 'http://www.opengis.net/def/crs/EPSG/0/4326');
    assert.equal(r.outputCrs, 'http://www.opengis.net/def/crs/EPSG/0/3857');
    assert.deepEqual(r.geotiff, { compression: 'LZW', predictor: 'Horizontal', interleave: undefined, tiling: 'true', tileWidth: '256', tileHeight: '256' });
    assert.equal(r.format, 'image/tiff');
  });

  it('reads the official EO-WCS DescribeEOCoverageSet and GetCoverage request examples', () => {
    const examples = path.join(SCHEMAS_SOURCE, 'ogc/wcs/wcseo/1.0/examples');
    const set = xml(readFileSync(path.join(examples, 'wcseo_requestDescribeEOCoverageSet.xml'), 'utf8')).parse('DescribeEOCoverageSet') as DescribeEOCoverageSetRequest;
    assert.deepEqual(set.eoIds, ['someDatasetSeries1']);
    assert.equal(set.containment, 'OVERLAPS');
    assert.equal(set.count, 100);
    assert.deepEqual(set.sections, ['All']);
    assert.deepEqual(set.subsets.map((s) => s.axis), ['long', 'lat', 'phenomenonTime']);
    const cov = xml(readFileSync(path.join(examples, 'wcseo_requestGetCoverage.xml'), 'utf8')).parse('GetCoverage') as GetCoverageRequest;
    assert.equal(cov.coverageId, 'someEOCoverage1');
    assert.equal(cov.mediaType, 'multipart/related');
    assert.equal(cov.subsets.length, 2);
  });

  it('KVP DescribeEOCoverageSet reads eoId, containment, count, sections and subsets', () => {
    const r = kvp('service=WCS&version=2.0.1&request=DescribeEOCoverageSet&eoId=s1,s2&containment=contains&count=5&sections=CoverageDescriptions&subset=Lat(40,42)&subset=phenomenonTime("2008-03-13T10:10:00Z","2008-03-13T10:11:00Z")').parse(
      'DescribeEOCoverageSet',
    ) as DescribeEOCoverageSetRequest;
    assert.deepEqual(r.eoIds, ['s1', 's2']);
    assert.equal(r.containment, 'contains');
    assert.equal(r.count, 5);
    assert.deepEqual(r.sections, ['CoverageDescriptions']);
    assert.deepEqual(r.subsets[1], { kind: 'trim', axis: 'phenomenonTime', low: '2008-03-13T10:10:00Z', high: '2008-03-13T10:11:00Z', crs: undefined });
  });
});
