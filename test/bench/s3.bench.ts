// s3: GET of 1 KiB, 1 MiB and 64 MiB objects and PUT of 1 MiB and 64 MiB, at concurrency 1, 4
// and 16, through Meridian's s3 plugin (SigV4-signed, UNSIGNED-PAYLOAD, fs blob store) against
// nginx serving the very same files (the blob store's files are plain files) for GET, and against
// a plain fs write (bare node:http, temporary file, fsync, rename, folder fsync: the blob store's
// durability; chunks batched into writev as the store does; no digest, no metadata) for PUT —
// and, shown beside it, the same plain write computing the body's MD5 (the S3 ETag every PUT
// needs; `md5` columns, BENCH_S3_MD5=0 to skip). Each target runs in a process of its own; runs alternate between them. Reported:
// MiB/s, requests/s, p99, the ratio to the baseline, and the RSS of Meridian's process over each
// 64 MiB case (sampled every 50 ms). Targets: GET ≥ 0.8x nginx, PUT ≥ 0.8x the plain write, RSS
// flat: the peak over the 64 MiB cases stays within 256 MiB of the idle RSS, however many 64 MiB
// bodies are in flight (16 at once would be 1 GiB if anything buffered them).
//
// The machine may be shared: each run also reports the server's CPU time per request (user +
// system from /proc/<pid>/stat, all threads; nginx's master and workers), which load from other
// processes disturbs far less than throughput does.
//
// GETs are also run against raw Node (s3/servers.ts `raw-get`: bare node:http, no auth), with no
// target: once reading the same files per request (`raw Node`), once answering the same bytes
// from memory (`raw mem`, node:http's own ceiling). They split Meridian's gap to nginx into what
// any Node server pays (raw's ratio to nginx) and what Meridian adds (Meridian's ratio to raw).
//
// GETs are driven by wrk when it is on PATH (BENCH_S3_LOADGEN=node: the Node client below for
// them too), PUTs by the Node client (s3/load.ts), which streams bodies of any size.
//
// BENCH_S3_CONTENT_MD5=1 sends Content-MD5 with Meridian's PUTs (as the AWS CLI and boto3 do);
// BENCH_S3_PAYLOAD_SHA256=1 signs their payload's SHA-256 (as s3cmd does).
// BENCH_S3_SECONDS (default 3) per measured run; BENCH_S3_CONCURRENCY (default 1,4,16);
// BENCH_S3_CASES (e.g. `GET 1KiB,PUT 64MiB`; default all); BENCH_S3_ROUNDS (default 1: measured
// runs per case and side, alternated; the row reports the median of each side); BENCH_SERVER_NODE_ARGS
// passes node flags to Meridian's process (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`; the profile
// is written when the bench stops it).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SETTLED_MS } from '../../core/storage/blobs/fs-contents.js';
import { signRequest } from '../plugins/s3/support.js';
import { childPids, cpuMicros } from './coverages/proc-stats.js';
import { loadGenerator, loadRun } from './load.js';
import { load, send, type LoadRequest, type LoadResult } from './s3/load.js';
import type { BenchReport, BenchSettings } from './types.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const SIZES = { '1KiB': KiB, '1MiB': MiB, '64MiB': 64 * MiB } as const;
type SizeName = keyof typeof SIZES;

interface Child {
  process: ChildProcess;
  port: number;
  pid: number;
  info: Record<string, string | number>;
}

