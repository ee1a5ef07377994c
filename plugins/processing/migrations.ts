/** The processing engine's tables: deployed processes, and which process each job runs. */
import type { Migration } from '../../core/storage/db/types.js';

export const PROCESSES_TABLE = 'meridian_processes';
export const PROCESS_JOBS_TABLE = 'meridian_process_jobs';
export const PROCESS_USAGE_TABLE = 'meridian_process_usage';

const createProcesses: Migration = {
  name: '001-processes',
  async up(knex) {
    await knex.schema.createTable(PROCESSES_TABLE, (t) => {
      t.string('id', 200).primary();
      t.string('kind', 16).notNullable();
      t.string('owner', 255).index();
      t.string('visibility', 16).notNullable().defaultTo('private');
      // The OGC process description and the normalised CWL, as JSON text.
      t.text('description').notNullable();
      t.text('cwl');
      // ISO 8601 UTC text on both databases: ordered as time, read back unchanged.
      t.string('created', 32).notNullable();
      t.string('updated', 32).notNullable();
    });
  },
};

const createProcessJobs: Migration = {
  name: '002-process-jobs',
  async up(knex) {
    await knex.schema.createTable(PROCESS_JOBS_TABLE, (t) => {
      // The core job queue's id: state, progress, logs and timestamps live in its tables.
      t.string('job_id', 200).primary();
      t.string('process_id', 200).notNullable().index();
      t.string('owner', 255).index();
      t.string('created', 32).notNullable().index();
      t.text('subscriber');
    });
  },
};

/** One usage record per job try that ran: for the accounting service (a later issue), kept here meanwhile. */
const createUsage: Migration = {
  name: '003-usage',
  async up(knex) {
    await knex.schema.createTable(PROCESS_USAGE_TABLE, (t) => {
      t.increments('id').primary();
      t.string('job_id', 200).notNullable().index();
      t.string('process_id', 200).notNullable();
      t.string('owner', 255).index();
      t.string('outcome', 16).notNullable();
      t.bigInteger('wall_ms').notNullable();
      t.bigInteger('cpu_ms').notNullable();
      t.bigInteger('max_rss_kb').notNullable();
      t.bigInteger('bytes_in').notNullable();
      t.bigInteger('bytes_out').notNullable();
      t.string('started', 32).notNullable();
      t.string('finished', 32).notNullable();
    });
  },
};

export const processingMigrations: Migration[] = [createProcesses, createProcessJobs, createUsage];
