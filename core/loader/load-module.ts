import type { Plugin } from '../plugin.js';

/** Imports a plugin module and checks that it declares what the contract asks. */
export async function loadPluginModule(url: string, expectedName: string): Promise<Plugin> {
  const mod = (await import(url)) as { default?: unknown; plugin?: unknown };
  const candidate = (mod.default ?? mod.plugin) as Partial<Plugin> | undefined;
  const problems: string[] = [];
  if (!candidate || typeof candidate !== 'object') {
    throw new Error(`module ${url} exports no plugin (expected a default export or 'plugin')`);
  }
  if (typeof candidate.name !== 'string' || !candidate.name) problems.push("a 'name'");
  if (typeof candidate.version !== 'string') problems.push("a 'version'");
  if (!candidate.configSchema || typeof candidate.configSchema !== 'object') problems.push("a 'configSchema'");
  if (typeof candidate.setup !== 'function') problems.push("a 'setup' function");
  for (const key of ['provides', 'requires', 'optionalRequires'] as const) {
    const v = candidate[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((s) => typeof s === 'string'))) problems.push(`'${key}' as a list of names`);
  }
  if (problems.length) throw new Error(`plugin module ${url} must declare ${problems.join(', ')}`);
  if (candidate.name !== expectedName) {
    throw new Error(`plugin module ${url} declares name '${candidate.name}', but config names it '${expectedName}'`);
  }
  return candidate as Plugin;
}
