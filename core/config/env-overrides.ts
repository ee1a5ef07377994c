import type { JSONSchema } from '../plugin.js';
import { parseScalar } from './interpolate.js';

/**
 * Environment overrides: `MERIDIAN_<KEY>__<KEY>...=value` sets the config key at that path, e.g.
 * `MERIDIAN_SERVER__PORT=9090`, `MERIDIAN_PLUGINS__WMS__ENABLED=false`,
 * `MERIDIAN_DATABASE__URL=postgres://...`. Segments are matched without regard to case, '-' or
 * '_' (`PUBLIC_URL` is `publicUrl`, `OPENSEARCH_EO` is `opensearch-eo`); values are read as YAML
 * scalars. Only variables whose first segment names a top-level config key count, so unrelated
 * `MERIDIAN_*` variables (MERIDIAN_TEST_PG) are ignored.
 */
export function applyEnvOverrides(config: Record<string, unknown>, env: NodeJS.ProcessEnv, schema: JSONSchema): string[] {
  const applied: string[] = [];
  const topKeys = Object.keys((schema.properties as Record<string, unknown>) ?? {});
  for (const [name, raw] of Object.entries(env).sort(([a], [b]) => a.localeCompare(b))) {
    if (!name.startsWith('MERIDIAN_') || raw === undefined) continue;
    const segments = name.slice('MERIDIAN_'.length).split('__').filter(Boolean);
    if (segments.length === 0) continue;
    const first = findKey(topKeys, segments[0]!);
    if (!first) continue;
    let node: Record<string, unknown> = config;
    let nodeSchema: JSONSchema | undefined = schema;
    const path: string[] = [];
    segments.forEach((segment, i) => {
      const known = [...Object.keys(node), ...Object.keys((nodeSchema?.properties as Record<string, unknown>) ?? {})];
      const key = findKey(known, segment) ?? segment.toLowerCase();
      path.push(key);
      nodeSchema = (nodeSchema?.properties as Record<string, JSONSchema> | undefined)?.[key];
      if (i === segments.length - 1) {
        node[key] = parseScalar(raw);
      } else {
        const next = node[key];
        if (!next || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
        node = node[key] as Record<string, unknown>;
      }
    });
    applied.push(path.join('.'));
  }
  return applied;
}

const normalise = (s: string) => s.replace(/[-_]/g, '').toLowerCase();

function findKey(keys: string[], segment: string): string | undefined {
  const wanted = normalise(segment);
  return keys.find((k) => normalise(k) === wanted);
}
