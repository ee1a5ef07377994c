import type { Knex } from 'knex';
import type { Database, Migration } from './types.js';

const TABLE = 'meridian_migrations';
// Arbitrary constant: serialises concurrent `migrate` runs (server and workers starting together).
const PG_LOCK_KEY = 0x4d524944;

/**
 * Applies the migrations of `owner` that are not yet recorded, in name order, each in its own
 * transaction together with its record, so a failed step leaves nothing half-applied.
 * Returns the names applied.
 */
export async function migrate(db: Database, owner: string, migrations: Migration[]): Promise<string[]> {
  const { knex } = db;
  await ensureTable(knex);
  const ordered = [...migrations].sort((a, b) => a.name.localeCompare(b.name));
  const names = new Set<string>();
  for (const m of ordered) {
    if (names.has(m.name)) throw new Error(`Migration '${m.name}' of '${owner}' is listed twice`);
    names.add(m.name);
  }
  const applied: string[] = [];
  const run = async () => {
    const done = new Set(
      (await knex(TABLE).where({ owner }).select('name')).map((r: { name: string }) => r.name),
    );
    for (const m of ordered) {
      if (done.has(m.name)) continue;
      const record = { owner, name: m.name, applied_at: new Date().toISOString() };
      const ran = await knex.transaction(async (trx) => {
        if (db.dialect === 'sqlite') {
          // Writing the record first takes SQLite's write lock before anything else, so of two
          // processes racing here the second waits, then finds the record and skips the step.
          try {
            await trx(TABLE).insert(record);
          } catch (err) {
            if (String((err as { code?: string }).code).startsWith('SQLITE_CONSTRAINT')) return false;
            throw err;
          }
          await m.up(trx, db);
          return true;
        }
        await m.up(trx, db);
        await trx(TABLE).insert(record);
        return true;
      });
      if (ran) applied.push(m.name);
    }
  };
  if (db.dialect === 'postgres') {
    // A session-level advisory lock needs one connection for lock and unlock.
    const conn = await knex.client.acquireConnection();
    try {
      await conn.query('SELECT pg_advisory_lock($1)', [PG_LOCK_KEY]);
      try {
        await run();
      } finally {
        await conn.query('SELECT pg_advisory_unlock($1)', [PG_LOCK_KEY]);
      }
    } finally {
      await knex.client.releaseConnection(conn);
    }
  } else {
    await retryWhileBusy(run);
  }
  return applied;
}

/**
 * SQLite has no advisory lock: when another process migrates the same file, a write fails with
 * SQLITE_BUSY. Each migration commits with its record, so starting over (which re-reads what
 * is applied) is safe.
 */
async function retryWhileBusy(run: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      if (!code.startsWith('SQLITE_BUSY') || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

async function ensureTable(knex: Knex): Promise<void> {
  if (await knex.schema.hasTable(TABLE)) return;
  try {
    await knex.schema.createTable(TABLE, (t) => {
      t.string('owner', 100).notNullable();
      t.string('name', 200).notNullable();
      t.string('applied_at', 40).notNullable();
      t.primary(['owner', 'name']);
    });
  } catch (err) {
    // Another process created it between the check and the create.
    if (!(await knex.schema.hasTable(TABLE))) throw err;
  }
}
