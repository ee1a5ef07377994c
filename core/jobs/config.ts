import type { JSONSchema } from '../plugin.js';

export type JobsBackend = 'inprocess' | 'bullmq';

/** The `jobs` section of the config file. */
export interface JobsConfig {
  backend: JobsBackend;
  /** Jobs of one type run at once by one process, unless the type says otherwise. */
  concurrency: number;
  /** Per-type concurrency set by the integrator; wins over what the plugin registered. */
  concurrencyByType?: Record<string, number>;
  /** How often idle runners look for due jobs (in-process) and for dismissals of running jobs. */
  pollIntervalMs?: number;
  /** How long a running job's lease lasts without a heartbeat before another runner takes it. */
  leaseMs?: number;
  /** How long `close` waits for running jobs before aborting them and queueing them again. */
  shutdownGraceMs?: number;
  /** Redis URL, for the bullmq backend. */
  redis?: string;
  /** Redis key prefix, for the bullmq backend. */
  prefix?: string;
  /** Whether `meridian serve` runs job handlers too; false when `meridian worker` processes do all the work. */
  runInServer?: boolean;
}

/** The embedded default: jobs run in the server process, their state in the database. */
export const jobsConfigDefault: Readonly<JobsConfig> = Object.freeze({ backend: 'inprocess', concurrency: 2 });

export const JOBS_DEFAULT_POLL_INTERVAL_MS = 1000;
export const JOBS_DEFAULT_LEASE_MS = 30_000;
export const JOBS_DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
export const JOBS_DEFAULT_PREFIX = 'meridian';

/** JSON Schema (ajv, draft-07 compatible) of the `jobs` config section. */
export const jobsConfigSchema: JSONSchema = {
  type: 'object',
  description: 'Job queue: where job state lives (always the database) and who runs the jobs.',
  additionalProperties: false,
  properties: {
    backend: {
      type: 'string',
      enum: ['inprocess', 'bullmq'],
      default: 'inprocess',
      description:
        "'inprocess': runners in each server or worker process claim jobs from the database; " +
        "'bullmq': jobs are dispatched through Redis (BullMQ) to `meridian worker` processes.",
    },
    concurrency: {
      type: 'integer',
      minimum: 1,
      default: 2,
      description: 'How many jobs of one type a process runs at once, unless concurrencyByType or the plugin says otherwise.',
    },
    concurrencyByType: {
      type: 'object',
      description: 'Per job type concurrency (job type name to number of jobs run at once by one process).',
      additionalProperties: { type: 'integer', minimum: 1 },
    },
    pollIntervalMs: {
      type: 'integer',
      minimum: 10,
      default: JOBS_DEFAULT_POLL_INTERVAL_MS,
      description: 'Milliseconds between checks for due jobs and for dismissals of running jobs.',
    },
    leaseMs: {
      type: 'integer',
      minimum: 100,
      default: JOBS_DEFAULT_LEASE_MS,
      description: 'Milliseconds a running job stays claimed without a heartbeat before another runner retries or fails it.',
    },
    shutdownGraceMs: {
      type: 'integer',
      minimum: 0,
      default: JOBS_DEFAULT_SHUTDOWN_GRACE_MS,
      description: 'Milliseconds shutdown waits for running jobs before aborting them and queueing them again.',
    },
    redis: {
      type: 'string',
      pattern: '^rediss?://',
      description: 'Redis URL (redis://host:port/db or rediss:// for TLS); required by the bullmq backend.',
    },
    prefix: {
      type: 'string',
      pattern: '^[A-Za-z0-9_.-]+$',
      default: JOBS_DEFAULT_PREFIX,
      description: 'Prefix of every Redis key the bullmq backend writes, so several platforms can share one Redis.',
    },
    runInServer: {
      type: 'boolean',
      default: true,
      description:
        'Whether `meridian serve` also runs job handlers. Set false in the scaled-out mode, where `meridian worker` processes run every job and servers only enqueue.',
    },
  },
  if: { properties: { backend: { const: 'bullmq' } }, required: ['backend'] },
  // `properties` repeated so ajv's strictRequired accepts the conditional requirement.
  then: { required: ['redis'], properties: { redis: { type: 'string' } } },
};

/** Settings with every default applied, as the backends use them. */
export interface ResolvedJobsConfig {
  backend: JobsBackend;
  concurrency: number;
  concurrencyByType: Record<string, number>;
  pollIntervalMs: number;
  leaseMs: number;
  shutdownGraceMs: number;
  redis?: string;
  prefix: string;
}

export function resolveJobsConfig(config: Partial<JobsConfig> = {}): ResolvedJobsConfig {
  const resolved: ResolvedJobsConfig = {
    backend: config.backend ?? jobsConfigDefault.backend,
    concurrency: config.concurrency ?? jobsConfigDefault.concurrency,
    concurrencyByType: { ...(config.concurrencyByType ?? {}) },
    pollIntervalMs: config.pollIntervalMs ?? JOBS_DEFAULT_POLL_INTERVAL_MS,
    leaseMs: config.leaseMs ?? JOBS_DEFAULT_LEASE_MS,
    shutdownGraceMs: config.shutdownGraceMs ?? JOBS_DEFAULT_SHUTDOWN_GRACE_MS,
    redis: config.redis,
    prefix: config.prefix ?? JOBS_DEFAULT_PREFIX,
  };
  if (resolved.backend !== 'inprocess' && resolved.backend !== 'bullmq') {
    throw new Error(`jobs.backend: must be 'inprocess' or 'bullmq', not '${String(resolved.backend)}'`);
  }
  if (resolved.backend === 'bullmq' && !resolved.redis) {
    throw new Error("jobs.redis: the bullmq backend needs a Redis URL");
  }
  for (const [key, value] of [
    ['concurrency', resolved.concurrency],
    ['pollIntervalMs', resolved.pollIntervalMs],
    ['leaseMs', resolved.leaseMs],
    ...Object.entries(resolved.concurrencyByType).map(([type, n]) => [`concurrencyByType.${type}`, n] as const),
  ] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`jobs.${key}: must be a positive integer`);
  }
  if (!Number.isInteger(resolved.shutdownGraceMs) || resolved.shutdownGraceMs < 0) {
    throw new Error('jobs.shutdownGraceMs: must be an integer >= 0');
  }
  return resolved;
}
