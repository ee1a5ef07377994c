/** What the commands on the auth tables (`meridian user`, `meridian apikey`) share. */
import { authMigrations } from '../auth/index.js';
import { openDatabase } from '../storage/db/connect.js';
import type { Database } from '../storage/db/types.js';
import { loadOrExit, type CommonOptions } from './common.js';

/** Commander's argument parser for an option that may be repeated (`-g a -g b`): every value, in order. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Opens the configured database with the auth tables in place, runs `fn`, closes. */
export async function withAuthDb<T>(options: CommonOptions, fn: (db: Database) => Promise<T>): Promise<T> {
  const loaded = await loadOrExit(options);
  const db = await openDatabase(loaded.config.database);
  try {
    await db.migrate('core-auth', authMigrations);
    return await fn(db);
  } finally {
    await db.close();
  }
}
