import assert from 'node:assert/strict';
import { BadRequest, MeridianError, toMeridianError } from '../../core/errors.js';

describe('core errors: toMeridianError', () => {
  it('keeps a MeridianError as thrown', () => {
    const err = new BadRequest('bad', { code: 'InvalidParameterValue', locator: 'source' });
    assert.equal(toMeridianError(err), err);
  });

  it('keeps code and locator of a MeridianError from another copy of the module (same fields, other class)', () => {
    class OtherCopy extends Error {
      status = 400;
      code = 'InvalidParameterValue';
      locator = 'source';
      headers = {};
      expose = true;
    }
    const converted = toMeridianError(new OtherCopy('bad source'));
    assert.equal(converted.code, 'InvalidParameterValue');
    assert.equal(converted.locator, 'source');
    assert.equal(converted.message, 'bad source');
  });

  it('hides the message of anything else that is not a client error', () => {
    const converted = toMeridianError(new Error('secret detail'));
    assert.ok(converted instanceof MeridianError);
    assert.equal(converted.status, 500);
    assert.equal(converted.expose, false);
  });
});
