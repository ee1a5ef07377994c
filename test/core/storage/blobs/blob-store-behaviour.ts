import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { MeridianError } from '../../../../core/errors.js';
import { BlobNotFound, InvalidBlobKey, InvalidRange } from '../../../../core/storage/blobs/errors.js';
import type { BlobStore, ByteRange, ListOptions, ListPage } from '../../../../core/storage/blobs/types.js';

/** Keys that must never reach a store: each one could address something outside it. */
export const EVIL_KEYS: string[] = [
  '',
  '..',
  '.',
  '../escape',
  '../../etc/passwd',
  'a/../../escape',
  'a/./b',
  'a/..',
  '/etc/passwd',
  '/absolute',
  'a//b',
  'a/',
  '/',
  'trailing/',
  'nul\u0000byte',
  'nul/\u0000',
  'new\nline',
  'back\\slash',
  '..\\escape',
  'a\\..\\..\\escape',
  'C:\\windows\\system32',
  '.meridian',
  '.meridian/tmp/x.part',
  'a/.meridian/b.json',
  'A/.MERIDIAN/b',
  'lone\ud800surrogate',
  'x'.repeat(1025),
  `${'y'.repeat(251)}/z`,
];

export interface BlobStoreUnderTest {
  store: BlobStore;
  dispose(): Promise<void>;
}

export interface BehaviourOptions {
  /** Size of a body that the store must upload in several parts (s3: above its part size). */
  largeSize: number;
  /** Whole-object replacements the writer makes while readers race it. */
  raceRounds: number;
}

const md5 = (data: Buffer): string => createHash('md5').update(data).digest('hex');

/** A stream of `data` in small chunks, so a put takes many I/O turns. */
function chunked(data: Buffer, chunkSize = 64 * 1024): Readable {
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

async function listAll(store: BlobStore, prefix: string, options: ListOptions): Promise<{ keys: string[]; prefixes: string[]; pages: number }> {
  const keys: string[] = [];
  const prefixes: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page: ListPage = await store.list(prefix, { ...options, cursor });
    pages++;
    keys.push(...page.items.map((i) => i.key));
    prefixes.push(...page.prefixes);
    cursor = page.nextCursor;
    assert.ok(pages < 1000, 'listing does not end');
  } while (cursor);
  return { keys, prefixes, pages };
}

