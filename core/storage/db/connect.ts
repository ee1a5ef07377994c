import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Database, DatabaseDialect, Migration, SpatialIndex, SpatialIndexOptions, SqliteFunctionHost } from './types.js';
import { migrate } from './migrate.js';
import { createSpatialIndex } from './spatial-index.js';
import { registerSqliteSpatialFunctions } from '../../filter/sqlite-functions.js';

export type DatabaseConfig =
  | { client: 'sqlite'; filename: string }
  | { client: 'postgres'; url: string; schema?: string; pool?: { min?: number; max?: number }; settings?: Record<string, string | number | boolean> };

/**
 * Planner settings every PostgreSQL connection starts with unless config gives its own. The
 * server default random_page_cost (4) prices a random page as a spinning disk does; on SSDs or a
 * cached database that makes the planner AND in every unselective index to save heap reads, which
 * costs far more than it saves (a catalogue search by place and time: ~40 ms instead of ~5).
 */
export const DEFAULT_POSTGRES_SETTINGS: Readonly<Record<string, string | number | boolean>> = { random_page_cost: 1.1 };

/** Opens the configured database: SQLite (WAL, foreign keys on) or PostgreSQL (PostGIS detected). */
export async function openDatabase(config: DatabaseConfig): Promise<Database> {
  if (config.client === 'sqlite') return openSqlite(config.filename);
  return openPostgres(config);
}

async function openSqlite(filename: string): Promise<Database> {
  if (filename !== ':memory:') mkdirSync(dirname(filename), { recursive: true });
  // User functions plugins add (Database.addSqliteFunctions), for connections made later.
  const registrars: Array<(conn: SqliteFunctionHost) => void> = [];
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    // One connection: better-sqlite3 is synchronous, and a single writer avoids SQLITE_BUSY.
    pool: {
      min: 1,
      max: 1,
      afterCreate(conn: { pragma(sql: string): unknown } & Parameters<typeof registerSqliteSpatialFunctions>[0], done: (err: Error | null, conn: unknown) => void) {
        conn.pragma('busy_timeout = 5000');
        enterWalMode(conn).then(
          () => {
            conn.pragma('synchronous = NORMAL');
            conn.pragma('foreign_keys = ON');
            // Exact spatial predicates in SQL (core/filter/sqlite-functions.ts).
            registerSqliteSpatialFunctions(conn);
            for (const register of registrars) register(conn);
            done(null, conn);
          },
          (err: Error) => done(err, conn),
        );
      },
    },
  });
  const db = wrap(knex, 'sqlite', false);
  db.addSqliteFunctions = async (register) => {
    registrars.push(register);
    // The pool's one connection already exists: register on it too (waits while it is in use).
    const client = knex.client as { acquireConnection(): Promise<SqliteFunctionHost>; releaseConnection(c: SqliteFunctionHost): Promise<void> };
    const conn = await client.acquireConnection();
    try {
      register(conn);
    } finally {
      await client.releaseConnection(conn);
    }
  };
  return db;
}

/**
 * Switches a new connection to WAL. When another process opens the same new file at the same
 * moment, the switch can fail with SQLITE_BUSY at once, without waiting out busy_timeout (SQLite
 * does not wait where waiting could deadlock, and the switch needs the file to itself); trying
 * again a little later succeeds, as the other process's switch or write is over by then.
 */
async function enterWalMode(conn: { pragma(sql: string): unknown }): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      conn.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || attempt >= 40) throw err;
      await new Promise((r) => setTimeout(r, 25 * attempt));
    }
  }
}

async function openPostgres(config: Extract<DatabaseConfig, { client: 'postgres' }>): Promise<Database> {
  const schema = config.schema;
  const settings = Object.entries(config.settings ?? DEFAULT_POSTGRES_SETTINGS);
  const knex = knexFactory({
    client: 'pg',
    // Settings go in the connection's startup options, so every pooled connection has them.
    connection: { connectionString: config.url, ...(settings.length > 0 ? { options: settings.map(([k, v]) => `-c ${k}=${String(v)}`).join(' ') } : {}) },
    searchPath: schema ? [schema, 'public'] : undefined,
    pool: { min: config.pool?.min ?? 0, max: config.pool?.max ?? 10 },
  });
  if (schema) await knex.raw('CREATE SCHEMA IF NOT EXISTS ??', [schema]);
  const ext = await knex.raw("SELECT 1 FROM pg_extension WHERE extname = 'postgis'");
  return wrap(knex, 'postgres', ext.rows.length > 0);
}

function wrap(knex: Knex, dialect: DatabaseDialect, postgis: boolean): Database {
  const indexes = new Map<string, SpatialIndex>();
  // What each table's index was first opened with: an index kind without a time dimension
  // (bbox columns on PostgreSQL without PostGIS) is still opened again with the same options.
  const requested = new Map<string, string>();
  const requestedEncoding = new Map<string, string>();
  const db: Database = {
    knex,
    dialect,
    postgis,
    migrate: (owner: string, migrations: Migration[]) => migrate(db, owner, migrations),
    spatialIndex(table: string, options: SpatialIndexOptions = {}) {
      let index = indexes.get(table);
      if (!index) {
        index = createSpatialIndex(db, table, options);
        indexes.set(table, index);
        requested.set(table, JSON.stringify(options.time ?? null));
        requestedEncoding.set(table, options.encoding ?? 'geojson');
      } else if (options.time !== undefined && requested.get(table) !== JSON.stringify(options.time)) {
        throw new Error(`spatial index of '${table}' was opened with other options (time: ${requested.get(table)})`);
      } else if (options.encoding !== undefined && requestedEncoding.get(table) !== options.encoding) {
        throw new Error(`spatial index of '${table}' was opened with other options (encoding: ${requestedEncoding.get(table)})`);
      }
      return index;
    },
    async ping() {
      await knex.raw('SELECT 1');
    },
    async close() {
      await knex.destroy();
    },
  };
  return db;
}
