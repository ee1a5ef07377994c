/** Runs `meridian features import` against the platform's stores (command.ts declares it). */
import { createWriteStream, type WriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { authenticatedSubject } from '../../../core/auth/index.js';
import { EXIT } from '../../../core/cli/common.js';
import { EXIT_INTERRUPTED } from '../../../core/cli/plugin-commands.js';
import type { PluginCommandInvocation } from '../../../core/plugin.js';
import { isFeaturesError } from '../errors.js';
import type { FeaturesService } from '../types.js';
import { ImportError, importVectorSource, type ImportReport, type RowRejection } from './importer.js';
import { FORMATS } from './formats.js';
import { openVectorFile } from './readers/index.js';
import type { GivenSchema } from './schema.js';
import type { VectorFormat, VectorSource } from './types.js';

interface FeaturesImportCommandOptions {
  collection?: string;
  layer?: string;
  format?: string;
  crs?: string;
  wktColumn?: string;
  lonColumn?: string;
  latColumn?: string;
  delimiter?: string;
  encoding?: string;
  schema?: string;
  title?: string;
  temporalProperty?: string;
  assignIds?: boolean;
  batchSize: number;
  inferRows: number;
  report?: string;
  json?: boolean;
}

/** Rejections shown on stderr without --json; the report file has them all. */
const SHOWN_REJECTIONS = 20;
/** The progress bar counts thousandths of the file. */
const STEPS = 1000;

/** Who the command acts as: an administrator of this platform (it runs with the stores' own credentials). */
export const COMMAND_SUBJECT = authenticatedSubject({ id: 'meridian-cli', issuer: 'meridian:cli', method: 'cli', groups: ['admin'] });

class UsageError extends Error {}

export async function runFeaturesImportCommand(invocation: PluginCommandInvocation): Promise<number> {
  const file = invocation.args[0] as string;
  const o = invocation.options as unknown as FeaturesImportCommandOptions;
  const usage = (message: string) => {
    invocation.stderr.write(`meridian features import: ${message}\n`);
    return EXIT.invalidConfig;
  };
  let schema: GivenSchema | undefined;
  let source: VectorSource;
  let report: WriteStream | undefined;
  try {
    if (o.format !== undefined && !FORMATS.includes(o.format as VectorFormat)) throw new UsageError(`unknown format '${o.format}' (known: ${FORMATS.join(', ')})`);
    if (o.delimiter !== undefined && o.delimiter.replace('\\t', '\t').length !== 1) throw new UsageError('--delimiter takes one character');
    if (o.schema) schema = await readSchema(o.schema);
    source = await openVectorFile(file, {
      format: o.format as VectorFormat | undefined,
      delimiter: o.delimiter?.replace('\\t', '\t'),
      encoding: o.encoding,
      wktColumn: o.wktColumn,
      lonColumn: o.lonColumn,
      latColumn: o.latColumn,
      crs: o.crs,
    });
  } catch (err) {
    return usage((err as Error).message);
  }
  try {
    if (o.report) report = await openReport(o.report);
  } catch (err) {
    await source.close();
    return usage((err as Error).message);
  }
  const bar = o.json ? undefined : invocation.progress(`importing ${file}`, STEPS);
  const shown: RowRejection[] = [];
  let steps = 0;
  let summary: ImportReport;
  try {
    const platform = await invocation.platform({ quiet: o.json });
    const features = platform.service<FeaturesService>('features');
    summary = await importVectorSource(features, source, file, COMMAND_SUBJECT, {
      layer: o.layer,
      collection: o.collection,
      crs: o.crs,
      schema,
      title: o.title,
      temporalProperty: o.temporalProperty,
      ids: o.assignIds ? 'assign' : 'source',
      batchSize: o.batchSize,
      inferRows: o.inferRows,
      signal: invocation.signal,
      onRejected(r) {
        const line = `${JSON.stringify(r)}\n`;
        report?.write(line);
        if (o.json) invocation.stdout.write(line);
        else if (shown.length < SHOWN_REJECTIONS) shown.push(r);
      },
      onProgress(p) {
        if (!bar || p.fraction === undefined) return;
        const label = `${p.layer}: ${p.imported} imported, ${p.rejected} rejected`;
        const target = Math.min(STEPS, Math.floor(p.fraction * STEPS));
        while (steps < target) {
          steps++;
          bar.tick(label);
        }
      },
    });
  } catch (err) {
    bar?.done();
    await close(report);
    await source.close();
    if (err instanceof ImportError) return usage(err.message);
    if (isFeaturesError(err)) {
      invocation.stderr.write(`meridian features import: ${err.message}\n`);
      return err.featuresCode === 'InvalidValue' || err.featuresCode === 'InvalidCrs' ? EXIT.invalidConfig : EXIT.failure;
    }
    throw err;
  }
  bar?.done();
  await source.close();
  const line = `${JSON.stringify(summary)}\n`;
  report?.write(line);
  await close(report);
  if (o.json) invocation.stdout.write(line);
  else writeText(invocation, summary, shown, o.report);
  if (summary.interrupted) return EXIT_INTERRUPTED;
  return summary.rejected > 0 ? EXIT.failure : EXIT.ok;
}

async function readSchema(path: string): Promise<GivenSchema> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read the schema ${path}: ${(err as Error).message}`);
  }
  const s = json as Partial<GivenSchema> | null;
  if (!s || typeof s !== 'object' || !Array.isArray(s.properties)) throw new UsageError(`the schema ${path} must be an object with a "properties" array`);
  return s as GivenSchema;
}

function writeText(invocation: PluginCommandInvocation, s: ImportReport, shown: RowRejection[], reportFile?: string): void {
  for (const r of shown) invocation.stderr.write(`rejected: ${r.layer} row ${r.row}${r.line !== undefined ? ` (line ${r.line})` : ''}${r.id !== undefined ? ` id ${r.id}` : ''}: ${r.reason}\n`);
  if (s.rejected > shown.length) invocation.stderr.write(`... ${s.rejected - shown.length} more rejected rows${reportFile ? ` in ${reportFile}` : ' (--report FILE lists them all)'}\n`);
  for (const l of s.layers) {
    for (const w of l.warnings) invocation.stderr.write(`warning: ${l.layer}: ${w}\n`);
    invocation.stdout.write(`${l.layer}: ${l.imported} feature(s) imported into ${l.created ? 'new ' : ''}collection '${l.collection}' (${l.geometryType}, ${l.crs})${l.rejected ? `, ${l.rejected} rejected` : ''}\n`);
  }
  invocation.stdout.write(`${s.imported} feature(s) imported, ${s.rejected} rejected, in ${(s.durationMs / 1000).toFixed(1)} s${s.interrupted ? '; interrupted (whole batches were written)' : ''}\n`);
}

async function openReport(path: string): Promise<WriteStream> {
  const stream = createWriteStream(path, { flags: 'w' });
  await new Promise<void>((resolve, reject) => {
    stream.once('open', () => resolve());
    stream.once('error', (err) => reject(new UsageError(`cannot write the report to ${path}: ${err.message}`)));
  });
  return stream;
}

function close(stream: WriteStream | undefined): Promise<void> {
  return new Promise((resolve) => (stream ? stream.end(() => resolve()) : resolve()));
}
