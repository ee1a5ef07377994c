import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Migration } from '../../../../core/storage/db/types.js';
import { testDatabaseKinds } from '../../../helpers/databases.js';

const child = fileURLToPath(new URL('../../../fixtures/db/migrate-child.ts', import.meta.url));

function runChild(file: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as string[]) : reject(new Error(`child failed (${code}): ${err}`))));
  });
}

describe('database migrations', () => {
  for (const kind of testDatabaseKinds()) {
    describe(kind.name, () => {
      it('applies pending migrations in name order, once', async () => {
        const { db, dispose } = await kind.open();
        try {
          const order: string[] = [];
          const m = (name: string): Migration => ({ name, up: async () => void order.push(name) });
          assert.deepEqual(await db.migrate('owner', [m('002-b'), m('001-a')]), ['001-a', '002-b']);
          assert.deepEqual(await db.migrate('owner', [m('002-b'), m('001-a'), m('003-c')]), ['003-c']);
          assert.deepEqual(order, ['001-a', '002-b', '003-c']);
          // Owners are separate histories.
          assert.deepEqual(await db.migrate('other', [m('001-a')]), ['001-a']);
        } finally {
          await dispose();
        }
      });

      it('leaves nothing of a migration that fails half-way, and records nothing for it', async () => {
        const { db, dispose } = await kind.open();
        try {
          const failing: Migration = {
            name: '001-broken',
            async up(knex) {
              await knex.schema.createTable('half', (t) => t.increments('id'));
              throw new Error('boom');
            },
          };
          await assert.rejects(db.migrate('owner', [failing]), /boom/);
          assert.equal(await db.knex.schema.hasTable('half'), false);
          const rows = await db.knex('meridian_migrations').where({ owner: 'owner' });
          assert.equal(rows.length, 0);
        } finally {
          await dispose();
        }
      });
    });
  }

  it('lets two processes migrate one SQLite file at once, each migration applied exactly once', async function () {
    this.timeout(60000);
    const dir = mkdtempSync(join(tmpdir(), 'meridian-migrate-'));
    try {
      const file = join(dir, 'race.db');
      const [a, b] = await Promise.all([runChild(file), runChild(file)]);
      assert.deepEqual([...a, ...b].sort(), ['000-table', '001-table', '002-table', '003-table', '004-table']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
