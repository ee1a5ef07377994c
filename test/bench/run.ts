// `npm run bench`: runs every test/bench/*.bench.ts (or those whose names contain the given
// arguments), prints each one's table and verdict, and writes the results as JSON to
// test/bench/results/. Figures are reported, never asserted: the exit status is 0 unless a
// benchmark could not run at all.
//
// Settings from the environment: BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 3),
// BENCH_CONNECTIONS (default 50), BENCH_ROUNDS (default 2).
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchReport, BenchRun, BenchSettings } from './types.js';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const resultsDir = join(benchDir, 'results');

function positive(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not '${raw}'`);
  return n;
}

/** A plain text table: a header from the first row's keys, columns padded to fit. */
export function formatTable(rows: Array<Record<string, string>>): string {
  if (rows.length === 0) return '';
  const columns = Object.keys(rows[0]!);
  const width = columns.map((c) => Math.max(c.length, ...rows.map((r) => (r[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => cell.padEnd(width[i]!)).join('  ').trimEnd();
  return [line(columns), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(columns.map((c) => r[c] ?? '')))].join('\n');
}

async function main(): Promise<void> {
  const filters = process.argv.slice(2);
  const files = readdirSync(benchDir)
    .filter((f) => f.endsWith('.bench.ts'))
    .filter((f) => filters.length === 0 || filters.some((word) => f.includes(word)))
    .sort();
  if (files.length === 0) throw new Error(`no benchmark in ${benchDir}${filters.length ? ` matching ${filters.join(', ')}` : ''}`);
  const settings: BenchSettings = {
    durationSec: positive('BENCH_DURATION', 10),
    warmupSec: positive('BENCH_WARMUP', 3),
    connections: Math.round(positive('BENCH_CONNECTIONS', 50)),
    rounds: Math.round(positive('BENCH_ROUNDS', 2)),
    log: (line) => process.stderr.write(`  ${line}\n`),
  };
  const machine = { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, loadavg: loadavg() };
  mkdirSync(resultsDir, { recursive: true });
  for (const file of files) {
    const name = basename(file, '.bench.ts');
    process.stderr.write(`${name}: ${settings.connections} connections, ${settings.durationSec} s runs x ${settings.rounds} rounds\n`);
    const mod = (await import(pathToFileURL(join(benchDir, file)).href)) as { run?: BenchRun };
    if (typeof mod.run !== 'function') throw new Error(`${file} exports no run function`);
    const report: BenchReport = await mod.run(settings);
    process.stdout.write(`\n${report.name}\n${formatTable(report.table)}\n${report.summary}\n`);
    const at = new Date().toISOString();
    const out = join(resultsDir, `${report.name}-${at.replace(/[:.]/g, '-')}.json`);
    const { log: _log, ...recorded } = settings;
    writeFileSync(out, `${JSON.stringify({ ...report, at, settings: recorded, machine }, null, 2)}\n`);
    process.stdout.write(`results: ${out}\n`);
  }
}

main().then(
  // Servers and the load generator's workers are closed; exit rather than wait for stray timers.
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
