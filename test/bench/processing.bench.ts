// processing: the job engine's overhead. Trivial jobs of a built-in (`clip` on a 16x16 COG: one
// gdal_translate, then gdalinfo for the footprint at stage-out) and of a CWL package
// (`processing/trivial.cwl`, `echo`, through cwltool), submitted over the ADES (POST /execution,
// Prefer: respond-async) to a server in a child process of its own (`processing/serve.ts`), with
// the in-process queue and, when MERIDIAN_TEST_REDIS is set, BullMQ (the server's own worker).
// The baseline is the same package run with cwltool as one would by hand (`cwltool --no-container
// --outdir <dir> trivial.cwl job.json`, no shell, no wrapper, in a session of its own like the
// engine's tools), always next to what it is compared with, so that both see the same load on a
// shared machine.
//
// Per backend and kind:
// - serial (a worker free, one job at a time; BENCH_PROCESSING_SERIAL built-in,
//   BENCH_PROCESSING_CWL_SERIAL CWL jobs): request→running (execute sent → the job's `started`)
//   and request→finished, and the CPU time of the server process and of the tools it ran per job;
//   each CWL job is paired with a direct cwltool run just before or after it (alternating):
//   wall overhead = the median over the pairs of request→finished / direct wall, - 1; CPU
//   overhead likewise with (server + tools CPU) / direct CPU. Then up to 5 synchronous
//   executions: how long after the job's `finished` the response came;
// - throughput: N jobs submitted at once (BENCH_PROCESSING_JOBS built-in, BENCH_PROCESSING_CWL_JOBS
//   CWL) at the engine's concurrency (BENCH_PROCESSING_CONCURRENCY, default 2): jobs/s from the
//   first request to the last `finished`, CPU per job of the server (its own: HTTP, queue,
//   database, stage-in/out) and of the tools (the children it reaped), from /proc/<pid>/stat over
//   the phase. The CWL jobs run in BENCH_PROCESSING_CWL_ROUNDS rounds (default 1), each between
//   two halves of its share of BENCH_PROCESSING_DIRECT_JOBS direct runs at the same concurrency:
//   throughput overhead = the median over rounds of direct runs/s / Meridian's jobs/s, - 1; CPU
//   overhead = (server + tools CPU per job) / direct CPU per run, - 1, over all rounds.
//
// Completion is seen by polling GET /ades/jobs/{id} (the oldest unfinished job; every 100 ms in
// the serial phase, 250 ms in the throughput phase); the figures come from the jobs' own
// timestamps. The server's CPU per job is reported without the polls' share (their count times
// the server CPU of one status read, measured after each phase) and without its idle CPU (timers,
// metrics: measured over 3 s before the jobs, times the job's duration), both also reported. Database: SQLite (a file), or PostgreSQL (a schema of its
// own) when MERIDIAN_TEST_PG is set.
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import type { ServeArgs } from './processing/serve.js';
import type { BenchReport, BenchSettings } from './types.js';

const CWL_FILE = fileURLToPath(new URL('./processing/trivial.cwl', import.meta.url));
const SERVE = fileURLToPath(new URL('./processing/serve.ts', import.meta.url));
export const TARGET_OVERHEAD = 0.1;
export const TARGET_LATENCY_MS = 50;
const TERMINAL = new Set(['successful', 'failed', 'dismissed']);
/** Linux clock ticks per second (USER_HZ). */
const TICKS_PER_SEC = 100;

