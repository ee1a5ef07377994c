import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

/**
 * One record of the `epsg-index` package (derived from epsg.io): every EPSG CRS, plus ESRI codes
 * from 100000 up and the historical 900913. `proj4` is null for the few hundred CRSs PROJ cannot
 * express (engineering and derived CRSs, some grids); `wkt` (WKT1) carries AXIS only for some.
 */
export interface EpsgRecord {
  code: string;
  kind: string;
  name: string;
  wkt: string | null;
  proj4: string | null;
  /** [north, west, south, east] in degrees; all zeros when unknown. */
  bbox: [number, number, number, number];
  unit: string | null;
  area: string | null;
  accuracy: number | null;
}

const require = createRequire(import.meta.url);
let recordsDir: string | undefined;

/** The folder of one-file-per-code records, so a lookup reads ~1 kB instead of the 8 MB index. */
function dir(): string {
  recordsDir ??= path.join(path.dirname(require.resolve('epsg-index/package.json')), 's');
  return recordsDir;
}

const records = new Map<string, EpsgRecord | null>();

/** The record for a numeric code, read on first request and cached (misses too). */
export function epsgRecord(code: string): EpsgRecord | undefined {
  if (!/^\d{1,9}$/.test(code)) return undefined;
  const cached = records.get(code);
  if (cached !== undefined) return cached ?? undefined;
  let record: EpsgRecord | null = null;
  try {
    record = JSON.parse(readFileSync(path.join(dir(), `${code}.json`), 'utf8')) as EpsgRecord;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  records.set(code, record);
  return record ?? undefined;
}

let codes: number[] | undefined;

/** Every code the index holds, ascending (read from the folder listing once). */
export function epsgIndexCodes(): readonly number[] {
  codes ??= readdirSync(dir())
    .filter((f) => /^\d+\.json$/.test(f))
    .map((f) => Number(f.slice(0, -5)))
    .sort((a, b) => a - b);
  return codes;
}

/** ESRI codes start at 100000 in the index; 900913 is the old Google code for EPSG:3857. */
export function isEsriCode(code: string): boolean {
  const n = Number(code);
  return n >= 100000 && n !== 900913;
}
