import type { Migration } from '../storage/db/types.js';

/** Tables the server assembly itself owns. */
export const coreMigrations: Migration[] = [
  {
    name: '001-sample-data',
    async up(knex) {
      // Which plugins have loaded their sample data into this store, so each does it once.
      await knex.schema.createTable('meridian_sample_data', (t) => {
        t.string('plugin', 100).primary();
        t.string('loaded_at', 40).notNullable();
      });
    },
  },
];
