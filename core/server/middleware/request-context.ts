import type { Context } from 'koa';
import { baseUrlResolver } from './base-url.js';
import { requestIdOf } from './request-id.js';

/**
 * What every later step reads from ctx.state: the request id (echoed as X-Request-Id) and the
 * public base URL that absolute links are written with.
 */
export function requestContext(options: { publicUrl?: string; trustProxy: boolean }): (ctx: Context) => void {
  const baseUrlOf = baseUrlResolver(options);
  return (ctx) => {
    const id = requestIdOf(ctx);
    ctx.state.requestId = id;
    ctx.res.setHeader('X-Request-Id', id);
    ctx.state.baseUrl = baseUrlOf(ctx);
  };
}