function setting(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a whole number, not '${raw}'`);
  return n;
}

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
/** Nearest-rank percentile. */
function pct(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}
const median = (xs: number[]) => pct(xs, 50);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time of a process, its own and that of the children it has reaped, in ms (from /proc). */
function procCpuMs(pid: number | 'self'): { own: number; children: number } {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // After the command name (in parentheses): state is f[0]; utime, stime, cutime, cstime f[11..14].
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ').map(Number);
  const ms = (ticks: number) => (ticks * 1000) / TICKS_PER_SEC;
  return { own: ms(f[11]! + f[12]!), children: ms(f[13]! + f[14]!) };
}

function execFileP(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => execFile(cmd, args, { cwd }, (err) => (err ? reject(err) : resolve())));
}

/** The server in its child process. */
class BenchServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {}

  static async start(args: ServeArgs): Promise<BenchServer> {
    const extra = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
    const child = fork(SERVE, [JSON.stringify(args)], { execArgv: [...process.execArgv, ...extra], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const ready = await new Promise<{ type: string; url?: string; error?: string }>((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new Error(`processing/serve.ts exited (${code}) before it was ready`)));
    });
    child.removeAllListeners('exit');
    if (ready.type !== 'ready' || !ready.url) throw new Error(`processing/serve.ts failed to start: ${ready.error ?? ready.type}`);
    return new BenchServer(child, ready.url);
  }

  cpuMs() {
    return procCpuMs(this.child.pid!);
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 30_000);
    this.child.send({ type: 'close' });
    await exited;
    clearTimeout(timer);
  }
}

interface Timed {
  id: string;
  sent: number;
  started: number;
  finished: number;
  status: string;
}

/** An ADES client for one server. */
class Client {
  /** Status reads made (the bench's polling, whose server CPU is accounted apart). */
  polls = 0;

  constructor(
    private readonly base: string,
    private readonly key: string,
  ) {}

  async deploy(cwl: string): Promise<void> {
    const res = await fetch(`${this.base}/processes`, { method: 'POST', headers: { 'X-API-Key': this.key, 'Content-Type': 'application/cwl+yaml' }, body: cwl });
    if (res.status !== 201) throw new Error(`deploy: ${res.status} ${await res.text()}`);
  }

  async submit(process: string, inputs: Record<string, unknown>): Promise<{ id: string; sent: number }> {
    const sent = Date.now();
    const res = await fetch(`${this.base}/processes/${process}/execution`, {
      method: 'POST',
      headers: { 'X-API-Key': this.key, 'Content-Type': 'application/json', Prefer: 'respond-async' },
      body: JSON.stringify({ inputs }),
    });
    const body = (await res.json()) as { jobID?: string };
    if (res.status !== 201 || !body.jobID) throw new Error(`${process}: ${res.status} ${JSON.stringify(body)}`);
    return { id: body.jobID, sent };
  }

  /** A synchronous execution: how long after the job's `finished` its response came. */
  async executeSync(process: string, inputs: Record<string, unknown>): Promise<{ lagMs: number; ok: boolean }> {
    const res = await fetch(`${this.base}/processes/${process}/execution`, {
      method: 'POST',
      headers: { 'X-API-Key': this.key, 'Content-Type': 'application/json' },
      body: JSON.stringify({ inputs }),
    });
    await res.arrayBuffer();
    const answered = Date.now();
    const id = /\/jobs\/([^/?#]+)/.exec(res.headers.get('location') ?? '')?.[1];
    if (!id) throw new Error(`${process} (sync): ${res.status} without a job location`);
    const s = await this.status(id);
    return { lagMs: answered - Date.parse(s.finished ?? ''), ok: res.status === 200 && s.status === 'successful' };
  }

  async status(id: string): Promise<{ status: string; started?: string; finished?: string }> {
    this.polls++;
    const res = await fetch(`${this.base}/jobs/${id}`, { headers: { 'X-API-Key': this.key } });
    if (res.status !== 200) throw new Error(`job ${id}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { status: string; started?: string; finished?: string };
  }

  /** Waits for every job, polling the oldest unfinished one every `intervalMs`. */
  async finish(jobs: Array<{ id: string; sent: number }>, intervalMs: number): Promise<Timed[]> {
    const out: Timed[] = [];
    for (const job of jobs) {
      for (;;) {
        const s = await this.status(job.id);
        if (TERMINAL.has(s.status)) {
          const finished = Date.parse(s.finished ?? '');
          out.push({ id: job.id, sent: job.sent, started: Date.parse(s.started ?? '') || finished, finished, status: s.status });
          break;
        }
        await sleep(intervalMs);
      }
    }
    return out;
  }
}

interface Direct {
  wallMs: number;
  cpuMs: number;
}

