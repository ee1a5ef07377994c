/**
 * Conditional requests (RFC 9110 §13.2.2 order, as S3 applies it): If-Match, then
 * If-Unmodified-Since when there is no If-Match, then If-None-Match, then If-Modified-Since when
 * there is no If-None-Match. Dates compare at second precision (Last-Modified has no more).
 */
import { s3 } from './errors.js';

export type ConditionOutcome = 'proceed' | 'not-modified';

export interface ConditionHeaders {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifModifiedSince?: string;
  ifUnmodifiedSince?: string;
}

function etagListMatches(list: string, etag: string): boolean {
  return list.split(',').some((raw) => {
    const t = raw.trim();
    return t === '*' || t.replace(/^W\//, '').replace(/^"|"$/g, '') === etag;
  });
}

function parseHttpDate(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.floor(t / 1000);
}

/**
 * Evaluates the conditions for an object with `etag` (unquoted) and `lastModified`: throws
 * PreconditionFailed (412), or says 'not-modified' (304 on GET/HEAD; 412 when `notModifiedFails`,
 * as for the copy-source conditions).
 */
export function evaluateConditions(c: ConditionHeaders, etag: string, lastModified: Date, notModifiedFails = false): ConditionOutcome {
  const modified = Math.floor(lastModified.getTime() / 1000);
  if (c.ifMatch) {
    if (!etagListMatches(c.ifMatch, etag)) throw s3.preconditionFailed('If-Match');
  } else {
    const since = parseHttpDate(c.ifUnmodifiedSince);
    if (since !== undefined && modified > since) throw s3.preconditionFailed('If-Unmodified-Since');
  }
  let notModified = false;
  if (c.ifNoneMatch) {
    notModified = etagListMatches(c.ifNoneMatch, etag);
  } else {
    const since = parseHttpDate(c.ifModifiedSince);
    notModified = since !== undefined && modified <= since;
  }
  if (!notModified) return 'proceed';
  if (notModifiedFails) throw s3.preconditionFailed(c.ifNoneMatch ? 'If-None-Match' : 'If-Modified-Since');
  return 'not-modified';
}

export function requestConditions(get: (name: string) => string, prefix = ''): ConditionHeaders {
  const pick = (name: string) => get(`${prefix}${name}`) || undefined;
  const out: ConditionHeaders = {};
  const m = pick('if-match');
  const n = pick('if-none-match');
  const ms = pick('if-modified-since');
  const us = pick('if-unmodified-since');
  if (m) out.ifMatch = m;
  if (n) out.ifNoneMatch = n;
  if (ms) out.ifModifiedSince = ms;
  if (us) out.ifUnmodifiedSince = us;
  return out;
}

/** A single `bytes=` range; undefined for none, several, or a malformed one (served whole, as HTTP allows). */
export function parseRangeHeader(value: string): { start: number; end?: number } | { suffix: number } | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(value.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined;
  if (m[1] === '') return { suffix: Number(m[2]) };
  const start = Number(m[1]);
  if (m[2] === '') return { start };
  const end = Number(m[2]);
  return end < start ? undefined : { start, end };
}
