import type { Database, Migration } from '../storage/db/types.js';

/** Owner name of the auth tables in the migrations record. */
export const AUTH_MIGRATIONS_OWNER = 'core-auth';
export const API_KEYS_TABLE = 'meridian_api_keys';
export const USERS_TABLE = 'meridian_users';
/** Accounts' identities at external OpenID Connect issuers (login through an upstream IdP). */
export const USER_IDENTITIES_TABLE = 'meridian_user_identities';

/**
 * Schema history of the auth stores. Timestamps are ISO 8601 strings (UTC), as in the core's
 * migrations table, so both dialects read them back alike and they sort as text.
 */
export const authMigrations: Migration[] = [
  {
    name: '001-api-keys',
    async up(knex) {
      await knex.schema.createTable(API_KEYS_TABLE, (t) => {
        // The id is embedded in the key itself, so a lookup is one primary-key read.
        t.string('id', 32).primary();
        t.string('user_name', 200).notNullable().index();
        t.text('groups').notNullable();
        t.string('description', 500).nullable();
        // Hex SHA-256 of the secret part; the secret itself is never stored.
        t.string('secret_hash', 64).notNullable();
        t.string('created_at', 40).notNullable();
        t.string('last_used_at', 40).nullable();
        t.string('revoked_at', 40).nullable();
      });
    },
  },
  {
    name: '002-users',
    async up(knex) {
      await knex.schema.createTable(USERS_TABLE, (t) => {
        t.string('name', 200).primary();
        t.text('groups').notNullable();
        t.string('password_hash', 300).notNullable();
        t.string('created_at', 40).notNullable();
      });
    },
  },
  {
    name: '003-user-attributes-and-identities',
    async up(knex) {
      // Attributes (JSON object text) feed claims and policy decisions: email, name, organisation.
      await knex.schema.alterTable(USERS_TABLE, (t) => {
        t.text('attributes').nullable();
      });
      // One row per (issuer, subject) an account logs in with; an account may have several.
      await knex.schema.createTable(USER_IDENTITIES_TABLE, (t) => {
        t.string('issuer', 500).notNullable();
        t.string('subject', 255).notNullable();
        t.string('user_name', 200).notNullable().index().references('name').inTable(USERS_TABLE).onDelete('CASCADE');
        t.string('created_at', 40).notNullable();
        t.primary(['issuer', 'subject']);
      });
    },
  },
];

/** Applies the auth migrations not yet applied (idempotent). */
export async function migrateAuth(db: Database): Promise<string[]> {
  return db.migrate(AUTH_MIGRATIONS_OWNER, authMigrations);
}
