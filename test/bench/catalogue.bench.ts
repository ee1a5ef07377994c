// catalogue: one million generated products (footprints over the globe, ten years, cloud cover
// and the other EO properties; BENCH_CATALOGUE_PRODUCTS to change) in SQLite and, when
// MERIDIAN_TEST_PG is set, in PostGIS. Measures the import rate through the engine's upsert, and
// the latency of a product search (collection + 20° box + one year + cloud cover <= 30, 20
// results with the total, newest first) through the engine, and through the OpenSearch plugin
// over HTTP when it is there, against the same search as hand-written SQL on the same database,
// query by query in the same run. Target: p99 under 50 ms and at most 2x the hand-written SQL.
import { existsSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANONYMOUS } from '../../core/auth/subjects.js';
import { loadConfig } from '../../core/config/load.js';
import { createLogger } from '../../core/logger.js';
import { assemble, type Meridian } from '../../core/server/assemble.js';
import type { CatalogueQuery, CatalogueService } from '../../plugins/catalogue/types.js';
import { benchDatabases, type BenchDatabase } from './catalogue/databases.js';
import { handWrittenSearch } from './catalogue/hand-sql.js';
import { openSearchRequest } from './catalogue/opensearch-request.js';
import { percentile, productSearches, type ProductSearch } from './catalogue/queries.js';
import type { BenchReport, BenchSettings } from './types.js';

export const TARGET_P99_MS = 50;
export const TARGET_RATIO = 2;

const builtinDir = fileURLToPath(new URL('../../plugins/', import.meta.url));
const hasOpenSearch = existsSync(join(builtinDir, 'opensearch', 'index.ts'));

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, not '${raw}'`);
  return n;
}

async function startServer(database: BenchDatabase): Promise<{ meridian: Meridian; url: string; catalogue: CatalogueService; close(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'meridian-bench-server-'));
  const plugins: Record<string, unknown> = { catalogue: { maxLimit: 1000 } };
  if (hasOpenSearch) plugins.opensearch = {};
  const loaded = await loadConfig({
    builtinDir,
    inline: {
      dataDir,
      builtinPlugins: false,
      plugins,
      database: database.config,
      server: { port: 0, host: '127.0.0.1' },
      log: { level: 'warn', access: false },
      auth: { bootstrapAdmin: false },
    },
  });
  const meridian = await assemble(loaded, createLogger(loaded.config.log), 'serve');
  const ports = await meridian.listen();
  return {
    meridian,
    url: `http://127.0.0.1:${ports.main}`,
    catalogue: meridian.service<CatalogueService>('catalogue'),
    async close() {
      await meridian.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

const engineQuery = (q: ProductSearch): CatalogueQuery => ({
  type: 'product',
  parentIdentifier: q.collection,
  bbox: q.bbox,
  start: q.start,
  end: q.end,
  filter: { op: '<=', left: { kind: 'property', name: 'cloudCover', path: ['cloudCover'] }, right: { kind: 'literal', value: q.maxCloudCover }, matchCase: true, matchAccent: true },
  sortBy: [{ field: 'start', direction: 'desc' }],
  limit: q.count,
});

interface Target {
  name: string;
  search(q: ProductSearch): Promise<{ total: number; identifiers: string[] }>;
}

async function measure(targets: Target[], queries: ProductSearch[], warmup: number): Promise<Map<string, number[]>> {
  const times = new Map(targets.map((t) => [t.name, [] as number[]]));
  for (const [i, q] of queries.entries()) {
    let reference: { total: number; identifiers: string[] } | undefined;
    // Each query on every target in turn, so noise hits them alike; who goes first (and reads the
    // query's pages cold) rotates, so no target gets the others' warm cache every time.
    const order = targets.map((_, k) => targets[(i + k) % targets.length]!);
    for (const t of order) {
      const started = performance.now();
      const result = await t.search(q);
      const ms = performance.now() - started;
      if (i >= warmup) times.get(t.name)!.push(ms);
      if (!reference) reference = result;
      else if (result.total !== reference.total || result.identifiers.join() !== reference.identifiers.join()) {
        throw new Error(`${t.name} answered query ${i} with ${result.total} (${result.identifiers.slice(0, 3).join()}...), ${order[0]!.name} with ${reference.total} (${reference.identifiers.slice(0, 3).join()}...)`);
      }
    }
  }
  return times;
}

export async function run(settings: BenchSettings): Promise<BenchReport> {
  const products = positiveInt('BENCH_CATALOGUE_PRODUCTS', 1_000_000);
  const queryCount = positiveInt('BENCH_CATALOGUE_QUERIES', 300);
  const warmup = Math.min(30, Math.floor(queryCount / 10));
  const queries = productSearches(queryCount + warmup);
  const databases = await benchDatabases(products, settings.log);
  const table: Array<Record<string, string>> = [];
  const data: Record<string, unknown> = { products, queries: queryCount };
  let met = true;
  const verdicts: string[] = [];
  try {
    for (const database of databases) {
      const server = await startServer(database);
      try {
        const targets: Target[] = [
          { name: 'hand-written SQL', search: (q) => handWrittenSearch(database.db, q) },
          {
            name: 'engine search',
            search: async (q) => {
              const r = await server.catalogue.search(engineQuery(q), ANONYMOUS);
              return { total: r.numberMatched, identifiers: r.records.map((x) => x.identifier) };
            },
          },
        ];
        if (hasOpenSearch) targets.push({ name: 'OpenSearch (HTTP)', search: (q) => openSearchRequest(server.url, q) });
        settings.log(`${database.name}: ${queries.length} searches on ${targets.map((t) => t.name).join(', ')}`);
        const times = await measure(targets, queries, warmup);
        const hand = times.get('hand-written SQL')!;
        const handP99 = percentile(hand, 99);
        const totals = await Promise.all(queries.slice(0, 20).map((q) => handWrittenSearch(database.db, q).then((r) => r.total)));
        for (const t of targets) {
          const ms = times.get(t.name)!;
          const p50 = percentile(ms, 50);
          const p99 = percentile(ms, 99);
          const ratio = p99 / handP99;
          table.push({
            database: database.name,
            target: t.name,
            'import /s': database.importRate === null ? 'reused' : database.importRate.toFixed(0),
            'p50 ms': p50.toFixed(2),
            'p99 ms': p99.toFixed(2),
            'p99 / SQL': ratio.toFixed(2),
          });
          data[`${database.name}:${t.name}`] = { p50, p99, ratio, times: ms };
          if (t.name !== 'hand-written SQL' && t.name === (hasOpenSearch ? 'OpenSearch (HTTP)' : 'engine search')) {
            const ok = p99 < TARGET_P99_MS && ratio <= TARGET_RATIO;
            met &&= ok;
            verdicts.push(`${database.name} ${t.name}: p99 ${p99.toFixed(1)} ms, ${ratio.toFixed(2)}x SQL (${ok ? 'met' : 'MISSED'})`);
          }
        }
        data[`${database.name}:import`] = { rate: database.importRate, seconds: database.importSeconds };
        data[`${database.name}:sampleTotals`] = totals;
      } finally {
        await server.close();
      }
    }
  } finally {
    for (const d of databases) await d.dispose();
  }
  return {
    name: 'catalogue',
    table,
    summary: `${products} products, ${queryCount} searches (matching ${JSON.stringify((data[`sqlite:sampleTotals`] as number[] | undefined)?.slice(0, 8))}... each); target p99 < ${TARGET_P99_MS} ms and <= ${TARGET_RATIO}x SQL: ${verdicts.join('; ')}`,
    metTarget: met,
    data,
  };
}
