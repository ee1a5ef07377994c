import type { Middleware } from 'koa';
import type { ServerConfig } from '../../config/types.js';

const ALLOWED_METHODS = 'GET, HEAD, PUT, POST, DELETE, PATCH, OPTIONS';
const EXPOSED_HEADERS = 'X-Request-Id, Location, Content-Range, Content-Length, ETag, WWW-Authenticate';

/**
 * CORS (Fetch standard) for browser clients such as OpenLayers: preflights are answered here;
 * actual requests get Access-Control-Allow-Origin before the route runs, so error responses carry
 * it too. With `origins: ['*']` and no credentials the answer never depends on Origin, so no Vary.
 */
export function cors(config: ServerConfig['cors']): Middleware {
  const any = config.origins.includes('*');
  const varies = !any || config.credentials;
  const allowed = new Set(config.origins);
  const maxAge = String(config.maxAgeSec);
  return async (ctx, next) => {
    if (varies) ctx.vary('Origin');
    const origin = ctx.get('Origin');
    if (!origin) return next();
    const allowOrigin = any && !config.credentials ? '*' : any || allowed.has(origin) ? origin : undefined;
    if (ctx.method === 'OPTIONS' && ctx.get('Access-Control-Request-Method')) {
      // A preflight: answered whatever the route, refused by leaving the CORS headers out.
      ctx.status = 204;
      if (!allowOrigin) return;
      ctx.set('Access-Control-Allow-Origin', allowOrigin);
      ctx.set('Access-Control-Allow-Methods', ALLOWED_METHODS);
      const requested = ctx.get('Access-Control-Request-Headers');
      if (requested) {
        ctx.set('Access-Control-Allow-Headers', requested);
        ctx.vary('Access-Control-Request-Headers');
      }
      ctx.set('Access-Control-Max-Age', maxAge);
      if (config.credentials) ctx.set('Access-Control-Allow-Credentials', 'true');
      return;
    }
    if (allowOrigin) {
      ctx.set('Access-Control-Allow-Origin', allowOrigin);
      ctx.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      if (config.credentials) ctx.set('Access-Control-Allow-Credentials', 'true');
    }
    return next();
  };
}
