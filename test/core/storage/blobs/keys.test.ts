import assert from 'node:assert/strict';
import { BadRequest } from '../../../../core/errors.js';
import { InvalidBlobKey } from '../../../../core/storage/blobs/errors.js';
import { compareKeys, keySegments, normaliseMetadata } from '../../../../core/storage/blobs/keys.js';
import { EVIL_KEYS } from './blob-store-behaviour.js';

describe('core/storage/blobs keys', () => {
  it('splits a valid key into its segments', () => {
    assert.deepEqual(keySegments('a/b/c.tif'), ['a', 'b', 'c.tif']);
    assert.deepEqual(keySegments('..a/b..'), ['..a', 'b..']);
    assert.deepEqual(keySegments('ünï/😀'), ['ünï', '😀']);
  });

  it('refuses every evil key with InvalidBlobKey naming the reason', () => {
    for (const key of EVIL_KEYS) {
      assert.throws(() => keySegments(key), (err: unknown) => err instanceof InvalidBlobKey && err.code === 'InvalidBlobKey' && err.message.includes(':'), JSON.stringify(key));
    }
    assert.throws(() => keySegments(42), InvalidBlobKey);
  });

  it('orders keys by UTF-8 bytes, not UTF-16 code units', () => {
    // U+FFFF is one UTF-16 unit above the surrogates of U+1F600, but sorts below it in UTF-8.
    assert.ok('😀' < '\uffff');
    assert.ok(compareKeys('\uffff', '😀') < 0);
    assert.ok(compareKeys('a-b', 'a/b') < 0);
  });

  it('lower-cases metadata names and refuses what an x-amz-meta header could not carry', () => {
    assert.deepEqual(normaliseMetadata({ Sensor: 'MSI', 'cloud-cover': '12.5' }), { sensor: 'MSI', 'cloud-cover': '12.5' });
    assert.throws(() => normaliseMetadata({ 'a b': 'x' }), BadRequest);
    assert.throws(() => normaliseMetadata({ a: 'é' }), BadRequest);
    assert.throws(() => normaliseMetadata({ A: '1', a: '2' }), BadRequest);
    assert.throws(() => normaliseMetadata({ big: 'x'.repeat(3000) }), BadRequest);
  });
});
