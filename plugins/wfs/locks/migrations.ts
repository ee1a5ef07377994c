/**
 * The lock store's tables (owned by the WFS plugin): one row per lock, one per locked feature.
 * A feature is in at most one row of `wfs_locked_features` (unique collection + feature id), so
 * two locks never hold the same feature; rows of expired locks are deleted before new locks are
 * taken. Times are milliseconds since the epoch.
 */
import type { Migration } from '../../../core/storage/db/types.js';

export const LOCKS_TABLE = 'wfs_locks';
export const LOCKED_FEATURES_TABLE = 'wfs_locked_features';

export const lockMigrations: Migration[] = [
  {
    name: '001-locks',
    async up(knex) {
      await knex.schema.createTable(LOCKS_TABLE, (t) => {
        t.string('lock_id', 64).primary();
        // Who took the lock ('issuer id'); null for an anonymous client.
        t.string('owner', 600);
        t.bigInteger('created').notNullable();
        t.bigInteger('expires').notNullable().index();
        // The expiry asked for, in ms: releaseAction=SOME restarts the lock with it.
        t.bigInteger('duration').notNullable();
      });
      await knex.schema.createTable(LOCKED_FEATURES_TABLE, (t) => {
        t.increments('id').primary();
        t.string('lock_id', 64).notNullable().index();
        t.string('collection', 200).notNullable();
        t.string('fid', 255).notNullable();
        t.unique(['collection', 'fid']);
      });
    },
  },
];
