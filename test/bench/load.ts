import { performance } from 'node:perf_hooks';
import autocannon, { type Result } from 'autocannon';
import type { BenchSettings } from './types.js';

/** One measured load run against one URL. */
export interface LoadRun {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /**
   * Main-thread busy time per request, µs: the servers' CPU cost of one request, less sensitive
   * than requests/s to what else the machine runs (the servers live on this thread).
   */
  busyUsPerRequest: number;
  total: number;
  errors: number;
  non2xx: number;
}

export interface LoadTarget {
  name: string;
  url: string;
  headers?: Record<string, string>;
}

export interface TargetResult {
  name: string;
  url: string;
  /** The run with the most requests per second. */
  best: LoadRun;
  runs: LoadRun[];
}

/**
 * Drives `target` for `durationSec` from a worker thread, so the load generator does not share
 * the event loop of the servers it measures (they run in this process).
 */
export async function loadRun(target: LoadTarget, durationSec: number, connections: number): Promise<LoadRun> {
  const before = performance.eventLoopUtilization();
  const result: Result = await autocannon({
    url: target.url,
    headers: target.headers,
    connections,
    duration: durationSec,
    workers: 1,
    title: target.name,
  });
  const busy = performance.eventLoopUtilization(before);
  return {
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    busyUsPerRequest: result.requests.total > 0 ? (busy.active * 1000) / result.requests.total : 0,
    total: result.requests.total,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

/**
 * Warms every target up, then measures them in turn `rounds` times (A B A B...), so a burst of
 * machine noise hits each side alike; the best run of each target is kept.
 */
export async function compareAlternating(targets: LoadTarget[], settings: BenchSettings): Promise<TargetResult[]> {
  for (const t of targets) {
    settings.log(`warm-up ${t.name} (${settings.warmupSec} s)`);
    await loadRun(t, settings.warmupSec, settings.connections);
  }
  const runs = new Map<string, LoadRun[]>(targets.map((t) => [t.name, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    for (const t of targets) {
      const run = await loadRun(t, settings.durationSec, settings.connections);
      settings.log(
        `round ${round} ${t.name}: ${run.requestsPerSec.toFixed(0)} req/s, p99 ${run.p99Ms} ms, ${run.busyUsPerRequest.toFixed(0)} µs busy/req, ${run.errors} errors, ${run.non2xx} non-2xx`,
      );
      runs.get(t.name)!.push(run);
    }
  }
  return targets.map((t) => {
    const all = runs.get(t.name)!;
    const best = all.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a));
    return { name: t.name, url: t.url, best, runs: all };
  });
}
