import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { Forbidden, NotFound, Unauthenticated } from '../../../../core/errors.js';
import { problemJsonEncoder } from '../../../../core/ows/encoders/problem-json.js';
import { OwsException } from '../../../../core/ows/exceptions.js';
import { renderThroughKoa } from '../support/serve-error.js';

describe('core/ows/encoders/problem-json', () => {
  it('writes an RFC 7807 document with status, detail, code and locator', async () => {
    const res = await renderThroughKoa(problemJsonEncoder(), new OwsException('InvalidParameterValue', 'limit must be positive', { locator: 'limit' }));
    assert.equal(res.status, 400);
    assert.equal(res.contentType, 'application/problem+json');
    assert.deepEqual(JSON.parse(res.body), {
      type: 'about:blank', title: 'Bad Request', status: 400, detail: 'limit must be positive', code: 'InvalidParameterValue', locator: 'limit',
    });
  });

  it('uses the problem type configured for a code, titled by the code', async () => {
    const type = 'http://www.opengis.net/def/exceptions/ogcapi-processes-1/1.0/no-such-process';
    const res = await renderThroughKoa(problemJsonEncoder({ types: { NoSuchProcess: type } }), new NotFound('process p1 not found', { code: 'NoSuchProcess' }));
    const doc = JSON.parse(res.body) as Record<string, unknown>;
    assert.equal(res.status, 404);
    assert.equal(doc.type, type);
    assert.equal(doc.title, 'NoSuchProcess');
  });

  it('keeps WWW-Authenticate on 401 and answers 403 for denials', async () => {
    const res = await renderThroughKoa(problemJsonEncoder(), new Unauthenticated('Token expired', 'Bearer error="invalid_token"'));
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token"');
    assert.equal((JSON.parse(res.body) as { detail: string }).detail, 'Token expired');
    assert.equal((await renderThroughKoa(problemJsonEncoder(), new Forbidden())).status, 403);
  });

  it('never exposes the message of an unexpected error', async () => {
    const res = await renderThroughKoa(problemJsonEncoder(), new Error('ECONNREFUSED 10.1.2.3:5432'));
    assert.equal(res.status, 500);
    assert.ok(!res.body.includes('10.1.2.3'));
    assert.equal((JSON.parse(res.body) as { detail: string }).detail, 'Internal server error');
  });
});
