/** ListObjects (v1) and ListObjectsV2 over the blob store's listing (S3 order, delimiter, cursors). */
import { bucketResource } from './access.js';
import { ownerXml } from './bucket-ops.js';
import { s3 } from './errors.js';
import type { S3Env, S3Request } from './env.js';
import { quoted, s3ETag } from './object-meta.js';
import { document, isoDate, tag } from './xml.js';

function maxKeysOf(value: string | undefined): number {
  if (value === undefined) return 1000;
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n)) throw s3.invalidArgument('Provided max-keys not an integer or within integer range');
  return Math.min(n, 1000);
}

/** encoding-type=url: keys and prefixes URL-encoded ('/' kept), for keys XML cannot carry. */
const urlEncode = (s: string) => encodeURIComponent(s).replace(/%2F/g, '/');

export async function listObjects(env: S3Env, r: S3Request, version: 1 | 2): Promise<void> {
  const bucket = await env.requireBucket(r.bucket);
  await env.access.enforce(r.ctx, bucketResource(bucket), 's3:ListBucket');
  const q = r.query;
  const encodingType = q['encoding-type'];
  if (encodingType !== undefined && encodingType !== 'url') throw s3.invalidArgument('Invalid Encoding Method specified in Request');
  const enc = encodingType === 'url' ? urlEncode : (s: string) => s;
  const prefix = q.prefix ?? '';
  const delimiter = q.delimiter ?? '';
  const maxKeys = maxKeysOf(q['max-keys']);
  const base = env.bucketPrefix(bucket);
  const token = version === 2 ? q['continuation-token'] : undefined;
  const startAfter = version === 2 ? q['start-after'] : q.marker;
  if (token === '') throw s3.invalidArgument('The continuation token provided is incorrect');
  let items: Array<{ key: string; size: number; etag: string; lastModified: Date }> = [];
  let prefixes: string[] = [];
  let nextCursor: string | undefined;
  if (maxKeys > 0) {
    let after: string | undefined;
    if (startAfter) {
      // A marker that is a common prefix of this listing skips everything under it.
      after = base + startAfter + (delimiter && startAfter.endsWith(delimiter) && startAfter.startsWith(prefix) ? '\u{10FFFF}' : '');
    }
    const page = await env.blobs.list(base + prefix, {
      limit: maxKeys,
      ...(delimiter ? { delimiter } : {}),
      ...(token ? { cursor: token } : {}),
      ...(after ? { startAfter: after } : {}),
    });
    items = page.items.map((i) => ({ key: i.key.slice(base.length), size: i.size, etag: s3ETag(i), lastModified: i.lastModified }));
    prefixes = page.prefixes.map((p) => p.slice(base.length));
    nextCursor = page.nextCursor;
  }
  const truncated = nextCursor !== undefined;
  const withOwner = version === 1 || q['fetch-owner'] === 'true';
  const contents = items
    .map(
      (i) =>
        `<Contents>${tag('Key', enc(i.key))}${tag('LastModified', isoDate(i.lastModified))}${tag('ETag', quoted(i.etag))}${tag('Size', i.size)}` +
        `${withOwner ? ownerXml(bucket.owner) : ''}${tag('StorageClass', 'STANDARD')}</Contents>`,
    )
    .join('');
  const common = prefixes.map((p) => `<CommonPrefixes>${tag('Prefix', enc(p))}</CommonPrefixes>`).join('');
  let head = tag('Name', bucket.name) + tag('Prefix', enc(prefix));
  if (version === 2) {
    if (token !== undefined) head += tag('ContinuationToken', token);
    if (q['start-after'] !== undefined) head += tag('StartAfter', enc(q['start-after']));
    head += tag('KeyCount', items.length + prefixes.length);
  } else {
    head += tag('Marker', enc(q.marker ?? ''));
  }
  head += tag('MaxKeys', maxKeys);
  if (delimiter) head += tag('Delimiter', enc(delimiter));
  head += tag('IsTruncated', truncated);
  if (encodingType) head += tag('EncodingType', encodingType);
  if (truncated) {
    if (version === 2) head += tag('NextContinuationToken', nextCursor);
    else {
      const lastKey = items.at(-1)?.key ?? '';
      const lastPrefix = prefixes.at(-1) ?? '';
      head += tag('NextMarker', enc(lastKey > lastPrefix ? lastKey : lastPrefix));
    }
  }
  r.ctx.type = 'application/xml';
  r.ctx.body = document('ListBucketResult', head + contents + common);
}
