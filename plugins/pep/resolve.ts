/**
 * Which resource and action a proxied request is, from the service's config: the service's
 * resource, refined by the first path rule that matches (its `$1`... filled from the match).
 */
import type { Resource } from '../../core/auth/types.js';
import { DEFAULT_ACTIONS, type PepResourceConfig, type PepServiceConfig } from './config.js';

export interface ProtectedService {
  config: PepServiceConfig;
  target: URL;
  /** Resource and action of a request to `path` (below the service prefix) with `method`. */
  resolve(method: string, path: string): { resource: Resource; action: string };
}

interface CompiledRule {
  pattern: RegExp;
  methods: Set<string> | null;
  resource?: PepResourceConfig;
  action?: string;
}

function fill(template: string, match: RegExpExecArray): string {
  return template.replace(/\$(\d)/g, (_, n: string) => match[Number(n)] ?? '');
}

function fillResource(base: Resource, rule: PepResourceConfig | undefined, match: RegExpExecArray): Resource {
  if (!rule) return base;
  const attributes: Record<string, unknown> = { ...base.attributes };
  for (const [name, value] of Object.entries(rule.attributes ?? {})) attributes[name] = typeof value === 'string' ? fill(value, match) : value;
  return {
    ...base,
    ...(rule.type ? { type: fill(rule.type, match) } : {}),
    ...(rule.id ? { id: fill(rule.id, match) } : {}),
    ...(rule.owner ? { owner: fill(rule.owner, match) } : {}),
    attributes,
  };
}

/** Compiles a service entry; throws naming the service for a bad regular expression. */
export function protectService(config: PepServiceConfig): ProtectedService {
  const base: Resource = {
    type: config.resource?.type ?? 'service',
    service: 'pep',
    id: config.resource?.id ?? config.name,
    ...(config.resource?.owner ? { owner: config.resource.owner } : {}),
    attributes: { ...config.resource?.attributes },
  };
  const actions = { ...DEFAULT_ACTIONS, ...Object.fromEntries(Object.entries(config.actions ?? {}).map(([m, a]) => [m.toUpperCase(), a])) };
  const rules: CompiledRule[] = (config.rules ?? []).map((rule, i) => {
    let pattern: RegExp;
    try {
      // Anchored at the start: a rule for '/admin' must not match '/public/admin'.
      pattern = new RegExp(rule.path.startsWith('^') ? rule.path : `^${rule.path}`);
    } catch (err) {
      throw new Error(`plugins.pep.services '${config.name}' rules[${i}].path: ${(err as Error).message}`);
    }
    return { pattern, methods: rule.methods ? new Set(rule.methods.map((m) => m.toUpperCase())) : null, resource: rule.resource, action: rule.action };
  });
  return {
    config,
    target: new URL(config.target),
    resolve(method, path) {
      const upper = method.toUpperCase();
      // A method with no action configured is 'write': the stricter reading of what it may do.
      const methodAction = actions[upper] ?? 'write';
      for (const rule of rules) {
        if (rule.methods && !rule.methods.has(upper)) continue;
        const match = rule.pattern.exec(path);
        if (!match) continue;
        return { resource: fillResource(base, rule.resource, match), action: rule.action ?? methodAction };
      }
      return { resource: base, action: methodAction };
    },
  };
}
