/** Reading encoder output with real GDAL: gdalinfo -json, GDAL's Python bindings, GDAL's COG validator. */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SampleArray } from '../../../../plugins/coverages/types.js';

/** GDAL's bindings are installed for the system Python, not for whichever python3 is first on PATH. */
export const PYTHON = '/usr/bin/python3';
const HERE = dirname(fileURLToPath(import.meta.url));
const COG_VALIDATOR = [
  '/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_cloud_optimized_geotiff.py',
  '/usr/share/doc/python3-gdal/examples/validate_cloud_optimized_geotiff.py',
].find((p) => existsSync(p));

export interface GdalBand {
  dtype: string;
  sha256: string;
  nodata: number | 'nan' | null;
  description: string;
  unit: string;
  colorInterpretation: string;
  block: [number, number];
  overviews: Array<{ size: [number, number]; block: [number, number]; meanError: number; emptyIsNodata: boolean; mask?: { size: [number, number]; valid: number } }>;
  /** GDAL's mask flags: 2 for an internal (per-dataset) mask. */
  maskFlags: number;
  /** Digest of the mask band (255 valid, 0 not) when it is an internal mask. */
  maskSha256: string | null;
}

export interface GdalRead {
  size: [number, number];
  geotransform: number[];
  epsg: string | null;
  imageStructure: Record<string, string>;
  metadata: Record<string, string>;
  bands: GdalBand[];
}

/** What GDAL reads from each file, by path (one Python run for all). */
export function readWithGdal(paths: string[]): Record<string, GdalRead> {
  return JSON.parse(execFileSync(PYTHON, [join(HERE, 'gdal-read.py'), ...paths], { encoding: 'utf8', maxBuffer: 256 << 20 })) as Record<string, GdalRead>;
}

// gdalinfo -json's document is large and loosely typed: the tests read the parts they check.
export type GdalInfo = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export function gdalinfoJson(path: string): GdalInfo {
  return JSON.parse(execFileSync('gdalinfo', ['-json', path], { encoding: 'utf8', maxBuffer: 64 << 20 })) as GdalInfo;
}

/** Runs GDAL's validate_cloud_optimized_geotiff.py with the full check (tile leaders and trailers). */
export function validateCog(path: string): { valid: boolean; output: string } {
  if (!COG_VALIDATOR) throw new Error('validate_cloud_optimized_geotiff.py (python3-gdal) is not installed');
  try {
    const output = execFileSync(PYTHON, [COG_VALIDATOR, '--full-check=yes', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { valid: /is a valid cloud optimized GeoTIFF/.test(output), output };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { valid: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

/** The digest gdal-read.py computes: the samples' little-endian bytes. */
export function sha256(samples: SampleArray): string {
  return createHash('sha256').update(new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength)).digest('hex');
}
