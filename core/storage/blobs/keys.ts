import { BadRequest } from '../../errors.js';
import { InvalidBlobKey } from './errors.js';

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** Room under NAME_MAX (255) for the fs store's '.json' sidecar suffix. */
export const MAX_SEGMENT_BYTES = 250;
/** The fs store keeps temporary files and sidecars under this top folder; no key may use the name. */
export const RESERVED_SEGMENT = '.meridian';

// C0 controls and DEL: NUL truncates paths in C APIs, the rest make keys unprintable in listings.
const CONTROL = /[\u0000-\u001f\u007f]/;
// A lone surrogate has no UTF-8 form: it would turn into U+FFFD on disk and alias other keys.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Checks a key and returns its '/'-separated segments. The same rules apply to every adapter,
 * so an object stored in one store can move to another: keys are relative '/'-paths with no
 * empty, '.' or '..' segment, no backslash, no control character and no reserved name.
 */
export function keySegments(key: unknown): string[] {
  if (typeof key !== 'string') throw new InvalidBlobKey(String(key), 'must be a string');
  if (key.length === 0) throw new InvalidBlobKey(key, 'must not be empty');
  if (Buffer.byteLength(key, 'utf8') > MAX_KEY_BYTES) throw new InvalidBlobKey(key, `longer than ${MAX_KEY_BYTES} bytes`);
  if (CONTROL.test(key)) throw new InvalidBlobKey(key, 'contains a control character (NUL, newline...)');
  if (key.includes('\\')) throw new InvalidBlobKey(key, 'contains a backslash');
  if (LONE_SURROGATE.test(key)) throw new InvalidBlobKey(key, 'is not well-formed Unicode');
  if (key.startsWith('/')) throw new InvalidBlobKey(key, 'must be relative (no leading /)');
  const segments = key.split('/');
  for (const segment of segments) {
    if (segment === '') throw new InvalidBlobKey(key, 'has an empty segment (// or a trailing /)');
    if (segment === '.' || segment === '..') throw new InvalidBlobKey(key, `has a '${segment}' segment`);
    if (segment.toLowerCase() === RESERVED_SEGMENT) throw new InvalidBlobKey(key, `uses the reserved name '${RESERVED_SEGMENT}'`);
    if (Buffer.byteLength(segment, 'utf8') > MAX_SEGMENT_BYTES) {
      throw new InvalidBlobKey(key, `has a segment longer than ${MAX_SEGMENT_BYTES} bytes`);
    }
  }
  return segments;
}

export function assertValidKey(key: unknown): asserts key is string {
  keySegments(key);
}

/** A list prefix is matched as text, never used as a path: it only must be a sane string. */
export function assertValidPrefix(prefix: unknown): asserts prefix is string {
  if (typeof prefix !== 'string') throw new InvalidBlobKey(String(prefix), 'prefix must be a string');
  if (Buffer.byteLength(prefix, 'utf8') > MAX_KEY_BYTES) throw new InvalidBlobKey(prefix, `prefix longer than ${MAX_KEY_BYTES} bytes`);
  if (CONTROL.test(prefix)) throw new InvalidBlobKey(prefix, 'prefix contains a control character');
}

// S3 sends user metadata as x-amz-meta-* headers: names are case-insensitive tokens, values
// printable ASCII. Checking the same in every adapter keeps objects portable between them.
const META_NAME = /^[a-z0-9][a-z0-9._-]*$/;
const META_VALUE = /^[\u0020-\u007e]*$/;
/** S3's limit on user metadata, names and values together. */
const MAX_METADATA_BYTES = 2048;

/** Validates user metadata and returns it with lower-case names (as S3 returns them). */
export function normaliseMetadata(metadata: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  let bytes = 0;
  for (const [rawName, value] of Object.entries(metadata ?? {})) {
    const name = rawName.toLowerCase();
    if (!META_NAME.test(name)) {
      throw new BadRequest(`Blob metadata name ${JSON.stringify(rawName)} must be letters, digits, '.', '_' or '-'`, { code: 'InvalidMetadata' });
    }
    if (typeof value !== 'string' || !META_VALUE.test(value)) {
      throw new BadRequest(`Blob metadata value of ${JSON.stringify(rawName)} must be printable ASCII`, { code: 'InvalidMetadata' });
    }
    if (name in out) throw new BadRequest(`Blob metadata name ${JSON.stringify(rawName)} is given twice`, { code: 'InvalidMetadata' });
    out[name] = value;
    bytes += name.length + value.length;
  }
  if (bytes > MAX_METADATA_BYTES) throw new BadRequest(`Blob metadata exceeds ${MAX_METADATA_BYTES} bytes`, { code: 'InvalidMetadata' });
  return out;
}

const CONTENT_TYPE = /^[\u0020-\u007e]{1,255}$/;

export function assertValidContentType(contentType: string | undefined): void {
  if (contentType !== undefined && !CONTENT_TYPE.test(contentType)) {
    throw new BadRequest('Blob content type must be 1 to 255 printable ASCII characters', { code: 'InvalidContentType' });
  }
}

/** Byte-wise UTF-8 order of keys, which is S3's listing order (JS string order differs past U+FFFF). */
export function compareKeys(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
