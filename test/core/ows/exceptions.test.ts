import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { MeridianError } from '../../../core/errors.js';
import {
  invalidParameterValue,
  missingParameterValue,
  operationNotSupported,
  OWS_EXCEPTION_STATUS,
  OwsException,
  statusOfExceptionCode,
} from '../../../core/ows/exceptions.js';

describe('core/ows/exceptions', () => {
  it('gives each OWS Common 2.0 code the HTTP status of table 28', () => {
    assert.equal(new OwsException('MissingParameterValue', 'm').status, 400);
    assert.equal(new OwsException('InvalidParameterValue', 'm').status, 400);
    assert.equal(new OwsException('OperationNotSupported', 'm').status, 501);
    assert.equal(new OwsException('OptionNotSupported', 'm').status, 501);
    assert.equal(new OwsException('VersionNegotiationFailed', 'm').status, 400);
    assert.equal(new OwsException('InvalidUpdateSequence', 'm').status, 400);
    assert.equal(new OwsException('NoApplicableCode', 'm').status, 500);
  });

  it('knows the WMS 1.3.0 codes as client errors', () => {
    for (const code of ['InvalidFormat', 'InvalidCRS', 'LayerNotDefined', 'StyleNotDefined', 'LayerNotQueryable', 'InvalidPoint',
      'CurrentUpdateSequence', 'MissingDimensionValue', 'InvalidDimensionValue']) {
      assert.equal(statusOfExceptionCode(code), 400, code);
      assert.ok(code in OWS_EXCEPTION_STATUS);
    }
  });

  it('is a MeridianError carrying code, locator and status, and lets a service code set its own status', () => {
    const err = new OwsException('NoSuchCoverage', 'no coverage c1', { locator: 'coverageId', status: 404 });
    assert.ok(err instanceof MeridianError);
    assert.equal(err.code, 'NoSuchCoverage');
    assert.equal(err.locator, 'coverageId');
    assert.equal(err.status, 404);
    assert.equal(err.expose, true);
    assert.equal(new OwsException('Whatever', 'x').status, 400);
  });

  it('hides the message of 500s unless told otherwise', () => {
    assert.equal(new OwsException('NoApplicableCode', 'db down').expose, false);
    assert.equal(new OwsException('NoApplicableCode', 'renderer failed', { expose: true }).expose, true);
  });

  it('builds the common exceptions with the parameter as locator', () => {
    const missing = missingParameterValue('LAYERS');
    assert.equal(missing.code, 'MissingParameterValue');
    assert.equal(missing.locator, 'LAYERS');
    assert.match(missing.message, /LAYERS/);
    assert.equal(invalidParameterValue('WIDTH', 'must be positive').locator, 'WIDTH');
    const op = operationNotSupported('GetFoo');
    assert.equal(op.status, 501);
    assert.equal(op.locator, 'GetFoo');
  });
});
