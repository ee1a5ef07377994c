/**
 * The s3 plugin's tables. Buckets live in the database rather than as blob sidecars: an empty
 * bucket has no blob at all, and its owner must be found without listing the blob store.
 */
import type { Migration } from '../../core/storage/db/types.js';

export const ACCESS_KEYS_TABLE = 's3_access_keys';
export const BUCKETS_TABLE = 's3_buckets';
export const UPLOADS_TABLE = 's3_uploads';
export const TAGS_TABLE = 's3_object_tags';
export const S3_MIGRATIONS_OWNER = 's3';

export const s3Migrations: Migration[] = [
  {
    name: '001_s3_tables',
    async up(knex) {
      await knex.schema.createTable(ACCESS_KEYS_TABLE, (t) => {
        t.string('access_key_id', 32).primary();
        t.string('user_id', 255).notNullable().index();
        t.text('groups').notNullable();
        // AES-256-GCM (the platform's secret box), bound to the key id: SigV4 needs the secret in clear.
        t.text('secret_sealed').notNullable();
        t.string('description', 255);
        t.string('created_at', 32).notNullable();
        t.string('revoked_at', 32);
      });
      await knex.schema.createTable(BUCKETS_TABLE, (t) => {
        t.string('name', 63).primary();
        t.string('owner', 255).notNullable();
        t.string('created_at', 32).notNullable();
        t.string('region', 64).notNullable();
        t.string('visibility', 16).notNullable();
      });
      await knex.schema.createTable(UPLOADS_TABLE, (t) => {
        t.string('upload_id', 64).primary();
        t.string('bucket', 63).notNullable();
        t.text('object_key').notNullable();
        t.string('initiator', 255).notNullable();
        t.bigInteger('created_ms').notNullable().index();
        // Content type, metadata and content headers given at Create, applied at Complete.
        t.text('headers').notNullable();
        t.index(['bucket']);
      });
      await knex.schema.createTable(TAGS_TABLE, (t) => {
        t.string('bucket', 63).notNullable();
        t.string('object_key', 1024).notNullable();
        // The version the tags belong to: a later PUT of the key (another ETag) has none.
        t.string('etag', 80).notNullable();
        t.string('last_modified', 32).notNullable();
        t.text('tags').notNullable();
        t.primary(['bucket', 'object_key']);
      });
    },
  },
  {
    // Where a bucket's objects live in the blob store when not under `<blobPrefix><bucket>/`:
    // workspace buckets are the users' workspaces (`workspaces/<user>/`), shared with processing.
    name: '002_s3_bucket_blob_prefix',
    async up(knex) {
      await knex.schema.alterTable(BUCKETS_TABLE, (t) => {
        t.text('blob_prefix');
      });
    },
  },
];
