/**
 * Test helpers for the warp stage: an in-memory RasterSource over typed arrays (our own
 * interface implemented for real, with overview levels and nodata), sources defined by a
 * function of CRS coordinates, and GDAL round trips (write a source as a raw-backed VRT, run
 * gdalwarp, read its raw output back).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { allocateSamples } from '../../../../plugins/coverages/warp/samples.js';
import type { PixelWindow, RasterSource, SourceLevel } from '../../../../plugins/coverages/raster-source.js';
import type { BandDescription, GeoTransform, Raster, SampleArray, SampleType } from '../../../../plugins/coverages/types.js';

export interface MemoryLevel extends SourceLevel {
  /** One array per band, row-major. */
  bands: SampleArray[];
}

export class MemoryRasterSource implements RasterSource {
  readonly id: string;
  readonly crs: string;
  readonly width: number;
  readonly height: number;
  readonly transform: GeoTransform;
  readonly levels: MemoryLevel[];
  readonly bands: BandDescription[];
  readonly sampleType: SampleType;
  readonly nodata?: number;
  /** Every readWindow call, in order. */
  readonly reads: Array<{ level: number; window: PixelWindow; bands: number[] }> = [];

  constructor(options: { id?: string; crs: string; sampleType: SampleType; levels: MemoryLevel[]; nodata?: number }) {
    const base = options.levels[0]!;
    this.id = options.id ?? 'memory';
    this.crs = options.crs;
    this.width = base.width;
    this.height = base.height;
    this.transform = base.transform;
    this.levels = options.levels;
    this.sampleType = options.sampleType;
    this.nodata = options.nodata;
    this.bands = base.bands.map((_, b) => ({ name: `band${b + 1}`, sampleType: options.sampleType, nodata: options.nodata }));
  }

  async readWindow(level: number, window: PixelWindow, bands: number[]): Promise<Raster> {
    this.reads.push({ level, window: { ...window }, bands: [...bands] });
    const data = this.levels[level];
    if (!data) throw new Error(`no level ${level}`);
    const { width, height } = window;
    const mask = new Uint8Array(width * height);
    const out = bands.map(() => allocateSamples(this.sampleType, width * height));
    for (let r = 0; r < height; r++) {
      const y = window.y + r;
      for (let c = 0; c < width; c++) {
        const x = window.x + c;
        const o = r * width + c;
        const inside = x >= 0 && x < data.width && y >= 0 && y < data.height;
        const k = y * data.width + x;
        let valid = inside;
        if (inside && this.nodata !== undefined) {
          valid = bands.every((b) => {
            const v = data.bands[b]![k]!;
            return !(v === this.nodata || (Number.isNaN(this.nodata!) && Number.isNaN(v)));
          });
        }
        mask[o] = valid ? 255 : 0;
        bands.forEach((b, i) => {
          out[i]![o] = valid ? data.bands[b]![k]! : (this.nodata ?? 0);
        });
      }
    }
    return { width, height, sampleType: this.sampleType, bands: out, mask, nodata: this.nodata };
  }
}

export interface FunctionSourceOptions {
  id?: string;
  crs: string;
  width: number;
  height: number;
  transform: GeoTransform;
  sampleType: SampleType;
  /** Overview factors after full resolution (2, 4...): level sizes ceil(size / factor), like gdaladdo. */
  overviews?: number[];
  nodata?: number;
  /** Band values at a pixel centre (CRS x, y) of a level, and its column and row there. */
  values: (x: number, y: number, col: number, row: number, level: number) => number[];
}

/** A source whose every level samples `values` at its own pixel centres. */
export function functionSource(o: FunctionSourceOptions): MemoryRasterSource {
  const factors = [1, ...(o.overviews ?? [])];
  const levels = factors.map((f, level): MemoryLevel => {
    const width = Math.ceil(o.width / f);
    const height = Math.ceil(o.height / f);
    const t = o.transform;
    const sx = o.width / width;
    const sy = o.height / height;
    const transform: GeoTransform = [t[0], t[1] * sx, t[2] * sy, t[3], t[4] * sx, t[5] * sy];
    const first = o.values(t[0], t[3], 0, 0, level);
    const bands = first.map(() => allocateSamples(o.sampleType, width * height));
    for (let r = 0; r < height; r++) {
      for (let c = 0; c < width; c++) {
        const x = transform[0] + (c + 0.5) * transform[1] + (r + 0.5) * transform[2];
        const y = transform[3] + (c + 0.5) * transform[4] + (r + 0.5) * transform[5];
        o.values(x, y, c, r, level).forEach((v, b) => (bands[b]![r * width + c] = v));
      }
    }
    return { width, height, transform, bands };
  });
  return new MemoryRasterSource({ id: o.id, crs: o.crs, sampleType: o.sampleType, levels, nodata: o.nodata });
}

export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[]): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

