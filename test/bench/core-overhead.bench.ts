// core-overhead: what the core costs a request. The same trivial route answered through
// Meridian's whole stack (request id, metrics, access log, CORS, compression, base URL, plugin
// scope and error boundary, the authenticator chain verifying an RS256 JWT against a JWKS, and
// authorization through the `rules` decision point) and by bare Koa, measured in the same run.
//
// Each server runs in a child process of its own and the load generator in another (wrk when it
// is on PATH, else autocannon), so neither shares a core's accounting with the load; the runs
// alternate between the two servers. Each server reports the CPU time it spent on each run, which
// over the requests answered is the cost of one request: steadier than requests/s on a shared
// machine. The servers' starters (targets.ts) also run alone for profiling (serve.ts).
import { fileURLToPath } from 'node:url';
import { HELLO_BODY } from './fixtures/plugins/hello/index.js';
import { startIssuer } from './core-overhead/targets.js';
import { compareAlternating, loadGenerator, type MeasuredRun, type TargetResult } from './load.js';
import { ServerProcess } from './server-process.js';
import type { BenchReport, BenchSettings } from './types.js';

export { startBareKoa, startIssuer, startMeridian } from './core-overhead/targets.js';

/** Meridian must keep at least this share of bare Koa's requests per second. */
export const TARGET_RATIO = 0.85;

const serveEntry = fileURLToPath(new URL('./core-overhead/serve.ts', import.meta.url));

/** Both servers answer the same body, and Meridian only for the token (401 without it). */
async function checkTargets(meridianUrl: string, bareUrl: string, token: string): Promise<void> {
  const expected = JSON.stringify(HELLO_BODY);
  const withToken = { headers: { Authorization: `Bearer ${token}` } };
  for (const url of [meridianUrl, bareUrl]) {
    const res = await fetch(url, withToken);
    const text = await res.text();
    if (res.status !== 200 || text !== expected) throw new Error(`${url} answered ${res.status} ${text}, expected 200 ${expected}`);
  }
  const anonymous = await fetch(meridianUrl);
  await anonymous.arrayBuffer();
  if (anonymous.status !== 401) throw new Error(`Meridian answered ${anonymous.status} without a token; the auth chain is not in the path`);
}

/** BENCH_SPIN_US=2,4: bare Koa targets doing that much pure CPU per request, to calibrate. */
function spinTargets(): number[] {
  const raw = process.env.BENCH_SPIN_US ?? '';
  const values = raw.split(',').filter((v) => v.trim() !== '').map(Number);
  if (values.some((v) => !Number.isFinite(v) || v <= 0)) throw new Error(`BENCH_SPIN_US must list positive numbers of µs, not '${raw}'`);
  return values;
}

export async function run(settings: BenchSettings): Promise<BenchReport> {
  const generator = loadGenerator();
  const spins = spinTargets();
  const issuer = await startIssuer();
  const servers: ServerProcess[] = [];
  try {
    const meridian = await ServerProcess.start(serveEntry, ['meridian', issuer.jwksUri]);
    servers.push(meridian);
    const bare = await ServerProcess.start(serveEntry, ['bare']);
    servers.push(bare);
    await checkTargets(meridian.url, bare.url, issuer.token);
    const headers = { Authorization: `Bearer ${issuer.token}` };
    const targets = [
      { name: 'meridian', url: meridian.url, headers, server: meridian },
      { name: 'bare-koa', url: bare.url, headers, server: bare },
    ];
    for (const us of spins) {
      const spinning = await ServerProcess.start(serveEntry, ['bare', String(us)]);
      servers.push(spinning);
      targets.push({ name: `bare-koa+${us}us`, url: spinning.url, headers, server: spinning });
    }
    settings.log(`load generator: ${generator}, ${settings.connections} connections; each server in its own process`);
    const results = await compareAlternating(generator, targets, settings);
    const [m, b] = results as [TargetResult, TargetResult];
    const failures = results.flatMap((r) => r.runs).reduce((n, r) => n + r.errors + r.non2xx, 0);
    if (failures > 0) throw new Error(`${failures} requests failed during the measured runs`);
    const ratio = m.best.requestsPerSec / b.best.requestsPerSec;
    // Server CPU per request, bare over Meridian: the share of bare Koa's throughput Meridian
    // would keep on a core of its own, whatever else the machine runs.
    const cpuRatio = b.leastCpuUsPerRequest / m.leastCpuUsPerRequest;
    // Each round's pair measured back to back: the median is robust to a noisy round.
    const roundRatios = m.runs.map((r, i) => r.requestsPerSec / b.runs[i]!.requestsPerSec);
    const metTarget = ratio >= TARGET_RATIO;
    const each = (r: TargetResult, f: (x: MeasuredRun) => string) => r.runs.map(f).join(' / ');
    const row = (name: string, r: TargetResult) => ({
      target: name,
      'req/s': r.best.requestsPerSec.toFixed(0),
      'of bare': (r.best.requestsPerSec / b.best.requestsPerSec).toFixed(3),
      'p50 ms': r.best.p50Ms.toFixed(2),
      'p99 ms': r.best.p99Ms.toFixed(2),
      'CPU µs/req': r.leastCpuUsPerRequest.toFixed(1),
      'req/s of each run': each(r, (x) => x.requestsPerSec.toFixed(0)),
      'CPU µs/req of each run': each(r, (x) => x.cpuUsPerRequest.toFixed(1)),
    });
    const calibration = results.slice(2);
    return {
      name: 'core-overhead',
      table: [row('meridian (full stack)', m), row('bare koa', b), ...calibration.map((r, i) => row(`bare koa + ${spins[i]} µs busy`, r))],
      summary:
        `Meridian/bare Koa = ${ratio.toFixed(3)} of requests/s (target >= ${TARGET_RATIO}): ${metTarget ? 'met' : 'MISSED'}; ` +
        `median of the rounds ${median(roundRatios).toFixed(3)}; by server CPU per request: ${cpuRatio.toFixed(3)} ` +
        `(${m.leastCpuUsPerRequest.toFixed(1)} vs ${b.leastCpuUsPerRequest.toFixed(1)} µs; load from ${generator})`,
      metTarget,
      data: {
        ratio,
        cpuRatio,
        roundRatios,
        target: TARGET_RATIO,
        loadGenerator: generator,
        meridian: m,
        bareKoa: b,
        calibration: calibration.map((r, i) => ({ spinUs: spins[i], ...r })),
        stack: ['request-id', 'metrics', 'access-log (/dev/null)', 'cors', 'compression', 'base-url', 'plugin scope + error boundary', 'jwt (RS256, JWKS) -> apikey -> anonymous', 'rules decision point, no cache', '@koa/router'],
      },
    };
  } finally {
    for (const s of servers) await s.close();
    await issuer.close();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
