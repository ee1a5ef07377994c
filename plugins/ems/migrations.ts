/** The EMS's tables: deployed workflows, which workflow each job runs, and each job's step jobs. */
import type { Migration } from '../../core/storage/db/types.js';

export const WORKFLOWS_TABLE = 'meridian_ems_workflows';
export const EMS_JOBS_TABLE = 'meridian_ems_jobs';
export const EMS_STEPS_TABLE = 'meridian_ems_steps';

const createWorkflows: Migration = {
  name: '001-workflows',
  async up(knex) {
    // The same shape as the engine's meridian_processes (read through its ProcessStore).
    await knex.schema.createTable(WORKFLOWS_TABLE, (t) => {
      t.string('id', 200).primary();
      t.string('kind', 16).notNullable();
      t.string('owner', 255).index();
      t.string('visibility', 16).notNullable().defaultTo('private');
      t.text('description').notNullable();
      t.text('cwl');
      t.string('created', 32).notNullable();
      t.string('updated', 32).notNullable();
    });
  },
};

const createJobs: Migration = {
  name: '002-jobs',
  async up(knex) {
    await knex.schema.createTable(EMS_JOBS_TABLE, (t) => {
      // The core job queue's id: state, progress, logs and timestamps live in its tables.
      t.string('job_id', 200).primary();
      t.string('process_id', 200).notNullable().index();
      t.string('owner', 255).index();
      t.string('created', 32).notNullable().index();
      t.text('subscriber');
    });
  },
};

/** One row per step of a workflow job: where it runs, its job there, and what it produced. */
const createSteps: Migration = {
  name: '003-steps',
  async up(knex) {
    await knex.schema.createTable(EMS_STEPS_TABLE, (t) => {
      t.string('job_id', 200).notNullable();
      t.string('step', 200).notNullable();
      t.primary(['job_id', 'step']);
      t.string('ades_id', 200).notNullable();
      t.string('process_id', 200).notNullable();
      // The step's job on that ADES: its id, and its status URL for a remote one.
      t.string('remote_job', 200);
      t.text('status_url');
      t.string('status', 16).notNullable();
      t.integer('progress').notNullable().defaultTo(0);
      t.text('message');
      // What the step produced (JSON: StepValue per output).
      t.text('outputs');
      t.string('updated', 32).notNullable();
    });
  },
};

export const emsMigrations: Migration[] = [createWorkflows, createJobs, createSteps];
