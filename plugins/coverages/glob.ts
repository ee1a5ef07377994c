/**
 * File globs for coverage sources (Node 20 has no fs.glob): `*` and `?` within a path segment,
 * `**` across segments, `[abc]` classes. The walk starts at the longest literal prefix directory.
 */
import { readdir } from 'node:fs/promises';
import { isAbsolute, join, resolve, sep } from 'node:path';

export function isGlob(path: string): boolean {
  return /[*?[]/.test(path);
}

function segmentRegex(segment: string): string {
  let out = '';
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '[') {
      const end = segment.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        const body = segment.slice(i + 1, end).replace(/\\/g, '\\\\');
        out += `[${body.startsWith('!') ? '^' + body.slice(1) : body}]`;
        i = end;
      }
    } else out += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

/** The regular expression a glob (relative to its base) compiles to, on '/'-separated paths. */
export function globRegex(pattern: string): RegExp {
  const parts = pattern.split('/').map((segment) => (segment === '**' ? '(?:[^/]+/)*' : segmentRegex(segment) + '/'));
  return new RegExp(`^${parts.join('').replace(/\/$/, '')}$`);
}

/** Files matching an absolute or cwd-relative glob, sorted; at most `limit`. */
export async function expandGlob(pattern: string, limit = 100_000): Promise<string[]> {
  const absolute = isAbsolute(pattern) ? pattern : resolve(pattern);
  const segments = absolute.split(sep).join('/').split('/');
  const firstWild = segments.findIndex((s) => isGlob(s));
  if (firstWild < 0) return [absolute];
  const base = segments.slice(0, firstWild).join('/') || '/';
  const rest = segments.slice(firstWild).join('/');
  const regex = globRegex(rest);
  const deep = rest.includes('**') || rest.split('/').length > 1;
  const found: string[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= limit) return;
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (deep) await walk(join(dir, entry.name), relPath);
      } else if (regex.test(relPath)) found.push(join(dir, entry.name));
    }
  };
  await walk(base, '');
  return found.sort();
}
