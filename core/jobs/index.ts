import { resolveJobsConfig, type JobsConfig } from './config.js';
import { InProcessJobQueue } from './inprocess.js';
import { JOBS_MIGRATION_OWNER, jobMigrations } from './migrations.js';
import type { JobQueueDeps } from './queue-base.js';
import type { JobQueue } from './types.js';

export type * from './types.js';
export {
  jobsConfigDefault,
  jobsConfigSchema,
  resolveJobsConfig,
  type JobsBackend,
  type JobsConfig,
  type ResolvedJobsConfig,
} from './config.js';
export { JOB_LOGS_TABLE, JOBS_MIGRATION_OWNER, JOBS_TABLE, jobMigrations } from './migrations.js';
export { JobAbortedError, type JobAbortKind } from './executor.js';
export { INTERRUPTED_BY_RESTART, INTERRUPTED_LEASE_EXPIRED, type JobQueueDeps, type JobQueueRole } from './queue-base.js';

/**
 * Opens the job queue of the `jobs` config section (defaults filled in): applies the job tables'
 * migrations, then returns the backend's queue. Call `start()` to run registered handlers in
 * this process (roles `all` and `worker`); a started queue keeps the process alive until `close()`.
 */
export async function createJobQueue(config: Partial<JobsConfig>, deps: JobQueueDeps): Promise<JobQueue> {
  const resolved = resolveJobsConfig(config);
  await deps.db.migrate(JOBS_MIGRATION_OWNER, jobMigrations);
  if (resolved.backend !== 'bullmq') return new InProcessJobQueue(resolved, deps);
  // Loaded only when configured: bullmq and ioredis take about half a second to import.
  const { BullMQJobQueue } = await import('./bullmq.js');
  return new BullMQJobQueue(resolved, deps);
}
