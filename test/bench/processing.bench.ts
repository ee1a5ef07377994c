// processing: the job engine's overhead. N trivial jobs (BENCH_PROCESSING_JOBS, default 20) of a
// built-in (`clip` on a 16x16 COG: one gdal_translate) and of a CWL package (`echo`, through
// cwltool), submitted over the ADES (POST /execution, Prefer: respond-async) to a server with the
// in-process queue and, when MERIDIAN_TEST_REDIS is set, with BullMQ (the server's own worker).
// Measured: request-to-running latency (execute sent -> the job's startedAt) with a worker free
// (jobs one at a time), and completed-jobs throughput with all N submitted at once (concurrency 2,
// the engine's default). Baseline in the same run: the same CWL package run directly with the same
// cwltool command line (one at a time, then N with 2 at a time). Overhead per CWL job: Meridian's
// request-to-finished time over the direct cwltool run's wall time.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { createApiKey } from '../../core/auth/index.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import type { BenchReport, BenchSettings } from './types.js';

const PLUGINS = fileURLToPath(new URL('../../plugins/', import.meta.url));
const CWL = readFileSync(fileURLToPath(new URL('./processing/trivial.cwl', import.meta.url)), 'utf8');
export const TARGET_OVERHEAD = 0.1;
export const TARGET_LATENCY_MS = 50;

interface Figures {
  backend: string;
  kind: 'builtin' | 'cwl';
  jobs: number;
  latencyP50Ms: number;
  latencyMaxMs: number;
  /** Request to finished, one job at a time. */
  serialJobMs: number;
  throughputPerSec: number;
  failed: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function exec(cmd: string, args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => execFile(cmd, args, { cwd }, (err) => (err ? reject(err) : resolve())));
}

/** The CWL package run directly with the local backend's own cwltool arguments. */
async function cwltoolDirect(dir: string, i: number): Promise<number> {
  const work = join(dir, `direct-${i}`);
  const t = performance.now();
  await exec('bash', ['-c', `mkdir -p ${work}/out ${work}/tmp && cd ${work} && cwltool --no-container --outdir out --tmpdir-prefix tmp/ ../trivial.cwl ../job.json > /dev/null 2>&1`], dir);
  return performance.now() - t;
}

