import { existsSync, readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Folder of the built-in plugins, next to core/ both in the sources and in dist/. */
export const builtinPluginsDir = fileURLToPath(new URL('../../plugins/', import.meta.url));

/** Built-in plugin names: every folder under plugins/ with an index module. */
export function builtinPluginNames(dir = builtinPluginsDir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && indexModule(join(dir, d.name)) !== undefined)
    .map((d) => d.name)
    .sort();
}

export function builtinPluginUrl(name: string, dir = builtinPluginsDir): string | undefined {
  const file = indexModule(join(dir, name));
  return file ? pathToFileURL(file).href : undefined;
}

function indexModule(folder: string): string | undefined {
  // Compiled trees hold index.js; sources run through tsx hold index.ts.
  for (const f of ['index.js', 'index.ts']) {
    const file = join(folder, f);
    if (existsSync(file)) return file;
  }
  return undefined;
}

/**
 * Resolves a `package:` entry: a path (relative to the config file's folder) or an npm package
 * name, looked up from the config's folder and then from the working directory.
 */
export function resolvePackage(spec: string, configDir: string): string {
  if (spec.startsWith('.') || isAbsolute(spec)) {
    const file = resolve(configDir, spec);
    const found = existsSync(file) && !file.endsWith('/') ? file : indexModule(file);
    if (!found || !existsSync(found)) throw new Error(`no plugin module at ${file}`);
    return pathToFileURL(found).href;
  }
  for (const base of [configDir, process.cwd()]) {
    try {
      return pathToFileURL(createRequire(join(base, 'noop.js')).resolve(spec)).href;
    } catch {
      // try the next base
    }
  }
  throw new Error(`npm package '${spec}' is not installed (looked from ${configDir} and ${process.cwd()})`);
}

export const here = dirname(fileURLToPath(import.meta.url));
