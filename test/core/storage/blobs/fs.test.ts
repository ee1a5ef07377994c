import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import { buffer } from 'node:stream/consumers';
import { BlobDigestMismatch, BlobKeyConflict, BlobNotFound } from '../../../../core/storage/blobs/errors.js';
import { FsBlobStore } from '../../../../core/storage/blobs/fs.js';
import { blobStoreBehaviour, EVIL_KEYS } from './blob-store-behaviour.js';

const execFileAsync = promisify(execFile);
const md5 = (data: Buffer | string): string => createHash('md5').update(data).digest('hex');

/** Every path under `dir`, relative, sorted: a snapshot of what is on disk. */
async function tree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.sort();
}

describe('core/storage/blobs/fs', () => {
  let sandbox: string;
  beforeEach(async () => {
    sandbox = await mkdtemp(join(tmpdir(), 'meridian-fs-blobs-'));
  });
  afterEach(async () => {
    await rm(sandbox, { recursive: true, force: true });
  });

  describe('BlobStore behaviour', () => {
    blobStoreBehaviour(
      async () => {
        const root = join(sandbox, 'store');
        const store = await FsBlobStore.open({ root });
        return { store, dispose: async () => undefined };
      },
      { largeSize: 12 * 1024 * 1024 + 17, raceRounds: 12 },
    );
  });

  describe('expectMd5', () => {
    it('publishes a body with the expected MD5 and refuses one with another (BadDigest), keeping the version before and no temporary file', async () => {
      const root = join(sandbox, 'store');
      const store = await FsBlobStore.open({ root });
      assert.equal(store.verifiesMd5, true);
      // Small (hashed in place) and large (hashed on the MD5 thread) bodies.
      for (const size of [10, 3 * 1024 * 1024 + 5]) {
        const first = Buffer.alloc(size, 1);
        const second = Buffer.alloc(size, 2);
        const key = `digest/${size}`;
        assert.equal((await store.put(key, first, { expectMd5: md5(first).toUpperCase() })).etag, md5(first));
        await assert.rejects(store.put(key, Readable.from([second.subarray(0, 7), second.subarray(7)]), { expectMd5: md5(first) }), (err: unknown) => err instanceof BlobDigestMismatch && (err as BlobDigestMismatch).status === 400 && (err as BlobDigestMismatch).code === 'BadDigest');
        const got = await store.get(key);
        assert.equal(got.etag, md5(first));
        assert.deepEqual(await buffer(got.body), first);
      }
      assert.deepEqual(await readdir(join(root, '.meridian', 'tmp')), []);
    });
  });

  describe('on disk', () => {
    it('stores each object as a plain file at <root>/<key>, readable without the store', async () => {
      const store = await FsBlobStore.open({ root: join(sandbox, 'store') });
      await store.put('scenes/S2A/B04.tif', 'raster bytes', { contentType: 'image/tiff' });
      assert.equal(await readFile(join(sandbox, 'store', 'scenes', 'S2A', 'B04.tif'), 'utf8'), 'raster bytes');
    });

    it('writes nothing outside its root, whatever keys are tried', async () => {
      const root = join(sandbox, 'inner', 'store');
      const store = await FsBlobStore.open({ root });
      await store.put('legit', 'x');
      const before = await tree(sandbox);
      for (const key of EVIL_KEYS) await store.put(key, 'evil').catch(() => undefined);
      assert.deepEqual(await tree(sandbox), before);
    });

    it('leaves no temporary file behind after a put, a refused put or a failed body', async () => {
      const root = join(sandbox, 'store');
      const store = await FsBlobStore.open({ root });
      await store.put('k', 'v');
      await store.put('k', Buffer.alloc(3), { size: 4 }).catch(() => undefined);
      const failing = new Readable({
        read() {
          this.destroy(new Error('boom'));
        },
      });
      await store.put('k', failing).catch(() => undefined);
      assert.deepEqual(await readdir(join(root, '.meridian', 'tmp')), []);
    });

    it('removes temporaries older than an hour at open, keeping recent ones (a writer may be live)', async () => {
      const root = join(sandbox, 'store');
      await FsBlobStore.open({ root });
      const tmp = join(root, '.meridian', 'tmp');
      await writeFile(join(tmp, 'old.part'), 'crashed writer');
      await writeFile(join(tmp, 'new.part'), 'live writer');
      const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(join(tmp, 'old.part'), old, old);
      await FsBlobStore.open({ root });
      assert.deepEqual(await readdir(tmp), ['new.part']);
    });

    it('removes folders left empty by a delete, and keeps the others', async () => {
      const root = join(sandbox, 'store');
      const store = await FsBlobStore.open({ root });
      await store.put('a/b/c/one', '1');
      await store.put('a/two', '2');
      await store.delete('a/b/c/one');
      assert.deepEqual(await tree(root), ['.meridian', '.meridian/tmp', 'a', 'a/.meridian', 'a/.meridian/two.json', 'a/two']);
    });

    it('refuses a key that would need a file where a folder is, and the reverse (BlobKeyConflict, 409)', async () => {
      const store = await FsBlobStore.open({ root: join(sandbox, 'store') });
      await store.put('a/b', 'file');
      await assert.rejects(store.put('a/b/c', 'under a file'), (err: unknown) => err instanceof BlobKeyConflict && err.status === 409);
      await store.put('x/y/z', 'deep');
      await assert.rejects(store.put('x/y', 'over a folder'), BlobKeyConflict);
      assert.equal(await store.head('x/y'), null);
      assert.equal((await buffer((await store.get('a/b')).body)).toString(), 'file');
    });

    it('serves a file put there by hand, with the ETag computed from its content', async () => {
      const root = join(sandbox, 'store');
      const store = await FsBlobStore.open({ root });
      await mkdir(join(root, 'manual'), { recursive: true });
      await writeFile(join(root, 'manual', 'file.txt'), 'dropped in by an operator');
      const got = await store.get('manual/file.txt');
      assert.equal((await buffer(got.body)).toString(), 'dropped in by an operator');
      assert.equal(got.etag, md5('dropped in by an operator'));
      assert.deepEqual(got.metadata, {});
      assert.equal((await store.head('manual/file.txt'))?.etag, md5('dropped in by an operator'));
      assert.deepEqual((await store.list('manual/')).items.map((i) => i.etag), [md5('dropped in by an operator')]);
    });

    it('ignores a sidecar that describes another file (a replaced object), computing the ETag instead', async () => {
      const root = join(sandbox, 'store');
      const store = await FsBlobStore.open({ root });
      await store.put('k', 'original', { contentType: 'text/plain', metadata: { a: '1' } });
      await writeFile(join(root, 'k'), 'changed behind the store back');
      const head = await store.head('k');
      assert.equal(head?.etag, md5('changed behind the store back'));
      assert.deepEqual(head?.metadata, {});
    });

    it('keeps content type and metadata of a tree copied with its timestamps (cp -a)', async () => {
      const root = join(sandbox, 'store');
      const store = await FsBlobStore.open({ root });
      await store.put('dir/k', 'payload', { contentType: 'text/plain', metadata: { a: '1' } });
      const copy = join(sandbox, 'copy');
      // GNU cp -a keeps nanosecond timestamps (fs.cp rounds them to milliseconds).
      await execFileAsync('cp', ['-a', root, copy]);
      assert.notEqual((await stat(join(copy, 'dir', 'k'))).ino, (await stat(join(root, 'dir', 'k'))).ino);
      const copied = await FsBlobStore.open({ root: copy });
      const got = await copied.get('dir/k');
      assert.equal((await buffer(got.body)).toString(), 'payload');
      assert.equal(got.contentType, 'text/plain');
      assert.deepEqual(got.metadata, { a: '1' });
    });

    it('does not follow a symlink planted in the store to a file outside it', async () => {
      const root = join(sandbox, 'store');
      const store = await FsBlobStore.open({ root });
      await writeFile(join(sandbox, 'secret'), 'outside');
      await symlink(join(sandbox, 'secret'), join(root, 'link'));
      await assert.rejects(store.get('link'), BlobNotFound);
      assert.equal(await store.head('link'), null);
      assert.deepEqual((await store.list('')).items, []);
    });

    it('does not list its own temporary files and sidecars', async () => {
      const root = join(sandbox, 'store');
      const store = await FsBlobStore.open({ root });
      await store.put('one', '1');
      await store.put('sub/two', '2');
      await writeFile(join(root, '.meridian', 'tmp', 'inflight.part'), 'partial');
      const page = await store.list('');
      assert.deepEqual(page.items.map((i) => i.key), ['one', 'sub/two']);
      assert.deepEqual((await store.list('.meridian')).items, []);
    });
  });
});
