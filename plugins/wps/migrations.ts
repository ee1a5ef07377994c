/** The WPS plugin's table: how each Execute asked for its result (GetResult answers the same way). */
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
];
