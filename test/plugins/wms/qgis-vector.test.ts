/**
 * "QGIS users see the feature collections as WMS layers": QGIS's own WMS provider (PyQGIS,
 * headless, fixtures/qgis_wms.py as in qgis.test.ts) lists the vector layers in its browser,
 * draws a vector layer over a raster one (LAYERS=pattern,zones,roads,places) in EPSG:4326 and
 * EPSG:3857 with each shape where PROJ puts it and in its rule's colour, and identify() reads the
 * attributes of the feature under a point (GetFeatureInfo); a collection with a temporal property
 * is a WMS-T layer whose temporal map draws only the features of its instant.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { decode, featuresOf, GREY, near, projTransform, PYTHON, run, startWms, WHITE, type WmsHarness } from './support.js';
import { CITY, createVectorFixtures, EVENT, FOREST, LAKE, ROAD, TOWN, VECTOR_STYLES } from './vector-fixtures.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/qgis_wms.py', import.meta.url));

interface BrowserNode {
  kind: string;
  name: string;
  uri?: string;
  children?: BrowserNode[];
}

interface QgisReport {
  browser: Array<{ tree: BrowserNode[] }>;
  layers: Array<{
    valid: boolean;
    error?: string;
    crs: string;
    renders: Array<{ errors: string[]; file: string; visibleExtent: number[] }>;
    identify: Array<{ valid: boolean; error?: string; results?: Record<string, string | Array<{ fields: string[]; attributes: Array<string | number | null> }>> }>;
    requests: string[];
  }>;
}

const layerItems = (nodes: BrowserNode[]): BrowserNode[] => nodes.flatMap((n) => (n.kind === 'layer' ? [n] : layerItems(n.children ?? [])));

describe("wms vector layers with QGIS's own WMS provider (PyQGIS, headless)", function () {
  this.timeout(180_000);
  let h: WmsHarness;
  let dir: string;
  before(async () => {
    h = await startWms({ features: {}, wms: { title: 'Vector maps for QGIS', vectorStyles: VECTOR_STYLES } });
    await createVectorFixtures(featuresOf(h));
    dir = mkdtempSync(path.join(tmpdir(), 'meridian-wms-qgis-vector-'));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let runs = 0;
  const qgis = async (plan: { browse?: string[]; layers?: Array<{ uri: string; renders?: Array<Record<string, unknown>>; identify?: Array<Record<string, unknown>> }> }) => {
    const n = ++runs;
    for (const [l, layer] of (plan.layers ?? []).entries()) for (const [r, render] of (layer.renders ?? []).entries()) render.file = path.join(dir, `run${n}-layer${l}-render${r}.png`);
    const planFile = path.join(dir, `run${n}-plan.json`);
    writeFileSync(planFile, JSON.stringify(plan));
    const res = await run(PYTHON, [SCRIPT, planFile], { HOME: mkdtempSync(path.join(dir, 'home-')), QT_QPA_PLATFORM: 'offscreen' });
    assert.equal(res.code, 0, `QGIS failed:\n${res.stderr}\n${res.stdout}`);
    return JSON.parse(res.stdout) as QgisReport;
  };

  it('lists the vector layers in its browser beside the raster ones, not the private one', async () => {
    const report = await qgis({ browse: [h.url] });
    const names = layerItems(report.browser[0]!.tree).map((l) => l.name);
    // QGIS sorts the items by title.
    assert.deepEqual(names, ['Events', 'Overlay', 'Parcels', 'Pattern', 'Places', 'Roads', 'Series', 'Values', 'Zones']);
    // The temporal collection is a WMS-T layer, with the continuous extent of its features' times.
    const events = new URLSearchParams(layerItems(report.browser[0]!.tree).find((l) => l.name === 'Events')!.uri!);
    assert.equal(events.get('type'), 'wmst');
    assert.equal(events.get('timeDimensionExtent'), '2021-01-15T12:00:00.000Z/2021-03-15T12:00:00.000Z/PT1S');
    assert.equal(new URLSearchParams(layerItems(report.browser[0]!.tree).find((l) => l.name === 'Zones')!.uri!).get('type'), null);
  });

  it('draws the features of the instant of a temporal map (TIME), all of them on a plain map', async () => {
    const uri = new URLSearchParams({
      crs: 'EPSG:4326', format: 'image/png', layers: 'events', styles: '', url: h.url, type: 'wmst', allowTemporalUpdates: 'true', temporalSource: 'provider',
      timeDimensionExtent: '2021-01-15T12:00:00.000Z/2021-03-15T12:00:00.000Z/PT1S',
    }).toString();
    const extent = [0, 40, 20, 60];
    const report = await qgis({ layers: [{ uri, renders: [{ crs: 'EPSG:4326', extent, size: [200, 200], time: '2021-02-15T12:00:00Z' }, { crs: 'EPSG:4326', extent, size: [200, 200] }] }] });
    const layer = report.layers[0]!;
    assert.ok(layer.valid, layer.error);
    const times = layer.requests.map((r) => new URL(r).searchParams).filter((p) => p.get('REQUEST') === 'GetMap').map((p) => p.get('TIME'));
    assert.equal(times.length, 2, layer.requests.join('\n'));
    assert.equal(Date.parse(times[0]!), Date.parse('2021-02-15T12:00:00Z'), layer.requests.join('\n'));
    // Events at (3, 58), (9, 59), (15, 58.5), 10 px symbols; QGIS draws the layer's extent only
    // (lon 3..15, lat 58..59), so each is probed a little inside it.
    const drawn = async (i: number) => {
      const render = layer.renders[i]!;
      assert.deepEqual(render.errors, []);
      const [vx0, vy0, vx1, vy1] = render.visibleExtent as [number, number, number, number];
      const image = await decode(readFileSync(render.file));
      return [[3.2, 58.2], [9, 58.8], [14.8, 58.5]].map(([lon, lat]) => near(image.at(Math.floor(((lon! - vx0) / (vx1 - vx0)) * 200), Math.floor(((vy1 - lat!) / (vy1 - vy0)) * 200)), EVENT, 3));
    };
    assert.deepEqual(await drawn(0), [false, true, false]);
    assert.deepEqual(await drawn(1), [true, true, true]);
  });

  const PROBES: Array<{ what: string; lonLat: [number, number]; colour: readonly number[] }> = [
    { what: 'forest', lonLat: [1.6, 46.4], colour: FOREST },
    { what: 'lake over the blue square', lonLat: [15, 45], colour: LAKE },
    { what: 'lake', lonLat: [17.4, 41.6], colour: LAKE },
    { what: 'road', lonLat: [10, 57], colour: ROAD },
    { what: 'city', lonLat: [5, 52], colour: CITY },
    { what: 'town', lonLat: [15, 52], colour: TOWN },
    { what: 'the raster between them', lonLat: [9.5, 44], colour: GREY },
    { what: 'outside the raster', lonLat: [-1, 50], colour: WHITE },
  ];

  for (const crs of ['EPSG:4326', 'EPSG:3857']) {
    it(`${crs}: draws the vector layers over the raster where they are, and identify() reads the forest's attributes`, async () => {
      const mercator = crs === 'EPSG:3857';
      const toMap = (points: Array<[number, number]>) => (mercator ? projTransform('EPSG:4326', 'EPSG:3857', points) : Promise.resolve(points));
      const [[x0, y0], [x1, y1]] = (await toMap([[-2, 38], [22, 62]])) as [[number, number], [number, number]];
      const size: [number, number] = [240, Math.round((240 * (y1 - y0)) / (x1 - x0))];
      const extent = [x0, y0, x1, y1];
      const probes = await toMap(PROBES.map((p) => p.lonLat));
      const uri = new URLSearchParams({ crs, format: 'image/png', layers: 'pattern', styles: '', url: h.url }).toString();
      // Several layers in one QGIS WMS layer: QGIS repeats the layers/styles keys, topmost first
      // (as its dialog lists them), and asks for them in WMS order, bottom first.
      const multi = `${uri.replace('layers=pattern&styles=', '')}&layers=places&layers=roads&layers=zones&layers=pattern&styles=&styles=&styles=&styles=`;
      const report = await qgis({
        layers: [
          {
            uri: multi,
            renders: [{ crs, extent, size }],
            identify: [{ point: probes[0]!, extent, size, format: 'text' }],
          },
        ],
      });
      const layer = report.layers[0]!;
      assert.ok(layer.valid, layer.error);
      const getMap = layer.requests.map((r) => Object.fromEntries([...new URL(r).searchParams].map(([k, v]) => [k.toUpperCase(), v]))).find((p) => p.REQUEST === 'GetMap');
      assert.equal(getMap?.LAYERS, 'pattern,zones,roads,places', layer.requests.join('\n'));
      const render = layer.renders[0]!;
      assert.deepEqual(render.errors, []);
      const [vx0, vy0, vx1, vy1] = render.visibleExtent as [number, number, number, number];
      const image = await decode(readFileSync(render.file));
      for (const [i, probe] of PROBES.entries()) {
        const [x, y] = probes[i]!;
        const col = Math.floor(((x - vx0) / (vx1 - vx0)) * size[0]);
        const row = Math.floor(((vy1 - y) / (vy1 - vy0)) * size[1]);
        assert.ok(near(image.at(col, row), probe.colour, 3), `${crs}: ${probe.what} (${probe.lonLat}) at pixel ${col},${row} is ${image.at(col, row)}, not ${probe.colour}`);
      }
      const identified = layer.identify[0]!;
      assert.ok(identified.valid, identified.error);
      const text = Object.values(identified.results ?? {}).map(String).join('\n');
      assert.match(text, /Feature zones\.1\n\s*name = Alpha\n\s*kind = forest/);
    });
  }
});
