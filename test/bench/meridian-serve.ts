// `meridian serve` as the benchmarks run it: core/cli/main.ts under tsx (the sources, as the
// tests run them) in a child process with a config file, its output in a log file, ready when
// /health answers. BENCH_SERVER_NODE_ARGS passes node flags to it (e.g. --cpu-prof
// --cpu-prof-dir=/tmp/prof; SIGTERM on close is a graceful stop, so the profile is written).
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { childPids } from './coverages/proc-stats.js';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const MERIDIAN_CLI = join(repo, 'core', 'cli', 'main.ts');

export interface MeridianServeProcess {
  origin: string;
  /** The `meridian serve` process (the cluster primary when `server.processes` is above 1). */
  pid: number;
  /** It and its server processes: whose CPU and memory count. */
  pids(): number[];
  log(): string;
  /** SIGTERM, then SIGKILL after 15 s. */
  close(): Promise<void>;
}

export async function startMeridianServe(configPath: string, port: number, logPath: string): Promise<MeridianServeProcess> {
  const logFile = createWriteStream(logPath);
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', MERIDIAN_CLI, 'serve', '--config', configPath], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.pipe(logFile, { end: false });
  child.stderr!.pipe(logFile, { end: false });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const log = () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : '');
  const origin = `http://127.0.0.1:${port}`;
  const until = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`meridian serve exited (${child.exitCode}) at start:\n${log().slice(-4000)}`);
    const up = await fetch(`${origin}/health`).then(
      (r) => (void r.arrayBuffer(), r.ok),
      () => false,
    );
    if (up) break;
    if (Date.now() > until) {
      kill();
      throw new Error(`meridian serve did not answer /health within 60 s:\n${log().slice(-4000)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    origin,
    pid: child.pid!,
    pids: () => [child.pid!, ...childPids(child.pid!)],
    log,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(kill, 15_000);
        await exited;
        clearTimeout(timer);
      }
      process.off('exit', kill);
      logFile.end();
    },
  };
}
