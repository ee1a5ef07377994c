/**
 * The one engine call of a WCS 1.0 or 1.1 GetCoverage: read the target grid and encode it. The
 * engine's neutral errors are handed to the version's own mapping (its exception codes).
 */
import type { CoverageErrorCode } from '../../coverages/errors.js';
import type { CoverageDescription, EncodedOutput, Grid, Resampling } from '../../coverages/types.js';
import type { WcsEnv } from '../context.js';
import type { Format1 } from './formats.js';

export interface Read1 {
  target: Grid;
  bands?: number[];
  time?: { begin: string; end: string };
  resampling: Resampling;
  format: Format1;
}

/** The engine's error code when `err` is a CoverageError (read structurally: only its types are shared). */
export function coverageCodeOf(err: unknown): CoverageErrorCode | undefined {
  if (typeof err !== 'object' || err === null || !('coverageCode' in err)) return undefined;
  return (err as { coverageCode: CoverageErrorCode }).coverageCode;
}

export async function encodeCoverage(env: WcsEnv, d: CoverageDescription, read: Read1, mapError: (code: CoverageErrorCode, message: string) => unknown): Promise<EncodedOutput> {
  try {
    return await env.coverages.coverage(
      { coverage: d.id, target: read.target, bands: read.bands, time: read.time, resampling: read.resampling, format: read.format.engine },
      env.subject,
    );
  } catch (err) {
    const code = coverageCodeOf(err);
    if (code === undefined || code === 'SourceUnreadable') throw err;
    throw mapError(code, (err as Error).message);
  }
}
