/**
 * The real server with the coverages engine and the WMTS plugin, fixture rasters made with GDAL,
 * and what the tests compute on their own (tile and pixel of a lon/lat, decoded tile pixels).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { createUser } from '../../../core/auth/index.js';
import { parseXmlDocument, selectNodes } from '../../../core/ows/index.js';
import type { BlobStore } from '../../../core/storage/blobs/types.js';
import type { CoveragesService } from '../../../plugins/coverages/types.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));
export const PYTHON = '/usr/bin/python3';

export interface WmtsHarness {
  server: TestServer;
  /** http://127.0.0.1:PORT/wmts */
  url: string;
  coverages: CoveragesService & { refresh?: () => Promise<void> };
  blobs: BlobStore;
  close(): Promise<void>;
}

export interface HarnessOptions {
  coverages: Array<Record<string, unknown>>;
  wmts?: Record<string, unknown>;
  /** Core config keys (auth...). */
  inline?: Record<string, unknown>;
  /** More plugins by name (wms...). */
  plugins?: Record<string, unknown>;
}

export async function startWmts(options: HarnessOptions): Promise<WmtsHarness> {
  const server = await startTestServer(
    {
      ...options.inline,
      plugins: {
        // refreshSeconds 0: data changes are picked up when a test calls refresh(), not on a timer.
        coverages: { workers: 1, refreshSeconds: 0, sampleRasters: false, catalogue: { enabled: false }, coverages: options.coverages },
        wmts: options.wmts ?? {},
        ...options.plugins,
      },
    },
    { builtinDir },
  );
  return {
    server,
    url: `${server.url}/wmts`,
    coverages: server.meridian.service<CoveragesService & { refresh?: () => Promise<void> }>('coverages'),
    blobs: server.meridian.stores.blobs,
    close: () => server.close(),
  };
}

export interface Credentials {
  user: string;
  password: string;
}

export async function addUser(h: WmtsHarness, user: string, groups: string[] = []): Promise<Credentials> {
  const password = `pw-${user}-${Math.random().toString(36).slice(2)}`;
  await createUser(h.server.meridian.stores.db, { name: user, password, groups });
  return { user, password };
}

export const basicAuth = (c: Credentials) => ({ Authorization: `Basic ${Buffer.from(`${c.user}:${c.password}`).toString('base64')}` });

export interface Fetched {
  status: number;
  contentType: string;
  headers: Headers;
  body: Buffer;
  text: string;
}

export async function get(url: string, headers: Record<string, string> = {}): Promise<Fetched> {
  const res = await fetch(url, { headers, redirect: 'manual' });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers, body, text: body.toString('utf8') };
}

export function kvp(url: string, params: Record<string, string | number>): string {
  return `${url}?${new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
}

export const NS = {
  wmts: 'http://www.opengis.net/wmts/1.0',
  ows: 'http://www.opengis.net/ows/1.1',
  xlink: 'http://www.w3.org/1999/xlink',
  mer: 'urn:meridian:wmts:1.0:featureInfo',
} as const;

/** Text of the elements, or values of the attributes, an XPath selects. */
export function xpath(xml: string, expression: string): string[] {
  return selectNodes(parseXmlDocument(xml), expression, { ...NS }).map((n) => {
    const node = n as unknown as { type(): string; value(): string; text(): string };
    return node.type() === 'attribute' ? node.value() : node.text();
  });
}

/** The exceptionCode and locator of an OWS 1.1 ExceptionReport. */
export function exceptionOf(xml: string): { code?: string; locator?: string; version?: string } {
  return {
    code: xpath(xml, '/ows:ExceptionReport/ows:Exception/@exceptionCode')[0],
    locator: xpath(xml, '/ows:ExceptionReport/ows:Exception/@locator')[0],
    version: xpath(xml, '/ows:ExceptionReport/@version')[0],
  };
}

export function runTool(command: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function gdal(command: string, args: string[]): void {
  const r = spawnSync(command, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${r.stderr}`);
}

