/**
 * textResponse: chunks within the limit become one string; past it, a stream of every chunk in
 * order; an error while holding is thrown to the handler; a stream destroyed early ends its source.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { textResponse } from '../../../core/server/text-response.js';

async function* pieces(n: number, size: number, state?: { produced: number; ended: boolean }): AsyncGenerator<string> {
  try {
    for (let i = 0; i < n; i++) {
      if (state) state.produced++;
      yield String.fromCharCode(97 + (i % 26)).repeat(size);
    }
  } finally {
    if (state) state.ended = true;
  }
}

const expected = (n: number, size: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(size)).join('');

async function drain(stream: Readable): Promise<string> {
  let out = '';
  for await (const chunk of stream) out += chunk.toString();
  return out;
}

describe('core textResponse', () => {
  it('holds chunks that come within the limit as one string', async () => {
    const body = await textResponse(pieces(10, 100), 1000);
    assert.equal(body, expected(10, 100));
    assert.equal(await textResponse(pieces(0, 1), 10), '');
  });

  it('streams every chunk in order once the limit is passed', async () => {
    const body = await textResponse(pieces(50, 100), 1000);
    assert.ok(body instanceof Readable);
    assert.equal(await drain(body), expected(50, 100));
  });

  it('throws an error raised before the limit, so the handler can answer with a report', async () => {
    async function* failing(): AsyncGenerator<string> {
      yield 'head';
      throw new Error('database gone');
    }
    await assert.rejects(textResponse(failing(), 1000), /database gone/);
  });

  it('ends the source when the stream is destroyed before its end', async () => {
    const state = { produced: 0, ended: false };
    const body = await textResponse(pieces(1000, 100, state), 500);
    assert.ok(body instanceof Readable);
    for await (const _ of body) break;
    // Let the generator's return run.
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(state.ended, 'the source was closed');
    assert.ok(state.produced < 1000, `only ${state.produced} of 1000 chunks were made`);
  });
});