/**
 * The package run with cwltool directly, as by hand; CPU from the children this process reaped.
 * In a session of its own, as from a terminal, and as the engine runs its tools: with the
 * scheduler's autogroups, a process in the benchmark's session would share that session's CPU
 * with it, and a busy machine would slow the baseline more than Meridian's jobs.
 */
async function cwltoolDirect(dir: string, i: number): Promise<Direct> {
  const before = procCpuMs('self').children;
  const t = performance.now();
  const child = spawn('cwltool', ['--no-container', '--outdir', join(dir, `direct-${i}`), 'trivial.cwl', 'job.json'], { cwd: dir, detached: true, stdio: 'ignore' });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', resolve);
  });
  if (code !== 0) throw new Error(`cwltool direct run ${i} exited ${code}`);
  const wallMs = performance.now() - t;
  rmSync(join(dir, `direct-${i}`), { recursive: true, force: true });
  return { wallMs, cpuMs: procCpuMs('self').children - before };
}

/** `n` runs of `task`, `concurrency` at a time. */
async function pool(n: number, concurrency: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(concurrency, n) }, async () => {
    while (next < n) await task(next++);
  }));
}

interface Figures {
  backend: string;
  kind: 'builtin' | 'cwl';
  serial: number;
  latencyP50Ms: number;
  latencyP99Ms: number;
  /** Request to finished, one job at a time. */
  serialJobP50Ms: number;
  /** CPU per serial job: the server's own and the tools' (CWL: cwltool under Meridian). */
  serialServerCpuMs: number;
  /** The same without the benchmark's status polls and the server's idle CPU over the job's time. */
  serialServerNetCpuMs: number;
  serialToolsCpuMs: number;
  /** Of the server's CPU per job, what the benchmark's status polls cost (polls x CPU per GET). */
  serialPollCpuMs: number;
  /** The direct cwltool runs paired with the serial CWL jobs: wall p50 and mean CPU. */
  pairedDirectP50Ms?: number;
  pairedDirectCpuMs?: number;
  /** Synchronous execution: response − the job's `finished`. */
  syncLagP50Ms: number;
  jobs: number;
  throughputPerSec: number;
  serverCpuMsPerJob: number;
  serverNetCpuMsPerJob: number;
  toolsCpuMsPerJob: number;
  pollCpuMsPerJob: number;
  /** Server CPU of one GET /ades/jobs/{id}. */
  getCpuMs: number;
  /** Server CPU per second when no job runs and no request comes. */
  idleCpuMsPerSec: number;
  /** Medians over the serial pairs of Meridian's request→finished / the direct wall, and of CPU. */
  pairRatioP50?: number;
  pairCpuRatioP50?: number;
  /** The direct runs around the CWL throughput rounds. */
  direct?: { runs: number; rounds: number; throughputPerSec: number; cpuMsPerRun: number; roundRatioP50: number };
  failed: number;
}

interface Plan {
  builtinJobs: number;
  cwlJobs: number;
  directJobs: number;
  serial: number;
  cwlSerial: number;
  cwlRounds: number;
  concurrency: number;
}

/** `n` direct runs, `concurrency` at a time: seconds and CPU (the children this process reaped). */
async function directBatch(dir: string, n: number, concurrency: number, from: number): Promise<{ seconds: number; cpuMs: number }> {
  const cpu0 = procCpuMs('self').children;
  const t = performance.now();
  await pool(n, concurrency, async (i) => void (await cwltoolDirect(dir, from + i)));
  return { seconds: (performance.now() - t) / 1000, cpuMs: procCpuMs('self').children - cpu0 };
}

