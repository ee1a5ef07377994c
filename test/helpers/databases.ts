import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { openDatabase, type DatabaseConfig } from '../../core/storage/db/connect.js';
import type { Database } from '../../core/storage/db/types.js';

export interface TestDatabaseKind {
  /** 'sqlite' always; 'postgres' when MERIDIAN_TEST_PG is set. */
  name: 'sqlite' | 'postgres';
  /** Opens a fresh, empty database (its own PostgreSQL schema), dropped by `dispose`. */
  open(): Promise<TestDatabase>;
}

export interface TestDatabase {
  db: Database;
  config: DatabaseConfig;
  dispose(): Promise<void>;
}

/** The database kinds tests run on: SQLite in memory, and PostgreSQL when CI gives its URL. */
export function testDatabaseKinds(): TestDatabaseKind[] {
  const kinds: TestDatabaseKind[] = [
    {
      name: 'sqlite',
      async open() {
        const config: DatabaseConfig = { client: 'sqlite', filename: ':memory:' };
        const db = await openDatabase(config);
        return { db, config, dispose: () => db.close() };
      },
    },
  ];
  const url = process.env.MERIDIAN_TEST_PG;
  if (url) {
    kinds.push({
      name: 'postgres',
      async open() {
        const schema = `t_${randomBytes(6).toString('hex')}`;
        const config: DatabaseConfig = { client: 'postgres', url, schema, pool: { max: 4 } };
        const db = await openDatabase(config);
        return {
          db,
          config,
          async dispose() {
            await db.close();
            const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
            try {
              await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
            } finally {
              await admin.destroy();
            }
          },
        };
      },
    });
  }
  return kinds;
}
