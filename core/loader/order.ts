import type { Plugin } from '../plugin.js';

export class PluginOrderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PluginOrderError';
  }
}

/**
 * Orders enabled plugins so every plugin comes after the providers of what it requires.
 * Fails, naming the plugins involved, when a required service has no enabled provider, when two
 * plugins provide the same service, or when requirements form a cycle.
 * Returns the order and, for each plugin, the provider of each service it asked for.
 */
export function orderPlugins(
  enabled: Plugin[],
  disabledProviders: Map<string, string[]> = new Map(),
): { order: Plugin[]; providers: Map<string, Plugin> } {
  const providers = new Map<string, Plugin>();
  for (const p of enabled) {
    for (const service of p.provides ?? []) {
      const other = providers.get(service);
      if (other) throw new PluginOrderError(`plugins '${other.name}' and '${p.name}' both provide service '${service}'; disable one`);
      providers.set(service, p);
    }
  }
  const deps = new Map<string, Set<string>>();
  const missing: string[] = [];
  for (const p of enabled) {
    const set = new Set<string>();
    for (const service of p.requires ?? []) {
      const provider = providers.get(service);
      if (!provider) {
        const off = disabledProviders.get(service);
        missing.push(
          `plugin '${p.name}' requires service '${service}', which no enabled plugin provides` +
            (off?.length ? ` (enable ${off.map((n) => `'${n}'`).join(' or ')})` : ''),
        );
      } else if (provider !== p) set.add(provider.name);
    }
    for (const service of p.optionalRequires ?? []) {
      const provider = providers.get(service);
      if (provider && provider !== p) set.add(provider.name);
    }
    deps.set(p.name, set);
  }
  if (missing.length) throw new PluginOrderError(missing.join('; '));

  const byName = new Map(enabled.map((p) => [p.name, p]));
  const order: Plugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]) => {
    const s = state.get(name);
    if (s === 'done') return;
    if (s === 'visiting') {
      const cycle = [...trail.slice(trail.indexOf(name)), name];
      throw new PluginOrderError(`plugins require each other in a cycle: ${cycle.join(' -> ')}`);
    }
    state.set(name, 'visiting');
    for (const dep of [...(deps.get(name) ?? [])].sort()) visit(dep, [...trail, name]);
    state.set(name, 'done');
    order.push(byName.get(name)!);
  };
  for (const name of [...byName.keys()].sort()) visit(name, []);
  return { order, providers };
}
