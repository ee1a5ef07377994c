import type { Context, Middleware } from 'koa';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobQueue, JobState } from '../jobs/types.js';
import type { Metrics } from './types.js';

export interface CoreMetrics extends Metrics {
  /** Counts and times every request, labelled by plugin and operation. */
  middleware(): Middleware;
  /** Reports job queue depth per state at each scrape. */
  watchJobs(jobs: JobQueue): void;
}

export function createMetrics(): CoreMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'meridian_process_' });
  const labelNames = ['plugin', 'operation', 'method', 'status'] as const;
  const requests = new Counter({ name: 'meridian_http_requests_total', help: 'HTTP requests answered', labelNames, registers: [registry] });
  const duration = new Histogram({
    name: 'meridian_http_request_duration_seconds',
    help: 'Time to answer an HTTP request (until the response headers are sent for streamed bodies)',
    labelNames,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  let jobs: JobQueue | undefined;
  new Gauge({
    name: 'meridian_jobs',
    help: 'Jobs in the queue per state',
    labelNames: ['state'],
    registers: [registry],
    async collect() {
      if (!jobs) return;
      this.reset();
      const counts = await jobs.counts();
      for (const [state, n] of Object.entries(counts) as Array<[JobState, number]>) this.set({ state }, n);
    },
  });

  return {
    registry,
    setOperation(ctx: Context, operation: string) {
      ctx.state.operation = operation;
    },
    watchJobs(queue: JobQueue) {
      jobs = queue;
    },
    middleware(): Middleware {
      return async (ctx, next) => {
        const start = process.hrtime.bigint();
        try {
          await next();
        } finally {
          const labels = {
            plugin: (ctx.state.plugin as string | undefined) ?? 'core',
            // The matched route template, never the raw path: raw paths would explode label cardinality.
            operation: (ctx.state.operation as string | undefined) ?? (ctx as Context & { routerPath?: string }).routerPath ?? 'unmatched',
            method: ctx.method,
            status: String(ctx.status),
          };
          requests.inc(labels);
          duration.observe(labels, Number(process.hrtime.bigint() - start) / 1e9);
        }
      };
    },
  };
}