export function tempDir(name: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), `meridian-wmts-${name}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

export const BACKGROUND = [90, 120, 150] as const;
export const SQUARE = [255, 0, 0] as const;

/**
 * An RGB GeoTIFF in EPSG:4326 over lon 0..20, lat 40..50 (0.01° pixels), filled with
 * BACKGROUND, with a SQUARE-coloured square over lon 10..11, lat 45..46 (or `square` given).
 */
export function makeRgbFixture(file: string, options: { background?: readonly number[]; square?: { color: readonly number[]; ullr: [number, number, number, number] } } = {}): string {
  mkdirSync(path.dirname(file), { recursive: true });
  const bg = options.background ?? BACKGROUND;
  const square = options.square ?? { color: SQUARE, ullr: [10, 46, 11, 45] };
  const base = `${file}.base.tif`;
  gdal('gdal_create', ['-of', 'GTiff', '-outsize', '2000', '1000', '-bands', '3', '-ot', 'Byte', ...bg.flatMap((v) => ['-burn', String(v)]), '-a_srs', 'EPSG:4326', '-a_ullr', '0', '50', '20', '40', base]);
  const [ulx, uly, lrx, lry] = square.ullr;
  const sq = `${file}.square.tif`;
  gdal('gdal_create', ['-of', 'GTiff', '-outsize', String(Math.round((lrx - ulx) / 0.01)), String(Math.round((uly - lry) / 0.01)), '-bands', '3', '-ot', 'Byte', ...square.color.flatMap((v) => ['-burn', String(v)]), '-a_srs', 'EPSG:4326', '-a_ullr', String(ulx), String(uly), String(lrx), String(lry), sq]);
  gdal('gdalwarp', ['-q', sq, base]);
  // Tiled with overviews, as a platform would publish it (the engine reads overviews for small zooms).
  gdal('gdal_translate', ['-q', '-of', 'COG', '-co', 'COMPRESS=DEFLATE', '-co', 'OVERVIEWS=AUTO', '-co', 'RESAMPLING=NEAREST', base, file]);
  rmSync(base);
  rmSync(sq);
  return file;
}

export interface TilePixel {
  row: number;
  col: number;
  i: number;
  j: number;
}

const R = 6378137;
const HALF = Math.PI * R;

/** Which tile and pixel of WebMercatorQuad level z hold lon/lat (computed here, independently of the plugin). */
export function webMercatorPixel(z: number, lon: number, lat: number): TilePixel {
  const x = (lon * Math.PI * R) / 180;
  const y = R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));
  const pixel = (2 * HALF) / 256 / 2 ** z;
  const px = Math.floor((x + HALF) / pixel);
  const py = Math.floor((HALF - y) / pixel);
  return { col: Math.floor(px / 256), row: Math.floor(py / 256), i: px % 256, j: py % 256 };
}

/** Which tile and pixel of WorldCRS84Quad level z hold lon/lat. */
export function crs84Pixel(z: number, lon: number, lat: number): TilePixel {
  const pixel = 180 / 256 / 2 ** z;
  const px = Math.floor((lon + 180) / pixel);
  const py = Math.floor((90 - lat) / pixel);
  return { col: Math.floor(px / 256), row: Math.floor(py / 256), i: px % 256, j: py % 256 };
}

export interface DecodedImage {
  width: number;
  height: number;
  channels: number;
  data: Buffer;
  /** [r, g, b, a] at column i, row j (a is 255 for images without alpha). */
  at(i: number, j: number): [number, number, number, number];
}

export async function decodeImage(body: Buffer): Promise<DecodedImage> {
  const { data, info } = await sharp(body).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    data,
    at(i, j) {
      const o = (j * info.width + i) * info.channels;
      return [data[o]!, data[o + 1]!, data[o + 2]!, data[o + 3]!];
    },
  };
}

/** Every key the blob store holds under a prefix. */
export async function listKeys(blobs: BlobStore, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await blobs.list(prefix, { cursor });
    keys.push(...page.items.map((i) => i.key));
    cursor = page.nextCursor;
  } while (cursor);
  return keys;
}

/** Waits (polling, without a deadline of its own: mocha's timeout bounds it) until `check` holds. */
export async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}
