/**
 * The benchmark's databases, filled once with the generated products: SQLite in a file, and
 * PostgreSQL/PostGIS when MERIDIAN_TEST_PG is set. BENCH_CATALOGUE_DIR keeps the SQLite file
 * and BENCH_CATALOGUE_PG_SCHEMA the PostgreSQL schema between runs (reused when they already
 * hold the same number of products); otherwise both are dropped afterwards.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import knexFactory from 'knex';
import { openDatabase, type DatabaseConfig } from '../../../core/storage/db/connect.js';
import type { Database } from '../../../core/storage/db/types.js';
import { catalogueMigrations } from '../../../plugins/catalogue/migrations.js';
import { sampleRecordStream } from '../../../plugins/catalogue/sample-data.js';
import { upsertRecords } from '../../../plugins/catalogue/write.js';

export interface BenchDatabase {
  name: 'sqlite' | 'postgis';
  config: DatabaseConfig;
  db: Database;
  /** Products per second of the load (null when an earlier run's data was reused). */
  importRate: number | null;
  importSeconds: number | null;
  dispose(): Promise<void>;
}

const BATCH = 1000;

async function productCount(db: Database): Promise<number> {
  if (!(await db.knex.schema.hasTable('catalogue_records'))) return 0;
  const [row] = (await db.knex('catalogue_records').where('type', 'product').count({ n: '*' })) as Array<{ n: number | string }>;
  return Number(row?.n ?? 0);
}

/** Loads `products` generated products (plus the collections) in batches through the engine's upsert. */
async function load(db: Database, products: number, log: (line: string) => void): Promise<number> {
  await db.migrate('catalogue', catalogueMigrations);
  const started = performance.now();
  let batch = [];
  let done = 0;
  for (const record of sampleRecordStream(products)) {
    batch.push(record);
    if (batch.length === BATCH) {
      await upsertRecords(db, batch);
      done += batch.length;
      batch = [];
      if (done % 100_000 < BATCH) log(`  ${done} records loaded (${(done / ((performance.now() - started) / 1000)).toFixed(0)}/s)`);
    }
  }
  if (batch.length) await upsertRecords(db, batch);
  // Planner statistics, as a maintained database has them (autovacuum; SQLite's PRAGMA optimize).
  await db.knex.raw('ANALYZE');
  return (performance.now() - started) / 1000;
}

async function prepare(name: BenchDatabase['name'], config: DatabaseConfig, products: number, keep: boolean, drop: () => Promise<void>, log: (line: string) => void): Promise<BenchDatabase> {
  const db = await openDatabase(config);
  let seconds: number | null = null;
  const existing = await productCount(db);
  if (existing === products) {
    log(`${name}: reusing ${existing} products`);
  } else {
    if (existing > 0) throw new Error(`${name}: the kept database holds ${existing} products, not ${products}; remove it or change BENCH_CATALOGUE_PRODUCTS`);
    log(`${name}: loading ${products} products`);
    seconds = await load(db, products, log);
  }
  return {
    name,
    config,
    db,
    importSeconds: seconds,
    importRate: seconds === null ? null : (products + 4) / seconds,
    async dispose() {
      await db.close();
      if (!keep) await drop();
    },
  };
}

export async function benchDatabases(products: number, log: (line: string) => void): Promise<BenchDatabase[]> {
  const out: BenchDatabase[] = [];
  const keptDir = process.env.BENCH_CATALOGUE_DIR;
  const dir = keptDir ?? mkdtempSync(join(tmpdir(), 'meridian-bench-catalogue-'));
  if (keptDir && !existsSync(keptDir)) mkdirSync(keptDir, { recursive: true });
  const filename = join(dir, `catalogue-${products}.sqlite`);
  out.push(await prepare('sqlite', { client: 'sqlite', filename }, products, keptDir !== undefined, async () => rmSync(dir, { recursive: true, force: true }), log));
  const url = process.env.MERIDIAN_TEST_PG;
  if (url) {
    const keptSchema = process.env.BENCH_CATALOGUE_PG_SCHEMA;
    const schema = keptSchema ?? `bench_${randomBytes(4).toString('hex')}`;
    const drop = async () => {
      const admin = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
      try {
        await admin.raw('DROP SCHEMA IF EXISTS ?? CASCADE', [schema]);
      } finally {
        await admin.destroy();
      }
    };
    const pg = await prepare('postgis', { client: 'postgres', url, schema, pool: { max: 4 } }, products, keptSchema !== undefined, drop, log);
    if (!pg.db.postgis) throw new Error('MERIDIAN_TEST_PG has no PostGIS extension: CREATE EXTENSION postgis');
    out.push(pg);
  }
  return out;
}