async function measureServer(backend: string, jobsConfig: Record<string, unknown>, n: number, cog: string, log: (l: string) => void): Promise<Figures[]> {
  const server: TestServer = await startTestServer(
    { sampleData: false, jobs: jobsConfig, plugins: { processing: { fileRoots: [tmpdir()] }, ades: {} } },
    { builtinDir: PLUGINS },
  );
  try {
    const key = (await createApiKey(server.meridian.stores.db, { user: 'bench', groups: ['admin'] })).key;
    const base = `${server.url}/ades`;
    const headers = { 'X-API-Key': key, 'Content-Type': 'application/json' };
    const blobs = server.meridian.stores.blobs;
    await blobs.put('workspaces/bench/tiny.tif', readFileSync(cog), { contentType: 'image/tiff' });
    const deployed = await fetch(`${base}/processes`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/cwl+yaml' }, body: CWL });
    if (deployed.status !== 201) throw new Error(`deploy: ${deployed.status} ${await deployed.text()}`);
    const jobs = server.meridian.stores.jobs;
    const out: Figures[] = [];
    for (const kind of ['builtin', 'cwl'] as const) {
      const process = kind === 'builtin' ? 'clip' : 'trivial';
      const inputs = (i: number) => (kind === 'builtin' ? { image: { href: 'blob:workspaces/bench/tiny.tif' }, bbox: { bbox: [10, 49, 10.5 + (i % 5) / 100, 49.5] } } : { n: i });
      const submit = async (i: number): Promise<{ id: string; sent: number }> => {
        const sent = Date.now();
        const res = await fetch(`${base}/processes/${process}/execution`, { method: 'POST', headers: { ...headers, Prefer: 'respond-async' }, body: JSON.stringify({ inputs: inputs(i) }) });
        const body = (await res.json()) as { jobID?: string };
        if (res.status !== 201 || !body.jobID) throw new Error(`${process}: ${res.status} ${JSON.stringify(body)}`);
        return { id: body.jobID, sent };
      };
      const finish = async (id: string) => {
        for (;;) {
          const r = await jobs.get(id);
          if (r && ['succeeded', 'failed', 'dismissed'].includes(r.state)) return r;
          await new Promise((resolve) => setTimeout(resolve, 5));
        }
      };
      // A worker free: one job at a time.
      const serial = Math.min(n, 10);
      const latencies: number[] = [];
      const totals: number[] = [];
      let failed = 0;
      for (let i = 0; i < serial; i++) {
        const { id, sent } = await submit(i);
        const r = await finish(id);
        if (r.state !== 'succeeded') failed++;
        latencies.push((r.startedAt?.getTime() ?? NaN) - sent);
        totals.push((r.finishedAt?.getTime() ?? NaN) - sent);
      }
      log(`processing bench: ${backend} ${kind}: ${serial} serial jobs, latency p50 ${median(latencies)} ms`);
      // Throughput: all N at once.
      const t = performance.now();
      const ids = [];
      for (let i = 0; i < n; i++) ids.push((await submit(1000 + i)).id);
      const records = await Promise.all(ids.map(finish));
      const seconds = (performance.now() - t) / 1000;
      failed += records.filter((r) => r.state !== 'succeeded').length;
      log(`processing bench: ${backend} ${kind}: ${n} jobs in ${seconds.toFixed(1)} s`);
      out.push({ backend, kind, jobs: n, latencyP50Ms: median(latencies), latencyMaxMs: Math.max(...latencies), serialJobMs: median(totals), throughputPerSec: n / seconds, failed });
    }
    return out;
  } finally {
    await server.close();
  }
}

export async function run(settings: BenchSettings): Promise<BenchReport> {
  const n = Number(process.env.BENCH_PROCESSING_JOBS ?? 20);
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-processing-'));
  try {
    const cog = join(dir, 'tiny.tif');
    await exec('gdal_create', ['-of', 'GTiff', '-outsize', '16', '16', '-bands', '1', '-burn', '7', '-ot', 'Byte', '-a_srs', 'EPSG:4326', '-a_ullr', '10', '50', '11', '49', join(dir, 'src.tif')], dir);
    await exec('gdal_translate', ['-q', '-of', 'COG', join(dir, 'src.tif'), cog], dir);
    writeFileSync(join(dir, 'trivial.cwl'), CWL);
    writeFileSync(join(dir, 'job.json'), JSON.stringify({ n: 1 }));

    // Baseline: cwltool alone, one at a time, then N two at a time.
    const serialDirect: number[] = [];
    for (let i = 0; i < Math.min(n, 10); i++) serialDirect.push(await cwltoolDirect(dir, i));
    const t = performance.now();
    let next = 0;
    await Promise.all([0, 1].map(async () => {
      while (next < n) await cwltoolDirect(dir, 100 + next++);
    }));
    const directThroughput = n / ((performance.now() - t) / 1000);
    settings.log(`processing bench: cwltool direct ${median(serialDirect).toFixed(0)} ms per run, ${directThroughput.toFixed(2)} runs/s two at a time`);

    const figures = await measureServer('in-process', { pollIntervalMs: 100 }, n, cog, settings.log);
    if (process.env.MERIDIAN_TEST_REDIS) {
      figures.push(...(await measureServer('bullmq', { backend: 'bullmq', redis: process.env.MERIDIAN_TEST_REDIS, prefix: `bench-processing-${process.pid}`, pollIntervalMs: 100 }, n, cog, settings.log)));
    }
    const direct = median(serialDirect);
    const table = [
      { target: 'cwltool direct (baseline)', jobs: String(n), 'request→running p50/max ms': '—', 'job ms (serial, p50)': direct.toFixed(0), 'jobs/s (2 at a time)': directThroughput.toFixed(2), 'overhead per CWL job': '—', failed: '0' },
      ...figures.map((f) => ({
        target: `${f.backend} ${f.kind}`,
        jobs: String(f.jobs),
        'request→running p50/max ms': `${f.latencyP50Ms}/${f.latencyMaxMs}`,
        'job ms (serial, p50)': String(f.serialJobMs),
        'jobs/s (2 at a time)': f.throughputPerSec.toFixed(2),
        'overhead per CWL job': f.kind === 'cwl' ? `${(((f.serialJobMs - direct) / direct) * 100).toFixed(1)} % (throughput ${((directThroughput / f.throughputPerSec - 1) * 100).toFixed(1)} %)` : '—',
        failed: String(f.failed),
      })),
    ];
    const cwl = figures.filter((f) => f.kind === 'cwl');
    const overheads = cwl.map((f) => (f.serialJobMs - direct) / direct);
    const latencyOk = figures.every((f) => f.latencyP50Ms < TARGET_LATENCY_MS);
    const overheadOk = overheads.every((o) => o <= TARGET_OVERHEAD);
    return {
      name: 'processing',
      table,
      summary: `${n} jobs per kind and backend: CWL overhead per job ${overheads.map((o) => `${(o * 100).toFixed(1)} %`).join(', ')} (target ≤ ${TARGET_OVERHEAD * 100} %); request→running p50 ${figures.map((f) => `${f.backend} ${f.kind} ${f.latencyP50Ms} ms`).join(', ')} (target < ${TARGET_LATENCY_MS} ms)`,
      metTarget: latencyOk && overheadOk && figures.every((f) => f.failed === 0),
      data: { jobs: n, direct: { serialMs: serialDirect, throughputPerSec: directThroughput }, figures },
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
