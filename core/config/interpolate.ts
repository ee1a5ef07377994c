import { parse as parseYaml } from 'yaml';
import type { ConfigIssue } from './types.js';

const VAR = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string of a parsed config, so secrets stay out
 * of the file; `$${` writes a literal `${`. A string that is exactly one `${VAR}` takes the
 * variable's YAML scalar type (`port: ${PORT}` is a number). Unset variables without a default are
 * reported as issues at their config path.
 */
export function interpolateEnv(value: unknown, env: NodeJS.ProcessEnv, issues: ConfigIssue[], path = ''): unknown {
  if (typeof value === 'string') return interpolateString(value, env, issues, path);
  if (Array.isArray(value)) return value.map((v, i) => interpolateEnv(v, env, issues, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = interpolateEnv(v, env, issues, path ? `${path}.${k}` : k);
    return out;
  }
  return value;
}

function interpolateString(s: string, env: NodeJS.ProcessEnv, issues: ConfigIssue[], path: string): unknown {
  if (!s.includes('${')) return s;
  const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}$/.exec(s);
  const lookup = (name: string, fallback: string | undefined): string => {
    const v = env[name];
    if (v !== undefined && v !== '') return v;
    if (fallback !== undefined) return fallback;
    issues.push({ path, message: `environment variable ${name} is not set` });
    return '';
  };
  if (whole) return parseScalar(lookup(whole[1]!, whole[2]));
  return s.replace(VAR, (match, name: string | undefined, fallback: string | undefined) =>
    name === undefined ? '${' : lookup(name, fallback),
  );
}

/** Reads an environment string as YAML would read a scalar: numbers, booleans, null, JSON lists. */
export function parseScalar(text: string): unknown {
  if (text === '') return '';
  try {
    const v = parseYaml(text);
    return v === null || typeof v === 'object' || typeof v === 'number' || typeof v === 'boolean' ? v : text;
  } catch {
    return text;
  }
}
