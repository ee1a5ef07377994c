export type JobState = 'queued' | 'running' | 'succeeded' | 'failed' | 'dismissed';

export interface JobRecord {
  id: string;
  type: string;
  state: JobState;
  payload: unknown;
  result?: unknown;
  /** Why a job failed or was dismissed. */
  error?: string;
  /** 0..100 */
  progress: number;
  message?: string;
  attempts: number;
  maxAttempts: number;
  owner?: string;
  createdAt: Date;
  updatedAt: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

export interface EnqueueOptions {
  /** Caller-chosen id (e.g. an OGC API Processes jobID); generated when absent. */
  id?: string;
  /** Total tries including the first; default 1. */
  attempts?: number;
  /** First retry delay; doubles each retry. */
  backoffMs?: number;
  owner?: string;
  /** Earliest start. */
  delayMs?: number;
}

export interface JobContext {
  id: string;
  type: string;
  payload: unknown;
  attempt: number;
  /** Aborted when the job is dismissed or the runner shuts down. */
  signal: AbortSignal;
  progress(percent: number, message?: string): Promise<void>;
  log(line: string): Promise<void>;
}

export type JobHandler = (job: JobContext) => Promise<unknown>;

export interface JobFilter {
  type?: string;
  state?: JobState | JobState[];
  owner?: string;
  limit?: number;
  offset?: number;
}

/**
 * The job queue. State lives in the database with every backend, so no job is lost on restart;
 * the backend decides who runs it (this process, or `meridian worker` processes through Redis).
 */
export interface JobQueue {
  readonly backend: string;
  /** Declares how to run jobs of `type`. Call during plugin setup, before `start`. */
  register(type: string, handler: JobHandler, options?: { concurrency?: number }): void;
  enqueue(type: string, payload: unknown, options?: EnqueueOptions): Promise<string>;
  get(id: string): Promise<JobRecord | null>;
  list(filter?: JobFilter): Promise<JobRecord[]>;
  logs(id: string): Promise<string[]>;
  /** Dismisses a queued or running job; true when its state changed. */
  cancel(id: string): Promise<boolean>;
  /**
   * Deletes a job that has ended (succeeded, failed or dismissed) with its log lines; true when it
   * did, false when there is no such job or it is queued or running (dismiss it first).
   */
  remove(id: string): Promise<boolean>;
  /** Counts of jobs per state (for /metrics and /ready). */
  counts(): Promise<Record<JobState, number>>;
  /** Starts running registered handlers in this process. */
  start(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}
