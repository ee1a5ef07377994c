/**
 * "QGIS users can add the WMS endpoint and see the sample layers": QGIS's own WMS provider
 * (PyQGIS, headless, driven by fixtures/qgis_wms.py) against the real server with the fixture
 * rasters. The browser lists the layers from the 1.3.0 and 1.1.1 capabilities; a layer added in
 * EPSG:4326, CRS:84 and EPSG:3857 is valid with the pattern's extent; QGIS's map renderer draws
 * the red square north-west and the blue one south-east exactly where the raster has them (pixel
 * positions computed here, through PROJ for Web Mercator), so a swapped axis or an offset fails;
 * identify() (GetFeatureInfo) reads the pixel under a point; the series is drawn at the instant of
 * a temporal map. WMS 1.1.1 is reached as QGIS users do with a server offering both: VERSION=1.1.1
 * in the connection URL (QGIS's own GetCapabilities has none, and it then talks the version the
 * capabilities answered).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ELEVATION, generateSampleRasters, LANDCOVER } from '../../../plugins/coverages/sample-data.js';
import { BLUE, decode, GREY, projTransform, PYTHON, RED, run, startWms, WHITE, type WmsHarness } from './support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/qgis_wms.py', import.meta.url));

interface BrowserNode {
  kind: 'connection' | 'collection' | 'layer' | 'error';
  name: string;
  uri?: string;
  error?: string;
  children?: BrowserNode[];
}

interface IdentifyResult {
  valid: boolean;
  error?: string;
  results?: Record<string, string | Array<{ fields: string[]; attributes: Array<string | number | null> }>>;
}

interface LayerReport {
  uri: string;
  valid: boolean;
  error?: string;
  crs: string;
  extent: [number, number, number, number];
  subLayers: string[];
  temporal: Array<[string, string]> | null;
  temporalActive: boolean;
  renders: Array<{ errors: string[]; file: string; visibleExtent: number[] }>;
  identify: IdentifyResult[];
  requests: string[];
}

interface QgisReport {
  browser: Array<{ url: string; tree: BrowserNode[]; requests: string[] }>;
  layers: LayerReport[];
}

interface RenderSpec {
  crs: string;
  extent: number[];
  size: [number, number];
  time?: string;
  file?: string;
}

interface IdentifySpec {
  point: [number, number];
  extent: number[];
  size: [number, number];
  format: 'feature' | 'text' | 'html';
}

/** The first feature QGIS identified, as field -> value. */
function featureOf(result: IdentifyResult): Record<string, string | number | null> {
  assert.ok(result.valid, result.error);
  const features = Object.values(result.results ?? {})[0];
  assert.ok(Array.isArray(features) && features.length > 0, JSON.stringify(result));
  const f = features[0]!;
  return Object.fromEntries(f.fields.map((name, i) => [name, f.attributes[i] ?? null]));
}

/** The band values of the first feature QGIS identified (its fields band1, band2...). */
function bandsOf(result: IdentifyResult): number[] {
  return Object.entries(featureOf(result)).flatMap(([name, v]) => (/^band\d+$/.test(name) ? [Number(v)] : []));
}

const layerItems = (nodes: BrowserNode[]): BrowserNode[] => nodes.flatMap((n) => (n.kind === 'layer' ? [n] : layerItems(n.children ?? [])));

/** The WMS parameters of a request URL, names upper-cased. */
function paramsOf(url: string): Record<string, string> {
  return Object.fromEntries([...new URL(url).searchParams].map(([k, v]) => [k.toUpperCase(), v]));
}

