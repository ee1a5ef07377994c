import type { Middleware } from 'koa';
import compress from 'koa-compress';
import { varyOn } from './vary.js';

/**
 * gzip/deflate/br above 1 KiB through koa-compress, run only for clients that accept an encoding:
 * for the others nothing could be compressed, so the negotiation is skipped.
 */
export function compression(): Middleware {
  const compressor = compress({ threshold: 1024 }) as unknown as Middleware;
  return (ctx, next) => {
    if (!ctx.req.headers['accept-encoding']) {
      varyOn(ctx, 'Accept-Encoding');
      return next();
    }
    return compressor(ctx, next);
  };
}
