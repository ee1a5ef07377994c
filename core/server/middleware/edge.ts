import type { Middleware } from 'koa';
import type { ServerConfig } from '../../config/types.js';
import type { AccessLogger } from '../../access-logger.js';
import type { CoreMetrics } from '../../metrics/metrics.js';
import { compression } from './compression.js';
import { cors } from './cors.js';
import { observe } from './observe.js';
import { requestContext } from './request-context.js';

export interface EdgeOptions {
  server: Pick<ServerConfig, 'publicUrl' | 'trustProxy' | 'cors' | 'compression'>;
  metrics: CoreMetrics;
  accessLog: AccessLogger | undefined;
}

/**
 * What every request passes through before its plugin, in this order: request id and base URL,
 * metrics and access log, CORS (a preflight is answered here), compression. One middleware rather
 * than four: each layer of a Koa chain costs a closure and a promise on every request.
 */
export function edge(options: EdgeOptions): Middleware {
  const begin = requestContext(options.server);
  const measure = observe(options.metrics, options.accessLog);
  const corsStep = options.server.cors.enabled ? cors(options.server.cors) : undefined;
  const compress = options.server.compression ? compression() : undefined;
  return (ctx, next) => {
    begin(ctx);
    measure(ctx);
    if (corsStep?.(ctx)) return Promise.resolve();
    return compress ? compress(ctx, next) : next();
  };
}
