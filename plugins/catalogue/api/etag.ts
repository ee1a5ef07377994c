/**
 * Entity tags: `"<record version>.<format>"`, one per representation of one stored version. A
 * precondition compares the version part, so a tag read in any encoding guards a write (RFC 9110
 * strong comparison: weak tags never match If-Match).
 */
import type { Context } from 'koa';
import { MeridianError } from '../../../core/errors.js';

export function entityTag(version: string, format: string): string {
  return `"${version}.${format}"`;
}

/** Versions named by a strong entity tag in an If-Match / If-None-Match list; '*' for any. */
function versionsIn(header: string): Set<string> | '*' {
  if (header.trim() === '*') return '*';
  const versions = new Set<string>();
  for (const match of header.matchAll(/(W\/)?"([^"]*)"/g)) {
    if (match[1]) continue;
    const tag = match[2]!;
    const dot = tag.lastIndexOf('.');
    versions.add(dot > 0 ? tag.slice(0, dot) : tag);
  }
  return versions;
}

/**
 * If-Match against the stored version (undefined: no record). 412 when it does not hold; returns
 * whether the request carried one (a write it guards must not be retried over a newer version).
 */
export function checkIfMatch(ctx: Context, stored: string | undefined): boolean {
  const header = ctx.get('If-Match');
  if (!header) return false;
  const versions = versionsIn(header);
  const holds = stored !== undefined && (versions === '*' || versions.has(stored));
  if (!holds) {
    throw new MeridianError(412, stored === undefined ? 'If-Match: the record does not exist' : 'If-Match: the record has changed (its entity tag is no longer one of those given)', { code: 'PreconditionFailed', locator: 'If-Match' });
  }
  return true;
}

/** If-None-Match on a GET: true when the client's copy is current (answer 304). */
export function notModified(ctx: Context, version: string): boolean {
  const header = ctx.get('If-None-Match');
  if (!header) return false;
  const versions = versionsIn(header.replace(/W\//g, ''));
  return versions === '*' || versions.has(version);
}
