// Load generation in a process of its own: wrk when it is on PATH (one thread: little CPU per
// request, so it leaves the other core to the server), else autocannon's command line.
// BENCH_LOADGEN=wrk|autocannon chooses explicitly.
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Result } from 'autocannon';
import type { BenchSettings } from './types.js';
import type { ServerProcess } from './server-process.js';

/** One measured load run against one URL. */
export interface LoadRun {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered in the run. */
  total: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Responses with a status of 400 or more (wrk) / outside 2xx (autocannon). */
  non2xx: number;
}

export type LoadGeneratorName = 'wrk' | 'autocannon';

export interface LoadTarget {
  name: string;
  url: string;
  headers?: Record<string, string>;
}

function onPath(command: string): boolean {
  try {
    execFileSync(command, ['--version'], { stdio: 'ignore' });
    return true;
  } catch (err) {
    // wrk --version prints its usage and exits 1: it is there. ENOENT: it is not.
    return (err as NodeJS.ErrnoException).code !== 'ENOENT';
  }
}

/** The load generator this run uses. */
export function loadGenerator(): LoadGeneratorName {
  const chosen = process.env.BENCH_LOADGEN;
  if (chosen === 'wrk' || chosen === 'autocannon') return chosen;
  if (chosen) throw new Error(`BENCH_LOADGEN must be wrk or autocannon, not '${chosen}'`);
  return onPath('wrk') ? 'wrk' : 'autocannon';
}

function collect(command: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} exited with ${code}: ${err || out}`))));
  });
}

const wrkScript = fileURLToPath(new URL('./wrk-report.lua', import.meta.url));

async function wrkRun(target: LoadTarget, durationSec: number, connections: number): Promise<LoadRun> {
  const headers = Object.entries(target.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
  const out = await collect('wrk', ['-t1', `-c${connections}`, `-d${durationSec}s`, '--timeout', '5s', ...headers, '-s', wrkScript, target.url]);
  const line = out.split('\n').find((l) => l.startsWith('BENCH-RESULT '));
  if (!line) throw new Error(`wrk printed no result line:\n${out}`);
  const r = JSON.parse(line.slice('BENCH-RESULT '.length)) as Record<string, number>;
  return {
    requestsPerSec: r.requests! / (r.durationUs! / 1e6),
    p50Ms: r.p50Us! / 1000,
    p99Ms: r.p99Us! / 1000,
    total: r.requests!,
    errors: r.connectErrors! + r.readErrors! + r.writeErrors! + r.timeouts!,
    non2xx: r.statusErrors!,
  };
}

const autocannonCli = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

async function autocannonRun(target: LoadTarget, durationSec: number, connections: number): Promise<LoadRun> {
  const headers = Object.entries(target.headers ?? {}).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  const out = await collect(process.execPath, [autocannonCli, '--json', '-c', String(connections), '-d', String(durationSec), ...headers, target.url]);
  const r = JSON.parse(out) as Result;
  return {
    requestsPerSec: r.requests.total / r.duration,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    total: r.requests.total,
    errors: r.errors + r.timeouts,
    non2xx: r.non2xx,
  };
}

/** Drives `target` for `durationSec` from a load-generator process. */
export function loadRun(generator: LoadGeneratorName, target: LoadTarget, durationSec: number, connections: number): Promise<LoadRun> {
  return generator === 'wrk' ? wrkRun(target, durationSec, connections) : autocannonRun(target, durationSec, connections);
}

/** A measured run plus what the server process spent on it. */
export interface MeasuredRun extends LoadRun {
  /** The server process's CPU time (user + system) over the run, per request answered, µs. */
  cpuUsPerRequest: number;
}

export interface ServedTarget extends LoadTarget {
  server: ServerProcess;
}

export interface TargetResult {
  name: string;
  url: string;
  runs: MeasuredRun[];
  /** The run with the most requests per second. */
  best: MeasuredRun;
  /** The lowest CPU per request of the runs. */
  leastCpuUsPerRequest: number;
}

/** One load run with the server's CPU time read just before and just after it. */
export async function measuredRun(generator: LoadGeneratorName, target: ServedTarget, durationSec: number, connections: number): Promise<MeasuredRun> {
  await target.server.cpuStart();
  const run = await loadRun(generator, target, durationSec, connections);
  const cpuUs = await target.server.cpuStop();
  return { ...run, cpuUsPerRequest: run.total > 0 ? cpuUs / run.total : 0 };
}

/**
 * Warms every target up, then measures them in turn `rounds` times (A B A B...), so a burst of
 * machine noise hits each side alike.
 */
export async function compareAlternating(generator: LoadGeneratorName, targets: ServedTarget[], settings: BenchSettings): Promise<TargetResult[]> {
  for (const t of targets) {
    settings.log(`warm-up ${t.name} (${settings.warmupSec} s)`);
    await loadRun(generator, t, settings.warmupSec, settings.connections);
  }
  const runs = new Map<string, MeasuredRun[]>(targets.map((t) => [t.name, []]));
  for (let round = 1; round <= settings.rounds; round++) {
    for (const t of targets) {
      const run = await measuredRun(generator, t, settings.durationSec, settings.connections);
      settings.log(
        `round ${round} ${t.name}: ${run.requestsPerSec.toFixed(0)} req/s, p99 ${run.p99Ms.toFixed(2)} ms, ` +
          `${run.cpuUsPerRequest.toFixed(1)} µs CPU/req, ${run.errors} errors, ${run.non2xx} non-2xx`,
      );
      runs.get(t.name)!.push(run);
    }
  }
  return targets.map((t) => {
    const all = runs.get(t.name)!;
    return {
      name: t.name,
      url: t.url,
      runs: all,
      best: all.reduce((a, b) => (b.requestsPerSec > a.requestsPerSec ? b : a)),
      leastCpuUsPerRequest: Math.min(...all.map((r) => r.cpuUsPerRequest)),
    };
  });
}
