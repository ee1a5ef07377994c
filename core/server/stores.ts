import type { Logger } from 'pino';
import { createAuthHooks, authMigrations, type MeridianAuthHooks } from '../auth/index.js';
import type { MeridianConfig } from '../config/types.js';
import { createJobQueue, jobMigrations } from '../jobs/index.js';
import type { JobQueue } from '../jobs/types.js';
import { openBlobStore } from '../storage/blobs/index.js';
import type { BlobStore } from '../storage/blobs/types.js';
import { openDatabase } from '../storage/db/connect.js';
import type { Database } from '../storage/db/types.js';
import { coreMigrations } from './core-migrations.js';
import { openSecretBox, type SecretBox } from '../security/secret-box.js';
import type { LoadedPlugin } from '../config/load.js';

export interface Stores {
  db: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  auth: MeridianAuthHooks;
  /** Encrypts secrets at rest (`secrets.key`, or the data directory's key file). */
  secrets: SecretBox;
  close(): Promise<void>;
}

/**
 * What this process is: `serve` (HTTP, sample data, and jobs unless workers are separate),
 * `http` (one of several HTTP processes of a cluster: requests only, jobs enqueued for the
 * primary), `worker` (jobs only), or a CLI command (neither).
 */
export type ProcessRole = 'serve' | 'http' | 'worker' | 'cli';

/**
 * Opens the database (applying every pending migration of the core and the enabled plugins
 * first), the blob store, the job queue and the auth hooks that every command shares.
 */
export async function openStores(config: MeridianConfig, plugins: LoadedPlugin[], logger: Logger, role: ProcessRole): Promise<Stores> {
  const db = await openDatabase(config.database);
  try {
    const applied = await migrateAll(db, plugins);
    for (const [owner, names] of Object.entries(applied)) {
      if (names.length) logger.info({ owner, migrations: names }, 'database migrated');
    }
    const blobs = await openBlobStore(config.blobs);
    const runInServer = config.jobs.runInServer ?? true;
    const jobRole = role === 'worker' ? 'worker' : role === 'serve' && runInServer ? 'all' : 'producer';
    const jobs = await createJobQueue(config.jobs, { db, logger: logger.child({ component: 'jobs' }), role: jobRole });
    const auth = await createAuthHooks(config.auth, { db, logger: logger.child({ component: 'auth' }) });
    const secrets = await openSecretBox(config.secrets, config.dataDir);
    return {
      db,
      secrets,
      blobs,
      jobs,
      auth,
      async close() {
        await jobs.close();
        await auth.close();
        await blobs.close?.();
        await db.close();
      },
    };
  } catch (err) {
    await db.close();
    throw err;
  }
}

/** Applies the core's and each enabled plugin's migrations; returns what was applied, by owner. */
export async function migrateAll(db: Database, plugins: LoadedPlugin[]): Promise<Record<string, string[]>> {
  const applied: Record<string, string[]> = {};
  const owners: Array<[string, typeof coreMigrations]> = [
    ['core', coreMigrations],
    ['core-auth', authMigrations],
    ['core-jobs', jobMigrations],
    ...plugins.map((p): [string, typeof coreMigrations] => [p.plugin.name, p.plugin.migrations ?? []]),
  ];
  for (const [owner, migrations] of owners) {
    if (migrations.length) applied[owner] = await db.migrate(owner, migrations);
  }
  return applied;
}
