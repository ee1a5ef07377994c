/**
 * "QGIS users can add the WMTS endpoint and see the sample layers": QGIS's own WMTS client (the
 * 'wms' provider; PyQGIS, headless, driven by fixtures/qgis_wmts.py) against the real server
 * with GDAL-made fixtures. The browser lists layer / [time value /] tile matrix set / format from
 * the capabilities; a layer added in WebMercatorQuad and in WorldCRS84Quad is valid with the
 * raster's extent and the sets' resolutions; QGIS's map renderer draws the square and the
 * raster's edges where they are (pixel positions computed here), from exactly the tiles that
 * cover the view (computed here from the tile matrices); identify() asks the tile pixel under a
 * point and reads its values; a time value chosen in the browser draws that instant.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { LANDCOVER } from '../../../plugins/coverages/sample-data.js';
import { BACKGROUND, crs84Pixel, decodeImage, makeRgbFixture, PYTHON, runTool, SQUARE, startWmts, tempDir, webMercatorPixel, type TilePixel, type WmtsHarness } from './support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/qgis_wmts.py', import.meta.url));
const WHITE = [255, 255, 255] as const;
const GREEN = [0, 200, 0] as const;
const DARK_BLUE = [0, 0, 200] as const;

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
  results?: Record<string, string | Array<Record<string, unknown>>>;
  requests: string[];
}

interface LayerReport {
  uri: string;
  valid: boolean;
  error?: string;
  crs: string;
  extent: [number, number, number, number];
  subLayers: string[];
  nativeResolutions: number[];
  renders: Array<{ errors: string[]; file: string; visibleExtent: [number, number, number, number]; requests: string[] }>;
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
  file?: string;
}

interface IdentifySpec {
  point: [number, number];
  extent: number[];
  size: [number, number];
  format: 'feature' | 'text' | 'html';
}

const R = 6378137;
/** Web Mercator of a lon/lat (the spherical formulas of EPSG:3857, written here). */
const mercator = ([lon, lat]: readonly [number, number]): [number, number] => [(lon * Math.PI * R) / 180, R * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))];

const SETS = [
  { set: 'WebMercatorQuad', crs: 'EPSG:3857', toMap: mercator, tileOf: webMercatorPixel, levels: 19, finest: (2 * Math.PI * R) / 256 / 2 ** 18 },
  { set: 'WorldCRS84Quad', crs: 'OGC:CRS84', toMap: (p: readonly [number, number]): [number, number] => [p[0], p[1]], tileOf: crs84Pixel, levels: 18, finest: 180 / 256 / 2 ** 17 },
] as const;

/** The raster's box (the fixture's), and two views: the whole raster with a margin, and the square close up. */
const RASTER = [0, 40, 20, 50] as const;
const VIEWS = [
  {
    name: 'the whole raster',
    box: [-2, 38, 22, 52] as const,
    width: 480,
    probes: [
      { what: 'the square', lonLat: [10.5, 45.5], colour: SQUARE },
      { what: 'background west of the square', lonLat: [9.6, 45.5], colour: BACKGROUND },
      { what: 'background east of the square', lonLat: [11.4, 45.5], colour: BACKGROUND },
      { what: 'background south of the square', lonLat: [10.5, 44.6], colour: BACKGROUND },
      { what: 'background north of the square', lonLat: [10.5, 46.4], colour: BACKGROUND },
      { what: 'inside the west edge', lonLat: [0.4, 45], colour: BACKGROUND },
      { what: 'outside the west edge', lonLat: [-0.4, 45], colour: WHITE },
      { what: 'inside the east edge', lonLat: [19.6, 45], colour: BACKGROUND },
      { what: 'outside the east edge', lonLat: [20.4, 45], colour: WHITE },
      { what: 'inside the north edge', lonLat: [10, 49.6], colour: BACKGROUND },
      { what: 'outside the north edge', lonLat: [10, 50.4], colour: WHITE },
      { what: 'inside the south edge', lonLat: [10, 40.4], colour: BACKGROUND },
      { what: 'outside the south edge', lonLat: [10, 39.6], colour: WHITE },
    ],
  },
  {
    name: 'the square close up',
    box: [9.5, 44.5, 11.5, 46.5] as const,
    width: 400,
    probes: [
      { what: 'the square', lonLat: [10.5, 45.5], colour: SQUARE },
      { what: 'the square near its north-west corner', lonLat: [10.04, 45.96], colour: SQUARE },
      { what: 'the square near its south-east corner', lonLat: [10.96, 45.04], colour: SQUARE },
      { what: 'background west', lonLat: [9.9, 45.5], colour: BACKGROUND },
      { what: 'background east', lonLat: [11.1, 45.5], colour: BACKGROUND },
      { what: 'background south', lonLat: [10.5, 44.9], colour: BACKGROUND },
      { what: 'background north', lonLat: [10.5, 46.1], colour: BACKGROUND },
    ],
  },
] as const;

