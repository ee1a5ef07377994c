/** x-amz-copy-source: `bucket/key` or `/bucket/key`, URL-encoded, optionally `?versionId=...`. */
import { s3 } from './errors.js';

export function parseCopySource(value: string): { bucket: string; key: string } {
  let raw = value.trim();
  const q = raw.indexOf('?');
  if (q >= 0) {
    const params = new URLSearchParams(raw.slice(q + 1));
    if (params.has('versionId') && params.get('versionId') !== 'null') throw s3.notImplemented('versionId in x-amz-copy-source (versioning)');
    raw = raw.slice(0, q);
  }
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw s3.invalidArgument('x-amz-copy-source is not correctly URL-encoded');
  }
  if (decoded.startsWith('/')) decoded = decoded.slice(1);
  const slash = decoded.indexOf('/');
  if (slash <= 0 || slash === decoded.length - 1) throw s3.invalidArgument('Copy Source must mention the source bucket and key: sourcebucket/sourcekey');
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/** x-amz-copy-source-range: `bytes=first-last`, both given. */
export function parseCopySourceRange(value: string): { start: number; end: number } {
  const m = /^bytes=(\d+)-(\d+)$/.exec(value.trim());
  if (!m || Number(m[2]) < Number(m[1])) throw s3.invalidArgument('The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy');
  return { start: Number(m[1]), end: Number(m[2]) };
}
