import type { Context } from 'koa';
import type { ServerConfig } from '../../config/types.js';
import { varyOn } from './vary.js';

const ALLOWED_METHODS = 'GET, HEAD, PUT, POST, DELETE, PATCH, OPTIONS';
const EXPOSED_HEADERS = 'X-Request-Id, Location, Content-Range, Content-Length, ETag, WWW-Authenticate';

/**
 * CORS (Fetch standard) for browser clients such as OpenLayers: preflights are answered here;
 * actual requests get Access-Control-Allow-Origin before the route runs, so error responses carry
 * it too. With `origins: ['*']` and no credentials the answer never depends on Origin, so no Vary.
 * The step returns true when it answered the request (a preflight): nothing else is to run.
 */
export function cors(config: ServerConfig['cors']): (ctx: Context) => boolean {
  const any = config.origins.includes('*');
  const varies = !any || config.credentials;
  const allowed = new Set(config.origins);
  const maxAge = String(config.maxAgeSec);
  return (ctx) => {
    if (varies) varyOn(ctx, 'Origin');
    const origin = ctx.req.headers.origin;
    if (!origin) return false;
    const allowOrigin = any && !config.credentials ? '*' : any || allowed.has(origin) ? origin : undefined;
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      // A preflight: answered whatever the route, refused by leaving the CORS headers out.
      ctx.status = 204;
      if (!allowOrigin) return true;
      ctx.set('Access-Control-Allow-Origin', allowOrigin);
      ctx.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
      const requested = ctx.get('Access-Control-Request-Headers');
      if (requested) {
        ctx.set('Access-Control-Allow-Headers', requested);
        ctx.vary('Access-Control-Request-Headers');
      }
      ctx.set('Access-Control-Max-Age', maxAge);
      if (config.credentials) ctx.set('Access-Control-Allow-Credentials', 'true');
      return true;
    }
    if (allowOrigin) {
      ctx.set('Access-Control-Allow-Origin', allowOrigin);
      ctx.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      if (config.credentials) ctx.set('Access-Control-Allow-Credentials', 'true');
    }
    return false;
  };
}
