import type { UsageMeter } from '../backends/run-command.js';
import type { ProcessDescription } from '../types.js';

/** A staged file input, as CWL gives it to a tool. */
export interface StagedFile {
  class: 'File';
  path: string;
}

export interface BuiltinRun {
  workDir: string;
  /** Output files go here. */
  outDir: string;
  /** Literal inputs as given (defaults applied), File inputs staged. */
  inputs: Record<string, unknown>;
  signal: AbortSignal;
  log(line: string): void;
  progress(percent: number, message: string): Promise<void>;
  meter?: UsageMeter;
}

/** A process written in TypeScript; its outputs use CWL's output object shape ({class: 'File', path} or a literal). */
export interface BuiltinProcess {
  description: ProcessDescription;
  run(run: BuiltinRun): Promise<Record<string, unknown>>;
}
