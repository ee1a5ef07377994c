import type { Migration } from '../storage/db/types.js';

/** The owner under which the job tables' migrations are recorded. */
export const JOBS_MIGRATION_OWNER = 'core-jobs';

// Prefixed so they never collide with a plugin's own `jobs` table (the processing engine has one).
export const JOBS_TABLE = 'meridian_jobs';
export const JOB_LOGS_TABLE = 'meridian_job_logs';

/**
 * Times are epoch milliseconds (bigint) on both dialects, so lease and retry arithmetic is the
 * same SQL everywhere; JSON columns are text for the same reason. They come from each runner's
 * clock, so hosts sharing a database keep their clocks synchronised (NTP), as leases assume.
 */
export const jobMigrations: Migration[] = [
  {
    name: '001-jobs',
    async up(knex) {
      await knex.schema.createTable(JOBS_TABLE, (t) => {
        t.string('id', 200).primary();
        t.string('type', 100).notNullable();
        t.string('state', 16).notNullable();
        t.text('payload').notNullable();
        t.text('result').nullable();
        t.text('error').nullable();
        t.double('progress').notNullable().defaultTo(0);
        t.text('message').nullable();
        t.integer('attempts').notNullable().defaultTo(0);
        t.integer('max_attempts').notNullable().defaultTo(1);
        t.bigInteger('backoff_ms').notNullable().defaultTo(0);
        t.string('owner', 200).nullable();
        t.bigInteger('run_after').notNullable();
        // Which runner holds the job, until when, and when it last said it was alive.
        t.string('lease_owner', 200).nullable();
        t.bigInteger('lease_expires_at').nullable();
        t.bigInteger('heartbeat_at').nullable();
        t.bigInteger('created_at').notNullable();
        t.bigInteger('updated_at').notNullable();
        t.bigInteger('started_at').nullable();
        t.bigInteger('finished_at').nullable();
        t.index(['state', 'run_after'], `${JOBS_TABLE}_state_run_after`);
        t.index(['type', 'state'], `${JOBS_TABLE}_type_state`);
        t.index(['owner'], `${JOBS_TABLE}_owner`);
        t.index(['created_at'], `${JOBS_TABLE}_created_at`);
      });
      await knex.schema.createTable(JOB_LOGS_TABLE, (t) => {
        t.increments('id').primary();
        t.string('job_id', 200).notNullable().references('id').inTable(JOBS_TABLE).onDelete('CASCADE');
        t.bigInteger('at').notNullable();
        t.text('line').notNullable();
        t.index(['job_id', 'id'], `${JOB_LOGS_TABLE}_job_id`);
      });
    },
  },
];