async function measureBackend(backend: string, jobsConfig: Record<string, unknown>, database: Record<string, unknown>, plan: Plan, dir: string, cwl: string, log: (l: string) => void): Promise<Figures[]> {
  const keyId = randomBytes(8).toString('hex');
  const keySecret = randomBytes(32).toString('base64url');
  const server = await BenchServer.start({
    inline: { sampleData: false, database, jobs: jobsConfig, plugins: { processing: { concurrency: plan.concurrency }, ades: {} } },
    keyId,
    keySecret,
    cog: join(dir, 'tiny.tif'),
  });
  try {
    const client = new Client(`${server.url}/ades`, `mk_${keyId}_${keySecret}`);
    await client.deploy(cwl);
    // The server's CPU when idle (timers, metrics), part of every phase's figure.
    const idle0 = server.cpuMs().own;
    await sleep(3000);
    const idleCpuMsPerSec = (server.cpuMs().own - idle0) / 3;
    log(`processing bench: ${backend}: idle server ${idleCpuMsPerSec.toFixed(1)} ms CPU per second`);
    const out: Figures[] = [];
    for (const kind of ['builtin', 'cwl'] as const) {
      const process = kind === 'builtin' ? 'clip' : 'trivial';
      const inputs = (i: number) => (kind === 'builtin' ? { image: { href: 'blob:workspaces/bench/tiny.tif' }, bbox: { bbox: [10, 49, 10.5 + (i % 5) / 100, 49.5] } } : { n: i });
      // A worker free: one job at a time; CWL jobs paired with a direct run, in alternating order.
      const serialCount = kind === 'builtin' ? plan.serial : plan.cwlSerial;
      const serial: Timed[] = [];
      const paired: Direct[] = [];
      /** Per serial job: the server's CPU, its tools' CPU, and the status reads it took. */
      const perJob: Array<{ own: number; children: number; polls: number }> = [];
      for (let i = 0; i < serialCount; i++) {
        if (kind === 'cwl' && i % 2 === 0) paired.push(await cwltoolDirect(dir, i));
        const before = server.cpuMs();
        const polls = client.polls;
        serial.push(...(await client.finish([await client.submit(process, inputs(i))], 100)));
        const after = server.cpuMs();
        perJob.push({ own: after.own - before.own, children: after.children - before.children, polls: client.polls - polls });
        if (kind === 'cwl' && i % 2 === 1) paired.push(await cwltoolDirect(dir, i));
      }
      const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
      const serialCpu = { own: sum(perJob.map((j) => j.own)), children: sum(perJob.map((j) => j.children)) };
      const serialPolls = sum(perJob.map((j) => j.polls));
      // Synchronous executions: the response's delay after the job's end (the wait's wake-up).
      const sync = [];
      for (let i = 0; i < Math.min(serialCount, 5); i++) sync.push(await client.executeSync(process, inputs(500 + i)));
      const latencies = serial.map((t) => t.started - t.sent);
      const totals = serial.map((t) => t.finished - t.sent);
      log(
        `processing bench: ${backend} ${kind}: ${serialCount} serial jobs, request→running p50 ${median(latencies)} ms, request→finished p50 ${median(totals)} ms` +
          `${paired.length ? ` (paired direct cwltool ${median(paired.map((d) => d.wallMs)).toFixed(0)} ms)` : ''}, sync response − finished p50 ${median(sync.map((x) => x.lagMs))} ms`,
      );
      // Throughput: N at once. CWL in rounds, each between two halves of its share of the direct
      // runs, so the baseline is measured minutes (or seconds) from the jobs it is compared with.
      const n = kind === 'builtin' ? plan.builtinJobs : plan.cwlJobs;
      const rounds = kind === 'cwl' && plan.directJobs > 0 ? Math.max(1, Math.min(plan.cwlRounds, n)) : 1;
      const share = (total: number, r: number) => Math.floor((total * (r + 1)) / rounds) - Math.floor((total * r) / rounds);
      let done: Timed[] = [];
      const cpu = { own: 0, children: 0 };
      let seconds = 0;
      const polls0 = client.polls;
      const directRounds: Array<{ runs: number; seconds: number; cpuMs: number; jobs: number; jobSeconds: number }> = [];
      for (let r = 0; r < rounds && n > 0; r++) {
        const d = kind === 'cwl' ? share(plan.directJobs, r) : 0;
        const first = await directBatch(dir, Math.ceil(d / 2), plan.concurrency, 10_000 + r * 1000);
        const cpu0 = server.cpuMs();
        const submitted = [];
        for (let i = 0; i < share(n, r); i++) submitted.push(await client.submit(process, inputs(1000 + done.length + i)));
        const batch = await client.finish(submitted, 250);
        const cpu1 = server.cpuMs();
        cpu.own += cpu1.own - cpu0.own;
        cpu.children += cpu1.children - cpu0.children;
        const batchSeconds = (Math.max(...batch.map((t) => t.finished)) - batch[0]!.sent) / 1000;
        seconds += batchSeconds;
        done = [...done, ...batch];
        const second = await directBatch(dir, d - Math.ceil(d / 2), plan.concurrency, 50_000 + r * 1000);
        if (d > 0) directRounds.push({ runs: d, seconds: first.seconds + second.seconds, cpuMs: first.cpuMs + second.cpuMs, jobs: batch.length, jobSeconds: batchSeconds });
      }
      const polls = client.polls - polls0;
      // What one status read costs the server, to tell the benchmark's polling from the jobs.
      const probe = serial[0] ?? done[0];
      let getCpuMs = NaN;
      if (probe) {
        const cpu0 = server.cpuMs().own;
        for (let i = 0; i < 200; i++) await client.status(probe.id);
        getCpuMs = (server.cpuMs().own - cpu0) / 200;
      }
      const directRuns = sum(directRounds.map((d) => d.runs));
      const direct = directRounds.length
        ? {
            runs: directRuns,
            rounds: directRounds.length,
            throughputPerSec: directRuns / sum(directRounds.map((d) => d.seconds)),
            cpuMsPerRun: sum(directRounds.map((d) => d.cpuMs)) / directRuns,
            // Per round: direct runs/s over Meridian's jobs/s, the median of the rounds.
            roundRatioP50: median(directRounds.map((d) => d.runs / d.seconds / (d.jobs / d.jobSeconds))),
          }
        : undefined;
      const failed = [...serial, ...done].filter((t) => t.status !== 'successful').length + sync.filter((x) => !x.ok).length;
      if (n > 0) {
        log(
          `processing bench: ${backend} ${kind}: ${n} jobs in ${seconds.toFixed(1)} s (${(n / seconds).toFixed(2)}/s), CPU per job: server ${(cpu.own / n).toFixed(1)} ms (status polls ${((polls * getCpuMs) / n).toFixed(1)} ms of it: ${polls} at ${getCpuMs.toFixed(2)} ms), tools ${(cpu.children / n).toFixed(1)} ms` +
            (direct ? `; direct cwltool around it (${direct.rounds} rounds): ${direct.throughputPerSec.toFixed(2)}/s, ${direct.cpuMsPerRun.toFixed(0)} ms CPU per run` : ''),
        );
      }
      out.push({
        backend,
        kind,
        serial: serialCount,
        latencyP50Ms: median(latencies),
        latencyP99Ms: pct(latencies, 99),
        serialJobP50Ms: median(totals),
        serialServerCpuMs: serialCpu.own / serialCount,
        serialServerNetCpuMs: (serialCpu.own - serialPolls * getCpuMs - (idleCpuMsPerSec * sum(totals)) / 1000) / serialCount,
        serialToolsCpuMs: serialCpu.children / serialCount,
        serialPollCpuMs: (serialPolls * getCpuMs) / serialCount,
        ...(paired.length
          ? {
              pairedDirectP50Ms: median(paired.map((d) => d.wallMs)),
              pairedDirectCpuMs: sum(paired.map((d) => d.cpuMs)) / paired.length,
              // Pair by pair (each Meridian job over the direct run next to it), the median.
              pairRatioP50: median(paired.map((d, i) => totals[i]! / d.wallMs)),
              pairCpuRatioP50: median(paired.map((d, i) => (perJob[i]!.own - perJob[i]!.polls * getCpuMs - (idleCpuMsPerSec * totals[i]!) / 1000 + perJob[i]!.children) / d.cpuMs)),
            }
          : {}),
        syncLagP50Ms: median(sync.map((x) => x.lagMs)),
        jobs: n,
        throughputPerSec: n / seconds,
        serverCpuMsPerJob: cpu.own / n,
        serverNetCpuMsPerJob: (cpu.own - polls * getCpuMs - idleCpuMsPerSec * seconds) / n,
        toolsCpuMsPerJob: cpu.children / n,
        pollCpuMsPerJob: (polls * getCpuMs) / n,
        getCpuMs,
        idleCpuMsPerSec,
        ...(direct ? { direct } : {}),
        failed,
      });
    }
    return out;
  } finally {
    await server.close();
  }
}

