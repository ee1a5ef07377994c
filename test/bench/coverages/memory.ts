// Resident memory of the servers sampled every few seconds through the whole benchmark, each
// sample labelled with the phase it was taken in, and the summary of one phase: first, last and
// greatest RSS, and the least-squares slope over its second half (once caches have filled).
import { rssBytes } from './proc-stats.js';

export interface MemorySample {
  /** Seconds since the sampler started. */
  t: number;
  phase: string;
  /** Bytes, per server. */
  rss: Record<string, number>;
}

export interface MemorySummary {
  samples: number;
  seconds: number;
  startMB: number;
  endMB: number;
  maxMB: number;
  /** Over the phase's second half, MB per minute. */
  slopeMBPerMin: number;
  /** RSS change over the phase's second half, MB. */
  lateGrowthMB: number;
}

const MB = 1024 * 1024;

export class MemorySampler {
  readonly samples: MemorySample[] = [];
  private phase = 'start-up';
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly servers: Record<string, () => number[]>,
    intervalMs = 2000,
  ) {
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
    this.timer.unref();
  }

  /** Labels the samples from now on (and takes one at once). */
  enter(phase: string): void {
    this.phase = phase;
    this.sample();
  }

  sample(): void {
    const rss: Record<string, number> = {};
    for (const [name, pids] of Object.entries(this.servers)) rss[name] = rssBytes(pids());
    this.samples.push({ t: (performance.now() - this.started) / 1000, phase: this.phase, rss });
  }

  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }

  /** The phases' samples of one server, summarised (undefined with fewer than two samples). */
  summary(server: string, phase: (name: string) => boolean): MemorySummary | undefined {
    const points = this.samples.filter((s) => phase(s.phase)).map((s) => ({ t: s.t, mb: (s.rss[server] ?? 0) / MB }));
    if (points.length < 2) return undefined;
    const t0 = points[0]!.t;
    const t1 = points[points.length - 1]!.t;
    const late = points.filter((p) => p.t >= (t0 + t1) / 2);
    return {
      samples: points.length,
      seconds: t1 - t0,
      startMB: points[0]!.mb,
      endMB: points[points.length - 1]!.mb,
      maxMB: Math.max(...points.map((p) => p.mb)),
      slopeMBPerMin: slope(late) * 60,
      lateGrowthMB: late.length > 0 ? late[late.length - 1]!.mb - late[0]!.mb : 0,
    };
  }
}

/** Least-squares slope of mb over t (per second); 0 with fewer than two points. */
function slope(points: Array<{ t: number; mb: number }>): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mt = points.reduce((a, p) => a + p.t, 0) / n;
  const mm = points.reduce((a, p) => a + p.mb, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - mt) * (p.mb - mm);
    den += (p.t - mt) ** 2;
  }
  return den === 0 ? 0 : num / den;
}
