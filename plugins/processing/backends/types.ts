import type { UsageMeter } from './run-command.js';

/**
 * Where CWL packages run. `local` runs cwltool on this host (backends/local.ts); `kubernetes`
 * runs it as a Kubernetes Job with a CWL runner image (backends/kubernetes/).
 */

export interface CwlRun {
  jobId: string;
  /** The job's working area: inputs staged under `in/`, outputs expected under `out/`. */
  workDir: string;
  /** The whole CWL document (JSON). */
  document: Record<string, unknown>;
  /** The id of the process to run in a $graph document ('main'), or undefined for a single process. */
  entry?: string;
  /** The CWL input object: literals, and {class: File|Directory, path} of staged inputs. */
  inputs: Record<string, unknown>;
  signal: AbortSignal;
  log(line: string): void;
  /** Reports progress between the runner's start (10) and stage-out (80), e.g. a workflow's steps. */
  progress?(percent: number, message?: string): Promise<void>;
  /** Collects the CPU time and peak memory of what runs. */
  meter?: UsageMeter;
}

/** cwltool's output object: each output's value, Files and Directories as {class, path, ...} under the work area. */
export type CwlOutputs = Record<string, unknown>;

export interface ExecutionBackend {
  readonly name: 'local' | 'kubernetes';
  runCwl(run: CwlRun): Promise<CwlOutputs>;
}