/** A fresh database per server: a SQLite file, or a PostgreSQL schema dropped afterwards. */
async function withDatabase<T>(dir: string, name: string, use: (config: Record<string, unknown>) => Promise<T>): Promise<T> {
  const pg = process.env.MERIDIAN_TEST_PG;
  if (!pg) return use({ client: 'sqlite', filename: join(dir, `${name}.sqlite`) });
  const schema = `bench_processing_${randomBytes(4).toString('hex')}`;
  try {
    return await use({ client: 'postgres', url: pg, schema, pool: { max: 8 } });
  } finally {
    const { default: knexFactory } = await import('knex');
    const admin = knexFactory({ client: 'pg', connection: pg, pool: { min: 0, max: 1 } });
    await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]).finally(() => admin.destroy());
  }
}

/** Deletes what a BullMQ run left in Redis under its prefix. */
async function clearRedis(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

const ms = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '—' : x.toFixed(0));
const pc = (x: number) => (Number.isNaN(x) ? '—' : `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)} %`);

/** The overheads of a CWL row over its direct cwltool runs (NaN where not measured). */
function overheads(f: Figures) {
  return {
    wall: f.pairRatioP50 !== undefined ? f.pairRatioP50 - 1 : NaN,
    serialCpu: f.pairCpuRatioP50 !== undefined ? f.pairCpuRatioP50 - 1 : NaN,
    throughput: f.direct && f.jobs > 0 ? f.direct.roundRatioP50 - 1 : NaN,
    cpu: f.direct && f.jobs > 0 ? (f.serverNetCpuMsPerJob + f.toolsCpuMsPerJob) / f.direct.cpuMsPerRun - 1 : NaN,
  };
}

