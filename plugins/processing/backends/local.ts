/**
 * The `local` backend: `cwltool --no-container` (or with the configured container runtime) in the
 * job's working area. The package and the job order are written there as JSON; cwltool's stderr
 * is the job's log, its stdout the output object.
 */
import { writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runCommand } from './run-command.js';
import type { CwlOutputs, CwlRun, ExecutionBackend } from './types.js';

export interface LocalBackendConfig {
  cwltool: string;
  /** 'none' runs tools on the host (--no-container); 'docker'/'podman' use that runtime. */
  containerRuntime: 'none' | 'docker' | 'podman';
  /** Extra cwltool arguments, after the engine's own. */
  extraArgs: string[];
}

/** A cwltool run that did not end with an output object. */
export class ToolFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolFailed';
  }
}

const ANSI = /\u001b\[[0-9;]*m/g;

export class LocalBackend implements ExecutionBackend {
  readonly name = 'local';

  constructor(private readonly config: LocalBackendConfig) {}

  async runCwl(run: CwlRun): Promise<CwlOutputs> {
    const packagePath = join(run.workDir, 'package.cwl');
    const orderPath = join(run.workDir, 'job.json');
    const outDir = join(run.workDir, 'out');
    const tmpDir = join(run.workDir, 'tmp');
    await mkdir(outDir, { recursive: true });
    await mkdir(tmpDir, { recursive: true });
    await writeFile(packagePath, JSON.stringify(run.document));
    await writeFile(orderPath, JSON.stringify(run.inputs));
    const args = [
      ...(this.config.containerRuntime === 'none' ? ['--no-container'] : this.config.containerRuntime === 'podman' ? ['--podman'] : []),
      '--outdir', outDir,
      '--tmpdir-prefix', `${tmpDir}/`,
      '--tmp-outdir-prefix', `${tmpDir}/`,
      '--disable-color',
      // Stage-out reads the files themselves: cwltool's sha1 of every output would be a wasted pass.
      '--no-compute-checksum',
      ...this.config.extraArgs,
      run.entry ? `${packagePath}#${run.entry}` : packagePath,
      orderPath,
    ];
    const result = await runCommand(this.config.cwltool, args, {
      cwd: run.workDir,
      signal: run.signal,
      captureStdout: true,
      onLine: (line) => run.log(line.replace(ANSI, '')),
      meter: run.meter ? { meter: run.meter, usageFile: join(run.workDir, 'usage.txt') } : undefined,
    });
    if (result.code !== 0) {
      const lines = result.tail.map((l) => l.replace(ANSI, '')).filter((l) => l.trim());
      // cwltool's own error and the lines that explain it, else the tool's last words.
      const at = lines.findIndex((l) => /\b(ERROR|error)\b/.test(l));
      const reason = (at >= 0 ? lines.slice(at, at + 4) : lines.slice(-5)).map((l) => l.trim()).join(' | ');
      throw new ToolFailed(`the tool failed (cwltool exit ${result.code ?? result.signal}): ${reason}`);
    }
    try {
      return JSON.parse(result.stdout) as CwlOutputs;
    } catch {
      throw new ToolFailed('cwltool ended without an output object');
    }
  }
}
