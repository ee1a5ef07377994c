/** What test/bench/run.ts hands every benchmark. */
export interface BenchSettings {
  /** Seconds of each measured load run. */
  durationSec: number;
  /** Seconds of each warm-up run (not measured). */
  warmupSec: number;
  /** Concurrent connections of the load generator. */
  connections: number;
  /** Measured runs of each target, alternated; the best of each is kept. */
  rounds: number;
  /** Progress lines (stderr), so stdout holds only the results. */
  log(line: string): void;
}

/** What a benchmark returns: a table to print, a one-line verdict, and data for the JSON file. */
export interface BenchReport {
  name: string;
  /** Rows of the printed table; the first row's keys are the columns. */
  table: Array<Record<string, string>>;
  summary: string;
  /** Whether the benchmark met its target (reported, never an exit status). */
  metTarget: boolean;
  data: Record<string, unknown>;
}

/** A benchmark module (test/bench/NAME.bench.ts) exports `run`. */
export type BenchRun = (settings: BenchSettings) => Promise<BenchReport>;