describe("wms with QGIS's own WMS provider (PyQGIS, headless)", function () {
  this.timeout(180_000);
  let h: WmsHarness;
  let dir: string;
  before(async () => {
    h = await startWms({ wms: { title: 'Maps for QGIS' } });
    dir = mkdtempSync(path.join(tmpdir(), 'meridian-wms-qgis-'));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let runs = 0;
  /** One QGIS session (a fresh profile: HOME is a new folder) running a plan. */
  const qgis = async (plan: { browse?: string[]; layers?: Array<{ uri: string; renders?: RenderSpec[]; identify?: IdentifySpec[] }> }): Promise<QgisReport> => {
    const run_ = ++runs;
    for (const [l, layer] of (plan.layers ?? []).entries()) for (const [r, render] of (layer.renders ?? []).entries()) render.file = path.join(dir, `run${run_}-layer${l}-render${r}.png`);
    const home = mkdtempSync(path.join(dir, 'home-'));
    const planFile = path.join(dir, `run${run_}-plan.json`);
    writeFileSync(planFile, JSON.stringify(plan));
    const res = await run(PYTHON, [SCRIPT, planFile], { HOME: home, QT_QPA_PLATFORM: 'offscreen' });
    assert.equal(res.code, 0, `QGIS failed:\n${res.stderr}\n${res.stdout}`);
    return JSON.parse(res.stdout) as QgisReport;
  };
  const wmsUri = (params: Record<string, string>) => new URLSearchParams({ format: 'image/png', styles: '', ...params }).toString().replace(/\+/g, '%20');
  const url111 = () => `${h.url}?VERSION=1.1.1`;

  it('lists the layers it reads from the 1.3.0 and 1.1.1 capabilities in its browser (the series as WMS-T), not the private one', async () => {
    const report = await qgis({ browse: [h.url, url111()] });
    for (const [i, version] of (['1.3.0', '1.1.1'] as const).entries()) {
      const browsed = report.browser[i]!;
      assert.equal(browsed.requests.length, 1, browsed.requests.join('\n'));
      assert.equal(paramsOf(browsed.requests[0]!).REQUEST, 'GetCapabilities');
      assert.equal(paramsOf(browsed.requests[0]!).VERSION, version === '1.1.1' ? '1.1.1' : undefined);
      const [connection] = browsed.tree;
      assert.equal(connection?.children?.length, 1, JSON.stringify(browsed.tree));
      const root = connection.children[0]!;
      assert.equal(root.kind, 'collection', `${version}: ${JSON.stringify(root)}`);
      assert.equal(root.name, 'Maps for QGIS');
      const items = layerItems([root]);
      assert.deepEqual(items.map((l) => l.name), ['Overlay', 'Pattern', 'Series', 'Values'], version);
      const byName = new Map(items.map((l) => [l.name, new URLSearchParams(l.uri!)]));
      assert.deepEqual([...byName.values()].map((u) => u.get('layers')), ['overlay', 'pattern', 'series', 'values']);
      for (const uri of byName.values()) assert.equal(uri.get('crs'), 'EPSG:4326', version);
      const series = byName.get('Series')!;
      assert.equal(series.get('type'), 'wmst', `${version}: QGIS sees the TIME dimension`);
      assert.equal(series.get('timeDimensionExtent'), '2020-01-01T00:00:00.000Z,2020-02-01T00:00:00.000Z,2020-03-01T00:00:00.000Z');
      assert.equal(byName.get('Pattern')!.get('type'), null);
    }
  });

  // Drawn over lon -2..22, lat 38..62 (beyond the raster's 0..20, 40..60 on every side, so its
  // edges show too): where each test point falls, in the map's CRS, and what colour it must be.
  const BOX = { west: -2, south: 38, east: 22, north: 62 };
  const PROBES: Array<{ what: string; lonLat: [number, number]; colour: readonly number[] }> = [
    { what: 'red square centre', lonLat: [5, 55], colour: RED },
    { what: 'blue square centre', lonLat: [15, 45], colour: BLUE },
    { what: 'grey between the squares', lonLat: [10, 50], colour: GREY },
    { what: 'grey west of the red square', lonLat: [3.6, 55], colour: GREY },
    { what: 'grey east of the red square', lonLat: [6.4, 55], colour: GREY },
    { what: 'grey south of the red square', lonLat: [5, 53.6], colour: GREY },
    { what: 'grey north of the red square', lonLat: [5, 56.4], colour: GREY },
    { what: 'grey where a lat/lon swap would put red', lonLat: [15, 55], colour: GREY },
    { what: 'the map background west of the raster', lonLat: [-1, 50], colour: WHITE },
    { what: 'the map background north of the raster', lonLat: [10, 61], colour: WHITE },
  ];

  for (const c of [
    { version: '1.3.0', crs: 'EPSG:4326', authid: 'EPSG:4326', bboxLatFirst: true },
    // QGIS takes CRS:84 as EPSG:4326 for the layer's CRS, yet asks in CRS:84, longitude first.
    { version: '1.3.0', crs: 'CRS:84', authid: 'EPSG:4326', bboxLatFirst: false },
    { version: '1.3.0', crs: 'EPSG:3857', authid: 'EPSG:3857', bboxLatFirst: false },
    { version: '1.1.1', crs: 'EPSG:4326', authid: 'EPSG:4326', bboxLatFirst: false },
    { version: '1.1.1', crs: 'EPSG:3857', authid: 'EPSG:3857', bboxLatFirst: false },
  ]) {
    it(`${c.version} ${c.crs}: the layer is valid with the raster's extent, draws each square where it is, and identify() reads the pixel under a point`, async () => {
      const mercator = c.crs === 'EPSG:3857';
      // Map coordinates of the box corners and probes: PROJ for Web Mercator, as is otherwise.
      const toMap = async (points: Array<[number, number]>) => (mercator ? projTransform('EPSG:4326', 'EPSG:3857', points) : points);
      const [[x0, y0], [x1, y1]] = await toMap([[BOX.west, BOX.south], [BOX.east, BOX.north]]) as [[number, number], [number, number]];
      // Square map pixels, as a canvas has: the height follows the extent's aspect.
      const size: [number, number] = [240, Math.round((240 * (y1 - y0)) / (x1 - x0))];
      const extent = [x0, y0, x1, y1];
      const probes = await toMap(PROBES.map((p) => p.lonLat));
      const [rasterMin, rasterMax] = await toMap([[0, 40], [20, 60]]) as [[number, number], [number, number]];
      const report = await qgis({
        layers: [{
          uri: wmsUri({ crs: c.crs, layers: 'pattern', url: c.version === '1.1.1' ? url111() : h.url }),
          renders: [{ crs: c.crs, extent, size }],
          identify: [
            { point: probes[0]!, extent, size, format: 'feature' },
            { point: probes[1]!, extent, size, format: 'feature' },
            { point: probes[2]!, extent, size, format: 'text' },
          ],
        }],
      });
      const layer = report.layers[0]!;
      assert.ok(layer.valid, layer.error);
      assert.equal(layer.crs, c.authid);
      assert.deepEqual(layer.subLayers, ['pattern']);
      const tolerance = mercator ? 1e-3 : 1e-9;
      layer.extent.forEach((v, i) => assert.ok(Math.abs(v - [...rasterMin, ...rasterMax][i]!) < tolerance, `extent ${layer.extent} vs ${[...rasterMin, ...rasterMax]}`));

      // The requests QGIS made: capabilities, then GetMap and GetFeatureInfo in the version and axis order of the case.
      const [caps, getMap, ...infos] = layer.requests.map(paramsOf);
      assert.equal(caps?.REQUEST, 'GetCapabilities');
      assert.equal(getMap?.REQUEST, 'GetMap', layer.requests.join('\n'));
      assert.equal(getMap.VERSION, c.version);
      assert.equal(getMap[c.version === '1.3.0' ? 'CRS' : 'SRS'], c.crs);
      // QGIS asks for the part of the map the layer covers, and places the image there.
      const bbox = getMap.BBOX!.split(',').map(Number);
      const [cx0, cy0, cx1, cy1] = [Math.max(x0, rasterMin[0]), Math.max(y0, rasterMin[1]), Math.min(x1, rasterMax[0]), Math.min(y1, rasterMax[1])];
      const expectedBbox = c.bboxLatFirst ? [cy0, cx0, cy1, cx1] : [cx0, cy0, cx1, cy1];
      bbox.forEach((v, i) => assert.ok(Math.abs(v - expectedBbox[i]!) < tolerance, `BBOX ${getMap.BBOX} vs ${expectedBbox}`));
      assert.equal(infos.length, 3, layer.requests.join('\n'));
      for (const info of infos) {
        assert.equal(info.REQUEST, 'GetFeatureInfo');
        assert.equal(info.QUERY_LAYERS, 'pattern');
        assert.ok(c.version === '1.3.0' ? info.I && info.J : info.X && info.Y, JSON.stringify(info));
      }

      // What QGIS drew: each probe's pixel, computed from the map extent here.
      const render = layer.renders[0]!;
      assert.deepEqual(render.errors, []);
      // QGIS widens one side to the pixel grid (less than a pixel here); probes are placed in what it drew.
      const [vx0, vy0, vx1, vy1] = render.visibleExtent as [number, number, number, number];
      const pixel = (x1 - x0) / size[0];
      render.visibleExtent.forEach((v, i) => assert.ok(Math.abs(v - extent[i]!) < pixel, `drawn ${render.visibleExtent} vs asked ${extent}`));
      const image = await decode(readFileSync(render.file));
      assert.deepEqual([image.width, image.height], size);
      for (const [i, probe] of PROBES.entries()) {
        const [x, y] = probes[i]!;
        const col = Math.floor(((x - vx0) / (vx1 - vx0)) * size[0]);
        const row = Math.floor(((vy1 - y) / (vy1 - vy0)) * size[1]);
        assert.deepEqual(image.at(col, row), [...probe.colour], `${probe.what} (${probe.lonLat}) at pixel ${col},${row}`);
      }

      // identify(): the pixel values under the red and blue centres (features) and the grey (text).
      assert.deepEqual(bandsOf(layer.identify[0]!), [255, 0, 0]);
      assert.deepEqual(bandsOf(layer.identify[1]!), [0, 0, 255]);
      const text = layer.identify[2]!;
      assert.ok(text.valid, text.error);
      assert.match(String(Object.values(text.results ?? {})[0]), /band1 = 100\n\s*band2 = 100\n\s*band3 = 100/);
    });
  }

  it('identify() reads a float band at a UTM point: the source pixel value (column + 1000 * row)', async () => {
    // The values raster's native grid: pixel (37, 21) is centred at (537500, 5978500).
    const extent = [500000, 5920000, 600000, 6000000];
    const report = await qgis({
      layers: [{ uri: wmsUri({ crs: 'EPSG:32631', layers: 'values', url: h.url }), identify: [{ point: [537500, 5978500], extent, size: [100, 80], format: 'feature' }, { point: [500500, 5920500], extent, size: [100, 80], format: 'feature' }] }],
    });
    const layer = report.layers[0]!;
    assert.ok(layer.valid, layer.error);
    assert.equal(layer.crs, 'EPSG:32631');
    assert.deepEqual(bandsOf(layer.identify[0]!), [21037]);
    assert.deepEqual(bandsOf(layer.identify[1]!), [79000]);
    const info = paramsOf(layer.requests.find((u) => /GetFeatureInfo/.test(u))!);
    assert.deepEqual([info.CRS, info.I, info.J], ['EPSG:32631', '37', '21']);
  });

  for (const version of ['1.3.0', '1.1.1']) {
    it(`${version}: the series layer from the browser is temporal; a temporal map draws the instant asked (TIME), a plain map the default`, async () => {
      const browsed = await qgis({ browse: [version === '1.1.1' ? url111() : h.url] });
      const series = layerItems(browsed.browser[0]!.tree).find((l) => l.name === 'Series');
      assert.ok(series?.uri, JSON.stringify(browsed.browser));
      const extent = [0, 40, 10, 50];
      const size: [number, number] = [100, 100];
      const report = await qgis({
        layers: [{
          uri: series.uri,
          renders: [
            { crs: 'EPSG:4326', extent, size, time: '2020-01-01T00:00:00Z' },
            { crs: 'EPSG:4326', extent, size, time: '2020-02-01T00:00:00Z' },
            { crs: 'EPSG:4326', extent, size },
          ],
        }],
      });
      const layer = report.layers[0]!;
      assert.ok(layer.valid, layer.error);
      assert.ok(layer.temporalActive);
      assert.deepEqual(layer.temporal, [
        ['2020-01-01T00:00:00Z', '2020-01-01T00:00:00Z'],
        ['2020-02-01T00:00:00Z', '2020-02-01T00:00:00Z'],
        ['2020-03-01T00:00:00Z', '2020-03-01T00:00:00Z'],
      ]);
      const maps = layer.requests.map(paramsOf).filter((p) => p.REQUEST === 'GetMap');
      assert.deepEqual(maps.map((p) => [p.VERSION, p.TIME]), [[version, '2020-01-01T00:00:00Z'], [version, '2020-02-01T00:00:00Z'], [version, undefined]]);
      const colours = await Promise.all(layer.renders.map(async (r) => (await decode(readFileSync(r.file))).at(50, 50)));
      assert.deepEqual(colours, [[200, 0, 0, 255], [0, 200, 0, 255], [0, 0, 200, 255]]);
    });
  }
});

describe("wms with QGIS's own WMS provider, on the sample rasters a default start serves", function () {
  this.timeout(180_000);
  let h: WmsHarness;
  let dir: string;
  before(async () => {
    // As `meridian serve` starts: sample data on, the coverages engine's generated rasters only.
    h = await startWms({ inline: { sampleData: true }, coverages: { sampleRasters: true, coverages: [] } });
    dir = mkdtempSync(path.join(tmpdir(), 'meridian-wms-qgis-samples-'));
    for (const s of generateSampleRasters()) writeFileSync(path.join(dir, s.name), s.body);
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the sample layers, draws sample-rgb (natural) with its corner markers in place, and identify() reads the elevation GDAL reads', async () => {
    const size = LANDCOVER.size * LANDCOVER.pixel;
    const [west, north] = LANDCOVER.origin;
    const extent = [west, north - size, west + size, north];
    const demGrid = [7, 45.5, 8, 46.5];
    const matterhorn: [number, number] = [7.6586, 45.9763];
    const planFile = path.join(dir, 'plan.json');
    const png = path.join(dir, 'sample-rgb.png');
    writeFileSync(planFile, JSON.stringify({
      browse: [h.url],
      layers: [
        { uri: new URLSearchParams({ crs: 'EPSG:32632', format: 'image/png', layers: 'sample-rgb', styles: 'natural', url: h.url }).toString(), renders: [{ crs: 'EPSG:32632', extent, size: [512, 512], file: png }] },
        { uri: new URLSearchParams({ crs: 'EPSG:4326', format: 'image/png', layers: 'sample-dem', styles: 'terrain', url: h.url }).toString(), identify: [{ point: matterhorn, extent: demGrid, size: [ELEVATION.size, ELEVATION.size], format: 'feature' }] },
      ],
    }));
    const res = await run(PYTHON, [SCRIPT, planFile], { HOME: mkdtempSync(path.join(dir, 'home-')), QT_QPA_PLATFORM: 'offscreen' });
    assert.equal(res.code, 0, `QGIS failed:\n${res.stderr}\n${res.stdout}`);
    const report = JSON.parse(res.stdout) as QgisReport;

    assert.deepEqual(layerItems(report.browser[0]!.tree).map((l) => l.name), ['Sample elevation (generated, EPSG:4326)', 'Sample land cover (generated RGB, UTM 32N)']);
    const [rgb, dem] = report.layers as [LayerReport, LayerReport];
    assert.ok(rgb.valid && dem.valid, `${rgb.error} ${dem.error}`);
    assert.equal(rgb.crs, 'EPSG:32632');
    rgb.extent.forEach((v, i) => assert.ok(Math.abs(v - extent[i]!) < 1e-6, `extent ${rgb.extent}`));
    // 40 m map pixels: each corner marker (48 source pixels of 10 m) centres 6 map pixels in from its corner.
    const image = await decode(readFileSync(rgb.renders[0]!.file));
    const { nw, ne, sw, se } = LANDCOVER.markers;
    assert.deepEqual([image.at(6, 6), image.at(505, 6), image.at(6, 505), image.at(505, 505)], [nw, ne, sw, se].map((c) => [...c, 255]));

    const elevation = Number(featureOf(dem.identify[0]!).elevation);
    const gdal = await run('gdallocationinfo', ['-valonly', '-wgs84', path.join(dir, ELEVATION.name), String(matterhorn[0]), String(matterhorn[1])]);
    assert.equal(gdal.code, 0, gdal.stderr);
    assert.ok(Math.abs(elevation - Number(gdal.stdout.trim())) < 1e-3, `QGIS ${elevation} vs GDAL ${gdal.stdout.trim()}`);
    assert.ok(elevation > ELEVATION.min && elevation < ELEVATION.max, `${elevation} m`);
  });
});
