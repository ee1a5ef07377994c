/**
 * Runs a command line in its own process group, streaming each line of stderr (and stdout, when
 * it is not captured) to `onLine`; an abort kills the whole group (SIGTERM, then SIGKILL), so
 * the tools a runner starts stop with it.
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { createInterface } from 'node:readline';

/** CPU time and peak memory of the commands a job ran (GNU time's report of each). */
export class UsageMeter {
  cpuMs = 0;
  maxRssKb = 0;

  add(cpuMs: number, maxRssKb: number): void {
    this.cpuMs += cpuMs;
    this.maxRssKb = Math.max(this.maxRssKb, maxRssKb);
  }
}

/** GNU time, which reports the rusage of the command and its waited-for descendants. */
export const TIME_COMMAND = '/usr/bin/time';

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** stdout, when captured. */
  stdout: string;
  /** The last lines written, for the failure message. */
  tail: string[];
}

export interface RunOptions {
  cwd: string;
  env?: NodeJS.ProcessEnv;
  signal: AbortSignal;
  onLine(line: string): void;
  /** Keep stdout as the result (cwltool writes its output object there) instead of streaming it. */
  captureStdout?: boolean;
  /** Most stdout bytes kept. */
  maxStdoutBytes?: number;
  /** How long SIGTERM has before SIGKILL. */
  killGraceMs?: number;
  /** Measures the command's CPU time and peak memory (through GNU time, into `usageFile`). */
  meter?: { meter: UsageMeter; usageFile: string };
}

const TAIL_LINES = 60;

export async function runCommand(command: string, args: string[], options: RunOptions): Promise<CommandResult> {
  if (!options.meter) return spawnCommand(command, args, options);
  const { meter, usageFile } = options.meter;
  try {
    return await spawnCommand(TIME_COMMAND, ['-q', '-o', usageFile, '-f', 'meridian-usage %U %S %M', command, ...args], options);
  } finally {
    const report = await readFile(usageFile, 'utf8').catch(() => '');
    const m = /meridian-usage ([\d.]+) ([\d.]+) (\d+)/.exec(report);
    if (m) meter.add(Math.round((Number(m[1]) + Number(m[2])) * 1000), Number(m[3]));
    await rm(usageFile, { force: true });
  }
}

function spawnCommand(command: string, args: string[], options: RunOptions): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    if (options.signal.aborted) return reject(options.signal.reason);
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const tail: string[] = [];
    const line = (l: string) => {
      tail.push(l);
      if (tail.length > TAIL_LINES) tail.shift();
      options.onLine(l);
    };
    let stdout = '';
    const max = options.maxStdoutBytes ?? 16 * 1024 * 1024;
    if (options.captureStdout) {
      child.stdout.setEncoding('utf8');
      child.stdout.on('data', (chunk: string) => {
        if (stdout.length < max) stdout += chunk;
      });
    } else createInterface({ input: child.stdout }).on('line', line);
    createInterface({ input: child.stderr }).on('line', line);
    let killTimer: NodeJS.Timeout | undefined;
    const kill = () => {
      if (child.pid === undefined || child.exitCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      killTimer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {
          /* already gone */
        }
      }, options.killGraceMs ?? 3000);
      killTimer.unref();
    };
    options.signal.addEventListener('abort', kill, { once: true });
    child.on('error', (err) => {
      options.signal.removeEventListener('abort', kill);
      reject(new Error(`cannot run ${command}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      options.signal.removeEventListener('abort', kill);
      // Children of the tool that outlived it still belong to the group.
      if (options.signal.aborted && child.pid !== undefined) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          /* none left */
        }
      }
      if (killTimer) clearTimeout(killTimer);
      if (options.signal.aborted) return reject(options.signal.reason);
      resolve({ code, signal, stdout, tail });
    });
  });
}
