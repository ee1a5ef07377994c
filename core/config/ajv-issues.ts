import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import leven from 'fast-levenshtein';
import type { JSONSchema } from '../plugin.js';
import type { ConfigIssue } from './types.js';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => Ajv;

/** One Ajv instance for config: all errors, defaults filled in, formats known. */
export function createConfigAjv(): Ajv {
  const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, allowUnionTypes: true, verbose: true });
  addFormats(ajv);
  return ajv;
}

/** Validates `data` and returns issues whose paths start at `base` ('plugins.wms'). */
export function validateWith(validate: ValidateFunction, data: unknown, base: string): ConfigIssue[] {
  if (validate(data)) return [];
  return toIssues(validate.errors ?? [], base);
}

export function toIssues(errors: ErrorObject[], base: string): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  // Union keywords repeat what their branches said; show them only when nothing else was said.
  const specific = errors.filter((e) => !['oneOf', 'anyOf', 'if'].includes(e.keyword));
  for (const e of specific.length ? specific : errors) {
    const issue = toIssue(e, base);
    const key = `${issue.path}\u0000${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      issues.push(issue);
    }
  }
  return issues;
}

function toIssue(e: ErrorObject, base: string): ConfigIssue {
  const at = joinPath(base, e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys(((e.parentSchema as JSONSchema | undefined)?.properties as object | undefined) ?? {});
      return { path: appendKey(at, key), message: unknownKeyMessage(key, allowed) };
    }
    case 'required':
      return { path: appendKey(at, String(params.missingProperty)), message: 'is required' };
    case 'type':
      return { path: at, message: `must be ${article(String(params.type))}` };
    case 'enum':
      return { path: at, message: `must be one of: ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'const':
      return { path: at, message: `must be ${JSON.stringify(params.allowedValue)}` };
    default:
      return { path: at, message: e.message ?? 'is invalid' };
  }
}

/** "unknown key; did you mean 'port'?" when a valid name is close, else the list of valid names. */
export function unknownKeyMessage(key: string, allowed: string[]): string {
  const nearest = nearestName(key, allowed);
  if (nearest) return `unknown key; did you mean '${nearest}'?`;
  return allowed.length ? `unknown key (expected one of: ${allowed.join(', ')})` : 'unknown key';
}

export function nearestName(key: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = leven.get(key.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best !== undefined && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

function article(type: string): string {
  const names = type.split(',').map((t) => (t === 'integer' ? 'an integer' : t === 'array' ? 'an array' : t === 'object' ? 'an object' : `a ${t}`));
  return names.join(' or ');
}

/** '/plugins/wms/layers/2/source' under 'x' -> 'x.plugins.wms.layers[2].source'. */
function joinPath(base: string, pointer: string): string {
  let out = base;
  for (const raw of pointer.split('/').slice(1)) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out = /^\d+$/.test(seg) ? `${out}[${seg}]` : appendKey(out, seg);
  }
  return out;
}

function appendKey(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
