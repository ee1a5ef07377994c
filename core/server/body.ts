import type { Context } from 'koa';
import getRawBody from 'raw-body';
import { MeridianError } from '../errors.js';

/**
 * Reads the request body within the plugin's limit (`bodyLimit` in its config entry, else
 * `server.bodyLimit`). Too large -> 413 before reading when Content-Length says so, else as soon
 * as the limit is passed; a broken upload -> 400.
 */
export async function readBody(ctx: Context, options: { limit?: number } = {}): Promise<Buffer> {
  const limit = options.limit ?? (ctx.state.bodyLimit as number | undefined) ?? 10 * 1024 * 1024;
  const declared = Number(ctx.get('Content-Length'));
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  try {
    return await getRawBody(ctx.req, { limit, length: Number.isFinite(declared) && ctx.get('Content-Length') ? declared : undefined });
  } catch (err) {
    const e = err as { type?: string };
    if (e.type === 'entity.too.large') throw tooLarge(limit);
    throw new MeridianError(400, 'The request body could not be read', { code: 'BadRequest', cause: err });
  }
}

export async function readText(ctx: Context, options: { limit?: number } = {}): Promise<string> {
  return (await readBody(ctx, options)).toString('utf8');
}

function tooLarge(limit: number): MeridianError {
  return new MeridianError(413, `The request body is larger than the limit of ${limit} bytes`, { code: 'PayloadTooLarge' });
}
