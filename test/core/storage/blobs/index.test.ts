import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { openBlobStore, FsBlobStore } from '../../../../core/storage/blobs/index.js';
import { S3BlobStore } from '../../../../core/storage/blobs/s3.js';

// The SDK warns once per process that its 2027 releases need Node 22; not this test's concern.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

describe('core/storage/blobs openBlobStore', () => {
  it('opens an fs store from {type: fs, root}, creating the folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meridian-open-'));
    try {
      const store = await openBlobStore({ type: 'fs', root: join(dir, 'nested', 'blobs') });
      assert.ok(store instanceof FsBlobStore);
      assert.equal(store.type, 'fs');
      await store.put('k', 'v');
      assert.equal((await buffer((await store.get('k')).body)).toString(), 'v');
      await store.ping();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('opens an s3 store from {type: s3, ...} without contacting the store', async () => {
    const store = await openBlobStore({ type: 's3', bucket: 'eo-data', endpoint: 'http://127.0.0.1:1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    // Compared by name: the test runner may load the lazily imported module as a second instance.
    assert.equal(store.constructor.name, S3BlobStore.name);
    assert.equal(store.type, 's3');
    await store.close?.();
  });
});
