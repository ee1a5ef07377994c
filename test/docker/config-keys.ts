/**
 * What the manifest tests ask of a config and an environment: which ${VAR}s a config needs,
 * where a MERIDIAN_* variable lands (through the real override rule) and whether that path is
 * a key the real schema declares, and the real loader's verdict.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { applyEnvOverrides } from '../../core/config/env-overrides.js';
import { loadConfig, type LoadedConfig } from '../../core/config/load.js';
import { coreConfigSchema, pluginCoreKeysSchema } from '../../core/config/schema.js';
import type { JSONSchema } from '../../core/plugin.js';

/** Environment variables a config needs set: every ${VAR} in its values that has no :-default. */
export function requiredVariables(configText: string): string[] {
  const names = new Set<string>();
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      // `$${` is a literal `${`, never a variable.
      for (const m of value.replace(/\$\$\{/g, '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}/g)) {
        if (m[2] === undefined) names.add(m[1]!);
      }
    } else if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') Object.values(value).forEach(walk);
  };
  walk(parse(configText));
  return [...names].sort();
}

/** The schema of the config key at `path`, or why there is none. */
export function schemaAt(path: string[], plugins: LoadedConfig['plugins'] = []): { schema?: JSONSchema; problem?: string } {
  let node: JSONSchema = coreConfigSchema();
  for (let i = 0; i < path.length; i++) {
    const segment = path[i]!;
    if (i === 1 && path[0] === 'plugins') {
      // plugins.<name>.<key>: a core key of every entry, or one of the plugin's own schema.
      const key = path[2];
      if (key === undefined) return { schema: { type: 'object' } };
      const own = plugins.find((p) => p.plugin.name === segment)?.plugin.configSchema;
      const next = pluginCoreKeysSchema[key] ?? (own?.properties as Record<string, JSONSchema> | undefined)?.[key];
      if (!next) return { problem: `plugins.${segment} has no key '${key}'${own ? '' : ' (plugin not enabled here, so only core keys are known)'}` };
      node = next;
      i = 2;
      continue;
    }
    const properties = node.properties as Record<string, JSONSchema> | undefined;
    const additional = node.additionalProperties;
    const next = properties?.[segment] ?? (typeof additional === 'object' && additional !== null ? (additional as JSONSchema) : undefined);
    if (!next) {
      const at = path.slice(0, i).join('.') || '(root)';
      return {
        problem: properties
          ? `${at} has no key '${segment}' (keys: ${Object.keys(properties).join(', ')})`
          : `the schema of ${at} declares no keys, so '${segment}' cannot be checked`,
      };
    }
    node = next;
  }
  return { schema: node };
}

/**
 * Where `MERIDIAN_X__Y=value` lands: applyEnvOverrides on a copy of the parsed config, exactly as
 * the loader does, then the path checked against the schema.
 */
export function overridePath(name: string, value: string, parsedConfig: Record<string, unknown>, plugins: LoadedConfig['plugins'] = []): { path?: string; problem?: string } {
  const copy = structuredClone(parsedConfig);
  const applied = applyEnvOverrides(copy, { [name]: value }, coreConfigSchema());
  if (applied.length !== 1) return { problem: `${name} names no top-level config key, so the loader ignores it` };
  const path = applied[0]!;
  const { problem } = schemaAt(path.split('.'), plugins);
  return problem ? { path, problem: `${name} lands on ${path}: ${problem}` } : { path };
}

/** The real loader's result for a config text and an environment (the text is written to a temporary file). */
export async function loadConfigText(text: string, env: Record<string, string>): Promise<LoadedConfig> {
  const dir = mkdtempSync(join(tmpdir(), 'meridian-config-'));
  try {
    const file = join(dir, 'meridian.yaml');
    writeFileSync(file, text);
    return await loadConfig({ file, env });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Value at a dotted path of an object. */
export function valueAt(object: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), object);
}
