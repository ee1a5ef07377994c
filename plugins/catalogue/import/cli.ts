/** Runs `meridian catalogue import` against the platform's stores (command.ts declares it). */
import { createWriteStream, type WriteStream } from 'node:fs';
import { EXIT } from '../../../core/cli/common.js';
import { EXIT_INTERRUPTED } from '../../../core/cli/plugin-commands.js';
import { MeridianError } from '../../../core/errors.js';
import type { PluginCommandInvocation } from '../../../core/plugin.js';
import type { CatalogueService } from '../types.js';
import { runImport } from './importer.js';
import { isRecordError } from './writer.js';
import type { ImportSummary, Rejection } from './types.js';

interface ImportCommandOptions {
  collection?: string;
  createCollection?: boolean;
  concurrency: number;
  batchSize: number;
  report?: string;
  json?: boolean;
  resume?: boolean;
}

/** Rejections shown on stderr without --json; the report file has them all. */
const SHOWN_REJECTIONS = 20;

export async function runImportCommand(invocation: PluginCommandInvocation): Promise<number> {
  const source = invocation.args[0] as string;
  const o = invocation.options as unknown as ImportCommandOptions;
  const platform = await invocation.platform({ quiet: o.json });
  const catalogue = platform.service<CatalogueService>('catalogue');
  const report = o.report ? await openReport(o.report) : undefined;
  const bar = o.json ? undefined : invocation.progress('importing', 1);
  const shown: Rejection[] = [];
  let summary: ImportSummary;
  try {
    summary = await runImport(
      { catalogue, db: platform.db, blobs: platform.blobs, logger: platform.logger },
      {
        source,
        collection: o.collection,
        createCollection: o.createCollection,
        concurrency: o.concurrency,
        batchSize: o.batchSize,
        resume: o.resume,
        signal: invocation.signal,
        onRejected(r) {
          const line = `${JSON.stringify(r)}\n`;
          report?.write(line);
          if (o.json) invocation.stdout.write(line);
          else if (shown.length < SHOWN_REJECTIONS) shown.push(r);
        },
        onProgress(p) {
          bar?.setTotal(p.found);
          bar?.tick(p.current);
        },
      },
    );
  } catch (err) {
    bar?.done();
    await closeReport(report);
    // A refused request (no such collection, a bad source) is the user's to fix: no stack.
    if (isRecordError(err) && err.expose) {
      invocation.stderr.write(`meridian catalogue import: ${err.message}\n`);
      return EXIT.failure;
    }
    throw err;
  }
  bar?.done();
  const line = `${JSON.stringify(summary)}\n`;
  report?.write(line);
  await closeReport(report);
  if (o.json) invocation.stdout.write(line);
  else writeText(invocation, summary, shown, o.report);
  if (summary.interrupted) return EXIT_INTERRUPTED;
  return summary.records.rejected + summary.sources.rejected > 0 ? EXIT.failure : EXIT.ok;
}

function writeText(invocation: PluginCommandInvocation, s: ImportSummary, shown: Rejection[], reportFile?: string): void {
  const rejected = s.records.rejected + s.sources.rejected;
  for (const r of shown) invocation.stderr.write(`rejected: ${r.source}${r.record ? ` (${r.record})` : ''}: ${r.reason}${r.locator ? ` [${r.locator}]` : ''}\n`);
  if (rejected > shown.length) invocation.stderr.write(`... ${rejected - shown.length} more rejections${reportFile ? ` in ${reportFile}` : ' (--report FILE lists them all)'}\n`);
  const parts = [
    `${s.records.imported} record(s) imported (${s.records.collections} collection(s), ${s.records.products} product(s)) from ${s.sources.imported} source(s)`,
    s.sources.skipped ? `${s.sources.skipped} unchanged source(s) skipped` : '',
    rejected ? `${s.records.rejected} record(s) and ${s.sources.rejected} source(s) rejected` : '',
    s.collectionCreated ? `collection '${s.collection}' created` : '',
    s.interrupted ? 'interrupted: run again with --resume to continue' : '',
  ].filter(Boolean);
  invocation.stdout.write(`${parts.join('; ')}\n`);
}

async function openReport(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) => reject(new MeridianError(400, `cannot write the report to ${path}: ${err.message}`)));
  });
  return stream;
}

function closeReport(stream: WriteStream | undefined): Promise<void> {
  return new Promise((resolve) => (stream ? stream.end(() => resolve()) : resolve()));
}
