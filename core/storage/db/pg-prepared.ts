/**
 * Small PostgreSQL reads as named prepared statements: the server parses (and, after a few runs,
 * plans) a statement once per connection instead of on every request. A bbox page of a feature
 * layer spends as long in parse and bind as in execution when sent unnamed (knex sends every
 * query unnamed). Drivers such as pgjdbc do the same by default (prepareThreshold).
 *
 * Names are bounded: only the first MAX_NAMED distinct SQL texts of a process get one, so ad-hoc
 * queries (filters with lists of any length) cannot grow each connection's statement cache
 * without end; the rest run unnamed as before.
 */
import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

const MAX_NAMED = 256;

/** SQL text → statement name; undefined: run unnamed (over the bound, or its plan went stale). */
const names = new Map<string, string | undefined>();

function statementName(sql: string): string | undefined {
  if (names.has(sql)) return names.get(sql);
  if (names.size >= MAX_NAMED) return undefined;
  const name = `meridian_${createHash('sha256').update(sql).digest('hex').slice(0, 24)}`;
  names.set(sql, name);
  return name;
}

interface PgConnection {
  query(config: { name?: string; text: string; values: unknown[] }): Promise<{ rows: Array<Record<string, unknown>> }>;
}

interface PoolClient {
  acquireConnection(): Promise<PgConnection>;
  releaseConnection(connection: PgConnection): Promise<unknown>;
  emit(event: 'query', query: { method: string; sql: string; bindings: unknown[]; options: { name?: string } }): boolean;
}

/**
 * PostgreSQL refuses a prepared statement whose tables changed shape under it ("cached plan must
 * not change result type", SQLSTATE 0A000): a layer dropped and made again with other column
 * types. The text then runs unnamed from then on.
 */
function isStalePlan(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e?.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan');
}

/** The rows of a SELECT built with knex, run on a pooled connection as a named prepared statement. */
export async function pgPreparedRows(knex: Knex, qb: Knex.QueryBuilder): Promise<Array<Record<string, unknown>>> {
  const { sql, bindings } = qb.toSQL().toNative();
  const client = knex.client as unknown as PoolClient;
  const connection = await client.acquireConnection();
  try {
    const name = statementName(sql);
    const values = bindings as unknown[];
    // Announced as knex announces its own queries, so its observers (query logs, tests) see these too.
    client.emit('query', { method: 'select', sql, bindings: values, options: { name } });
    try {
      return (await connection.query({ name, text: sql, values })).rows;
    } catch (err) {
      if (name === undefined || !isStalePlan(err)) throw err;
      names.set(sql, undefined);
      return (await connection.query({ text: sql, values })).rows;
    }
  } finally {
    await client.releaseConnection(connection);
  }
}
