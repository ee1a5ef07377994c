import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { OwsException } from '../../../core/ows/exceptions.js';
import { compareVersions, negotiateAcceptVersions, negotiateWmsVersion, requireSupportedVersion } from '../../../core/ows/version.js';

function throwsOws(fn: () => unknown, code: string, locator: string): void {
  assert.throws(fn, (err: unknown) => err instanceof OwsException && err.code === code && err.locator === locator && err.status === 400);
}

describe('core/ows/version', () => {
  it('compares versions numerically, not as text', () => {
    assert.equal(compareVersions('1.10.0', '1.9.0'), 1);
    assert.equal(compareVersions('2.0.0', '2.0'), 0);
    assert.equal(compareVersions('1.1.1', '1.3.0'), -1);
  });

  describe('AcceptVersions (OWS Common 1.1/2.0 §7.3.2)', () => {
    const supported = ['1.1.0', '2.0.1', '2.0.0'];

    it('answers the highest supported version when the client lists none', () => {
      assert.equal(negotiateAcceptVersions(undefined, supported), '2.0.1');
      assert.equal(negotiateAcceptVersions([], supported), '2.0.1');
      assert.equal(negotiateAcceptVersions([''], supported), '2.0.1');
    });

    it("answers the first version of the client's list that is supported, in the client's order", () => {
      assert.equal(negotiateAcceptVersions(['1.1.0', '2.0.1'], supported), '1.1.0');
      assert.equal(negotiateAcceptVersions(['3.0.0', '2.0.0', '1.1.0'], supported), '2.0.0');
    });

    it('fails with VersionNegotiationFailed when none is supported', () => {
      throwsOws(() => negotiateAcceptVersions(['3.0.0', '0.9.0'], supported), 'VersionNegotiationFailed', 'AcceptVersions');
    });

    it('refuses entries that are not x.y.z versions', () => {
      throwsOws(() => negotiateAcceptVersions(['2.0'], supported), 'InvalidParameterValue', 'AcceptVersions');
      throwsOws(() => negotiateAcceptVersions(['latest'], supported, 'acceptversions'), 'InvalidParameterValue', 'acceptversions');
    });
  });

  describe('WMS VERSION negotiation (WMS 1.3.0 §6.2.4)', () => {
    const supported = ['1.1.1', '1.3.0'];
    it('answers the requested version when supported', () => {
      assert.equal(negotiateWmsVersion('1.1.1', supported), '1.1.1');
      assert.equal(negotiateWmsVersion('1.3.0', supported), '1.3.0');
    });
    it('answers the highest when none is requested or the request is above every version', () => {
      assert.equal(negotiateWmsVersion(undefined, supported), '1.3.0');
      assert.equal(negotiateWmsVersion('2.0.0', supported), '1.3.0');
    });
    it('answers the highest version below the request when it falls between supported versions', () => {
      assert.equal(negotiateWmsVersion('1.2.0', supported), '1.1.1');
      assert.equal(negotiateWmsVersion('1.1.5', ['1.0.0', '1.1.0', '1.1.1', '1.3.0']), '1.1.1');
    });
    it('answers the lowest when the request is below every version', () => {
      assert.equal(negotiateWmsVersion('1.0.0', supported), '1.1.1');
    });
    it('refuses a VERSION that is not a number', () => {
      throwsOws(() => negotiateWmsVersion('one', supported), 'InvalidParameterValue', 'VERSION');
    });
  });

  it('requires an operation VERSION to be supported exactly', () => {
    assert.equal(requireSupportedVersion('2.0.0', ['2.0.0', '2.0.2']), '2.0.0');
    throwsOws(() => requireSupportedVersion('1.0.0', ['2.0.0']), 'InvalidParameterValue', 'VERSION');
    throwsOws(() => requireSupportedVersion('x', ['2.0.0'], 'version'), 'InvalidParameterValue', 'version');
  });
});
