/** The GDAL command-line tools the built-in processes use, with failures that say what went wrong. */
import { join } from 'node:path';
import { runCommand } from '../backends/run-command.js';
import type { BuiltinRun, StagedFile } from './types.js';

export const GEOTIFF = 'image/tiff; application=geotiff';
export const COG = 'image/tiff; application=geotiff; profile=cloud-optimized';

export async function gdal(run: BuiltinRun, command: string, args: string[]): Promise<void> {
  run.log(`$ ${command} ${args.map((a) => (/\s/.test(a) ? `'${a}'` : a)).join(' ')}`);
  const result = await runCommand(command, args, { cwd: run.workDir, signal: run.signal, onLine: run.log, meter: run.meter ? { meter: run.meter, usageFile: join(run.workDir, 'usage.txt') } : undefined });
  if (result.code !== 0) throw new Error(`${command} failed (exit ${result.code ?? result.signal}): ${result.tail.filter((l) => l.trim()).slice(-3).join(' | ') || 'no message'}`);
}

export function fileInput(run: BuiltinRun, id: string): string {
  const value = run.inputs[id] as StagedFile | undefined;
  if (!value || value.class !== 'File') throw new Error(`input '${id}' is missing`);
  return value.path;
}

export function fileOutput(path: string): StagedFile & { format: string } {
  return { class: 'File', path, format: COG };
}
