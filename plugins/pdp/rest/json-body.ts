/** A JSON request body of the PAP and sharing APIs: read within a limit, an object, or 400. */
import type { Context } from 'koa';
import { BadRequest } from '../../../core/errors.js';
import { readText } from '../../../core/server/body.js';

export async function readJsonObject(ctx: Context, limit: number): Promise<Record<string, unknown>> {
  const text = await readText(ctx, { limit });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new BadRequest(`The body is not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BadRequest('The body must be a JSON object');
  return value as Record<string, unknown>;
}
