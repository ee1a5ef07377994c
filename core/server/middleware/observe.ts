import type { Middleware } from 'koa';
import type { Logger } from 'pino';
import type { CoreMetrics } from '../../metrics/metrics.js';
import { accessLine } from './access-log.js';

/**
 * Measures each request once it has ended ('close' follows every response, streamed or not,
 * completed or aborted): the latency histogram, and the access-log line when one is kept.
 */
export function observe(metrics: CoreMetrics, accessLogger: Logger | undefined): Middleware {
  return (ctx, next) => {
    const start = process.hrtime.bigint();
    ctx.res.once('close', () => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      metrics.record(ctx, ms / 1000);
      if (accessLogger) accessLogger.info(accessLine(ctx, ms));
    });
    return next();
  };
}
