/**
 * Where an import reads from: a local path, an http(s) URL, or a document uploaded to the API.
 * Relative hrefs resolve against the document's own location; a remote document never leads to
 * a local file, and an import limited to remote sources (the API) never reads one at all.
 */
import { isAbsolute, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BadRequest } from '../../../core/errors.js';

export type Location =
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string }
  /** A document uploaded to the API, kept in the blob store under `key`. */
  | { kind: 'upload'; key: string; name: string };

export interface LocationPolicy {
  /** Refuse local files (file paths and file: URLs): the API's imports. */
  remoteOnly?: boolean;
}

const REMOTE = new Set(['http:', 'https:']);

/** The location a source argument names: an http(s) URL, a file: URL or a path (relative to `cwd`). */
export function parseSource(input: string, policy: LocationPolicy = {}, cwd = process.cwd()): Location {
  const text = input.trim();
  if (text === '') throw new BadRequest('The source is empty', { code: 'InvalidParameterValue', locator: 'source' });
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text)?.[1]?.toLowerCase();
  // A Windows drive letter is not a scheme; neither is a path without one.
  if (scheme && scheme.length > 1) {
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw new BadRequest(`The source '${input}' is not a valid URL`, { code: 'InvalidParameterValue', locator: 'source' });
    }
    if (REMOTE.has(url.protocol)) return { kind: 'url', url: withoutFragment(url) };
    if (url.protocol === 'file:') {
      if (policy.remoteOnly) throw new BadRequest('file: sources are refused here: give an http(s) URL', { code: 'InvalidParameterValue', locator: 'source' });
      return { kind: 'file', path: fileURLToPath(url) };
    }
    throw new BadRequest(`The source scheme '${url.protocol}' is not supported (http, https${policy.remoteOnly ? '' : ', file or a path'})`, { code: 'InvalidParameterValue', locator: 'source' });
  }
  if (policy.remoteOnly) throw new BadRequest('The source must be an http(s) URL', { code: 'InvalidParameterValue', locator: 'source' });
  return { kind: 'file', path: isAbsolute(text) ? resolvePath(text) : resolvePath(cwd, text) };
}

/**
 * Resolves a link's href against the document it appears in. Throws (with a reason for the
 * report) when the href is malformed or leads somewhere the document may not lead.
 */
export function resolveHref(href: string, base: Location, policy: LocationPolicy = {}): Location {
  if (typeof href !== 'string' || href.trim() === '') throw new Error('a link has no href');
  let url: URL;
  try {
    url = new URL(href, base.kind === 'file' ? pathToFileURL(base.path) : base.kind === 'url' ? base.url : undefined);
  } catch {
    throw new Error(base.kind === 'upload' ? `the relative href '${href}' has no base in an uploaded document` : `the href '${href}' is not a valid URL`);
  }
  if (REMOTE.has(url.protocol)) return { kind: 'url', url: withoutFragment(url) };
  if (url.protocol === 'file:') {
    if (policy.remoteOnly || base.kind !== 'file') throw new Error(`the href '${href}' leads to a local file, which this document may not reach`);
    return { kind: 'file', path: fileURLToPath(url) };
  }
  throw new Error(`the href '${href}' has an unsupported scheme '${url.protocol}'`);
}

/** One key per place, for the visited set and the state table. */
export function locationKey(location: Location): string {
  if (location.kind === 'file') return pathToFileURL(location.path).href;
  if (location.kind === 'url') return location.url;
  return `upload:${location.key}`;
}

/** How the report names a location: the path, the URL, or the uploaded file's name. */
export function describeLocation(location: Location): string {
  if (location.kind === 'file') return location.path;
  if (location.kind === 'url') return location.url;
  return location.name;
}

/** The last path segment: file names carry dates and extensions. */
export function baseName(location: Location): string {
  const path = location.kind === 'file' ? location.path : location.kind === 'url' ? new URL(location.url).pathname : location.name;
  const last = path.split(/[\\/]/).filter(Boolean).at(-1) ?? '';
  return location.kind === 'url' ? decodeURIComponentSafe(last) : last;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function withoutFragment(url: URL): string {
  url.hash = '';
  return url.href;
}
