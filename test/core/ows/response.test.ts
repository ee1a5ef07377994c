import assert from 'node:assert/strict';
import { operationPipelines, sendOwsResponse } from '../../../core/ows/index.js';
import { contextWith } from '../auth/support/context.js';

describe('core/ows: responses and operation pipelines', () => {
  it('writes status, headers, the media type exactly as given and the body', () => {
    const ctx = contextWith();
    sendOwsResponse(ctx, { status: 201, contentType: 'application/xml; charset=UTF-8', body: '<a/>', headers: { 'Cache-Control': 'no-store' } });
    assert.equal(ctx.status, 201);
    assert.equal(ctx.response.get('Content-Type'), 'application/xml; charset=UTF-8');
    assert.equal(ctx.response.get('Cache-Control'), 'no-store');
    assert.equal(ctx.body, '<a/>');
    const plain = contextWith();
    sendOwsResponse(plain, { contentType: 'image/png', body: Buffer.from([1, 2]) });
    assert.equal(plain.status, 200);
    assert.equal(plain.response.get('Content-Type'), 'image/png');
  });

  it("builds each operation's steps in table order, only those the table names it for", () => {
    const pipelines = operationPipelines(['GetCapabilities', 'GetMap'] as const, [
      ['service', ['GetCapabilities', 'GetMap']],
      ['negotiate', ['GetCapabilities']],
      ['version', ['GetMap']],
      ['run', ['GetCapabilities', 'GetMap']],
    ]);
    assert.deepEqual(pipelines.get('GetCapabilities'), ['service', 'negotiate', 'run']);
    assert.deepEqual(pipelines.get('GetMap'), ['service', 'version', 'run']);
  });
});
