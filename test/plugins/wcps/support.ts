/**
 * Starts the real server with the coverages engine, the WCPS plugin and the WCS plugin over
 * fixture rasters made with GDAL (fixtures/make_rasters.py), and the helpers the WCPS tests
 * share: queries over GET and POST, exception reports, and independent computations in
 * /usr/bin/python3 with numpy and osgeo.gdal.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseXmlDocument, selectNodes } from '../../../core/ows/index.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { PYTHON, run, runOk } from '../wcs/support.js';

export { PYTHON, run, runOk };
const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));
const MAKE_RASTERS = fileURLToPath(new URL('./fixtures/make_rasters.py', import.meta.url));

export interface Fixtures {
  dir: string;
  scene: string;
  dem: string;
  rgb: string;
  series: string[];
}

export async function makeFixtures(): Promise<Fixtures> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meridian-wcps-fixtures-'));
  await runOk(PYTHON, [MAKE_RASTERS, dir]);
  return {
    dir,
    scene: path.join(dir, 'scene.tif'),
    dem: path.join(dir, 'dem.tif'),
    rgb: path.join(dir, 'rgb.tif'),
    series: [1, 2, 3].map((m) => path.join(dir, 'series', `m_2021${String(m).padStart(2, '0')}01.tif`)),
  };
}

export interface WcpsHarness {
  server: TestServer;
  url: string;
  wcsUrl: string;
  fixtures: Fixtures;
  scratch: string;
  close(): Promise<void>;
}

export async function startWcps(options: { wcps?: Record<string, unknown>; withWcs?: boolean; extraCoverages?: Array<Record<string, unknown>> } = {}, fixtures?: Fixtures): Promise<WcpsHarness> {
  const f = fixtures ?? (await makeFixtures());
  const server = await startTestServer(
    {
      sampleData: false,
      plugins: {
        coverages: {
          workers: 1,
          refreshSeconds: 0,
          sampleRasters: false,
          catalogue: { enabled: false },
          coverages: [
            { id: 'scene', path: f.scene },
            { id: 'dem', path: f.dem },
            { id: 'rgb', path: f.rgb },
            { id: 'monthly', path: path.join(f.dir, 'series', 'm_*.tif'), time: { pattern: 'm_(?<time>\\d{8})' } },
            { id: 'secret', path: f.rgb, visibility: 'private', owner: 'alice' },
            ...(options.extraCoverages ?? []),
          ],
        },
        wcps: options.wcps ?? {},
        ...(options.withWcs === false ? {} : { wcs: {} }),
      },
    },
    { builtinDir },
  );
  const scratch = mkdtempSync(path.join(tmpdir(), 'meridian-wcps-out-'));
  return {
    server,
    url: `${server.url}/wcps`,
    wcsUrl: `${server.url}/wcs`,
    fixtures: f,
    scratch,
    async close() {
      await server.close();
      rmSync(scratch, { recursive: true, force: true });
      if (!fixtures) rmSync(f.dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  contentType: string;
  body: Buffer;
  text: string;
}

async function answer(res: Response): Promise<Answer> {
  const body = Buffer.from(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body, text: body.toString('utf8') };
}

export async function wcpsGet(h: WcpsHarness, query: string): Promise<Answer> {
  return answer(await fetch(`${h.url}?query=${encodeURIComponent(query)}`));
}

export async function wcpsPost(h: WcpsHarness, query: string, contentType = 'text/plain'): Promise<Answer> {
  return answer(await fetch(h.url, { method: 'POST', body: query, headers: { 'Content-Type': contentType } }));
}

export function exception(xml: string): { code?: string; locator?: string; text?: string } {
  const doc = parseXmlDocument(xml);
  const ex = selectNodes(doc, "//*[local-name()='Exception']", {})[0] as unknown as { attr(n: string): { value(): string } | null; text(): string } | undefined;
  return { code: ex?.attr('exceptionCode')?.value(), locator: ex?.attr('locator')?.value(), text: ex?.text().trim() };
}

export function writeScratch(h: WcpsHarness, name: string, body: Buffer): string {
  const file = path.join(h.scratch, name);
  writeFileSync(file, body);
  return file;
}

/** Runs a Python snippet (numpy as np, gdal imported; `ARGS` holds the arguments) and parses the JSON it prints. */
export async function python<T>(code: string, args: string[] = []): Promise<T> {
  const script = `import json, sys\nimport numpy as np\nfrom osgeo import gdal\ngdal.UseExceptions()\nARGS = sys.argv[1:]\n${code}\n`;
  const out = await runOk(PYTHON, ['-c', script, ...args]);
  return JSON.parse(out) as T;
}

/** GDAL's view of a raster file: size, geotransform, EPSG, type, nodata, band names and values (band-major, row-major). */
export interface Gdal {
  width: number;
  height: number;
  bands: number;
  transform: number[];
  epsg: string | null;
  dataType: string;
  nodata: Array<number | null>;
  descriptions: string[];
  values: number[][];
}

export function readRaster(file: string): Promise<Gdal> {
  return python<Gdal>(
    `ds = gdal.Open(ARGS[0])
srs = ds.GetSpatialRef()
epsg = srs.GetAuthorityCode(None) if srs is not None else None
bands = [ds.GetRasterBand(i + 1) for i in range(ds.RasterCount)]
def clean(a):
    return [None if np.isnan(v) else float(v) for v in a.ravel().tolist()] if a.dtype.kind == 'f' else a.ravel().tolist()
print(json.dumps({'width': ds.RasterXSize, 'height': ds.RasterYSize, 'bands': ds.RasterCount, 'transform': list(ds.GetGeoTransform()), 'epsg': epsg,
  'dataType': gdal.GetDataTypeName(bands[0].DataType), 'nodata': [None if b.GetNoDataValue() is None or np.isnan(b.GetNoDataValue()) else b.GetNoDataValue() for b in bands], 'descriptions': [b.GetDescription() for b in bands],
  'values': [clean(b.ReadAsArray()) for b in bands]}))`,
    [file],
  );
}
