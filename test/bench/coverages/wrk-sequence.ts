// wrk driving a list of request paths in turn (sequence.lua), one thread, from a process of its
// own; each run also reads the server processes' CPU time from /proc before and after. Measured
// runs count only statuses (every path's answer was checked before, see validate.ts): checking
// each body in wrk's Lua costs it more than nginx spends serving a tile.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { cpuMicros } from './proc-stats.js';

const run = promisify(execFile);
const script = fileURLToPath(new URL('./sequence.lua', import.meta.url));
const reportScript = fileURLToPath(new URL('../wrk-report.lua', import.meta.url));

/** What one server answers the load with: its origin, the paths in order, their content type, its processes. */
export interface SequenceTarget {
  server: string;
  origin: string;
  paths: string[];
  contentType: string;
  pids(): number[];
}

/** BENCH_COVERAGES_CHECK=1: wrk checks every answer's status and content type during the load too. */
export const checkEveryAnswer = process.env.BENCH_COVERAGES_CHECK === '1';

export interface SequenceRun {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  total: number;
  /** Connection errors and timeouts. */
  errors: number;
  /** Answers with a status of 400 or more, or (BENCH_COVERAGES_CHECK=1) not a 200 of the expected content type. */
  wrong: number;
  /** The server processes' CPU time over the run per request answered, µs. */
  cpuUsPerRequest: number;
  /** When the run began and ended, µs of the monotonic clock: the clock of a --cpu-prof profile's timestamps, to cut one to a run. */
  window: [number, number];
}

const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

const pathFiles = new Map<string[], string>();
let scratch: string | undefined;

function pathsFile(paths: string[]): string {
  let file = pathFiles.get(paths);
  if (!file) {
    scratch ??= mkdtempSync(join(tmpdir(), 'meridian-bench-wrk-'));
    file = join(scratch, `paths-${pathFiles.size}.txt`);
    writeFileSync(file, `${paths.join('\n')}\n`);
    pathFiles.set(paths, file);
  }
  return file;
}

export function wrkAvailable(): Promise<boolean> {
  return run('wrk', ['--version']).then(
    () => true,
    (err: NodeJS.ErrnoException & { code?: unknown }) => err.code !== 'ENOENT',
  );
}

export async function sequenceRun(target: SequenceTarget, durationSec: number, connections: number): Promise<SequenceRun> {
  const pids = target.pids();
  const cpuBefore = cpuMicros(pids);
  const began = monotonicUs();
  const { stdout } = await run(
    'wrk',
    ['-t1', `-c${connections}`, `-d${durationSec}s`, '--timeout', '10s', '-s', script, target.origin, '--', pathsFile(target.paths), ...(checkEveryAnswer ? [target.contentType] : [])],
    { env: { ...process.env, BENCH_WRK_REPORT: reportScript }, maxBuffer: 16 << 20 },
  );
  const cpuUs = cpuMicros(pids) - cpuBefore;
  const ended = monotonicUs();
  const line = (prefix: string) => {
    const l = stdout.split('\n').find((x) => x.startsWith(prefix));
    if (!l) throw new Error(`wrk printed no ${prefix.trim()} line:\n${stdout}`);
    return JSON.parse(l.slice(prefix.length)) as Record<string, number>;
  };
  const r = line('BENCH-RESULT ');
  const c = checkEveryAnswer ? line('BENCH-CHECK ') : { wrong: r.statusErrors! };
  return {
    requestsPerSec: r.requests! / (r.durationUs! / 1e6),
    p50Ms: r.p50Us! / 1000,
    p99Ms: r.p99Us! / 1000,
    maxMs: r.maxUs! / 1000,
    total: r.requests!,
    errors: r.connectErrors! + r.readErrors! + r.writeErrors! + r.timeouts!,
    wrong: c.wrong!,
    cpuUsPerRequest: r.requests! > 0 ? cpuUs / r.requests! : 0,
    window: [began, ended],
  };
}
