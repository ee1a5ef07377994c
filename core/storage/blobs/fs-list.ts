import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BadRequest } from '../../errors.js';
import type { BlobInfo, ListOptions, ListPage } from './types.js';
import { errnoCode } from './fs-durable.js';
import { compareKeys, RESERVED_SEGMENT } from './keys.js';
import { listLimit } from './list-limit.js';

/** Where a listing resumes: after key `after`, also skipping every key under common prefix `skip`. */
interface ListPosition {
  after: string;
  skip?: string;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): ListPosition {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Partial<ListPosition>;
    if (typeof parsed.after === 'string' && (parsed.skip === undefined || typeof parsed.skip === 'string')) {
      return parsed.skip === undefined ? { after: parsed.after } : { after: parsed.after, skip: parsed.skip };
    }
  } catch {
    // fall through to the error below
  }
  throw new BadRequest('Invalid list cursor', { code: 'InvalidCursor', locator: 'cursor' });
}

/**
 * One page of keys under `prefix` in S3 order (UTF-8 bytes), from a walk of the folder tree that
 * reads only the folders that can hold such keys. With a delimiter, keys sharing the part of
 * their name up to the delimiter after the prefix are returned once, as a common prefix; a
 * prefix and a key each count one towards the limit, as in S3.
 */
export async function listKeys(
  root: string,
  prefix: string,
  options: ListOptions,
  describe: (key: string) => Promise<BlobInfo | null>,
): Promise<ListPage> {
  const limit = listLimit(options.limit);
  const delimiter = options.delimiter || undefined;
  const start: ListPosition = options.cursor ? decodeCursor(options.cursor) : { after: options.startAfter ?? '' };
  const bounds: WalkBounds = { prefix, after: start.after, skip: start.skip };
  const items: BlobInfo[] = [];
  const prefixes: string[] = [];
  let last: ListPosition | undefined;
  for await (const key of walk(root, '', bounds)) {
    const commonPrefix = delimiter ? commonPrefixOf(key, prefix, delimiter) : undefined;
    if (items.length + prefixes.length === limit) {
      // A further entry exists: the page is full and another one follows.
      return { items, prefixes, nextCursor: encodeCursor(last!) };
    }
    if (commonPrefix !== undefined) {
      prefixes.push(commonPrefix);
      bounds.skip = commonPrefix;
      last = { after: commonPrefix, skip: commonPrefix };
    } else {
      const info = await describe(key);
      if (!info) continue;
      items.push(info);
      last = { after: key };
    }
  }
  return { items, prefixes };
}

function commonPrefixOf(key: string, prefix: string, delimiter: string): string | undefined {
  const at = key.indexOf(delimiter, prefix.length);
  return at < 0 ? undefined : key.slice(0, at + delimiter.length);
}

interface WalkBounds {
  prefix: string;
  /** Only keys after this one. */
  after: string;
  /** Keys under this common prefix were already returned; updated while walking. */
  skip?: string;
}

/** Keys of regular files under `dir` in S3 order, pruning folders that cannot hold wanted keys. */
async function* walk(dir: string, dirKey: string, bounds: WalkBounds): AsyncGenerator<string> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = errnoCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return; // removed while walking
    throw err;
  }
  // A folder sorts as its name plus '/', as its keys do: 'a-b' < 'a/c' although 'a' < 'a-b'.
  const sorted = entries
    .filter((e) => (e.isFile() || e.isDirectory()) && e.name.toLowerCase() !== RESERVED_SEGMENT)
    .map((e) => ({ name: e.name, folder: e.isDirectory(), key: dirKey + e.name + (e.isDirectory() ? '/' : '') }))
    .sort((a, b) => compareKeys(a.key, b.key));
  for (const entry of sorted) {
    const { key } = entry;
    if (bounds.skip !== undefined && key.startsWith(bounds.skip)) continue;
    if (entry.folder) {
      if (!key.startsWith(bounds.prefix) && !bounds.prefix.startsWith(key)) continue;
      if (wholeFolderBefore(key, bounds.after)) continue;
      yield* walk(join(dir, entry.name), key, bounds);
    } else {
      if (!key.startsWith(bounds.prefix)) continue;
      if (compareKeys(key, bounds.after) <= 0) continue;
      yield key;
    }
  }
}

/** Every key under folder `folderKey` ('a/b/') sorts at or before `after`. */
function wholeFolderBefore(folderKey: string, after: string): boolean {
  return after !== '' && !after.startsWith(folderKey) && compareKeys(folderKey, after) < 0;
}
