/** WMTS requests from the KVP and RESTful bindings, and the exceptions a malformed one gets. */
import assert from 'node:assert/strict';
import { OwsException } from '../../../core/ows/index.js';
import { decodeSegments, parseKvpRequest, parseRestPath } from '../../../plugins/wmts/requests.js';
import { keySegment } from '../../../plugins/wmts/tile-cache.js';

function owsError(fn: () => unknown, code: string, locator: string | undefined): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof OwsException, String(err));
    assert.equal(err.code, code);
    assert.equal(err.locator, locator);
    return true;
  });
}

const TILE = 'SERVICE=WMTS&REQUEST=GetTile&VERSION=1.0.0&LAYER=rgb&STYLE=default&FORMAT=image/png&TILEMATRIXSET=WebMercatorQuad&TILEMATRIX=3&TILEROW=2&TILECOL=4';

describe('wmts requests', () => {
  it('reads a KVP GetTile with case-insensitive names and the Time dimension', () => {
    const r = parseKvpRequest(`${TILE.toLowerCase().replace('gettile', 'GetTile')}&time=2020-01-01`);
    assert.deepEqual(r, {
      operation: 'GetTile', binding: 'kvp', layer: 'rgb', style: 'default', format: 'image/png', tileMatrixSet: 'webmercatorquad',
      tileMatrix: '3', tileRow: '2', tileCol: '4', time: '2020-01-01',
    });
  });

  it('reads a KVP GetFeatureInfo with I, J and InfoFormat', () => {
    const r = parseKvpRequest(`${TILE.replace('GetTile', 'GetFeatureInfo')}&I=10&J=20&INFOFORMAT=application/json`);
    assert.equal(r.operation, 'GetFeatureInfo');
    assert.deepEqual(r.operation === 'GetFeatureInfo' && [r.i, r.j, r.infoFormat], ['10', '20', 'application/json']);
  });

  it('reads GetCapabilities: AcceptVersions, or VERSION as OWSLib and GDAL send it; Sections', () => {
    assert.deepEqual(parseKvpRequest('service=WMTS&request=GetCapabilities&AcceptVersions=2.0.0,1.0.0&sections=Contents'), {
      operation: 'GetCapabilities', binding: 'kvp', acceptVersions: ['2.0.0', '1.0.0'], versionLocator: 'AcceptVersions', sections: ['Contents'], updateSequence: undefined, acceptFormats: undefined,
    });
    const v = parseKvpRequest('service=WMTS&request=GetCapabilities&version=1.0.0');
    assert.deepEqual(v.operation === 'GetCapabilities' && [v.acceptVersions, v.versionLocator], [['1.0.0'], 'version']);
  });

  it('refuses: no SERVICE, another service, no REQUEST, an unknown operation, no or another VERSION, a missing parameter', () => {
    owsError(() => parseKvpRequest('request=GetCapabilities'), 'MissingParameterValue', 'service');
    owsError(() => parseKvpRequest('service=WMS&request=GetCapabilities'), 'InvalidParameterValue', 'service');
    owsError(() => parseKvpRequest('service=WMTS'), 'MissingParameterValue', 'request');
    owsError(() => parseKvpRequest('service=WMTS&request=GetMap'), 'OperationNotSupported', 'request');
    owsError(() => parseKvpRequest(TILE.replace('&VERSION=1.0.0', '')), 'MissingParameterValue', 'version');
    owsError(() => parseKvpRequest(TILE.replace('VERSION=1.0.0', 'VERSION=2.0.0')), 'InvalidParameterValue', 'version');
    for (const name of ['LAYER', 'STYLE', 'FORMAT', 'TILEMATRIXSET', 'TILEMATRIX', 'TILEROW', 'TILECOL']) {
      const without = TILE.split('&').filter((p) => !p.startsWith(`${name}=`)).join('&');
      const locator = { LAYER: 'Layer', STYLE: 'Style', FORMAT: 'Format', TILEMATRIXSET: 'TileMatrixSet', TILEMATRIX: 'TileMatrix', TILEROW: 'TileRow', TILECOL: 'TileCol' }[name];
      owsError(() => parseKvpRequest(without), 'MissingParameterValue', locator);
    }
    owsError(() => parseKvpRequest(TILE.replace('GetTile', 'GetFeatureInfo')), 'MissingParameterValue', 'J');
    owsError(() => parseKvpRequest(`${TILE}&LAYER=other`), 'InvalidParameterValue', 'Layer');
  });

  it('reads RESTful tile and FeatureInfo paths, with and without the Time segment', () => {
    assert.deepEqual(parseRestPath(['rgb', 'default', 'WebMercatorQuad', '3', '2', '4.png']), {
      operation: 'GetTile', binding: 'rest', layer: 'rgb', style: 'default', format: 'image/png', tileMatrixSet: 'WebMercatorQuad', tileMatrix: '3', tileRow: '2', tileCol: '4', time: undefined,
    });
    const timed = parseRestPath(['rgb', 'default', '2020-01-01T00:00:00Z', 'WorldCRS84Quad', '0', '0', '1.jpg']);
    assert.deepEqual(timed && [timed.time, timed.format, timed.tileCol], ['2020-01-01T00:00:00Z', 'image/jpeg', '1']);
    const fi = parseRestPath(['rgb', 'default', 'WebMercatorQuad', '3', '2', '4', '20', '10.json']);
    assert.deepEqual(fi?.operation === 'GetFeatureInfo' && [fi.tileCol, fi.j, fi.i, fi.infoFormat], ['4', '20', '10', 'application/json']);
    const fiTimed = parseRestPath(['rgb', 'default', '2020', 'WebMercatorQuad', '3', '2', '4', '20', '10.xml']);
    assert.deepEqual(fiTimed?.operation === 'GetFeatureInfo' && [fiTimed.time, fiTimed.infoFormat], ['2020', 'text/xml']);
    assert.equal(parseRestPath(['rgb', 'default', '3', '2', '4.png']), undefined);
    owsError(() => parseRestPath(['rgb', 'default', 'WebMercatorQuad', '3', '2', '4.gif']), 'InvalidParameterValue', 'Format');
    owsError(() => parseRestPath(['rgb', 'default', 'WebMercatorQuad', '3', '2', '4']), 'InvalidParameterValue', 'Format');
    owsError(() => parseRestPath(['rgb', 'default', 'WebMercatorQuad', '3', '2', '4', '1', '1.pdf']), 'InvalidParameterValue', 'InfoFormat');
    assert.deepEqual(decodeSegments('/a%20b/c/'), ['a b', 'c']);
  });

  it('cache key segments: plain names as they are, anything else encoded so it cannot escape its folder', () => {
    assert.equal(keySegment('rgb'), 'rgb');
    assert.equal(keySegment('v1.2-3_x'), 'v1.2-3_x');
    for (const odd of ['..', '.', 'a/b', '2020-01-01T00:00:00Z', 'é', '.hidden']) {
      const s = keySegment(odd);
      assert.match(s, /^~[A-Za-z0-9_-]+$/, odd);
    }
    assert.ok(keySegment('x'.repeat(500)).length < 100);
  });
});