const layerItems = (nodes: BrowserNode[]): BrowserNode[] => nodes.flatMap((n) => (n.kind === 'layer' ? [n] : layerItems(n.children ?? [])));
const childNames = (node: BrowserNode | undefined) => (node?.children ?? []).map((c) => c.name).sort();
const child = (node: BrowserNode | undefined, name: string) => node?.children?.find((c) => c.name === name);
const paramsOf = (url: string) => Object.fromEntries([...new URL(url).searchParams].map(([k, v]) => [k.toUpperCase(), v]));

describe("wmts with QGIS's own WMTS client (PyQGIS, headless)", function () {
  this.timeout(180_000);
  let h: WmtsHarness;
  let tmp: ReturnType<typeof tempDir>;
  before(async () => {
    tmp = tempDir('qgis');
    const rgb = makeRgbFixture(path.join(tmp.dir, 'rgb.tif'));
    makeRgbFixture(path.join(tmp.dir, 'series', 'ts_20200101.tif'), { square: { color: GREEN, ullr: [10, 46, 11, 45] } });
    makeRgbFixture(path.join(tmp.dir, 'series', 'ts_20200201.tif'), { square: { color: DARK_BLUE, ullr: [10, 46, 11, 45] } });
    h = await startWmts({
      coverages: [
        { id: 'rgb', title: 'RGB fixture', path: rgb },
        { id: 'series', title: 'Monthly series', path: path.join(tmp.dir, 'series', 'ts_*.tif'), time: { pattern: 'ts_(?<time>\\d{8})\\.tif' } },
      ],
    });
  });
  after(async () => {
    await h?.close();
    tmp?.remove();
  });

  const capabilitiesUrl = () => `${h.url}?SERVICE=WMTS&REQUEST=GetCapabilities`;
  const uriOf = (params: Record<string, string>) => new URLSearchParams({ format: 'image/png', styles: 'rgb', url: capabilitiesUrl(), ...params }).toString();
  let runs = 0;
  /** One QGIS session (a fresh profile: HOME is a new folder) running a plan. */
  const qgis = async (plan: { browse?: string[]; layers?: Array<{ uri: string; renders?: RenderSpec[]; identify?: IdentifySpec[] }> }): Promise<QgisReport> => {
    const n = ++runs;
    for (const [l, layer] of (plan.layers ?? []).entries()) for (const [r, render] of (layer.renders ?? []).entries()) render.file = path.join(tmp.dir, `run${n}-layer${l}-render${r}.png`);
    const planFile = path.join(tmp.dir, `run${n}-plan.json`);
    writeFileSync(planFile, JSON.stringify(plan));
    const res = await runTool(PYTHON, [SCRIPT, planFile], { HOME: mkdtempSync(path.join(tmp.dir, 'home-')), QT_QPA_PLATFORM: 'offscreen' });
    assert.equal(res.code, 0, `QGIS failed:\n${res.stderr}\n${res.stdout}`);
    return JSON.parse(res.stdout) as QgisReport;
  };
  /** A view's extent in the set's CRS, and an output size with square pixels. */
  const viewIn = (s: (typeof SETS)[number], box: readonly number[], width: number) => {
    const [x0, y0] = s.toMap([box[0]!, box[1]!]);
    const [x1, y1] = s.toMap([box[2]!, box[3]!]);
    return { extent: [x0, y0, x1, y1], size: [width, Math.round((width * (y1 - y0)) / (x1 - x0))] as [number, number] };
  };

  it('lists layer, time value, tile matrix set and format from the capabilities in its browser', async () => {
    const report = await qgis({ browse: [capabilitiesUrl()] });
    const browsed = report.browser[0]!;
    assert.deepEqual(browsed.requests, [capabilitiesUrl()]);
    const connection = browsed.tree[0]!;
    assert.deepEqual(childNames(connection), ['Monthly series', 'RGB fixture']);
    const rgb = child(connection, 'RGB fixture');
    assert.deepEqual(childNames(rgb), ['WebMercatorQuad', 'WorldCRS84Quad']);
    for (const s of SETS) {
      const formats = child(rgb, s.set);
      assert.deepEqual(childNames(formats), ['image/jpeg', 'image/png']);
      const png = new URLSearchParams(child(formats, 'image/png')!.uri!);
      assert.deepEqual(
        ['layers', 'styles', 'tileMatrixSet', 'crs', 'format', 'url'].map((k) => png.get(k)),
        ['rgb', 'rgb', s.set, s.crs, 'image/png', capabilitiesUrl()],
      );
    }
    const time = child(child(connection, 'Monthly series'), 'Time');
    assert.deepEqual(childNames(time), ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z']);
    const items = layerItems([time!]);
    assert.equal(items.length, 2 * 2 * 2, 'two instants, two sets, two formats');
    for (const item of items) assert.match(new URLSearchParams(item.uri!).get('tileDimensions') ?? '', /^Time=2020-0[12]-01T00:00:00\.000Z$/);
  });

  for (const s of SETS) {
    it(`${s.set}: the layer is valid with the raster's extent; each view is drawn from the tiles covering it, the square and the edges where they are`, async () => {
      const views = VIEWS.map((v) => ({ ...v, ...viewIn(s, v.box, v.width) }));
      const report = await qgis({ layers: [{ uri: uriOf({ layers: 'rgb', tileMatrixSet: s.set, crs: s.crs }), renders: views.map((v) => ({ crs: s.crs, extent: v.extent, size: v.size })) }] });
      const layer = report.layers[0]!;
      assert.ok(layer.valid, layer.error);
      assert.equal(layer.crs, s.crs);
      assert.deepEqual(layer.subLayers, ['rgb']);
      const [rx0, ry0] = s.toMap([RASTER[0], RASTER[1]]);
      const [rx1, ry1] = s.toMap([RASTER[2], RASTER[3]]);
      layer.extent.forEach((v, i) => assert.ok(Math.abs(v - [rx0, ry0, rx1, ry1][i]!) < 1e-6 * Math.max(1, Math.abs(v)), `extent ${layer.extent}`));
      // One resolution per tile matrix, finest first, as the set defines them.
      assert.equal(layer.nativeResolutions.length, s.levels);
      assert.ok(Math.abs(layer.nativeResolutions[0]! - s.finest) < 1e-9 * s.finest, `${layer.nativeResolutions[0]} vs ${s.finest}`);

      for (const [i, view] of views.entries()) {
        const render = layer.renders[i]!;
        assert.deepEqual(render.errors, [], view.name);
        // The tiles: one level, and exactly those covering the part of the view the layer has data in.
        const tiles = render.requests.map(paramsOf);
        assert.ok(tiles.length > 0 && tiles.every((t) => t.REQUEST === 'GetTile' && t.LAYER === 'rgb' && t.TILEMATRIXSET === s.set && t.FORMAT === 'image/png'), render.requests.join('\n'));
        const levels = new Set(tiles.map((t) => t.TILEMATRIX));
        assert.equal(levels.size, 1, `${view.name}: ${[...levels]}`);
        const z = Number([...levels][0]);
        const mapResolution = (view.extent[2]! - view.extent[0]!) / view.size[0];
        const levelResolution = layer.nativeResolutions[s.levels - 1 - z]!;
        assert.ok(levelResolution / mapResolution > 0.5 && levelResolution / mapResolution < 2, `${view.name}: level ${z} (${levelResolution}) for a map of ${mapResolution}`);
        const covered = [Math.max(view.box[0], RASTER[0]), Math.max(view.box[1], RASTER[1]), Math.min(view.box[2], RASTER[2]), Math.min(view.box[3], RASTER[3])];
        // Nudged inside, so a corner on a tile edge counts the tile it covers.
        const nw: TilePixel = s.tileOf(z, covered[0]! + 1e-9, covered[3]! - 1e-9);
        const se: TilePixel = s.tileOf(z, covered[2]! - 1e-9, covered[1]! + 1e-9);
        const expected: string[] = [];
        for (let row = nw.row; row <= se.row; row++) for (let col = nw.col; col <= se.col; col++) expected.push(`${row}/${col}`);
        assert.deepEqual(tiles.map((t) => `${t.TILEROW}/${t.TILECOL}`).sort(), expected.sort(), `${view.name} at level ${z}`);

        // The pixels: each probe where the drawn extent puts it.
        const [vx0, vy0, vx1, vy1] = render.visibleExtent;
        render.visibleExtent.forEach((v, k) => assert.ok(Math.abs(v - view.extent[k]!) < mapResolution, `drawn ${render.visibleExtent} vs asked ${view.extent}`));
        const image = await decodeImage(readFileSync(render.file));
        assert.deepEqual([image.width, image.height], view.size);
        for (const probe of view.probes) {
          const [x, y] = s.toMap(probe.lonLat);
          const col = Math.floor(((x - vx0) / (vx1 - vx0)) * image.width);
          const row = Math.floor(((vy1 - y) / (vy1 - vy0)) * image.height);
          assert.deepEqual(image.at(col, row).slice(0, 3), [...probe.colour], `${view.name}: ${probe.what} (${probe.lonLat}) at pixel ${col},${row}`);
        }
      }
    });

    it(`${s.set}: identify() asks the tile pixel under a point (as computed here) and reads its values`, async () => {
      const view = viewIn(s, VIEWS[1].box, 400);
      const points: Array<{ lonLat: [number, number]; values: readonly number[] }> = [
        { lonLat: [10.5, 45.5], values: SQUARE },
        { lonLat: [9.7, 44.7], values: BACKGROUND },
      ];
      const report = await qgis({
        layers: [{
          uri: uriOf({ layers: 'rgb', tileMatrixSet: s.set, crs: s.crs }),
          identify: [...points.map((p) => ({ point: s.toMap(p.lonLat), ...view, format: 'feature' as const })), { point: s.toMap(points[0]!.lonLat), ...view, format: 'text' as const }],
        }],
      });
      const layer = report.layers[0]!;
      assert.ok(layer.valid, layer.error);
      for (const [i, p] of points.entries()) {
        const result = layer.identify[i]!;
        assert.ok(result.valid, result.error);
        assert.equal(result.requests.length, 1, result.requests.join('\n'));
        // QGIS used the RESTful FeatureInfo template: .../{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}/{J}/{I}.json
        const match = /\/wmts\/1\.0\.0\/rgb\/rgb\/([^/]+)\/(\d+)\/(\d+)\/(\d+)\/(\d+)\/(\d+)\.json$/.exec(result.requests[0]!);
        assert.ok(match, result.requests[0]);
        const [, set, z, row, col, j, iPixel] = match;
        assert.equal(set, s.set);
        const expected = s.tileOf(Number(z), ...p.lonLat);
        assert.deepEqual([Number(row), Number(col), Number(j), Number(iPixel)], [expected.row, expected.col, expected.j, expected.i], `tile pixel of ${p.lonLat} at level ${z}`);
        const features = Object.values(result.results ?? {})[0];
        assert.ok(Array.isArray(features) && features.length === 1, JSON.stringify(result.results));
        assert.deepEqual(features[0]!.values, { band1: p.values[0], band2: p.values[1], band3: p.values[2] });
      }
      const text = layer.identify[2]!;
      assert.ok(text.valid, text.error);
      assert.match(String(Object.values(text.results ?? {})[0]), new RegExp(`band1 = ${SQUARE[0]}\\nband2 = ${SQUARE[1]}\\nband3 = ${SQUARE[2]}`));
    });
  }

  it('draws the instant of the time value chosen in the browser (Time), and the default (latest) without one', async () => {
    const browsed = await qgis({ browse: [capabilitiesUrl()] });
    const time = child(child(browsed.browser[0]!.tree[0], 'Monthly series'), 'Time');
    const uriAt = (instant: string) => child(child(child(time, instant), 'WebMercatorQuad'), 'image/png')?.uri;
    const uris = [uriAt('2020-01-01T00:00:00.000Z'), uriAt('2020-02-01T00:00:00.000Z'), uriOf({ layers: 'series', tileMatrixSet: 'WebMercatorQuad', crs: 'EPSG:3857' })];
    assert.ok(uris.every(Boolean), JSON.stringify(time));
    const s = SETS[0];
    const view = viewIn(s, VIEWS[1].box, 200);
    const report = await qgis({ layers: uris.map((uri) => ({ uri: uri!, renders: [{ crs: s.crs, ...view }] })) });
    const times: Array<string | undefined> = [];
    const colours: number[][] = [];
    for (const layer of report.layers) {
      assert.ok(layer.valid, layer.error);
      const render = layer.renders[0]!;
      assert.deepEqual(render.errors, []);
      const asked = new Set(render.requests.map((u) => paramsOf(u).TIME));
      assert.equal(asked.size, 1, render.requests.join('\n'));
      times.push([...asked][0]);
      colours.push((await decodeImage(readFileSync(render.file))).at(100, 100).slice(0, 3));
    }
    assert.deepEqual(times, ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z', undefined]);
    assert.deepEqual(colours, [[...GREEN], [...DARK_BLUE], [...DARK_BLUE]]);
  });
});

describe("wmts with QGIS's own WMTS client, on the sample rasters a default start serves", function () {
  this.timeout(180_000);
  let h: WmtsHarness;
  let tmp: ReturnType<typeof tempDir>;
  before(async () => {
    tmp = tempDir('qgis-samples');
    // As `meridian serve` starts: sample data on, the coverages engine's generated rasters only.
    h = await startWmts({ coverages: [], inline: { sampleData: true }, plugins: { coverages: { workers: 1, refreshSeconds: 0, sampleRasters: true, catalogue: { enabled: false } } } });
  });
  after(async () => {
    await h?.close();
    tmp?.remove();
  });

  it('lists the sample layers, and draws sample-rgb in WebMercatorQuad with its corner markers in place; identify() reads a marker', async () => {
    const capabilities = `${h.url}?SERVICE=WMTS&REQUEST=GetCapabilities`;
    // The markers' centres (24 source pixels in from each corner) in lon/lat, by PROJ.
    const size = LANDCOVER.size * LANDCOVER.pixel;
    const [west, north] = LANDCOVER.origin;
    const inset = (LANDCOVER.marker / 2) * LANDCOVER.pixel;
    const utm = [[west + inset, north - inset], [west + size - inset, north - inset], [west + inset, north - size + inset], [west + size - inset, north - size + inset]];
    const lonLats = execFileSync('gdaltransform', ['-s_srs', LANDCOVER.crs, '-t_srs', 'EPSG:4326', '-output_xy'], { input: utm.map((p) => p.join(' ')).join('\n') + '\n', encoding: 'utf8' })
      .trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
    const lons = lonLats.map((p) => p[0]);
    const lats = lonLats.map((p) => p[1]);
    const [x0, y0] = mercator([Math.min(...lons) - 0.02, Math.min(...lats) - 0.02]);
    const [x1, y1] = mercator([Math.max(...lons) + 0.02, Math.max(...lats) + 0.02]);
    const extent = [x0, y0, x1, y1];
    const mapSize: [number, number] = [512, Math.round((512 * (y1 - y0)) / (x1 - x0))];
    const planFile = path.join(tmp.dir, 'plan.json');
    const png = path.join(tmp.dir, 'sample-rgb.png');
    const uri = new URLSearchParams({ crs: 'EPSG:3857', format: 'image/png', layers: 'sample-rgb', styles: 'natural', tileMatrixSet: 'WebMercatorQuad', url: capabilities }).toString();
    writeFileSync(planFile, JSON.stringify({
      browse: [capabilities],
      layers: [{ uri, renders: [{ crs: 'EPSG:3857', extent, size: mapSize, file: png }], identify: [{ point: mercator(lonLats[0]!), extent, size: mapSize, format: 'feature' }] }],
    }));
    const res = await runTool(PYTHON, [SCRIPT, planFile], { HOME: mkdtempSync(path.join(tmp.dir, 'home-')), QT_QPA_PLATFORM: 'offscreen' });
    assert.equal(res.code, 0, `QGIS failed:\n${res.stderr}\n${res.stdout}`);
    const report = JSON.parse(res.stdout) as QgisReport;

    const connection = report.browser[0]!.tree[0];
    assert.deepEqual(childNames(connection), ['Sample elevation (generated, EPSG:4326)', 'Sample land cover (generated RGB, UTM 32N)']);
    const natural = child(child(connection, 'Sample land cover (generated RGB, UTM 32N)'), 'WebMercatorQuad');
    assert.equal(new URLSearchParams(child(natural, 'image/png')?.uri ?? '').get('styles'), 'natural');

    const layer = report.layers[0]!;
    assert.ok(layer.valid, layer.error);
    const render = layer.renders[0]!;
    assert.deepEqual(render.errors, []);
    const image = await decodeImage(readFileSync(render.file));
    const [vx0, vy0, vx1, vy1] = render.visibleExtent;
    const { nw, ne, sw, se } = LANDCOVER.markers;
    const drawn = lonLats.map((p) => {
      const [x, y] = mercator(p);
      return image.at(Math.floor(((x - vx0) / (vx1 - vx0)) * image.width), Math.floor(((vy1 - y) / (vy1 - vy0)) * image.height)).slice(0, 3);
    });
    assert.deepEqual(drawn, [nw, ne, sw, se].map((c) => [...c]));
    const features = Object.values(layer.identify[0]!.results ?? {})[0];
    assert.ok(Array.isArray(features) && features.length === 1, JSON.stringify(layer.identify[0]));
    assert.deepEqual(features[0]!.values, { red: nw[0], green: nw[1], blue: nw[2] });
  });
});