export async function run(settings: BenchSettings): Promise<BenchReport> {
  const builtinJobs = setting('BENCH_PROCESSING_JOBS', 20);
  const cwlJobs = setting('BENCH_PROCESSING_CWL_JOBS', builtinJobs);
  const serial = setting('BENCH_PROCESSING_SERIAL', 10);
  const plan: Plan = {
    builtinJobs,
    cwlJobs,
    directJobs: setting('BENCH_PROCESSING_DIRECT_JOBS', cwlJobs),
    serial,
    cwlSerial: setting('BENCH_PROCESSING_CWL_SERIAL', serial),
    cwlRounds: setting('BENCH_PROCESSING_CWL_ROUNDS', 1),
    concurrency: Math.max(1, setting('BENCH_PROCESSING_CONCURRENCY', 2)),
  };
  const redis = process.env.MERIDIAN_TEST_REDIS;
  const backends = (process.env.BENCH_PROCESSING_BACKENDS ?? (redis ? 'in-process,bullmq' : 'in-process')).split(',').map((b) => b.trim()).filter(Boolean);
  for (const b of backends) {
    if (b !== 'in-process' && b !== 'bullmq') throw new Error(`BENCH_PROCESSING_BACKENDS: unknown backend '${b}' (in-process, bullmq)`);
    if (b === 'bullmq' && !redis) throw new Error('BENCH_PROCESSING_BACKENDS: bullmq needs MERIDIAN_TEST_REDIS');
  }
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-processing-'));
  const cwl = readFileSync(CWL_FILE, 'utf8');
  const started = Date.now();
  try {
    await execFileP('gdal_create', ['-of', 'GTiff', '-outsize', '16', '16', '-bands', '1', '-burn', '7', '-ot', 'Byte', '-a_srs', 'EPSG:4326', '-a_ullr', '10', '50', '11', '49', join(dir, 'src.tif')], dir);
    await execFileP('gdal_translate', ['-q', '-of', 'COG', join(dir, 'src.tif'), join(dir, 'tiny.tif')], dir);
    writeFileSync(join(dir, 'trivial.cwl'), cwl);
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ n: 1 }));
    settings.log(
      `processing bench: per backend (${backends.join(', ')}): ${plan.builtinJobs} built-in and ${plan.cwlJobs} CWL jobs at once, ${plan.serial} built-in and ${plan.cwlSerial} CWL serial, ` +
        `${plan.directJobs} direct cwltool runs around the CWL jobs; concurrency ${plan.concurrency}; database ${process.env.MERIDIAN_TEST_PG ? 'postgres' : 'sqlite file'}`,
    );
    const figures: Figures[] = [];
    for (const backend of backends) {
      const prefix = `bench-processing-${process.pid}-${backend}`;
      const jobsConfig = backend === 'bullmq' ? { backend: 'bullmq', redis, prefix } : {};
      try {
        figures.push(...(await withDatabase(dir, backend, (database) => measureBackend(backend, jobsConfig, database, plan, dir, cwl, settings.log))));
      } finally {
        if (backend === 'bullmq') await clearRedis(redis!, prefix);
      }
    }

    const table = figures.map((f) => {
      const o = overheads(f);
      const cwlRow = f.kind === 'cwl';
      return {
        target: `${f.backend} ${f.kind}`,
        'request→running p50/p99 ms': `${ms(f.latencyP50Ms)}/${ms(f.latencyP99Ms)}`,
        'request→finished p50 ms (direct)': `${ms(f.serialJobP50Ms)}${cwlRow ? ` (${ms(f.pairedDirectP50Ms)})` : ''}`,
        'wall overhead (pairs)': cwlRow ? pc(o.wall) : '—',
        'serial CPU ms/job server+tools (direct)': `${f.serialServerNetCpuMs.toFixed(0)}+${ms(f.serialToolsCpuMs)}${cwlRow ? ` (${ms(f.pairedDirectCpuMs)})` : ''}`,
        'CPU overhead (pairs)': cwlRow ? pc(o.serialCpu) : '—',
        jobs: String(f.jobs),
        'jobs/s (direct)': f.jobs > 0 ? `${f.throughputPerSec.toFixed(2)}${f.direct ? ` (${f.direct.throughputPerSec.toFixed(2)})` : ''}` : '—',
        'CPU ms/job server+tools (direct)': f.jobs > 0 ? `${f.serverNetCpuMsPerJob.toFixed(1)}+${ms(f.toolsCpuMsPerJob)}${f.direct ? ` (${ms(f.direct.cpuMsPerRun)})` : ''}` : '—',
        'idle ms/s': f.idleCpuMsPerSec.toFixed(1),
        'polls CPU ms/job serial, N': `${ms(f.serialPollCpuMs)}, ${f.jobs > 0 ? f.pollCpuMsPerJob.toFixed(1) : '—'}`,
        'throughput / CPU overhead (rounds)': cwlRow ? `${pc(o.throughput)} / ${pc(o.cpu)}` : '—',
        'sync lag ms': ms(f.syncLagP50Ms),
        failed: String(f.failed),
      };
    });
    const cwlFigures = figures.filter((f) => f.kind === 'cwl');
    const latencyOk = figures.every((f) => f.serial === 0 || f.latencyP50Ms < TARGET_LATENCY_MS);
    const overheadOk = cwlFigures.every((f) => {
      const o = overheads(f);
      return !(o.wall > TARGET_OVERHEAD) && !(o.serialCpu > TARGET_OVERHEAD) && !(o.cpu > TARGET_OVERHEAD);
    });
    return {
      name: 'processing',
      table,
      summary:
        `CWL overhead per job over cwltool direct (serial wall, paired / serial CPU / throughput / CPU per job at throughput): ` +
        `${cwlFigures.map((f) => { const o = overheads(f); return `${f.backend} ${pc(o.wall)} / ${pc(o.serialCpu)} / ${pc(o.throughput)} / ${pc(o.cpu)}`; }).join('; ')} (target ≤ ${TARGET_OVERHEAD * 100} %); ` +
        `request→running p50 ${figures.map((f) => `${f.backend} ${f.kind} ${ms(f.latencyP50Ms)} ms`).join(', ')} (target < ${TARGET_LATENCY_MS} ms); ` +
        `${((Date.now() - started) / 60_000).toFixed(1)} min`,
      metTarget: latencyOk && overheadOk && figures.every((f) => f.failed === 0),
      data: { plan, figures },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
