/** The WPS plugin's table: how each Execute asked for its result (GetResult and the 1.0.0 status document answer the same way). */
import type { Migration } from '../../core/storage/db/types.js';

export const WPS_EXECUTIONS_TABLE = 'meridian_wps_executions';

export const wpsMigrations: Migration[] = [
  {
    name: '001-wps-executions',
    async up(knex) {
      await knex.schema.createTable(WPS_EXECUTIONS_TABLE, (t) => {
        // The engine's job id (table meridian_process_jobs); jobs started elsewhere have no row.
        t.string('job_id', 200).primary();
        t.string('response', 16).notNullable();
        // The wps:Output definitions (id, transmission, mimeType) as JSON; empty: every output.
        t.text('outputs').notNullable();
      });
    },
  },
  {
    name: '002-wps-executions-wps1',
    async up(knex) {
      await knex.schema.alterTable(WPS_EXECUTIONS_TABLE, (t) => {
        // A WPS 1.0.0 Execute's response form (store, status, lineage, outputs, the inputs as received) as JSON.
        t.text('wps1').nullable();
      });
    },
  },
];
