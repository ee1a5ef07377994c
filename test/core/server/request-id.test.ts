import assert from 'node:assert/strict';
import { newRequestId } from '../../../core/server/middleware/request-id.js';

describe('core/server request ids', () => {
  it('makes distinct RFC 9562 version 8 UUIDs', () => {
    const ids = Array.from({ length: 10_000 }, () => newRequestId());
    assert.equal(new Set(ids).size, ids.length);
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});
