import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { parseBbox } from '../../../core/ows/bbox.js';
import { lookupCrs } from '../../../core/ows/crs/registry.js';
import { OwsException } from '../../../core/ows/exceptions.js';
import { parseKvp } from '../../../core/ows/kvp.js';

function refused(fn: () => unknown, message: RegExp, locator = 'BBOX', code = 'InvalidParameterValue'): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OwsException, String(err));
    assert.equal(err.code, code);
    assert.equal(err.locator, locator);
    assert.equal(err.status, 400);
    assert.match(err.message, message);
    return true;
  });
}

describe('core/ows/bbox', () => {
  it('reads four numbers without a CRS as given', () => {
    const box = parseBbox('-180,-90,180,90', { axisOrder: 'authority' });
    assert.deepEqual(box.written, [-180, -90, 180, 90]);
    assert.deepEqual(box.xy, [-180, -90, 180, 90]);
    assert.equal(box.crs, undefined);
  });

  it('swaps EPSG:4326 (lat/lon) to x/y in WMS 1.3.0, and not CRS:84', () => {
    const box = parseBbox('40,-10,60,30', { axisOrder: 'authority', defaultCrs: 'EPSG:4326' });
    assert.deepEqual(box.written, [40, -10, 60, 30]);
    assert.deepEqual(box.xy, [-10, 40, 30, 60]);
    assert.equal(box.crs?.crs.id, 'EPSG:4326');
    assert.deepEqual(parseBbox('-10,40,30,60', { axisOrder: 'authority', defaultCrs: 'CRS:84' }).xy, [-10, 40, 30, 60]);
  });

  it('does not swap EPSG:4326 in WMS 1.1.1 (always x/y)', () => {
    assert.deepEqual(parseBbox('-10,40,30,60', { axisOrder: 'xy', defaultCrs: 'EPSG:4326' }).xy, [-10, 40, 30, 60]);
  });

  it('swaps northing-first projected CRSs (EPSG:3035, 31466) in authority order', () => {
    assert.deepEqual(parseBbox('2000000,3000000,3000000,4000000', { axisOrder: 'authority', defaultCrs: 'EPSG:3035' }).xy, [3000000, 2000000, 4000000, 3000000]);
    assert.deepEqual(parseBbox('5400000,2500000,5500000,2600000', { axisOrder: 'authority', defaultCrs: 'EPSG:31466' }).xy, [2500000, 5400000, 2600000, 5500000]);
    assert.deepEqual(parseBbox('400000,5000000,500000,5100000', { axisOrder: 'authority', defaultCrs: 'EPSG:32632' }).xy, [400000, 5000000, 500000, 5100000]);
  });

  it('takes a CRS given as fifth value over the default, and its spelling under by-identifier', () => {
    const urn = parseBbox('40,-10,60,30,urn:ogc:def:crs:EPSG::4326', { axisOrder: 'by-identifier', defaultCrs: 'EPSG:3857' });
    assert.equal(urn.crs?.crs.id, 'EPSG:4326');
    assert.deepEqual(urn.xy, [-10, 40, 30, 60]);
    const short = parseBbox('-10,40,30,60,EPSG:4326', { axisOrder: 'by-identifier' });
    assert.deepEqual(short.xy, [-10, 40, 30, 60]);
    const uri = parseBbox('40,-10,60,30,http://www.opengis.net/def/crs/EPSG/0/4326', { axisOrder: 'by-identifier' });
    assert.deepEqual(uri.xy, [-10, 40, 30, 60]);
  });

  it('accepts the items of a KVP list, including an encoded one', () => {
    const kvp = parseKvp('BBOX=40%2C-10%2C60%2C30%2Curn%3Aogc%3Adef%3Acrs%3AEPSG%3A%3A4326');
    assert.deepEqual(parseBbox(kvp.list('bbox'), { axisOrder: 'by-identifier' }).xy, [-10, 40, 30, 60]);
    assert.deepEqual(parseBbox('1,2,3,4', { axisOrder: 'xy', defaultCrs: lookupCrs('EPSG:3857') }).xy, [1, 2, 3, 4]);
  });

  it('refuses a wrong number of values, non-numbers and a CRS where none is allowed', () => {
    refused(() => parseBbox('1,2,3', { axisOrder: 'xy' }), /4 numbers/);
    refused(() => parseBbox('1,2,3,4,EPSG:4326,x', { axisOrder: 'xy' }), /got 6 values/);
    refused(() => parseBbox('1,2,3,4,EPSG:4326', { axisOrder: 'xy', allowCrs: false }), /must have 4 numbers: /);
    refused(() => parseBbox('1,2,three,4', { axisOrder: 'xy' }), /'three' is not a number/);
    refused(() => parseBbox('1,2,,4', { axisOrder: 'xy' }), /'' is not a number/);
    refused(() => parseBbox('1,2,Infinity,4', { axisOrder: 'xy' }), /not a number/);
    refused(() => parseBbox('0x1,2,3,4', { axisOrder: 'xy' }), /not a number/);
  });

  it('refuses min greater than max, and equal values when strict (WMS)', () => {
    refused(() => parseBbox('10,0,5,1', { axisOrder: 'xy' }), /minimum 10 must be at most maximum 5 on axis 1/);
    refused(() => parseBbox('0,10,1,5', { axisOrder: 'xy', locator: 'bbox' }), /axis 2/, 'bbox');
    assert.deepEqual(parseBbox('1,1,1,1', { axisOrder: 'xy' }).xy, [1, 1, 1, 1]);
    refused(() => parseBbox('1,1,1,2', { axisOrder: 'xy', strict: true }), /less than/);
  });

  it('accepts a box across the antimeridian only where allowed, on the longitude axis', () => {
    assert.deepEqual(parseBbox('170,-10,-170,10', { axisOrder: 'xy', defaultCrs: 'OGC:CRS84', allowAntimeridian: true }).xy, [170, -10, -170, 10]);
    assert.deepEqual(parseBbox('-10,170,10,-170', { axisOrder: 'authority', defaultCrs: 'EPSG:4326', allowAntimeridian: true }).xy, [170, -10, -170, 10]);
    refused(() => parseBbox('170,-10,-170,10', { axisOrder: 'xy', defaultCrs: 'OGC:CRS84' }), /axis 1/);
    refused(() => parseBbox('0,10,1,5', { axisOrder: 'xy', defaultCrs: 'OGC:CRS84', allowAntimeridian: true }), /axis 2/);
  });

  it('refuses an unknown CRS with the code the protocol uses', () => {
    refused(() => parseBbox('1,2,3,4,EPSG:1', { axisOrder: 'authority' }), /Unknown CRS 'EPSG:1'/);
    refused(() => parseBbox('1,2,3,4', { axisOrder: 'authority', defaultCrs: 'EPSG:0', crsExceptionCode: 'InvalidCRS' }), /Unknown CRS/, 'crs', 'InvalidCRS');
  });
});
