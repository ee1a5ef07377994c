/**
 * Which WCS version a request is answered in (plugins/wcs/versions.ts): OWS AcceptVersions, the
 * WCS 1.0.0 (WMS) VERSION rule, 1.1.0/1.1.2 read as 1.1.1, and the operations' required VERSION.
 */
import assert from 'node:assert/strict';
import { OwsException } from '../../../core/ows/index.js';
import { ADVERTISED_VERSIONS, negotiateCapabilitiesVersion, requireOperationVersion, servedVersion } from '../../../plugins/wcs/versions.js';

function codeOf(fn: () => unknown): { code: string; locator?: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof OwsException, String(err));
    return { code: err.code, locator: err.locator };
  }
  assert.fail('expected an exception');
}

describe('wcs version negotiation', () => {
  it('serves 2.0.1, 2.0.0, 1.1.1 and 1.0.0, reading 1.1.0 and 1.1.2 as 1.1.1', () => {
    assert.deepEqual(ADVERTISED_VERSIONS, ['2.0.1', '2.0.0', '1.1.1', '1.0.0']);
    assert.equal(servedVersion('1.1.0'), '1.1.1');
    assert.equal(servedVersion('1.1.2'), '1.1.1');
    assert.equal(servedVersion('1.1'), '1.1.1');
    assert.equal(servedVersion('1.0'), '1.0.0');
    assert.equal(servedVersion('1.5.0'), undefined);
    assert.equal(servedVersion('x'), undefined);
  });

  it('GetCapabilities without a version gets the highest', () => {
    assert.equal(negotiateCapabilitiesVersion({}), '2.0.1');
  });

  it('AcceptVersions: the first served version in the client order (QGIS sends 1.1.0,1.0.0 and gets 1.1.1)', () => {
    assert.equal(negotiateCapabilitiesVersion({ acceptVersions: ['1.1.0', '1.0.0'] }), '1.1.1');
    assert.equal(negotiateCapabilitiesVersion({ acceptVersions: ['1.0.0', '2.0.1'] }), '1.0.0');
    assert.equal(negotiateCapabilitiesVersion({ acceptVersions: ['3.0.0', '2.0.0'] }), '2.0.0');
    assert.equal(negotiateCapabilitiesVersion({ acceptVersions: ['1.1.2'], version: '2.0.1' }), '1.1.1');
    assert.deepEqual(codeOf(() => negotiateCapabilitiesVersion({ acceptVersions: ['0.8.0', '3.0.0'] })), { code: 'VersionNegotiationFailed', locator: 'acceptVersions' });
    assert.equal(codeOf(() => negotiateCapabilitiesVersion({ acceptVersions: ['two'] })).code, 'InvalidParameterValue');
  });

  it('VERSION alone follows WCS 1.0.0 §6.2.4: the version if served, else the highest below it, else the lowest', () => {
    assert.equal(negotiateCapabilitiesVersion({ version: '1.0.0' }), '1.0.0');
    assert.equal(negotiateCapabilitiesVersion({ version: '1.1.0' }), '1.1.1');
    assert.equal(negotiateCapabilitiesVersion({ version: '1.5.0' }), '1.1.1');
    assert.equal(negotiateCapabilitiesVersion({ version: '3.0.0' }), '2.0.1');
    assert.equal(negotiateCapabilitiesVersion({ version: '0.7.0' }), '1.0.0');
    assert.equal(codeOf(() => negotiateCapabilitiesVersion({ version: 'latest' })).code, 'InvalidParameterValue');
  });

  it('restricted to WCS 2.0 (the XML binding), 1.x is never chosen', () => {
    const xml = ['2.0.0', '2.0.1'] as const;
    assert.equal(negotiateCapabilitiesVersion({ version: '1.0.0' }, xml), '2.0.0');
    assert.equal(codeOf(() => negotiateCapabilitiesVersion({ acceptVersions: ['1.1.1'] }, xml)).code, 'VersionNegotiationFailed');
  });

  it('other operations need a served VERSION in KVP (2.0.1 for an XML request without one)', () => {
    assert.equal(requireOperationVersion({ version: '1.1.2' }, 'kvp'), '1.1.1');
    assert.equal(requireOperationVersion({ version: '1.0.0' }, 'kvp'), '1.0.0');
    assert.deepEqual(codeOf(() => requireOperationVersion({}, 'kvp')), { code: 'MissingParameterValue', locator: 'version' });
    assert.deepEqual(codeOf(() => requireOperationVersion({ version: '1.5.0' }, 'kvp')), { code: 'InvalidParameterValue', locator: 'version' });
    assert.equal(requireOperationVersion({}, 'xml', ['2.0.0', '2.0.1']), '2.0.1');
  });
});
