/**
 * OWSLib's WebMapService (the library QGIS's Python tools and many scripts use) against the real
 * server, 1.3.0 and 1.1.1: contents, titles, styles, CRSs and time positions from the
 * capabilities, getmap() returning a PNG that decodes to the pattern, getfeatureinfo() values.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BLUE, decode, PYTHON, RED, run, startWms, type WmsHarness } from './support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/owslib_client.py', import.meta.url));

interface OwslibReport {
  version: string;
  title: string;
  abstract: string;
  keywords: string[];
  operations: string[];
  getmapFormats: string[];
  layers: Record<string, { title: string; abstract: string; queryable: number; crs: string[]; bboxWGS84: number[] | null; styles: Record<string, { title: string; legend?: string }>; timepositions: string[] | null; defaulttimeposition: string | null }>;
  featureinfo: { type: string; features: Array<{ id: string; properties: Record<string, number | string> }> };
}

describe('wms with OWSLib WebMapService', function () {
  this.timeout(120_000);
  let h: WmsHarness;
  let dir: string;
  before(async () => {
    h = await startWms({ wms: { title: 'OWSLib maps', keywords: ['owslib'] } });
    dir = mkdtempSync(path.join(tmpdir(), 'meridian-wms-owslib-'));
  });
  after(async () => {
    await h?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const owslib = async (version: string, crs: string, bbox: number[]) => {
    const png = path.join(dir, `map-${version}-${crs.replace(':', '')}.png`);
    const res = await run(PYTHON, [SCRIPT, h.url, version, png, crs, ...bbox.map(String)]);
    assert.equal(res.code, 0, `OWSLib failed:\n${res.stderr}\n${res.stdout}`);
    return { report: JSON.parse(res.stdout) as OwslibReport, png: readFileSync(png) };
  };

  for (const [version, crs, bbox] of [
    ['1.3.0', 'CRS:84', [0, 40, 20, 60]],
    ['1.3.0', 'EPSG:4326', [0, 40, 20, 60]],
    ['1.1.1', 'EPSG:4326', [0, 40, 20, 60]],
  ] as const) {
    it(`${version} ${crs}: reads contents, styles, CRSs and time, and getmap/getfeatureinfo answer the pattern`, async () => {
      const { report, png } = await owslib(version, crs, [...bbox]);
      assert.equal(report.version, version);
      assert.equal(report.title, 'OWSLib maps');
      assert.deepEqual(report.keywords, ['owslib']);
      assert.ok(['GetCapabilities', 'GetMap', 'GetFeatureInfo'].every((op) => report.operations.includes(op)), report.operations.join());
      assert.deepEqual(report.getmapFormats, ['image/png', 'image/jpeg', 'image/webp']);
      assert.deepEqual(Object.keys(report.layers).sort(), ['overlay', 'pattern', 'series', 'values']);
      const pattern = report.layers.pattern!;
      assert.equal(pattern.title, 'Pattern');
      assert.equal(pattern.abstract, 'A red square in the north-west, a blue one in the south-east');
      assert.equal(Number(pattern.queryable), 1);
      assert.deepEqual(pattern.bboxWGS84?.slice(0, 4), [0, 40, 20, 60]);
      assert.ok(['CRS:84', 'EPSG:3857', 'EPSG:4326'].every((c) => pattern.crs.includes(c)), pattern.crs.join());
      assert.ok(report.layers.values!.crs.includes('EPSG:32631'));
      assert.deepEqual(Object.keys(report.layers.values!.styles), ['grey', 'viridis']);
      assert.equal(report.layers.values!.styles.viridis!.title, 'Viridis');
      assert.match(report.layers.values!.styles.viridis!.legend ?? '', /REQUEST=GetLegendGraphic.*LAYER=values.*STYLE=viridis/);
      assert.equal(report.layers.series!.timepositions?.length, 3);
      assert.equal(new Date(report.layers.series!.defaulttimeposition!).toISOString(), '2020-03-01T00:00:00.000Z');

      const image = await decode(png);
      assert.deepEqual([image.width, image.height], [200, 200]);
      assert.deepEqual(image.at(50, 50), RED);
      assert.deepEqual(image.at(150, 150), BLUE);
      assert.equal(report.featureinfo.features[0]?.id, 'pattern');
      const values = Object.entries(report.featureinfo.features[0]!.properties).filter(([k]) => !['layer', 'pixel_column', 'pixel_row'].includes(k)).map(([, v]) => v);
      assert.deepEqual(values, [255, 0, 0]);
    });
  }
});
