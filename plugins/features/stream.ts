/**
 * Rows of one query, streamed: the query runs once and rows come as they are read, so an export
 * of any size holds one batch at a time.
 *
 * - PostgreSQL: a server-side cursor (DECLARE ... FETCH n) in a read-only REPEATABLE READ
 *   transaction on a connection of its own from the pool, so the export reads one snapshot.
 * - SQLite file: a read-only connection of its own (WAL lets it read a snapshot while the main
 *   connection writes) iterated row by row; the main single connection stays free for others.
 * - SQLite in memory (tests): no second connection can see the database, so pages of the query
 *   are read on the main connection one after the other.
 *
 * Work starts at the first next() and ends when the iteration finishes or is returned (a
 * `for await` that breaks, a destroyed Readable.from): consumers must do one or the other.
 */
import { createRequire } from 'node:module';
import type { Knex } from 'knex';
import type { Database } from '../../core/storage/db/types.js';
import { registerSqliteSpatialFunctions } from '../../core/filter/sqlite-functions.js';
import { registerFeaturesSpatialFunctions } from './spatial-functions.js';

type Row = Record<string, unknown>;
/** The query of one read, with its SQL LIMIT/OFFSET (limit Infinity: none). */
export type WindowedQuery = (k: Knex, window: { limit: number; offset: number }) => Knex.QueryBuilder;

const PG_FETCH = 500;
const MEMORY_PAGE = 1000;

export function streamRows(db: Database, query: WindowedQuery, window: { limit: number; offset: number }): AsyncIterable<Row> {
  if (db.dialect === 'postgres') return pgCursorRows(db, query, window);
  const filename = sqliteFilename(db);
  if (filename === undefined) return pagedRows(db, query, window);
  return sqliteFileRows(db, filename, query, window);
}

async function* pgCursorRows(db: Database, query: WindowedQuery, window: { limit: number; offset: number }): AsyncGenerator<Row> {
  const { sql, bindings } = query(db.knex, window).toSQL().toNative();
  const client = db.knex.client as { acquireConnection(): Promise<PgConnection>; releaseConnection(c: PgConnection): Promise<void> };
  const conn = await client.acquireConnection();
  let open = false;
  try {
    await conn.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    open = true;
    await conn.query(`DECLARE features_export NO SCROLL CURSOR FOR ${sql}`, bindings as unknown[]);
    for (;;) {
      const result = await conn.query(`FETCH ${PG_FETCH} FROM features_export`);
      for (const row of result.rows) yield row;
      if (result.rows.length < PG_FETCH) break;
    }
  } finally {
    if (open) await conn.query('ROLLBACK').catch(() => undefined);
    await client.releaseConnection(conn);
  }
}

interface PgConnection {
  query(sql: string, values?: unknown[]): Promise<{ rows: Row[] }>;
}

async function* pagedRows(db: Database, query: WindowedQuery, window: { limit: number; offset: number }): AsyncGenerator<Row> {
  let read = 0;
  for (;;) {
    const size = Math.min(MEMORY_PAGE, window.limit - read);
    if (size <= 0) return;
    const rows = (await query(db.knex, { limit: size, offset: window.offset + read })) as Row[];
    for (const row of rows) yield row;
    read += rows.length;
    if (rows.length < size) return;
  }
}

interface SqliteStatement {
  iterate(...bindings: unknown[]): IterableIterator<Row>;
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  pragma(sql: string): unknown;
  function(name: string, options: { deterministic: boolean; varargs?: boolean }, fn: (...args: unknown[]) => unknown): unknown;
  close(): void;
}
type SqliteOpen = new (filename: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteConnection;

let openSqlite: SqliteOpen | undefined;

async function* sqliteFileRows(db: Database, filename: string, query: WindowedQuery, window: { limit: number; offset: number }): AsyncGenerator<Row> {
  const { sql, bindings } = query(db.knex, window).toSQL().toNative();
  openSqlite ??= createRequire(import.meta.url)('better-sqlite3') as SqliteOpen;
  const conn = new openSqlite(filename, { readonly: true, fileMustExist: true });
  try {
    conn.pragma('busy_timeout = 5000');
    registerSqliteSpatialFunctions(conn);
    registerFeaturesSpatialFunctions(conn);
    const iterator = conn.prepare(sql).iterate(...bindings.map(sqliteBinding));
    try {
      // Batches between yields to the event loop would change nothing: each row is read when asked.
      for (const row of iterator) yield row;
    } finally {
      iterator.return?.();
    }
  } finally {
    conn.close();
  }
}

/** Values as better-sqlite3 binds them (knex's own client does this on its connection). */
function sqliteBinding(v: unknown): unknown {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof Date) return v.valueOf();
  if (v === undefined) return null;
  return v;
}

/** The file of a SQLite database, or undefined for one in memory (no other connection sees it). */
function sqliteFilename(db: Database): string | undefined {
  const connection = (db.knex.client as { config?: { connection?: { filename?: string } } }).config?.connection;
  const filename = connection?.filename;
  if (!filename || filename === ':memory:' || filename.includes('mode=memory')) return undefined;
  return filename;
}
