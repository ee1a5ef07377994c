/**
 * Rows of one query, streamed: the query runs once and rows come as they are read, so an export
 * of any size holds one batch at a time.
 *
 * - PostgreSQL: a server-side cursor (DECLARE ... FETCH n) in a read-only REPEATABLE READ
 *   transaction on a connection of its own from the pool, so the export reads one snapshot; a
 *   window of at most one batch (a page) is one plain statement.
 * - SQLite file: a read-only connection of its own from a small pool (WAL lets it read a
 *   snapshot while the main connection writes), its statement prepared once per connection,
 *   iterated row by row; the main single connection stays free for others.
 * - SQLite in memory (tests): no second connection can see the database, so pages of the query
 *   are read on the main connection one after the other.
 *
 * Work starts at the first next() and ends when the iteration finishes or is returned (a
 * `for await` that breaks, a destroyed Readable.from): consumers must do one or the other.
 *
 * Fairness: better-sqlite3 reads synchronously, and a consumer writing to a socket that takes
 * every chunk at once (loopback, a fast client) never waits on backpressure, so a whole export
 * would run in promise jobs without the event loop turning: no other request of the process
 * answered until it ended. The SQLite streams therefore give the event loop a turn (setImmediate)
 * once a time slice of SLICE_MS has passed since the last one, counting the consumer's work on
 * the rows too. PostgreSQL's FETCH batches come through the socket, one event-loop turn each.
 */
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Knex } from 'knex';
import { pgPreparedRows } from '../../core/storage/db/pg-prepared.js';
import type { Database } from '../../core/storage/db/types.js';
import { registerSqliteSpatialFunctions } from '../../core/filter/sqlite-functions.js';
import { registerFeaturesSpatialFunctions } from './spatial-functions.js';

type Row = Record<string, unknown>;
/** The query of one read, with its SQL LIMIT/OFFSET (limit Infinity: none). */
export type WindowedQuery = (k: Knex, window: { limit: number; offset: number }) => Knex.QueryBuilder;

const PG_FETCH = 500;
const MEMORY_PAGE = 1000;

/** The longest (ms) a SQLite stream and its consumer run before the event loop gets a turn. */
const SLICE_MS = 5;
/** Rows between two looks at the clock. */
const SLICE_CHECK = 16;

/** Time slices of a stream: `due()` after each row, awaiting a turn of the event loop when it says so. */
class Slicer {
  private rows = 0;
  private deadline = performance.now() + SLICE_MS;
  due(): boolean {
    return ++this.rows % SLICE_CHECK === 0 && performance.now() >= this.deadline;
  }
  async turn(): Promise<void> {
    await nextTurn();
    this.deadline = performance.now() + SLICE_MS;
  }
}

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
  if (window.limit <= PG_FETCH) {
    // A page no larger than one batch (a GetFeature's COUNT, an items page): one statement, which
    // reads one snapshot by itself, instead of BEGIN, DECLARE, FETCH and ROLLBACK (four round trips).
    let result: { rows: unknown[][]; fields: Array<{ name: string }> };
    try {
      result = await conn.query({ text: sql, values: bindings as unknown[], rowMode: 'array' });
    } finally {
      await client.releaseConnection(conn);
    }
    yield* objectRows(result);
    return;
  }
  let open = false;
  try {
    await conn.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    open = true;
    await conn.query(`DECLARE features_export NO SCROLL CURSOR FOR ${sql}`, bindings as unknown[]);
    // Rows as arrays (rowMode 'array'), each made an object by the column names only when it is
    // taken: pg's own row objects all lived while their batch was encoded, outlived two scavenges
    // and were promoted (the old generation grew ~63 MB over a 200,000-feature export; ~3 MB so).
    for (;;) {
      const result = await conn.query({ text: `FETCH ${PG_FETCH} FROM features_export`, rowMode: 'array' });
      yield* objectRows(result);
      if (result.rows.length < PG_FETCH) break;
    }
  } finally {
    if (open) await conn.query('ROLLBACK').catch(() => undefined);
    await client.releaseConnection(conn);
  }
}

/** A batch's rows (arrays) as objects by column name, each made as it is taken; the batch drops it then. */
function* objectRows(result: { rows: unknown[][]; fields: Array<{ name: string }> }): Generator<Row> {
  const names = result.fields.map((f) => f.name);
  const rows = result.rows;
  for (let i = 0; i < rows.length; i++) {
    const values = rows[i]!;
    rows[i] = undefined as unknown as unknown[];
    const row: Row = {};
    for (let c = 0; c < names.length; c++) row[names[c]!] = values[c];
    yield row;
  }
}

interface PgConnection {
  query(sql: string, values?: unknown[]): Promise<{ rows: Row[] }>;
  query(config: { text: string; values?: unknown[]; rowMode: 'array' }): Promise<{ rows: unknown[][]; fields: Array<{ name: string }> }>;
}

async function* pagedRows(db: Database, query: WindowedQuery, window: { limit: number; offset: number }): AsyncGenerator<Row> {
  const slicer = new Slicer();
  let read = 0;
  for (;;) {
    const size = Math.min(MEMORY_PAGE, window.limit - read);
    if (size <= 0) return;
    const rows = (await query(db.knex, { limit: size, offset: window.offset + read })) as Row[];
    for (const row of rows) {
      yield row;
      if (slicer.due()) await slicer.turn();
    }
    read += rows.length;
    if (rows.length < size) return;
  }
}