export async function runOk(command: string, args: string[]): Promise<string> {
  const res = await run(command, args);
  if (res.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${res.code}):\n${res.stderr}`);
  return res.stdout;
}

const GDAL_TYPES: Partial<Record<SampleType, [string, number]>> = {
  uint8: ['Byte', 1],
  uint16: ['UInt16', 2],
  int16: ['Int16', 2],
  float32: ['Float32', 4],
  float64: ['Float64', 8],
};

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Writes level 0 of a memory source as raw samples behind a VRT (GDAL reads it as any raster),
 * with its CRS, geotransform and nodata; returns the VRT's path.
 */
export function writeVrt(source: MemoryRasterSource, dir: string, name: string): string {
  const [gdalType, size] = GDAL_TYPES[source.sampleType] ?? [];
  if (!gdalType || !size) throw new Error(`no GDAL type for ${source.sampleType}`);
  const level = source.levels[0]!;
  const bands = level.bands.map((samples, b) => {
    const file = `${name}.b${b + 1}.raw`;
    writeFileSync(path.join(dir, file), Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength));
    return `  <VRTRasterBand dataType="${gdalType}" band="${b + 1}" subClass="VRTRawRasterBand">
${source.nodata === undefined ? '' : `    <NoDataValue>${source.nodata}</NoDataValue>\n`}    <SourceFilename relativeToVRT="1">${file}</SourceFilename>
    <ImageOffset>0</ImageOffset><PixelOffset>${size}</PixelOffset><LineOffset>${size * level.width}</LineOffset><ByteOrder>LSB</ByteOrder>
  </VRTRasterBand>`;
  });
  const vrt = `<VRTDataset rasterXSize="${level.width}" rasterYSize="${level.height}">
  <SRS>${source.crs}</SRS>
  <GeoTransform>${level.transform.map((v) => v.toPrecision(17)).join(', ')}</GeoTransform>
${bands.join('\n')}
</VRTDataset>
`;
  const file = path.join(dir, `${name}.vrt`);
  writeFileSync(file, vrt);
  return file;
}

/** Reads the first band of a raster GDAL wrote, as float64 values (through gdal_translate to raw ENVI). */
export async function readWithGdal(file: string, dir: string): Promise<{ width: number; height: number; values: Float64Array }> {
  const raw = path.join(dir, `${path.basename(file)}.f64`);
  await runOk('gdal_translate', ['-q', '-of', 'ENVI', '-ot', 'Float64', '-b', '1', file, raw]);
  const bytes = readFileSync(raw);
  // GDAL's ENVI driver names the header by replacing the extension.
  const header = readFileSync(raw.replace(/\.f64$/, '.hdr'), 'utf8');
  const width = Number(/samples\s*=\s*(\d+)/.exec(header)?.[1]);
  const height = Number(/lines\s*=\s*(\d+)/.exec(header)?.[1]);
  const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { width, height, values };
}

export interface RasterComparison {
  /** Pixels both have data in. */
  common: number;
  /** Mean absolute difference over those pixels. */
  mad: number;
  maxDifference: number;
  /** Share of common pixels with exactly equal values. */
  equalShare: number;
  /** Pixels with data in one and not the other. */
  maskDifferences: number;
  /** Of those, the ones not within one pixel of an edge of the reference's mask. */
  maskDifferencesAwayFromEdges: number;
}

/**
 * Compares ours to a reference (GDAL) raster of the same size; the reference marks no data with
 * `nodata`, ours with its mask.
 */
export function compareRasters(ours: { values: ArrayLike<number>; mask: Uint8Array }, reference: Float64Array, width: number, height: number, nodata: number): RasterComparison {
  const refValid = (i: number, j: number) => reference[j * width + i] !== nodata;
  let common = 0, sum = 0, maxDifference = 0, equal = 0, maskDifferences = 0, away = 0;
  for (let j = 0; j < height; j++) {
    for (let i = 0; i < width; i++) {
      const k = j * width + i;
      const a = ours.mask[k] !== 0;
      const b = refValid(i, j);
      if (a && b) {
        const d = Math.abs(ours.values[k]! - reference[k]!);
        common++;
        sum += d;
        if (d > maxDifference) maxDifference = d;
        if (d === 0) equal++;
      } else if (a !== b) {
        maskDifferences++;
        let nearEdge = false;
        for (let dj = -1; dj <= 1 && !nearEdge; dj++) {
          for (let di = -1; di <= 1 && !nearEdge; di++) {
            const ni = i + di, nj = j + dj;
            if (ni < 0 || nj < 0 || ni >= width || nj >= height) nearEdge = true;
            else if (refValid(ni, nj) !== b) nearEdge = true;
          }
        }
        if (!nearEdge) away++;
      }
    }
  }
  return { common, mad: common ? sum / common : NaN, maxDifference, equalShare: common ? equal / common : NaN, maskDifferences, maskDifferencesAwayFromEdges: away };
}
