import { performance } from 'node:perf_hooks';
import type { Context } from 'koa';
import type { AccessLogger } from '../../access-logger.js';
import type { CoreMetrics } from '../../metrics/metrics.js';
import { accessFields } from './access-log.js';

/**
 * Measures each request once it has ended ('close' follows every response, streamed or not,
 * completed or aborted, exactly once): the latency histogram, and the access-log line when one
 * is kept.
 */
export function observe(metrics: CoreMetrics, accessLog: AccessLogger | undefined): (ctx: Context) => void {
  return (ctx) => {
    const start = performance.now();
    ctx.res.on('close', () => {
      const ms = performance.now() - start;
      metrics.record(ctx, ms / 1000);
      if (accessLog) accessLog.write(accessFields(ctx, ms));
    });
  };
}
