import type { Context } from 'koa';
import { Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import type { JobQueue, JobState } from '../jobs/types.js';
import { FastHistogram, type HistogramSeries } from './request-histogram.js';
import type { Metrics } from './types.js';

export interface CoreMetrics extends Metrics {
  /** Counts and times one finished request, labelled by plugin, operation, method and status. */
  record(ctx: Context, seconds: number): void;
  /** Reports job queue depth per state at each scrape. */
  watchJobs(jobs: JobQueue): void;
}

export function createMetrics(): CoreMetrics {
  const registry = new Registry();
  // Event-loop delay sampled every 100 ms, not prom-client's 10: at 10 ms the histogram's timer
  // cost an idle server 4-7 ms of CPU per second (0.2 without it).
  collectDefaultMetrics({ register: registry, prefix: 'meridian_process_', eventLoopMonitoringPrecision: 100 });
  // Its _count series is the request count per plugin, operation, method and status. Observed on
  // every request, so a FastHistogram: its series are found by a string key, labels checked once.
  const duration = new FastHistogram(
    'meridian_http_request_duration_seconds',
    "Time from a request's arrival to the end of its response (streamed bodies included); _count counts requests",
    [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registry,
  );
  const seriesByPlugin = new Map<string, Map<string, Map<string, Map<number, HistogramSeries>>>>();
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
      const method = ctx.req.method ?? '';
      const status = ctx.res.statusCode;
      // Found through nested maps: their keys are strings the process already holds (plugin and
      // operation names, the parser's method) and a number, so nothing is built or hashed anew.
      const byOperation = seriesByPlugin.get(plugin) ?? setNew(seriesByPlugin, plugin, () => new Map());
      const byMethod = byOperation.get(operation) ?? setNew(byOperation, operation, () => new Map());
      const byStatus = byMethod.get(method) ?? setNew(byMethod, method, () => new Map());
      let series = byStatus.get(status);
      if (series === undefined || series.dropped) {
        series = duration.add(`${plugin}\u0000${operation}\u0000${method}\u0000${status}`, { plugin, operation, method, status: String(status) });
        byStatus.set(status, series);
      }
      duration.observe(series, seconds);
    },
  };
}

function setNew<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  const value = make();
  map.set(key, value);
  return value;
}
