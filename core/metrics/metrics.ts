import type { Context } from 'koa';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobQueue, JobState } from '../jobs/types.js';
import { FastHistogram } from './request-histogram.js';
import type { Metrics } from './types.js';

export interface CoreMetrics extends Metrics {
  /** Counts and times one finished request, labelled by plugin, operation, method and status. */
  record(ctx: Context, seconds: number): void;
  /** Reports job queue depth per state at each scrape. */
  watchJobs(jobs: JobQueue): void;
}

export function createMetrics(): CoreMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'meridian_process_' });
  // Its _count series is the request count per plugin, operation, method and status. Observed on
  // every request, so a FastHistogram: its series are found by a string key, labels checked once.
  const duration = new FastHistogram(
    'meridian_http_request_duration_seconds',
    "Time from a request's arrival to the end of its response (streamed bodies included); _count counts requests",
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registry,
  );
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
    record(ctx: Context, seconds: number) {
      const plugin = (ctx.state.plugin as string | undefined) ?? 'core';
      // The matched route template, never the raw path: raw paths would explode label cardinality.
      const operation = (ctx.state.operation as string | undefined) ?? (ctx as Context & { routerPath?: string }).routerPath ?? 'unmatched';
      const status = String(ctx.status);
      const key = `${plugin}\u0000${operation}\u0000${ctx.method}\u0000${status}`;
      duration.observe(duration.find(key) ?? duration.add(key, { plugin, operation, method: ctx.method, status }), seconds);
    },
  };
}
