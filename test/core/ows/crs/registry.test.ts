import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { knownCrsIds, lookupCrs, requireCrs } from '../../../../core/ows/crs/registry.js';
import { OwsException } from '../../../../core/ows/exceptions.js';

/** Code → [name fragment, kind, north first in the authority order]. */
const EXPECTED: Record<string, [string, string, boolean]> = {
  '4326': ['WGS 84', 'geographic', true],
  '4258': ['ETRS89', 'geographic', true],
  '3857': ['Pseudo-Mercator', 'projected', false],
  '32632': ['UTM zone 32N', 'projected', false],
  '2154': ['Lambert-93', 'projected', false],
  '27700': ['British National Grid', 'projected', false],
  '3035': ['LAEA Europe', 'projected', true],
  '31466': ['Gauss-Kruger zone 2', 'projected', true],
  '3413': ['NSIDC Sea Ice Polar Stereographic North', 'projected', false],
  '2180': ['CS92', 'projected', true],
  '3006': ['SWEREF99 TM', 'projected', true],
  '5041': ['UPS North (E,N)', 'projected', false],
  '32661': ['UPS North (N,E)', 'projected', true],
  '2046': ['Lo15', 'projected', false],
  '7035': ['(lon-lat)', 'geographic', false],
  '4979': ['WGS 84', 'geographic-3d', true],
  '4978': ['WGS 84', 'geocentric', false],
  '900913': ['Google Maps Global Mercator', 'projected', false],
};

function forms(code: string): string[] {
  return [`EPSG:${code}`, `urn:ogc:def:crs:EPSG::${code}`, `urn:ogc:def:crs:EPSG:6.6:${code}`, `http://www.opengis.net/def/crs/EPSG/0/${code}`, `http://www.opengis.net/gml/srs/epsg.xml#${code}`];
}

describe('core/ows/crs/registry', () => {
  for (const [code, [name, kind, northFirst]] of Object.entries(EXPECTED)) {
    it(`finds EPSG:${code} in every identifier form, ${northFirst ? 'north' : 'east'} first`, () => {
      for (const id of forms(code)) {
        const ref = lookupCrs(id);
        assert.ok(ref, id);
        assert.equal(ref.crs.id, `EPSG:${code}`);
        assert.ok(ref.crs.name.includes(name), `${ref.crs.name} should contain ${name}`);
        assert.equal(ref.crs.kind, kind);
        assert.equal(ref.crs.northFirst, northFirst, `${id} northFirst`);
        assert.equal(ref.crs.uri, `http://www.opengis.net/def/crs/EPSG/0/${code}`);
      }
    });
  }

  it('knows the OGC CRSs in lon/lat order', () => {
    for (const id of ['CRS:84', 'OGC:CRS84', 'http://www.opengis.net/def/crs/OGC/1.3/CRS84', 'urn:ogc:def:crs:OGC:1.3:CRS84']) {
      const ref = lookupCrs(id);
      assert.ok(ref, id);
      assert.equal(ref.crs.id, 'OGC:CRS84');
      assert.equal(ref.crs.northFirst, false);
      assert.equal(ref.crs.kind, 'geographic');
    }
    assert.equal(lookupCrs('CRS:83')?.crs.id, 'OGC:CRS83');
    assert.equal(lookupCrs('CRS:27')?.crs.id, 'OGC:CRS27');
  });

  it('gives units, area of use and proj4 from the shipped EPSG data', () => {
    const utm = lookupCrs('EPSG:32632')!.crs;
    assert.equal(utm.unit, 'metre');
    assert.equal(utm.proj4, '+proj=utm +zone=32 +datum=WGS84 +units=m +no_defs');
    assert.deepEqual(utm.areaOfUse, { west: 6, south: 0, east: 12, north: 84 });
    assert.equal(lookupCrs('EPSG:4326')!.crs.unit, 'degree');
  });

  it('ships all of EPSG, not a handful', () => {
    const ids = knownCrsIds();
    assert.ok(ids.length > 8000, `${ids.length} identifiers`);
    const epsg = ids.filter((id) => id.startsWith('EPSG:'));
    assert.ok(epsg.length > 6800, `${epsg.length} EPSG codes`);
    for (const id of ['EPSG:2000', 'EPSG:3034', 'EPSG:5514', 'EPSG:8857', 'EPSG:9518', 'EPSG:25832', 'EPSG:28992']) assert.ok(ids.includes(id), id);
  });

  it('treats codes from 100000 up as ESRI codes, under ESRI: and EPSG:', () => {
    assert.equal(lookupCrs('ESRI:102001')?.crs.id, 'ESRI:102001');
    assert.equal(lookupCrs('EPSG:102001')?.crs.id, 'ESRI:102001');
    assert.equal(lookupCrs('ESRI:4326'), undefined);
  });

  it('answers undefined for unknown codes and malformed identifiers', () => {
    assert.equal(lookupCrs('EPSG:1'), undefined);
    assert.equal(lookupCrs('EPSG:99999999'), undefined);
    assert.equal(lookupCrs('nonsense'), undefined);
  });

  it('requireCrs throws the code and locator the caller picks', () => {
    assert.throws(() => requireCrs('EPSG:1', { code: 'InvalidCRS', locator: 'CRS' }), (e: unknown) =>
      e instanceof OwsException && e.code === 'InvalidCRS' && e.locator === 'CRS' && e.status === 400 && /Unknown CRS 'EPSG:1'/.test(e.message));
    assert.throws(() => requireCrs('EPSG:3857', { allowed: ['EPSG:4326'] }), (e: unknown) => e instanceof OwsException && e.locator === 'crs');
    assert.equal(requireCrs('urn:ogc:def:crs:EPSG::4326', { allowed: new Set(['EPSG:4326']) }).crs.id, 'EPSG:4326');
    assert.throws(() => requireCrs('EPSG:5714', { transformable: true }), /no transformation|Unknown/);
  });
});
