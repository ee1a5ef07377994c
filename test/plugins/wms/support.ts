/**
 * The WMS tests' harness: fixture rasters made with GDAL (fixtures/make_rasters.py) once per
 * process in a temporary folder, a real server with the coverages engine and the WMS plugin (and
 * the features engine when asked, for vector layers), and helpers to read what comes back
 * (XPath, exception reports, decoded pixels).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { authenticatedSubject, createUser, LOCAL_USER_ISSUER } from '../../../core/auth/index.js';
import type { Subject } from '../../../core/auth/types.js';
import type { FeaturesService } from '../../../plugins/features/types.js';
import type * as Libxml from 'libxmljs2';
import { selectNodes } from '../../../core/ows/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';

export const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));
export const PYTHON = '/usr/bin/python3';
const MAKE_RASTERS = fileURLToPath(new URL('./fixtures/make_rasters.py', import.meta.url));

export interface ProcessResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs an independent client (gdal, python3 with OWSLib); never through a shell. */
export function run(command: string, args: string[], env: Record<string, string> = {}): Promise<ProcessResult> {
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

let fixtureDir: string | undefined;

/** The folder holding the fixture rasters (made on first use, removed when the process exits). */
export async function fixtures(): Promise<string> {
  if (fixtureDir) return fixtureDir;
  const dir = mkdtempSync(path.join(tmpdir(), 'meridian-wms-'));
  const res = await run(PYTHON, [MAKE_RASTERS, dir]);
  if (res.code !== 0) throw new Error(`make_rasters.py failed:\n${res.stderr}`);
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  fixtureDir = dir;
  return dir;
}

/** The coverages every WMS test serves (see fixtures/make_rasters.py for what each holds). */
export async function fixtureCoverages(): Promise<Array<Record<string, unknown>>> {
  const dir = await fixtures();
  return [
    { id: 'pattern', title: 'Pattern', abstract: 'A red square in the north-west, a blue one in the south-east', keywords: ['test', 'pattern'], path: path.join(dir, 'pattern.tif') },
    { id: 'overlay', title: 'Overlay', abstract: 'A green square over the red one', path: path.join(dir, 'overlay.tif') },
    {
      id: 'values',
      title: 'Values',
      abstract: 'column + 1000 * row, in UTM 31N',
      path: path.join(dir, 'values.tif'),
      styles: [
        { name: 'grey', title: 'Grey ramp', type: 'ramp', band: 1, ramp: 'greys', min: 0, max: 80000 },
        { name: 'viridis', title: 'Viridis', abstract: 'Perceptual ramp', type: 'ramp', band: 1, ramp: 'viridis', min: 0, max: 80000 },
      ],
    },
    { id: 'series', title: 'Series', abstract: 'Three months, one colour each', path: path.join(dir, 'series', 'ts_*.tif'), time: { pattern: 'ts_(?<time>\\d{8})\\.tif' } },
    { id: 'secret', title: 'Secret', abstract: 'Only its owner reads it', path: path.join(dir, 'pattern.tif'), visibility: 'private', owner: 'alice' },
  ];
}

export interface WmsHarness {
  server: TestServer;
  /** http://127.0.0.1:PORT/wms */
  url: string;
  close(): Promise<void>;
}

export interface WmsOptions {
  wms?: Record<string, unknown>;
  coverages?: Record<string, unknown>;
  /** Also starts the features engine (its config), so feature collections are vector layers. */
  features?: Record<string, unknown>;
  inline?: Record<string, unknown>;
}

export async function startWms(options: WmsOptions = {}): Promise<WmsHarness> {
  const server = await startTestServer(
    {
      ...options.inline,
      plugins: {
        coverages: { workers: 1, sampleRasters: false, refreshSeconds: 0, coverages: await fixtureCoverages(), ...options.coverages },
        wms: options.wms ?? {},
        ...(options.features ? { features: options.features } : {}),
      },
    },
    { builtinDir },
  );
  return { server, url: `${server.url}/wms`, close: () => server.close() };
}

export interface Fetched {
  status: number;
  contentType: string;
  headers: Headers;
  body: Buffer;
  text: string;
}

export async function get(url: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<Fetched> {
  const res = await fetch(`${url}?${new URLSearchParams(params).toString()}`, { headers });
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', headers: res.headers, body, text: body.toString('utf8') };
}

export const NS = {
  wms: 'http://www.opengis.net/wms',
  sld: 'http://www.opengis.net/sld',
  ogc: 'http://www.opengis.net/ogc',
  xlink: 'http://www.w3.org/1999/xlink',
} as const;

const libxml = createRequire(import.meta.url)('libxmljs2') as typeof Libxml;

/**
 * Parses a document this server wrote. Not through core's request parser: the 1.1.1
 * capabilities carry the DOCTYPE the standard asks for, which requests may not; the DTD is never
 * loaded here either.
 */
export function parseResponse(xml: string): Libxml.Document {
  return libxml.parseXml(xml, { dtdload: false, dtdvalid: false, noent: false, nonet: true });
}

/** Text of the elements, or values of the attributes, an XPath selects (prefixes of NS bound). */
export function xpath(xml: string, expression: string): string[] {
  return selectNodes(parseResponse(xml), expression, { ...NS }).map((n) => {
    const node = n as unknown as { type(): string; value(): string; text(): string };
    return node.type() === 'attribute' ? node.value() : node.text();
  });
}

/** The first ServiceException of a report (1.3.0 namespaced or 1.1.1 plain). */
export function serviceException(xml: string): { code?: string; locator?: string; text: string; version?: string } {
  const doc = parseResponse(xml);
  const ex = selectNodes(doc, "//*[local-name()='ServiceException']", {})[0] as unknown as { attr(n: string): { value(): string } | null; text(): string } | undefined;
  const root = selectNodes(doc, '/*', {})[0] as unknown as { attr(n: string): { value(): string } | null };
  return { code: ex?.attr('code')?.value(), locator: ex?.attr('locator')?.value(), text: ex?.text().trim() ?? '', version: root.attr('version')?.value() };
}

export interface Pixels {
  width: number;
  height: number;
  channels: number;
  data: Buffer;
  /** [r, g, b, a] at column x, row y (a is 255 for images without alpha). */
  at(x: number, y: number): [number, number, number, number];
}

export async function decode(image: Buffer): Promise<Pixels> {
  const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return {
    width: info.width,
    height: info.height,
    channels: info.channels,
    data,
    at(x, y) {
      const i = (y * info.width + x) * info.channels;
      return [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
    },
  };
}

/** Whether two colours are within `tolerance` on every channel (JPEG/WebP are lossy). */
export function near(actual: readonly number[], expected: readonly number[], tolerance = 0): boolean {
  return expected.every((v, i) => Math.abs(actual[i]! - v) <= tolerance);
}

export const RED = [255, 0, 0, 255];
export const BLUE = [0, 0, 255, 255];
export const GREY = [100, 100, 100, 255];
export const GREEN = [0, 200, 0, 255];
export const WHITE = [255, 255, 255, 255];

/** Coordinates transformed by PROJ (gdaltransform), independently of the server's proj4. */
export async function projTransform(from: string, to: string, points: Array<[number, number]>): Promise<Array<[number, number]>> {
  const child = spawn('gdaltransform', ['-s_srs', from, '-t_srs', to, '-output_xy'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  child.stdin.end(points.map(([x, y]) => `${x} ${y}`).join('\n') + '\n');
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`gdaltransform failed: ${err}`);
  return out.trim().split('\n').map((line) => line.trim().split(/\s+/).slice(0, 2).map(Number) as [number, number]);
}

/** The features engine of a harness started with `features`. */
export function featuresOf(h: WmsHarness): FeaturesService {
  return h.server.meridian.service<FeaturesService>('features');
}

/** A subject of the built-in policy's admin group (creates collections, writes features). */
export const ADMIN: Subject = authenticatedSubject({ id: 'root', issuer: LOCAL_USER_ISSUER, method: 'basic', groups: ['admin'] });

/** A local user (HTTP Basic). */
export async function basicAuthFor(h: WmsHarness, user: string, groups: string[] = []): Promise<Record<string, string>> {
  const password = `pw-${user}-${Math.random().toString(36).slice(2)}`;
  await createUser(h.server.meridian.stores.db, { name: user, password, groups });
  return { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}
