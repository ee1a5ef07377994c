/** The processing engine's tables: deployed processes, and which process each job runs. */
import type { Migration } from '../../core/storage/db/types.js';

export const PROCESSES_TABLE = 'meridian_processes';
export const PROCESS_JOBS_TABLE = 'meridian_process_jobs';

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

export const processingMigrations: Migration[] = [createProcesses, createProcessJobs];
