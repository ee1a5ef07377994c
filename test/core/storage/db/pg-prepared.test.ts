/**
 * Small PostgreSQL reads as named prepared statements (core/storage/db/pg-prepared.ts): the rows
 * are those knex reads; a statement is parsed once per connection and reused; a table made again
 * with other column types under a prepared statement still reads (unnamed from then on); knex's
 * query observers see each read.
 */
import assert from 'node:assert/strict';
import { pgPreparedRows } from '../../../../core/storage/db/pg-prepared.js';
import { testDatabaseKinds, type TestDatabase } from '../../../helpers/databases.js';

const postgres = testDatabaseKinds().find((k) => k.name === 'postgres');

(postgres ? describe : describe.skip)('core/storage/db pgPreparedRows (postgres)', () => {
  let t: TestDatabase;
  before(async () => {
    t = await postgres!.open();
    await t.db.knex.schema.createTable('things', (table) => {
      table.integer('id').primary();
      table.text('name');
      table.double('value');
    });
    await t.db.knex('things').insert([
      { id: 1, name: 'one', value: 1.5 },
      { id: 2, name: 'two', value: 2.5 },
      { id: 3, name: 'three', value: null },
    ]);
  });
  after(async () => t?.dispose());

  const byName = (name: string) => t.db.knex('things').select('id', 'name', 'value').where('name', name);

  it('reads the rows knex reads, with their types', async () => {
    for (const name of ['one', 'two', 'three', 'none']) {
      assert.deepEqual(await pgPreparedRows(t.db.knex, byName(name)), await byName(name));
    }
    const [row] = await pgPreparedRows(t.db.knex, t.db.knex('things').count({ n: '*' }).where('value', '>', 1));
    assert.equal(Number(row!.n), 2);
  });

  it('prepares a statement once per connection and runs it again by name', async () => {
    for (let i = 0; i < 5; i++) await pgPreparedRows(t.db.knex, byName(i % 2 ? 'one' : 'two'));
    // The pool's connections, each asked what it has prepared (a statement of this test's table).
    const connections = await Promise.all(Array.from({ length: 4 }, () => (t.db.knex.client as { acquireConnection(): Promise<unknown> }).acquireConnection()));
    try {
      let prepared = 0;
      for (const c of connections) {
        const { rows } = await (c as { query(sql: string): Promise<{ rows: Array<{ name: string; statement: string }> }> }).query('SELECT name, statement FROM pg_prepared_statements');
        const mine = rows.filter((r) => r.statement.includes('"things"') && r.statement.includes('"name" = $1'));
        assert.ok(mine.length <= 1, 'one statement per text and connection');
        prepared += mine.length;
        for (const r of mine) assert.match(r.name, /^meridian_[0-9a-f]{24}$/);
      }
      assert.ok(prepared >= 1, 'the read was prepared on a connection');
    } finally {
      for (const c of connections) await (t.db.knex.client as { releaseConnection(c: unknown): Promise<unknown> }).releaseConnection(c);
    }
  });

  it('still reads a table made again with other column types under its prepared statement', async () => {
    const all = () => t.db.knex('remade').select('*').orderBy('id');
    await t.db.knex.schema.createTable('remade', (table) => {
      table.integer('id').primary();
      table.integer('size');
    });
    await t.db.knex('remade').insert({ id: 1, size: 7 });
    for (let i = 0; i < 6; i++) assert.deepEqual(await pgPreparedRows(t.db.knex, all()), [{ id: 1, size: 7 }]);
    await t.db.knex.schema.dropTable('remade');
    await t.db.knex.schema.createTable('remade', (table) => {
      table.integer('id').primary();
      table.text('size');
    });
    await t.db.knex('remade').insert({ id: 1, size: 'large' });
    for (let i = 0; i < 6; i++) assert.deepEqual(await pgPreparedRows(t.db.knex, all()), [{ id: 1, size: 'large' }]);
  });

  it('reports a failing statement as the database error, and the connection reads on', async () => {
    await assert.rejects(pgPreparedRows(t.db.knex, t.db.knex('no_such_table').select('*')), /no_such_table/);
    assert.equal((await pgPreparedRows(t.db.knex, byName('one'))).length, 1);
  });

  it("is seen by knex's query observers", async () => {
    const seen: string[] = [];
    const listen = (q: { sql: string }) => seen.push(q.sql);
    t.db.knex.on('query', listen);
    try {
      await pgPreparedRows(t.db.knex, byName('two'));
    } finally {
      t.db.knex.off('query', listen);
    }
    assert.equal(seen.length, 1);
    assert.match(seen[0]!, /"things"/);
  });
});
