import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { fromXyOrder, needsAxisSwap, toXyOrder } from '../../../../core/ows/crs/axis.js';
import { lookupCrs } from '../../../../core/ows/crs/registry.js';
import { OwsException } from '../../../../core/ows/exceptions.js';

describe('core/ows/crs/axis', () => {
  it('swaps north-first CRSs where the protocol uses the authority order (WMS 1.3.0, WFS 2.0, WCS 2.0)', () => {
    for (const id of ['EPSG:4326', 'urn:ogc:def:crs:EPSG::4258', 'EPSG:31466', 'EPSG:3035']) assert.equal(needsAxisSwap(id, 'authority'), true, id);
    for (const id of ['CRS:84', 'EPSG:3857', 'EPSG:32632', 'EPSG:2154', 'EPSG:900913']) assert.equal(needsAxisSwap(id, 'authority'), false, id);
  });

  it('never swaps where the protocol is always x/y (WMS 1.1.1, WFS 1.0.0)', () => {
    for (const id of ['EPSG:4326', 'EPSG:31466', 'CRS:84', 'EPSG:3857']) assert.equal(needsAxisSwap(id, 'xy'), false, id);
  });

  it('follows the identifier spelling under by-identifier (WFS 1.1/2.0 practice)', () => {
    assert.equal(needsAxisSwap('EPSG:4326', 'by-identifier'), false);
    assert.equal(needsAxisSwap('http://www.opengis.net/gml/srs/epsg.xml#4326', 'by-identifier'), false);
    assert.equal(needsAxisSwap('urn:ogc:def:crs:EPSG::4326', 'by-identifier'), true);
    assert.equal(needsAxisSwap('http://www.opengis.net/def/crs/EPSG/0/4326', 'by-identifier'), true);
    assert.equal(needsAxisSwap('urn:ogc:def:crs:OGC:1.3:CRS84', 'by-identifier'), false);
    assert.equal(needsAxisSwap(lookupCrs('urn:ogc:def:crs:EPSG::3035')!, 'by-identifier'), true);
    assert.equal(needsAxisSwap(lookupCrs('EPSG:4326')!.crs, 'by-identifier'), true);
  });

  it('reorders points and boxes to x/y and back', () => {
    assert.deepEqual(toXyOrder([50, 10], 'EPSG:4326', 'authority'), [10, 50]);
    assert.deepEqual(toXyOrder([-90, -180, 90, 180], 'EPSG:4326', 'authority'), [-180, -90, 180, 90]);
    assert.deepEqual(toXyOrder([10, 50], 'CRS:84', 'authority'), [10, 50]);
    assert.deepEqual(fromXyOrder([10, 50, 120], 'EPSG:4979', 'authority'), [50, 10, 120]);
    assert.deepEqual(toXyOrder([50, 10], 'EPSG:4326', 'xy'), [50, 10]);
  });

  it('refuses an unknown CRS', () => {
    assert.throws(() => needsAxisSwap('EPSG:1', 'authority'), (e: unknown) => e instanceof OwsException && e.code === 'InvalidParameterValue');
  });
});
