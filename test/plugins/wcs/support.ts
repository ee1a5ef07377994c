/**
 * Starts the real server with the coverages engine and the WCS plugin over fixture rasters made
 * with GDAL (fixtures/make_rasters.py), and the helpers the WCS tests share: HTTP, XPath,
 * exception reports, GDAL reads of returned GeoTIFFs, independent clients.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUser } from '../../../core/auth/index.js';
import { parseXmlDocument, selectNodes } from '../../../core/ows/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export const PYTHON = '/usr/bin/python3';
const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));
const MAKE_RASTERS = fileURLToPath(new URL('./fixtures/make_rasters.py', import.meta.url));
export const READ_TIFF = fileURLToPath(new URL('./fixtures/read_tiff.py', import.meta.url));

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a program without a shell. */
export function run(command: string, args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(options.input ?? '');
  });
}

export async function runOk(command: string, args: string[], options: { env?: Record<string, string> } = {}): Promise<string> {
  const r = await run(command, args, options);
  if (r.code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${r.code}):\n${r.stderr}\n${r.stdout}`);
  return r.stdout;
}

export interface Fixtures {
  dir: string;
  rgb: string;
  dem: string;
  seriesGlob: string;
}

export async function makeFixtures(): Promise<Fixtures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meridian-wcs-fixtures-'));
  await runOk(PYTHON, [MAKE_RASTERS, dir]);
  return { dir, rgb: path.join(dir, 'rgb.tif'), dem: path.join(dir, 'dem.tif'), seriesGlob: path.join(dir, 'series', 's_*.tif') };
}

export function removeFixtures(f: Fixtures | undefined): void {
  if (f) rmSync(f.dir, { recursive: true, force: true });
}

export interface WcsHarness {
  server: TestServer;
  /** The WCS endpoint, http://127.0.0.1:PORT/wcs */
  url: string;
  fixtures: Fixtures;
  scratch: string;
  close(): Promise<void>;
}

export interface WcsHarnessOptions {
  wcs?: Record<string, unknown>;
  /** Extra keys of the coverages engine's config (maxCells...). */
  coverages?: Record<string, unknown>;
  /** The catalogue plugin's config, to serve catalogue collections as series. */
  catalogue?: Record<string, unknown>;
  /** Top-level config keys (sampleData: true loads the engine's sample rasters). */
  inline?: Record<string, unknown>;
}

/** The coverages every WCS test serves: two files, a monthly series and one private file. */
export function coverageConfig(f: Fixtures): Array<Record<string, unknown>> {
  return [
    { id: 'rgb', title: 'RGB test image', abstract: 'Three bands of byte patterns', keywords: ['test'], path: f.rgb, visibility: 'public' },
    { id: 'dem', title: 'Elevation in UTM 31N', path: f.dem, visibility: 'public' },
    { id: 'monthly', title: 'Monthly series', path: f.seriesGlob, time: { pattern: 's_(?<time>\\d{8})' }, visibility: 'public' },
    { id: 'secret', title: 'Private copy of rgb', path: f.rgb, visibility: 'private', owner: 'alice' },
  ];
}

export async function startWcs(options: WcsHarnessOptions = {}, fixtures?: Fixtures): Promise<WcsHarness> {
  const f = fixtures ?? (await makeFixtures());
  const server = await startTestServer(
    {
      sampleData: false,
      ...options.inline,
      plugins: {
        coverages: { workers: 1, refreshSeconds: 0, sampleRasters: false, catalogue: { enabled: false }, coverages: coverageConfig(f), ...options.coverages },
        wcs: options.wcs ?? {},
        ...(options.catalogue ? { catalogue: options.catalogue } : {}),
      },
    },
    { builtinDir },
  );
  const scratch = mkdtempSync(path.join(tmpdir(), 'meridian-wcs-out-'));
  return {
    server,
    url: `${server.url}/wcs`,
    fixtures: f,
    scratch,
    async close() {
      await server.close();
      rmSync(scratch, { recursive: true, force: true });
      if (!fixtures) rmSync(f.dir, { recursive: true, force: true });
    },
  };
}

export interface Fetched {
  status: number;
  contentType: string;
  body: Buffer;
  text: string;
  headers: Headers;
}

async function fetched(res: Response): Promise<Fetched> {
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, text: body.toString('utf8'), headers: res.headers };
}

/** GET with the query written as given (so tests control the encoding, as clients do). */
export async function getRaw(url: string, query: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return fetched(await fetch(`${url}?${query}`, { headers }));
}

export async function get(url: string, params: Record<string, string> | Array<[string, string]>, headers: Record<string, string> = {}): Promise<Fetched> {
  return fetched(await fetch(`${url}?${new URLSearchParams(params).toString()}`, { headers }));
}

export async function post(url: string, xml: string, headers: Record<string, string> = {}): Promise<Fetched> {
  return fetched(await fetch(url, { method: 'POST', body: xml, headers: { 'Content-Type': 'application/xml', ...headers } }));
}

export const NS = {
  wcs: 'http://www.opengis.net/wcs/2.0',
  wcseo: 'http://www.opengis.net/wcs/wcseo/1.0',
  ows: 'http://www.opengis.net/ows/2.0',
  gml: 'http://www.opengis.net/gml/3.2',
  gmlcov: 'http://www.opengis.net/gmlcov/1.0',
  swe: 'http://www.opengis.net/swe/2.0',
  eop: 'http://www.opengis.net/eop/2.0',
  om: 'http://www.opengis.net/om/2.0',
  xlink: 'http://www.w3.org/1999/xlink',
  crs: 'http://www.opengis.net/wcs/crs/1.0',
  int: 'http://www.opengis.net/wcs/interpolation/1.0',
  // WCS 1.0.0 and 1.1.1 documents.
  w10: 'http://www.opengis.net/wcs',
  w11: 'http://www.opengis.net/wcs/1.1.1',
  ows11: 'http://www.opengis.net/ows/1.1',
  gml31: 'http://www.opengis.net/gml',
  ogc: 'http://www.opengis.net/ogc',
} as const;

export const SCHEMAS = {
  wcs: 'ogc/wcs/2.0/wcsAll.xsd',
  wcseo: 'ogc/wcs/wcseo/1.0/wcsEOAll.xsd',
  gmlcov: 'ogc/gmlcov/1.0/gmlcovAll.xsd',
  owsException: 'ogc/ows/2.0/owsExceptionReport.xsd',
  wcs10Capabilities: 'ogc/wcs/1.0.0/wcsCapabilities.xsd',
  wcs10Describe: 'ogc/wcs/1.0.0/describeCoverage.xsd',
  wcs10Exception: 'ogc/wcs/1.0.0/OGC-exception.xsd',
  wcs11: 'ogc/wcs/1.1.1/wcsAll.xsd',
  ows11Exception: 'ogc/ows/1.1.0/owsExceptionReport.xsd',
} as const;

/** Text of the elements, or values of the attributes, an XPath selects (prefixes of NS bound). */
export function xpath(xml: string, expression: string): string[] {
  return selectNodes(parseXmlDocument(xml), expression, { ...NS }).map((n) => {
    const node = n as unknown as { type(): string; value(): string; text(): string };
    return node.type() === 'attribute' ? node.value() : node.text();
  });
}

/** The exception code and locator of an OWS ExceptionReport, or of a WCS 1.0 ServiceExceptionReport. */
export function exception(xml: string): { code?: string; locator?: string; text?: string } {
  const doc = parseXmlDocument(xml);
  const ex = selectNodes(doc, "//*[local-name()='Exception' or local-name()='ServiceException']", {})[0] as unknown as { attr(n: string): { value(): string } | null; text(): string } | undefined;
  return { code: ex?.attr('exceptionCode')?.value() ?? ex?.attr('code')?.value(), locator: ex?.attr('locator')?.value(), text: ex?.text().trim() };
}

export interface MimePart {
  headers: Record<string, string>;
  body: Buffer;
}

/** The parts of a multipart response (boundary from its Content-Type), headers by lower-case name. */
export function multipartParts(contentType: string, body: Buffer): MimePart[] {
  const m = /boundary="?([^";]+)"?/i.exec(contentType);
  if (!m) throw new Error(`no boundary in ${contentType}`);
  const delimiter = Buffer.from(`--${m[1]}`);
  const parts: MimePart[] = [];
  let at = body.indexOf(delimiter);
  while (at !== -1) {
    const start = at + delimiter.length;
    if (body.subarray(start, start + 2).toString() === '--') break;
    const next = body.indexOf(delimiter, start);
    const chunk = body.subarray(start + 2, next === -1 ? body.length : next - 2);
    const split = chunk.indexOf('\r\n\r\n');
    const headers: Record<string, string> = {};
    for (const line of chunk.subarray(0, split).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    parts.push({ headers, body: chunk.subarray(split + 4) });
    at = next;
  }
  return parts;
}

/** What read_tiff.py reports of a raster file: size, geotransform, CRS, bands and their values. */
export interface TiffReport {
  width: number;
  height: number;
  bands: number;
  transform: number[];
  epsg: string | null;
  dataType: string;
  nodata: Array<number | null>;
  descriptions: string[];
  compression: string | null;
  predictor: string | null;
  blockSize: number[];
  /** Values per band, row-major (only when asked, as a window of the file or the whole file). */
  values?: number[][];
}

/** Reads a file with GDAL (python osgeo.gdal); `window` is [xoff, yoff, xsize, ysize] of the file. */
export async function readTiff(file: string, options: { values?: boolean; window?: [number, number, number, number] } = {}): Promise<TiffReport> {
  const args = [READ_TIFF, file];
  if (options.values) args.push('--values');
  if (options.window) args.push('--window', options.window.join(','));
  return JSON.parse(await runOk(PYTHON, args)) as TiffReport;
}

export function writeScratch(h: WcsHarness, name: string, body: Buffer): string {
  const file = path.join(h.scratch, name);
  writeFileSync(file, body);
  return file;
}

export interface Credentials {
  user: string;
  password: string;
}

export async function addUser(h: WcsHarness, user: string, groups: string[] = []): Promise<Credentials> {
  const password = `pw-${user}-${Math.random().toString(36).slice(2)}`;
  await createUser(h.server.meridian.stores.db, { name: user, password, groups });
  return { user, password };
}

export const basicAuth = (c: Credentials) => ({ Authorization: `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}` });
