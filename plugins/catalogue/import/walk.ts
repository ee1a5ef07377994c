/** A directory tree, walked depth-first in a stable order, one directory read at a time. */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** STAC roots first, so collections are read before the items beside and below them. */
const FIRST = ['catalog.json', 'collection.json'];

function order(a: string, b: string): number {
  const fa = FIRST.indexOf(a);
  const fb = FIRST.indexOf(b);
  if (fa !== fb) return (fa < 0 ? FIRST.length : fa) - (fb < 0 ? FIRST.length : fb);
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Yields the paths of the files under `dir`: a directory's files before its subdirectories,
 * hidden entries (.git, .DS_Store) left out, each directory once even through symbolic links.
 */
export async function* walkFiles(dir: string, seen = new Set<string>()): AsyncGenerator<string> {
  const real = await realpath(dir);
  if (seen.has(real)) return;
  seen.add(real);
  const entries = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.'));
  const files: string[] = [];
  const dirs: string[] = [];
  for (const e of entries) {
    if (e.isFile()) files.push(e.name);
    else if (e.isDirectory()) dirs.push(e.name);
    else if (e.isSymbolicLink()) {
      const target = await stat(join(dir, e.name)).catch(() => undefined);
      if (target?.isFile()) files.push(e.name);
      else if (target?.isDirectory()) dirs.push(e.name);
    }
  }
  for (const name of files.sort(order)) yield join(dir, name);
  for (const name of dirs.sort(order)) yield* walkFiles(join(dir, name), seen);
}
