/**
 * The pdp plugin's tables: policy documents by domain, id and version; the active versions of
 * each domain in order; per-domain settings and change counters (how other processes learn of
 * a change); resource owners; shares.
 */
import type { Migration } from '../../core/storage/db/types.js';
import { ACTIVE_TABLE, DOMAINS_TABLE, OWNERS_TABLE, POLICIES_TABLE, SHARES_TABLE } from './tables.js';

const createTables: Migration = {
  name: '001-policies-ownership',
  async up(knex) {
    await knex.schema.createTable(POLICIES_TABLE, (t) => {
      t.increments('id').primary();
      t.string('domain', 64).notNullable();
      t.string('policy_id', 1024).notNullable();
      t.string('version', 64).notNullable();
      t.string('kind', 16).notNullable();
      t.text('xml').notNullable();
      t.string('created_at', 32).notNullable();
      t.string('created_by', 255);
      t.unique(['domain', 'policy_id', 'version'], { indexName: `${POLICIES_TABLE}_key` });
    });
    await knex.schema.createTable(ACTIVE_TABLE, (t) => {
      t.string('domain', 64).notNullable();
      t.string('policy_id', 1024).notNullable();
      t.string('version', 64).notNullable();
      t.integer('position').notNullable();
      t.primary(['domain', 'policy_id']);
    });
    await knex.schema.createTable(DOMAINS_TABLE, (t) => {
      t.string('domain', 64).primary();
      // How the active policies combine (a policy-combining algorithm id).
      t.string('combining_algorithm', 255);
      // Whether the default policy set follows the active policies (decides what they leave).
      t.boolean('include_defaults').notNullable().defaultTo(true);
      // Bumped by every change of policies, activation or shares: other processes recompile.
      t.integer('policies_revision').notNullable().defaultTo(0);
      // Bumped by every ownership change: other processes forget cached owners.
      t.integer('ownership_revision').notNullable().defaultTo(0);
    });
    await knex.schema.createTable(OWNERS_TABLE, (t) => {
      t.string('domain', 64).notNullable();
      t.string('service', 255).notNullable();
      t.string('type', 255).notNullable();
      t.string('resource_id', 1024).notNullable();
      t.string('owner', 255).notNullable().index();
      t.string('created_at', 32).notNullable();
      t.primary(['domain', 'service', 'type', 'resource_id']);
    });
    await knex.schema.createTable(SHARES_TABLE, (t) => {
      t.increments('id').primary();
      t.string('domain', 64).notNullable();
      t.string('service', 255).notNullable();
      t.string('type', 255).notNullable();
      t.string('resource_id', 1024).notNullable();
      // 'user' (a subject id) or 'group'.
      t.string('grantee_kind', 8).notNullable();
      t.string('grantee', 255).notNullable();
      // JSON array of actions; ["*"] for any.
      t.text('actions').notNullable();
      t.string('created_at', 32).notNullable();
      t.string('created_by', 255);
      t.unique(['domain', 'service', 'type', 'resource_id', 'grantee_kind', 'grantee'], { indexName: `${SHARES_TABLE}_key` });
    });
  },
};

export const pdpMigrations: Migration[] = [createTables];