function byteOrder(keys: string[]): string[] {
  return [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

/**
 * The behaviour every BlobStore adapter shares, run against each one (fs on a temporary folder,
 * s3 against a real S3-compatible server).
 */
export function blobStoreBehaviour(open: () => Promise<BlobStoreUnderTest>, options: BehaviourOptions): void {
  let sut: BlobStoreUnderTest;
  let store: BlobStore;
  beforeEach(async () => {
    sut = await open();
    store = sut.store;
  });
  afterEach(async () => {
    await sut.dispose();
  });

  describe('put, get, head, delete', () => {
    it('returns what was put from a Buffer, a string and a stream, with size, content type and metadata', async () => {
      const data = randomBytes(3000);
      const put = await store.put('docs/a.bin', data, { contentType: 'application/x-test', metadata: { Origin: 'unit', n: '1' } });
      assert.equal(put.key, 'docs/a.bin');
      assert.equal(put.size, 3000);
      assert.deepEqual(put.metadata, { origin: 'unit', n: '1' });
      const got = await store.get('docs/a.bin');
      assert.deepEqual(await buffer(got.body), data);
      assert.equal(got.size, 3000);
      assert.equal(got.contentType, 'application/x-test');
      assert.deepEqual(got.metadata, { origin: 'unit', n: '1' });
      assert.equal(got.range, undefined);

      await store.put('docs/text.txt', 'héllo wörld');
      assert.equal((await buffer((await store.get('docs/text.txt')).body)).toString('utf8'), 'héllo wörld');
      const streamed = randomBytes(300_000);
      await store.put('docs/stream.bin', chunked(streamed, 10_000));
      assert.deepEqual(await buffer((await store.get('docs/stream.bin')).body), streamed);
    });

    it('gives the MD5 hex of the content as ETag, in put, get, head and list alike', async () => {
      const data = randomBytes(12345);
      const put = await store.put('etag/x', chunked(data, 1000));
      assert.equal(put.etag, md5(data));
      assert.equal((await store.head('etag/x'))?.etag, md5(data));
      const got = await store.get('etag/x');
      await buffer(got.body);
      assert.equal(got.etag, md5(data));
      const listed = await store.list('etag/');
      assert.equal(listed.items[0]?.etag, md5(data));
      assert.equal(listed.items[0]?.size, 12345);
    });

    it('stores an empty object', async () => {
      const put = await store.put('empty', Buffer.alloc(0));
      assert.equal(put.size, 0);
      assert.equal(put.etag, 'd41d8cd98f00b204e9800998ecf8427e');
      const got = await store.get('empty');
      assert.equal((await buffer(got.body)).length, 0);
    });

    it('head gives the same description as get, and null for a missing key', async () => {
      await store.put('h/one', 'abc', { contentType: 'text/plain', metadata: { k: 'v' } });
      const head = await store.head('h/one');
      assert.ok(head);
      assert.equal(head.size, 3);
      assert.equal(head.contentType, 'text/plain');
      assert.deepEqual(head.metadata, { k: 'v' });
      assert.ok(head.lastModified instanceof Date && !Number.isNaN(head.lastModified.getTime()));
      assert.equal(await store.head('h/missing'), null);
      assert.equal(await store.head('h'), null, 'a prefix of a key is not an object');
    });

    it('raises BlobNotFound (404) for a missing key', async () => {
      await assert.rejects(store.get('nothing/here'), (err: unknown) => err instanceof BlobNotFound && err.status === 404);
    });

    it('replaces an object whole on a second put', async () => {
      await store.put('r/k', randomBytes(5000), { contentType: 'a/b', metadata: { v: '1' } });
      const second = randomBytes(100);
      await store.put('r/k', second, { metadata: { v: '2' } });
      const got = await store.get('r/k');
      assert.deepEqual(await buffer(got.body), second);
      assert.equal(got.size, 100);
      assert.deepEqual(got.metadata, { v: '2' });
      assert.equal(got.contentType === undefined || got.contentType === 'binary/octet-stream' || got.contentType === 'application/octet-stream', true);
    });

    it('delete says whether the key existed, and the object is gone after it', async () => {
      await store.put('d/x', 'x');
      assert.equal(await store.delete('d/x'), true);
      assert.equal(await store.delete('d/x'), false);
      assert.equal(await store.head('d/x'), null);
      await assert.rejects(store.get('d/x'), BlobNotFound);
      assert.deepEqual((await store.list('d/')).items, []);
    });

    it('refuses a body that differs from the announced size, keeping the previous object', async () => {
      await store.put('sz/k', 'previous');
      await assert.rejects(store.put('sz/k', Buffer.alloc(10), { size: 11 }), (err: unknown) => err instanceof MeridianError && err.status === 400);
      await assert.rejects(store.put('sz/k', chunked(Buffer.alloc(20), 4), { size: 12 }), (err: unknown) => err instanceof MeridianError && err.status === 400);
      assert.equal((await buffer((await store.get('sz/k')).body)).toString(), 'previous');
    });

    it('keeps the previous object when the body stream fails mid-way', async () => {
      await store.put('fail/k', 'previous');
      const failing = new Readable({
        read() {
          this.push(Buffer.alloc(1000, 1));
          this.destroy(new Error('client went away'));
        },
      });
      await assert.rejects(store.put('fail/k', failing), /client went away/);
      assert.equal((await buffer((await store.get('fail/k')).body)).toString(), 'previous');
    });

    it('refuses metadata that S3 could not carry', async () => {
      await assert.rejects(store.put('m/k', 'x', { metadata: { 'bad name': 'v' } }), (err: unknown) => err instanceof MeridianError && err.status === 400);
      await assert.rejects(store.put('m/k', 'x', { metadata: { ok: 'line\nbreak' } }), (err: unknown) => err instanceof MeridianError && err.status === 400);
      assert.equal(await store.head('m/k'), null);
    });

    it(`stores a large object (multipart where the store has it) intact`, async function () {
      this.timeout(120_000);
      const data = randomBytes(options.largeSize);
      const put = await store.put('large/object.bin', chunked(data, 256 * 1024), { contentType: 'application/octet-stream' });
      assert.equal(put.size, data.length);
      const got = await store.get('large/object.bin');
      assert.equal(md5(await buffer(got.body)), md5(data));
      assert.equal(got.size, data.length);
      const tail = await store.get('large/object.bin', { range: { start: data.length - 1000 } });
      assert.deepEqual(await buffer(tail.body), data.subarray(data.length - 1000));
    });
  });

  describe('byte ranges', () => {
    const data = Buffer.from('0123456789abcdefghij'); // 20 bytes
    beforeEach(async () => {
      await store.put('range/obj', data, { contentType: 'text/plain' });
    });

    const cases: Array<[string, ByteRange, number, number]> = [
      ['a closed range', { start: 2, end: 5 }, 2, 5],
      ['a single byte', { start: 0, end: 0 }, 0, 0],
      ['an open-ended range', { start: 15 }, 15, 19],
      ['a range whose end is past the object (clamped)', { start: 18, end: 1000 }, 18, 19],
      ['a suffix', { suffix: 4 }, 16, 19],
      ['a suffix longer than the object (all of it)', { suffix: 500 }, 0, 19],
    ];
    for (const [what, range, start, end] of cases) {
      it(`returns ${what} with the range actually served`, async () => {
        const got = await store.get('range/obj', { range });
        assert.deepEqual(await buffer(got.body), data.subarray(start, end + 1));
        assert.deepEqual(got.range, { start, end });
        assert.equal(got.size, 20, 'size is that of the whole object');
        assert.equal(got.etag, md5(data));
      });
    }

    const invalid: Array<[string, ByteRange]> = [
      ['a start at the end of the object', { start: 20 }],
      ['a start past the object', { start: 100, end: 200 }],
      ['an end before the start', { start: 5, end: 2 }],
      ['a negative start', { start: -1 }],
      ['a fractional start', { start: 1.5 }],
      ['an empty suffix', { suffix: 0 }],
    ];
    for (const [what, range] of invalid) {
      it(`answers ${what} with InvalidRange (416)`, async () => {
        await assert.rejects(store.get('range/obj', { range }), (err: unknown) => err instanceof InvalidRange && err.status === 416);
      });
    }

    it('answers any range on an empty object with InvalidRange (416)', async () => {
      await store.put('range/empty', '');
      await assert.rejects(store.get('range/empty', { range: { start: 0 } }), InvalidRange);
      await assert.rejects(store.get('range/empty', { range: { suffix: 1 } }), InvalidRange);
    });

    it('answers a range on a missing key with BlobNotFound', async () => {
      await assert.rejects(store.get('range/missing', { range: { start: 0 } }), BlobNotFound);
    });
  });

  describe('keys', () => {
    it(`refuses every key that could escape the store (${EVIL_KEYS.length} of them) with InvalidBlobKey (400), in every operation`, async () => {
      for (const key of EVIL_KEYS) {
        const refused = (err: unknown): boolean => err instanceof InvalidBlobKey && err.status === 400 && err.code === 'InvalidBlobKey';
        await assert.rejects(store.put(key, 'evil'), refused, `put ${JSON.stringify(key)}`);
        await assert.rejects(store.get(key), refused, `get ${JSON.stringify(key)}`);
        await assert.rejects(store.head(key), refused, `head ${JSON.stringify(key)}`);
        await assert.rejects(store.delete(key), refused, `delete ${JSON.stringify(key)}`);
      }
      assert.deepEqual((await store.list('')).items, [], 'nothing was stored');
    });

    it('accepts keys with dots, spaces, unicode and percent signs as plain names', async () => {
      const keys = ['a/..b', 'a/b..', 'a/.hidden', 'sp ace/x y', 'ünï/cødé/😀', '%2e%2e/%2f', 'a/b.json'];
      for (const key of keys) await store.put(key, key);
      for (const key of keys) assert.equal((await buffer((await store.get(key)).body)).toString(), key);
      assert.deepEqual((await listAll(store, '', {})).keys, byteOrder(keys));
    });

    it('refuses a NUL in a list prefix', async () => {
      await assert.rejects(store.list('a\u0000'), InvalidBlobKey);
    });
  });

  describe('list', () => {
    // Chosen so that JS string order, folder order and UTF-8 byte order disagree.
    const keys = [
      'a-b',
      'a/b',
      'a/c/d',
      'a/c/e',
      'a0',
      'a/b-',
      'photos/2023/12/x.tif',
      'photos/2024/01/a.tif',
      'photos/2024/01/b.tif',
      'photos/2024/02/c.tif',
      'photos/20240/odd.tif',
      'photos/readme',
      'z',
      'Z',
      'é',
      '\uffff',
      '😀',
      'ä/x',
    ];
    beforeEach(async () => {
      for (const key of keys) await store.put(key, `content of ${key}`);
    });

    it('lists every key in UTF-8 byte order, as S3 does', async () => {
      const { keys: listed } = await listAll(store, '', {});
      assert.deepEqual(listed, byteOrder(keys));
    });

    it('pages with an opaque cursor, each page at most `limit` long, none lost or repeated', async () => {
      for (const limit of [1, 3, 7]) {
        const seen: string[] = [];
        let cursor: string | undefined;
        let pages = 0;
        do {
          const page = await store.list('', { limit, cursor });
          assert.ok(page.items.length + page.prefixes.length <= limit);
          assert.ok(page.nextCursor === undefined || page.items.length + page.prefixes.length === limit);
          seen.push(...page.items.map((i) => i.key));
          cursor = page.nextCursor;
          pages++;
        } while (cursor);
        assert.deepEqual(seen, byteOrder(keys), `limit ${limit}`);
        assert.equal(pages, Math.ceil(keys.length / limit), `limit ${limit}`);
      }
    });

    it('keeps only keys with the prefix, which need not end at a /', async () => {
      assert.deepEqual((await listAll(store, 'photos/2024', {})).keys, [
        'photos/2024/01/a.tif',
        'photos/2024/01/b.tif',
        'photos/2024/02/c.tif',
        'photos/20240/odd.tif',
      ]);
      assert.deepEqual((await listAll(store, 'a/c/', {})).keys, ['a/c/d', 'a/c/e']);
      assert.deepEqual((await listAll(store, 'nothing', {})).keys, []);
    });

    it('groups keys into common prefixes at the delimiter', async () => {
      const top = await listAll(store, '', { delimiter: '/' });
      assert.deepEqual(top.keys, byteOrder(['a-b', 'a0', 'z', 'Z', 'é', '\uffff', '😀']));
      assert.deepEqual(top.prefixes, byteOrder(['a/', 'photos/', 'ä/']));
      const photos = await listAll(store, 'photos/', { delimiter: '/' });
      assert.deepEqual(photos.keys, ['photos/readme']);
      assert.deepEqual(photos.prefixes, ['photos/2023/', 'photos/2024/', 'photos/20240/']);
      const partial = await listAll(store, 'photos/2024', { delimiter: '/' });
      assert.deepEqual(partial.prefixes, ['photos/2024/', 'photos/20240/']);
      const deeper = await listAll(store, 'photos/2024/', { delimiter: '/' });
      assert.deepEqual(deeper.prefixes, ['photos/2024/01/', 'photos/2024/02/']);
      assert.deepEqual(deeper.keys, []);
    });

    it('pages through keys and common prefixes together, one prefix counting as one entry', async () => {
      const entries: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list('', { delimiter: '/', limit: 2, cursor });
        assert.ok(page.items.length + page.prefixes.length <= 2);
        entries.push(...page.items.map((i) => i.key), ...page.prefixes);
        cursor = page.nextCursor;
      } while (cursor);
      assert.deepEqual(byteOrder(entries), byteOrder(['a-b', 'a0', 'z', 'Z', 'é', '\uffff', '😀', 'a/', 'photos/', 'ä/']));
      assert.equal(new Set(entries).size, entries.length, 'no entry repeated across pages');
    });

    it('starts after `startAfter`, which need not be a stored key', async () => {
      assert.deepEqual((await listAll(store, '', { startAfter: 'photos/2024/01/a.tif' })).keys, byteOrder(keys).filter((k) => Buffer.compare(Buffer.from(k), Buffer.from('photos/2024/01/a.tif')) > 0));
      assert.deepEqual((await listAll(store, 'photos/', { startAfter: 'photos/2024/01/zzz' })).keys, ['photos/2024/02/c.tif', 'photos/20240/odd.tif', 'photos/readme']);
      assert.deepEqual((await listAll(store, 'a/', { startAfter: 'a/b', delimiter: '/' })), { keys: ['a/b-'], prefixes: ['a/c/'], pages: 1 });
    });

    it('refuses a forged cursor with a 400', async () => {
      await assert.rejects(store.list('', { cursor: 'not-a-cursor' }), (err: unknown) => err instanceof MeridianError && err.status === 400);
    });
  });

  describe('atomicity', () => {
    it('never lets a reader see a partial or mixed object while a writer replaces it again and again', async function () {
      this.timeout(300_000);
      const versions = Array.from({ length: options.raceRounds }, (_, i) => {
        // Different sizes too, so a mix of two versions could not hide behind an equal length.
        const data = randomBytes(1024 * 1024 + i * 4099);
        return { data, md5: md5(data) };
      });
      const byHash = new Map(versions.map((v) => [v.md5, v]));
      await store.put('race/object', versions[0]!.data);
      let writing = true;
      let reads = 0;
      let rangeReads = 0;
      const failures: string[] = [];

      const writer = (async () => {
        try {
          for (const version of versions.slice(1)) await store.put('race/object', chunked(version.data));
        } finally {
          writing = false;
        }
      })();
      const wholeReader = async () => {
        while (writing) {
          const got = await store.get('race/object');
          const content = await buffer(got.body);
          reads++;
          const hash = md5(content);
          if (!byHash.has(hash)) failures.push(`read ${content.length} bytes matching no version written`);
          else if (got.etag !== hash) failures.push(`ETag ${got.etag} does not describe the content read (${hash})`);
          else if (got.size !== content.length) failures.push(`size ${got.size} but ${content.length} bytes read`);
        }
      };
      const rangeReader = async () => {
        while (writing) {
          const got = await store.get('race/object', { range: { start: 1000, end: 600_000 } });
          const content = await buffer(got.body);
          rangeReads++;
          const version = byHash.get(got.etag);
          if (!version) failures.push(`ranged read with an ETag of no version: ${got.etag}`);
          else if (!content.equals(version.data.subarray(1000, 600_001))) failures.push('ranged read mixes versions');
        }
      };
      const headReader = async () => {
        while (writing) {
          const head = await store.head('race/object');
          const version = head && byHash.get(head.etag);
          if (!version) failures.push(`head gave an ETag of no version: ${head?.etag}`);
          else if (head.size !== version.data.length) failures.push('head gave the size of another version than its ETag');
        }
      };
      await Promise.all([writer, wholeReader(), wholeReader(), rangeReader(), headReader()]);
      assert.deepEqual(failures, []);
      assert.ok(reads > 0 && rangeReads > 0, 'the readers ran');
      const final = await store.get('race/object');
      assert.equal(md5(await buffer(final.body)), versions[versions.length - 1]!.md5);
    });
  });

  describe('ping', () => {
    it('answers when the store is reachable', async () => {
      await store.ping();
    });
  });
}