interface SqliteStatement {
  iterate(...bindings: unknown[]): IterableIterator<Row>;
  get(...bindings: unknown[]): Row | undefined;
  all(...bindings: unknown[]): Row[];
}
interface SqliteConnection {
  prepare(sql: string): SqliteStatement;
  pragma(sql: string): unknown;
  function(name: string, options: { deterministic: boolean; varargs?: boolean }, fn: (...args: unknown[]) => unknown): unknown;
  close(): void;
  readonly open: boolean;
}
type SqliteOpen = new (filename: string, options: { readonly: boolean; fileMustExist: boolean }) => SqliteConnection;

let openSqlite: SqliteOpen | undefined;

/** Idle read connections kept per database, and how long one may stay idle before it is closed. */
const POOL_IDLE = 4;
const POOL_IDLE_MS = 10_000;
/** Prepared statements kept per read connection (the SQL of a query shape is the same from request to request). */
const STATEMENTS = 64;

/** A read-only connection with its prepared statements, by SQL text. */
interface ReadConnection {
  conn: SqliteConnection;
  statements: Map<string, SqliteStatement>;
}

/**
 * Read-only connections to one SQLite file, reused from request to request: opening one, with
 * its user functions, and preparing its statements cost more than most page queries. WAL lets
 * any number read while the main connection writes; a connection serves one read at a time
 * (better-sqlite3 refuses another statement while an iteration is open on it). Idle ones close
 * after POOL_IDLE_MS, so a database nobody reads holds no file handles.
 */
class ReadPool {
  private readonly idle: ReadConnection[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly filename: string) {}

  acquire(): ReadConnection {
    const reused = this.idle.pop();
    if (reused) return reused;
    openSqlite ??= createRequire(import.meta.url)('better-sqlite3') as SqliteOpen;
    const conn = new openSqlite(this.filename, { readonly: true, fileMustExist: true });
    try {
      conn.pragma('busy_timeout = 5000');
      registerSqliteSpatialFunctions(conn);
      registerFeaturesSpatialFunctions(conn);
    } catch (err) {
      conn.close();
      throw err;
    }
    return { conn, statements: new Map() };
  }

  /** Back to the pool, or closed when the pool is full. (A failed statement leaves its connection usable.) */
  release(rc: ReadConnection): void {
    if (!rc.conn.open) return;
    if (this.idle.length >= POOL_IDLE) {
      rc.conn.close();
      return;
    }
    this.idle.push(rc);
    this.timer?.refresh();
    this.timer ??= setTimeout(() => this.closeIdle(), POOL_IDLE_MS).unref();
  }

  private closeIdle(): void {
    this.timer = undefined;
    for (const rc of this.idle.splice(0)) rc.conn.close();
  }
}

/** One pool per Database object (not per file name: a file removed and made again is another database). */
const pools = new WeakMap<Database, ReadPool>();

function poolOf(db: Database, filename: string): ReadPool {
  let pool = pools.get(db);
  if (!pool) {
    pool = new ReadPool(filename);
    pools.set(db, pool);
  }
  return pool;
}

function statementOf(rc: ReadConnection, sql: string): SqliteStatement {
  let statement = rc.statements.get(sql);
  if (statement) {
    // Most recently used last, so the first is the one to drop.
    rc.statements.delete(sql);
  } else {
    statement = rc.conn.prepare(sql);
    if (rc.statements.size >= STATEMENTS) rc.statements.delete(rc.statements.keys().next().value!);
  }
  rc.statements.set(sql, statement);
  return statement;
}

async function* sqliteFileRows(db: Database, filename: string, query: WindowedQuery, window: { limit: number; offset: number }): AsyncGenerator<Row> {
  const { sql, bindings } = query(db.knex, window).toSQL().toNative();
  const pool = poolOf(db, filename);
  const rc = pool.acquire();
  try {
    const iterator = statementOf(rc, sql).iterate(...bindings.map(sqliteBinding));
    try {
      // Each row is read when asked; the event loop gets a turn every time slice (see Fairness).
      const slicer = new Slicer();
      for (const row of iterator) {
        yield row;
        if (slicer.due()) await slicer.turn();
      }
    } finally {
      // Also when the iteration is given up half-way: the statement is reset, the connection free.
      iterator.return?.();
    }
  } finally {
    pool.release(rc);
  }
}

/**
 * The rows of a small query (a COUNT, a registry row, a page with its count), all at once: on a
 * SQLite file through the read pool's prepared statements, on PostgreSQL as a named prepared
 * statement, in memory through knex.
 */
export async function readRows(db: Database, qb: Knex.QueryBuilder): Promise<Row[]> {
  if (db.dialect === 'postgres') return pgPreparedRows(db.knex, qb);
  const filename = sqliteFilename(db);
  if (filename === undefined) return (await qb) as Row[];
  const { sql, bindings } = qb.toSQL().toNative();
  const pool = poolOf(db, filename);
  const rc = pool.acquire();
  try {
    return statementOf(rc, sql).all(...bindings.map(sqliteBinding));
  } finally {
    pool.release(rc);
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
