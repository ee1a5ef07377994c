/**
 * TIFF reader test helpers: GeoTIFFs made with GDAL (python3-gdal) from known pixel values, the
 * same windows read back by GDAL, gdalinfo -json, and a small HTTP server of our own.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PixelWindow } from '../../../../plugins/coverages/raster-source.js';
import type { SampleArray, SampleType } from '../../../../plugins/coverages/types.js';

const here = dirname(fileURLToPath(import.meta.url));
/** python3-gdal is installed for the system interpreter, not the first python3 on PATH. */
const PYTHON = '/usr/bin/python3';

export type GdalType = 'Byte' | 'Int8' | 'UInt16' | 'Int16' | 'UInt32' | 'Int32' | 'Float32' | 'Float64' | 'UInt64';

export interface TiffSpec {
  /** File name inside the test's temp dir. */
  name: string;
  width: number;
  height: number;
  bands: number;
  type: GdalType;
  srs?: string;
  geotransform?: [number, number, number, number, number, number];
  nodata?: number | 'nan';
  /** Put nodata in a pattern of pixels (in every band, or only the first). */
  nodataPattern?: boolean;
  nodataBands?: 'all' | 'first';
  pixelIsPoint?: boolean;
  pattern?: 'smooth';
  driver?: 'GTiff' | 'COG';
  options?: readonly string[];
  overviews?: number[];
  overviewCompress?: string;
  descriptions?: string[];
  units?: string[];
  scales?: number[];
  offsets?: number[];
  colorInterp?: string[];
  mask?: boolean;
  metadata?: Record<string, string>;
}

export const SAMPLE_TYPE_OF: Record<Exclude<GdalType, 'UInt64'>, SampleType> = {
  Byte: 'uint8', Int8: 'int8', UInt16: 'uint16', Int16: 'int16', UInt32: 'uint32', Int32: 'int32', Float32: 'float32', Float64: 'float64',
};

export class TiffFixtures {
  readonly dir = mkdtempSync(join(tmpdir(), 'meridian-tiff-'));

  /** Writes every spec in one python run; returns their paths by name. */
  make(specs: TiffSpec[]): Record<string, string> {
    const paths: Record<string, string> = {};
    const full = specs.map((spec) => {
      const path = join(this.dir, spec.name);
      paths[spec.name] = path;
      return {
        srs: 'EPSG:32631',
        geotransform: [500000, 10, 0, 4600000, 0, -10],
        ...spec,
        path,
      };
    });
    execFileSync(PYTHON, [join(here, 'fixtures', 'make_tiffs.py')], { input: JSON.stringify(full), stdio: ['pipe', 'pipe', 'pipe'] });
    return paths;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Windows read by GDAL: per window, per band, the raw little-endian samples (then GDAL's mask when asked). */
export function gdalWindows(path: string, windows: Array<PixelWindow & { level: number; bands: number[]; mask?: boolean }>): Buffer[][] {
  const out = execFileSync(PYTHON, [join(here, 'fixtures', 'read_windows.py')], {
    input: JSON.stringify({ path, windows }),
    maxBuffer: 512 * 1024 * 1024,
  });
  return (JSON.parse(out.toString('utf8')) as string[][]).map((bands) => bands.map((b) => Buffer.from(b, 'base64')));
}

export interface GdalInfo {
  size: [number, number];
  geoTransform: number[];
  coordinateSystem?: { wkt: string };
  metadata?: Record<string, Record<string, string>>;
  bands: Array<{
    band: number;
    type: string;
    description?: string;
    noDataValue?: number | string;
    scale?: number;
    offset?: number;
    unit?: string;
    colorInterpretation?: string;
    overviews?: Array<{ size: [number, number] }>;
    mask?: { flags: string[] };
  }>;
}

export function gdalInfo(path: string): GdalInfo {
  return JSON.parse(execFileSync('gdalinfo', ['-json', path], { encoding: 'utf8' })) as GdalInfo;
}

/** The EPSG code GDAL finds for the file's CRS (gdalsrsinfo), e.g. 'EPSG:32631'. */
export function gdalEpsg(path: string): string {
  const out = execFileSync('gdalsrsinfo', ['-e', '-o', 'epsg', path], { encoding: 'utf8' });
  const m = /EPSG:(\d+)/.exec(out);
  return m ? `EPSG:${m[1]}` : '';
}

/** A band's samples as little-endian bytes, to compare bit for bit (NaN included) with GDAL's. */
export function bytesOf(samples: SampleArray): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

/** Extracts the sub-rectangle (cx, cy, cw, ch) of a w-wide band, as bytes. */
export function cropBytes(samples: SampleArray, w: number, cx: number, cy: number, cw: number, ch: number): Buffer {
  const Ctor = samples.constructor as new (n: number) => SampleArray;
  const out = new Ctor(cw * ch);
  for (let r = 0; r < ch; r++) out.set(samples.subarray((cy + r) * w + cx, (cy + r) * w + cx + cw) as never, r * cw);
  return bytesOf(out);
}

export interface TestServer {
  url: string;
  requests: Array<{ path: string; range?: string; status: number; bytes: number }>;
  close(): Promise<void>;
}

/**
 * Serves files of a folder on 127.0.0.1 with ETag and single byte ranges (206), or, with
 * `ignoreRange`, the whole file (200) whatever the request asks, as some servers do.
 */
export async function serveFiles(root: string, options: { ignoreRange?: boolean } = {}): Promise<TestServer> {
  const requests: TestServer['requests'] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = join(root, path);
    const entry = { path, range: req.headers.range, status: 200, bytes: 0 };
    requests.push(entry);
    let body: Buffer;
    try {
      body = readFileSync(file);
    } catch {
      entry.status = 404;
      res.writeHead(404).end();
      return;
    }
    const etag = `"${statSync(file).mtimeMs.toString(36)}-${body.length}"`;
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!range || options.ignoreRange) {
      entry.bytes = body.length;
      res.writeHead(200, { 'content-length': body.length, etag, 'content-type': 'image/tiff' }).end(body);
      return;
    }
    const start = Number(range[1]);
    const end = Math.min(range[2] ? Number(range[2]) : body.length - 1, body.length - 1);
    if (start >= body.length) {
      entry.status = 416;
      res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
      return;
    }
    entry.status = 206;
    entry.bytes = end - start + 1;
    res.writeHead(206, {
      'content-range': `bytes ${start}-${end}/${body.length}`,
      'content-length': end - start + 1,
      'accept-ranges': 'bytes',
      etag,
      'content-type': 'image/tiff',
    }).end(body.subarray(start, end + 1));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