function startChild(kind: string, dir: string): Promise<Child> {
  const entry = fileURLToPath(new URL('./s3/servers.ts', import.meta.url));
  const extra = kind === 'meridian' ? (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean) : [];
  const child = spawn(process.execPath, [...extra, '--import', 'tsx', entry, kind, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout!.on('data', (d: Buffer) => {
      buffer += d.toString();
      const nl = buffer.indexOf('\n');
      if (nl >= 0) {
        const info = JSON.parse(buffer.slice(0, nl)) as Record<string, string | number>;
        resolve({ process: child, port: Number(info.port), pid: Number(info.pid), info });
      }
    });
    child.once('exit', (code) => reject(new Error(`${kind} exited (${code}) before it was ready`)));
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

// No open_file_cache: nginx then opens, stats and closes each file per request as the blob store
// does (which cannot keep descriptors: objects are replaced by rename, and a cached descriptor
// would serve the old version — nginx's cache would, for up to its validity). What stays
// unmatched is sendfile: Node has no sendfile, so every byte we serve is read into memory and
// written to the socket (two copies) where nginx's kernel moves pages.
async function startNginx(dir: string, root: string): Promise<{ port: number; pids(): number[]; stop(): void }> {
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  const user = process.getuid?.() === 0 ? 'user root;\n' : '';
  writeFileSync(
    conf,
    `${user}daemon off;\nmaster_process on;\nworker_processes 1;\npid ${dir}/nginx.pid;\nerror_log ${dir}/nginx-error.log warn;\nevents { worker_connections 1024; }\n` +
      `http {\n  access_log off;\n  client_body_temp_path ${dir}/cb;\n  proxy_temp_path ${dir}/px;\n  fastcgi_temp_path ${dir}/fc;\n  uwsgi_temp_path ${dir}/uw;\n  scgi_temp_path ${dir}/sc;\n` +
      `  sendfile on;\n  tcp_nopush on;\n  tcp_nodelay on;\n  keepalive_requests 1000000;\n  keepalive_timeout 75s;\n  default_type application/octet-stream;\n` +
      `  server {\n    listen 127.0.0.1:${port};\n    root ${root};\n  }\n}\n`,
  );
  const nginx = spawn('/usr/sbin/nginx', ['-p', dir, '-c', conf, '-e', join(dir, 'nginx-error.log')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(
      () => true,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { port, pids: () => [nginx.pid!, ...childPids(nginx.pid!)], stop: () => nginx.kill('SIGTERM') };
}

function rssMiB(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Runs the load, sampling the peak RSS of `pid` and counting the CPU time of `cpuPids`. */
async function sampled(pid: number, cpuPids: number[], run: () => Promise<LoadResult>): Promise<{ result: LoadResult; peakRss: number; cpuUsPerReq: number }> {
  let peak = rssMiB(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 50);
  const cpuBefore = cpuMicros(cpuPids);
  try {
    const result = await run();
    const cpu = cpuMicros(cpuPids) - cpuBefore;
    return { result, peakRss: peak, cpuUsPerReq: result.requests ? cpu / result.requests : 0 };
  } finally {
    clearInterval(timer);
  }
}

type Sampled = Awaited<ReturnType<typeof sampled>>;

/** The run of median throughput. */
function median(runs: Sampled[]): Sampled {
  return [...runs].sort((a, b) => a.result.bytesPerSec - b.result.bytesPerSec)[Math.floor(runs.length / 2)]!;
}

const intList = (raw: string | undefined, fallback: number[]) => (raw ? raw.split(',').map(Number) : fallback);

export async function run(settings: BenchSettings): Promise<BenchReport> {
  const seconds = Number(process.env.BENCH_S3_SECONDS ?? 3);
  const concurrency = intList(process.env.BENCH_S3_CONCURRENCY, [1, 4, 16]);
  const rounds = Number(process.env.BENCH_S3_ROUNDS ?? 1);
  const cases = process.env.BENCH_S3_CASES ? process.env.BENCH_S3_CASES.split(',').map((c) => c.trim()) : undefined;
  const withMd5 = process.env.BENCH_S3_MD5 !== '0';
  const sendContentMd5 = process.env.BENCH_S3_CONTENT_MD5 === '1';
  const signPayload = process.env.BENCH_S3_PAYLOAD_SHA256 === '1';
  const useWrk = process.env.BENCH_S3_LOADGEN !== 'node' && loadGenerator() === 'wrk';
  const dir = mkdtempSync(join(tmpdir(), 'meridian-bench-s3-'));
  const children: Child[] = [];
  let nginx: { stop(): void } | undefined;
  // Children must not outlive this process, however it ends.
  const killAll = () => {
    nginx?.stop();
    for (const c of children) c.process.kill('SIGTERM');
  };
  process.once('exit', killAll);
  try {
    const meridian = await startChild('meridian', dir);
    children.push(meridian);
    const plain = await startChild('plain-put', dir);
    children.push(plain);
    const raw = await startChild('raw-get', dir);
    children.push(raw);
    const key = { accessKeyId: String(meridian.info.accessKeyId), secretAccessKey: String(meridian.info.secretAccessKey) };
    const host = `127.0.0.1:${meridian.port}`;
    // BENCH_S3_CONTENT_MD5=1: PUTs carry Content-MD5, as the AWS CLI and boto3 send it.
    const contentMd5 = new Map<Buffer, string>();
    const contentMd5Of = (body: Buffer) => {
      let v = contentMd5.get(body);
      if (!v) contentMd5.set(body, (v = createHash('md5').update(body).digest('base64')));
      return v;
    };
    // BENCH_S3_PAYLOAD_SHA256=1: PUTs sign their payload's SHA-256, as s3cmd does.
    const payloadSha256 = new Map<Buffer, string>();
    const sha256Of = (body: Buffer) => {
      let v = payloadSha256.get(body);
      if (!v) payloadSha256.set(body, (v = createHash('sha256').update(body).digest('hex')));
      return v;
    };
    const signed = (method: 'GET' | 'PUT', path: string, body?: Buffer): LoadRequest => {
      const s = signRequest({
        method,
        path,
        host,
        key,
        ...(body && sendContentMd5 ? { headers: { 'content-md5': contentMd5Of(body) } } : {}),
        ...(body && signPayload ? { payloadHash: sha256Of(body) } : {}),
      });
      return { url: s.url, method, headers: { ...s.headers, ...(body ? { 'content-length': String(body.length) } : {}) }, ...(body ? { body } : {}) };
    };
    // The objects, put through the S3 API; nginx serves the blob store's own files of them.
    const bodies = Object.fromEntries(Object.entries(SIZES).map(([name, size]) => [name, Buffer.alloc(size, name.length)])) as Record<SizeName, Buffer>;
    if (!(await send(signed('PUT', '/bench')))) throw new Error('could not create the bucket');
    for (const [name, body] of Object.entries(bodies)) {
      if (!(await send(signed('PUT', `/bench/obj-${name}`, body)))) throw new Error(`could not put obj-${name}`);
    }
    // The fs store keeps small objects' bytes for sending once their mtime is SETTLED_MS old
    // (a hot object's steady state): measured from then on.
    await new Promise((r) => setTimeout(r, SETTLED_MS + 200));
    mkdirSync(join(dir, 'nginx'), { recursive: true });
    const ng = await startNginx(join(dir, 'nginx'), join(dir, 'blobs', 's3'));
    nginx = ng;
    const idleRss = rssMiB(meridian.pid);
    settings.log(`meridian idle RSS ${idleRss.toFixed(0)} MiB; ${seconds} s per run`);

    const table: Array<Record<string, string>> = [];
    const results: Array<Record<string, unknown>> = [];
    let met = true;
    const measure = async (op: 'GET' | 'PUT', size: SizeName, c: number) => {
      const body = bodies[size];
      const ours = () =>
        op === 'GET' ? load(() => signed('GET', `/bench/obj-${size}`), c, seconds) : load((loop) => signed('PUT', `/bench/put-${size}-${loop}`, body), c, seconds);
      const plainPut = (prefix: string) => () =>
        load((loop) => ({ url: `http://127.0.0.1:${plain.port}${prefix}/put-${size}-${loop}`, method: 'PUT', headers: { 'content-length': String(body.length) }, body }), c, seconds);
      // GET with wrk: a Node client tops out near 7,000 small GETs/s here, below nginx's rate, so
      // it measured the client. One signature per run, replayed (S3's own rule: a SigV4
      // signature is good for 15 minutes; Meridian keeps no cache of verified signatures, so it
      // verifies every request in full).
      const byWrk = op === 'GET' && useWrk;
      const wrkGet = (url: string, headers: Record<string, string>) => async (): Promise<LoadResult> => {
        const r = await loadRun('wrk', { name: url, url, headers }, seconds, c);
        return { requests: r.total, errors: r.errors + r.non2xx, seconds, bytesPerSec: r.requestsPerSec * body.length, p50Ms: r.p50Ms, p99Ms: r.p99Ms };
      };
      const oursRun = byWrk
        ? () => {
            const { headers } = signed('GET', `/bench/obj-${size}`);
            const { host: _host, ...rest } = headers;
            return wrkGet(`http://${host}/bench/obj-${size}`, rest)();
          }
        : ours;
      // An unsigned GET of this case's object (nginx, raw Node).
      const plainGet = (url: string) => (byWrk ? wrkGet(url, {}) : () => load(() => ({ url, method: 'GET', headers: {} }), c, seconds));
      const theirsRun = op === 'GET' ? plainGet(`http://127.0.0.1:${ng.port}/bench/obj-${size}`) : plainPut('');
      const rawRun = plainGet(`http://127.0.0.1:${raw.port}/bench/obj-${size}`);
      const rawMemRun = plainGet(`http://127.0.0.1:${raw.port}/mem/bench/obj-${size}`);
      // Short warm-up of each, then one measured run each, alternated.
      await load(() => (op === 'GET' ? signed('GET', `/bench/obj-${size}`) : signed('PUT', `/bench/put-${size}-w`, body)), 1, 0.3);
      const baselinePids = op === 'GET' ? ng.pids() : [plain.pid];
      const ourRuns: Sampled[] = [];
      const theirRuns: Sampled[] = [];
      // PUT: also the plain write computing the MD5 (the ETag), to show what the digest alone costs.
      const md5Runs: Sampled[] = [];
      // GET: also raw Node on the same files.
      const rawRuns: Sampled[] = [];
      const rawMemRuns: Sampled[] = [];
      for (let round = 0; round < rounds; round++) {
        ourRuns.push(await sampled(meridian.pid, [meridian.pid], oursRun));
        theirRuns.push(await sampled(meridian.pid, baselinePids, theirsRun));
        if (op === 'PUT' && withMd5) md5Runs.push(await sampled(meridian.pid, baselinePids, plainPut('/md5')));
        if (op === 'GET') {
          rawRuns.push(await sampled(meridian.pid, [raw.pid], rawRun));
          rawMemRuns.push(await sampled(meridian.pid, [raw.pid], rawMemRun));
        }
      }
      const m = median(ourRuns);
      const bs = median(theirRuns);
      const md5s = md5Runs.length ? median(md5Runs) : undefined;
      const raws = rawRuns.length ? median(rawRuns) : undefined;
      const rawMems = rawMemRuns.length ? median(rawMemRuns) : undefined;
      const b: LoadResult = bs.result;
      const ratio = m.result.bytesPerSec / b.bytesPerSec;
      const caseMet = ratio >= 0.8;
      met &&= caseMet;
      const row = {
        case: `${op} ${size}`,
        c: String(c),
        'meridian MiB/s': (m.result.bytesPerSec / MiB).toFixed(1),
        'req/s': (m.result.requests / m.result.seconds).toFixed(1),
        'p99 ms': m.result.p99Ms.toFixed(1),
        baseline: op === 'GET' ? 'nginx' : 'plain fs write',
        'base MiB/s': (b.bytesPerSec / MiB).toFixed(1),
        'base p99 ms': b.p99Ms.toFixed(1),
        ratio: ratio.toFixed(2),
        'CPU µs/req': m.cpuUsPerReq.toFixed(0),
        'base CPU µs/req': bs.cpuUsPerReq.toFixed(0),
        ...(withMd5 ? { 'md5 MiB/s': md5s ? (md5s.result.bytesPerSec / MiB).toFixed(1) : '', 'ratio md5': md5s ? (m.result.bytesPerSec / md5s.result.bytesPerSec).toFixed(2) : '', 'md5 CPU µs/req': md5s ? md5s.cpuUsPerReq.toFixed(0) : '' } : {}),
        ...(op === 'GET' && raws
          ? { 'raw Node MiB/s': (raws.result.bytesPerSec / MiB).toFixed(1), 'raw CPU µs/req': raws.cpuUsPerReq.toFixed(0), 'raw/nginx': (raws.result.bytesPerSec / b.bytesPerSec).toFixed(2), 'meridian/raw': (m.result.bytesPerSec / raws.result.bytesPerSec).toFixed(2),
              ...(rawMems ? { 'raw mem MiB/s': (rawMems.result.bytesPerSec / MiB).toFixed(1), 'raw mem/nginx': (rawMems.result.bytesPerSec / b.bytesPerSec).toFixed(2), 'meridian/raw mem': (m.result.bytesPerSec / rawMems.result.bytesPerSec).toFixed(2) } : {}),
            }
          : {}),
        'peak RSS MiB': size === '64MiB' ? Math.max(...ourRuns.map((r) => r.peakRss)).toFixed(0) : '',
        errors: String(m.result.errors + b.errors + (raws?.result.errors ?? 0) + (rawMems?.result.errors ?? 0)),
      };
      settings.log(JSON.stringify(row));
      table.push(row);
      results.push({
        op,
        size,
        concurrency: c,
        meridian: m.result,
        baseline: b,
        ratio,
        cpuUsPerRequest: ourRuns.map((r) => r.cpuUsPerReq),
        baselineCpuUsPerRequest: theirRuns.map((r) => r.cpuUsPerReq),
        ...(md5s ? { baselineMd5: md5s.result, baselineMd5CpuUsPerRequest: md5Runs.map((r) => r.cpuUsPerReq) } : {}),
        ...(raws ? { rawNode: raws.result, rawNodeCpuUsPerRequest: rawRuns.map((r) => r.cpuUsPerReq) } : {}),
        ...(rawMems ? { rawNodeMemory: rawMems.result, rawNodeMemoryCpuUsPerRequest: rawMemRuns.map((r) => r.cpuUsPerReq) } : {}),
        rounds: {
          meridian: ourRuns.map((r) => r.result),
          baseline: theirRuns.map((r) => r.result),
          ...(md5Runs.length ? { baselineMd5: md5Runs.map((r) => r.result) } : {}),
          ...(rawRuns.length ? { rawNode: rawRuns.map((r) => r.result) } : {}),
          ...(rawMemRuns.length ? { rawNodeMemory: rawMemRuns.map((r) => r.result) } : {}),
        },
        peakRssMiB: Math.max(...ourRuns.map((r) => r.peakRss)),
      });
    };
    const wanted = (op: string, size: string) => !cases || cases.includes(`${op} ${size}`);
    for (const size of ['1KiB', '1MiB', '64MiB'] as const) for (const c of concurrency) if (wanted('GET', size)) await measure('GET', size, c);
    for (const size of ['1MiB', '64MiB'] as const) for (const c of concurrency) if (wanted('PUT', size)) await measure('PUT', size, c);
    const big = results.filter((r) => r.size === '64MiB').map((r) => r.peakRssMiB as number);
    const peak = big.length ? Math.max(...big) : idleRss;
    const flat = peak - idleRss < 256;
    const below = table.filter((r) => Number(r.ratio) < 0.8).map((r) => `${r.case} c${r.c} ${r.ratio}`);
    return {
      name: 's3',
      table,
      summary: `${met ? 'all cases at least 0.8x the baseline' : `below 0.8x: ${below.join(', ')}`}; Meridian RSS idle ${idleRss.toFixed(0)} MiB, peak over 64 MiB transfers ${peak.toFixed(0)} MiB (${flat ? 'flat' : 'NOT flat'})`,
      metTarget: met && flat,
      data: { seconds, concurrency, idleRssMiB: idleRss, results },
    };
  } finally {
    killAll();
    process.off('exit', killAll);
    await new Promise((r) => setTimeout(r, 200));
    rmSync(dir, { recursive: true, force: true });
  }
}
