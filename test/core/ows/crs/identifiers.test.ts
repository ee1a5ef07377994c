import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { crsUri, crsUrn, parseCrsIdentifier } from '../../../../core/ows/crs/identifiers.js';

describe('core/ows/crs/identifiers', () => {
  const cases: Array<[string, string, string, string]> = [
    ['EPSG:4326', 'EPSG', '4326', 'short'],
    ['epsg:4326', 'EPSG', '4326', 'short'],
    ['urn:ogc:def:crs:EPSG::4326', 'EPSG', '4326', 'urn'],
    ['urn:ogc:def:crs:EPSG:6.6:4326', 'EPSG', '4326', 'urn'],
    ['urn:x-ogc:def:crs:EPSG:4326', 'EPSG', '4326', 'urn'],
    ['URN:OGC:DEF:CRS:EPSG::3857', 'EPSG', '3857', 'urn'],
    ['http://www.opengis.net/def/crs/EPSG/0/4326', 'EPSG', '4326', 'uri'],
    ['https://www.opengis.net/def/crs/EPSG/0/32632', 'EPSG', '32632', 'uri'],
    ['http://www.opengis.net/gml/srs/epsg.xml#4326', 'EPSG', '4326', 'gml-srs'],
    ['CRS:84', 'OGC', 'CRS84', 'wms'],
    ['CRS:83', 'OGC', 'CRS83', 'wms'],
    ['OGC:CRS84', 'OGC', 'CRS84', 'short'],
    ['urn:ogc:def:crs:OGC:1.3:CRS84', 'OGC', 'CRS84', 'urn'],
    ['urn:ogc:def:crs:OGC::CRS84', 'OGC', 'CRS84', 'urn'],
    ['http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'OGC', 'CRS84', 'uri'],
    ['EPSG:900913', 'EPSG', '900913', 'short'],
    [' EPSG:04326 ', 'EPSG', '4326', 'short'],
  ];
  for (const [input, authority, code, form] of cases) {
    it(`reads ${JSON.stringify(input)} as ${authority}:${code} (${form})`, () => {
      const parsed = parseCrsIdentifier(input);
      assert.ok(parsed);
      assert.equal(parsed.authority, authority);
      assert.equal(parsed.code, code);
      assert.equal(parsed.form, form);
    });
  }

  it('rejects what is not a CRS identifier', () => {
    for (const bad of ['', '4326', 'EPSG:', 'EPSG:43a6', 'CRS:1', 'CRS:99', 'FOO:4326', 'urn:ogc:def:crs:EPSG::', 'http://example.com/def/crs/EPSG/0/4326', 'OGC:CRS85', 'EPSG:../../etc/passwd']) {
      assert.equal(parseCrsIdentifier(bad), undefined, bad);
    }
  });

  it('writes the URI and URN spellings', () => {
    assert.equal(crsUri('EPSG', '4326'), 'http://www.opengis.net/def/crs/EPSG/0/4326');
    assert.equal(crsUri('OGC', 'CRS84'), 'http://www.opengis.net/def/crs/OGC/1.3/CRS84');
    assert.equal(crsUrn('EPSG', '4326'), 'urn:ogc:def:crs:EPSG::4326');
    assert.equal(crsUrn('OGC', 'CRS84'), 'urn:ogc:def:crs:OGC:1.3:CRS84');
  });
});
