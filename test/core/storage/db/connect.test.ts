import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { loadConfig } from '../../../../core/config/load.js';
import { ConfigError } from '../../../../core/config/types.js';
import { openDatabase } from '../../../../core/storage/db/connect.js';

const url = process.env.MERIDIAN_TEST_PG;

/** The part of better-sqlite3 used here (it ships no types; knex is its usual user). */
interface SqliteConnection {
  exec(sql: string): void;
  close(): void;
}
const BetterSqlite3 = createRequire(import.meta.url)('better-sqlite3') as new (file: string) => SqliteConnection;

describe('core/storage/db/connect: PostgreSQL session settings', () => {
  it('refuses settings that could smuggle options into the connection string', async () => {
    const load = (settings: unknown) => loadConfig({ inline: { builtinPlugins: false, database: { client: 'postgres', url: 'postgres://x@localhost/db', settings } } });
    await assert.rejects(load({ random_page_cost: '1 -c foo=bar' }), ConfigError);
    await assert.rejects(load({ 'bad name': 1 }), ConfigError);
    await load({ random_page_cost: 1.5, jit: false, search_path: 'a' });
  });

  if (url) {
    const show = async (settings: Record<string, string | number | boolean> | undefined, name: string) => {
      const db = await openDatabase({ client: 'postgres', url, pool: { max: 2 }, ...(settings ? { settings } : {}) });
      try {
        // Two connections at once: each starts with the settings.
        const rows = await Promise.all([0, 1].map(() => db.knex.raw(`SELECT current_setting(?) AS v, pg_backend_pid() AS pid, pg_sleep(0.05)`, [name])));
        assert.notEqual(rows[0].rows[0].pid, rows[1].rows[0].pid);
        return rows.map((r) => r.rows[0].v as string);
      } finally {
        await db.close();
      }
    };

    it('starts every connection with random_page_cost 1.1 by default, the given settings instead when config has them', async () => {
      assert.deepEqual(await show(undefined, 'random_page_cost'), ['1.1', '1.1']);
      assert.deepEqual(await show({ work_mem: '16MB' }, 'work_mem'), ['16MB', '16MB']);
      const server = await show({}, 'random_page_cost');
      assert.equal(server[0], server[1]);
      assert.notEqual(server[0], undefined);
    });
  }
});

describe('core/storage/db/connect: SQLite', () => {
  it('opens a file another connection holds locked past busy_timeout, once the lock is let go, in WAL mode', async function () {
    this.timeout(30000);
    const dir = mkdtempSync(join(tmpdir(), 'meridian-connect-'));
    const file = join(dir, 'locked.db');
    const holder = new BetterSqlite3(file);
    try {
      // A rollback-journal file held EXCLUSIVE: the new connection's switch to WAL waits out its
      // busy_timeout synchronously (this thread cannot let go meanwhile) and fails with SQLITE_BUSY.
      holder.exec('CREATE TABLE t (x)');
      holder.exec('BEGIN EXCLUSIVE');
      holder.exec('INSERT INTO t VALUES (1)');
      setTimeout(() => holder.exec('COMMIT'), 50);
      const db = await openDatabase({ client: 'sqlite', filename: file });
      try {
        const mode = await db.knex.raw('PRAGMA journal_mode');
        assert.deepEqual(mode, [{ journal_mode: 'wal' }]);
        assert.deepEqual(await db.knex('t').select('x'), [{ x: 1 }]);
      } finally {
        await db.close();
      }
    } finally {
      holder.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
