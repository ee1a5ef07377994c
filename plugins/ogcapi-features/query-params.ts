/**
 * Query parameters of the OGC API requests: names are case-sensitive (as the OpenAPI document
 * declares them), each at most once, and a parameter the resource does not declare is a 400
 * naming it (Part 1 /req/core/query-param-unknown).
 */
import type { Context } from 'koa';
import { BadRequest } from '../../core/errors.js';

export function invalid(locator: string, message: string): BadRequest {
  return new BadRequest(message, { code: 'InvalidParameterValue', locator });
}

/** The request's parameters as single values; 400 for one given twice or not in `allowed`. */
export function singleParams(ctx: Context, allowed: ReadonlySet<string>, what: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, value] of Object.entries(ctx.query)) {
    if (!allowed.has(name)) {
      const hint = [...allowed].find((a) => a.toLowerCase() === name.toLowerCase());
      throw invalid(name, `Unknown parameter '${name}' for ${what}${hint ? ` (parameter names are case-sensitive: did you mean '${hint}'?)` : ''}`);
    }
    if (Array.isArray(value)) throw invalid(name, `Parameter '${name}' is given more than once`);
    if (value !== undefined) out.set(name, value);
  }
  return out;
}

/** A non-negative integer parameter, at most `max` when given. */
export function integerParam(text: string | undefined, name: string, fallback: number, options: { min?: number; max?: number } = {}): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  const min = options.min ?? 0;
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < min || (options.max !== undefined && n > options.max)) {
    throw invalid(name, `${name} must be an integer from ${min}${options.max !== undefined ? ` to ${options.max}` : ''}, not '${text}'`);
  }
  return n;
}

const ONLY_F = new Set(['f']);

/** Resources whose only parameter is `f`: anything else is a 400 naming it. */
export function onlyFormatParameter(ctx: Context, what: string): void {
  singleParams(ctx, ONLY_F, what);
}
