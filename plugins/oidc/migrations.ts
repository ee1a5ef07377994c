import type { Migration } from '../../core/storage/db/types.js';

export const KEYS_TABLE = 'oidc_keys';
export const PAYLOADS_TABLE = 'oidc_payloads';
export const CLIENTS_TABLE = 'oidc_clients';
export const SECRETS_TABLE = 'oidc_secrets';

/** Schema of the OIDC provider's stores. Times are epoch milliseconds (expiry sweeps compare numbers). */
export const oidcMigrations: Migration[] = [
  {
    name: '001-oidc-stores',
    async up(knex) {
      // Signing keys: the public JWK in clear (it is published), the private JWK sealed with the core's secret box.
      await knex.schema.createTable(KEYS_TABLE, (t) => {
        t.string('kid', 64).primary();
        t.string('alg', 16).notNullable();
        t.text('public_jwk').notNullable();
        t.text('private_sealed').notNullable();
        t.bigInteger('created_at').notNullable();
        // Retired keys are neither used nor published: tokens they signed stop verifying.
        t.bigInteger('retired_at').nullable();
      });
      // oidc-provider's models (Session, Grant, AuthorizationCode, RefreshToken, AccessToken, Client, Interaction...).
      await knex.schema.createTable(PAYLOADS_TABLE, (t) => {
        t.string('model', 48).notNullable();
        t.string('id', 255).notNullable();
        t.text('payload').notNullable();
        t.string('grant_id', 255).nullable().index();
        t.string('user_code', 255).nullable().index();
        t.string('uid', 255).nullable().index();
        t.bigInteger('expires_at').nullable().index();
        t.bigInteger('consumed_at').nullable();
        t.primary(['model', 'id']);
      });
      // Clients added by `meridian oidc client add`: metadata with the secret's scrypt hash, never the secret.
      await knex.schema.createTable(CLIENTS_TABLE, (t) => {
        t.string('client_id', 255).primary();
        t.text('metadata').notNullable();
        t.bigInteger('created_at').notNullable();
      });
      // Random secrets of the provider itself (cookie signing keys, CSRF key), sealed.
      await knex.schema.createTable(SECRETS_TABLE, (t) => {
        t.string('name', 64).primary();
        t.text('sealed').notNullable();
        t.bigInteger('created_at').notNullable();
      });
    },
  },
];
