/**
 * "A new user can find the sample products from QGIS's CSW search": QGIS MetaSearch's own dialogs
 * (imported from the QGIS install, driven headless by fixtures/qgis_metasearch.py) against a
 * server started with the sample data. What the dialog lists is checked against the sample
 * records themselves (plugins/catalogue/sample-data.ts), with footprints intersected here.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sampleRecords } from '../../../plugins/catalogue/sample-data.js';
import type { CatalogueRecordInput } from '../../../plugins/catalogue/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { run, startCsw, type CswHarness } from './support.js';

const SCRIPT = fileURLToPath(new URL('./fixtures/qgis_metasearch.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const SAMPLE_PRODUCTS = 200;

interface Plan {
  keywords?: string;
  perPage?: number;
  pages?: number;
  bbox?: number[] | { canvas: { crs: string; extent: number[] } } | null;
  open?: number | null;
}

interface Row {
  type: string;
  title: string;
  identifier: string;
}

interface MetaSearchView {
  connection: { name: string; url: string; selected: string };
  service: Record<string, string>;
  capabilitiesEnabled: boolean;
  bbox: [string, string, string, string];
  results: { label: string; matches: number | null; returned: number | null; request: string | null };
  pages: Row[][];
  selected: {
    identifier: string;
    footprint: string | null;
    services: Record<string, string>;
    addData: Record<string, boolean>;
    metadata: Record<string, string>;
    links: Array<{ href: string; label: string }>;
    shown: boolean;
  } | null;
  messages: Array<{ kind: string; title: string; text: string }>;
}

type Ring = Array<[number, number]>;

const ringOf = (r: CatalogueRecordInput): Ring => (r.geometry as { coordinates: Ring[] }).coordinates[0]!;

/** Whether a polygon ring and a west/south/east/north box share a point (exact, not by envelope). */
function intersects(ring: Ring, [w, s, e, n]: number[]): boolean {
  const inBox = ([x, y]: [number, number]) => x >= w! && x <= e! && y >= s! && y <= n!;
  if (ring.some(inBox)) return true;
  const corners: Ring = [[w!, s!], [e!, s!], [e!, n!], [w!, n!]];
  const inRing = ([x, y]: [number, number]) => {
    let inside = false;
    for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      const [xi, yi] = ring[i]!;
      const [xj, yj] = ring[j]!;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  };
  if (corners.some(inRing)) return true;
  const cross = (a: [number, number], b: [number, number], c: [number, number]) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
  const segmentsMeet = (p1: [number, number], p2: [number, number], q1: [number, number], q2: [number, number]) =>
    cross(p1, p2, q1) * cross(p1, p2, q2) <= 0 && cross(q1, q2, p1) * cross(q1, q2, p2) <= 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    for (let k = 0; k < 4; k++) if (segmentsMeet(ring[i]!, ring[i + 1]!, corners[k]!, corners[(k + 1) % 4]!)) return true;
  }
  return false;
}

const envelope = (ring: Ring) => [Math.min(...ring.map((p) => p[0])), Math.min(...ring.map((p) => p[1])), Math.max(...ring.map((p) => p[0])), Math.max(...ring.map((p) => p[1]))];

for (const kind of testDatabaseKinds()) {
  describe(`csw with QGIS MetaSearch's own dialogs, over the sample data (${kind.name})`, function () {
    this.timeout(180_000);
    let h: CswHarness;
    const samples = sampleRecords(SAMPLE_PRODUCTS);
    const landsat = samples.filter((r) => /landsat/i.test(`${r.title} ${r.keywords?.join(' ')}`));
    before(async () => {
      h = await startCsw(kind, { inline: { sampleData: true }, catalogue: { sampleProducts: SAMPLE_PRODUCTS } });
    });
    after(async () => h?.close());

    /** One MetaSearch session: a fresh QGIS profile (HOME), a new connection, one search. */
    const metasearch = async (plan: Plan): Promise<MetaSearchView> => {
      const home = mkdtempSync(path.join(tmpdir(), 'meridian-metasearch-'));
      try {
        const res = await run(PYTHON, [SCRIPT], JSON.stringify({ url: h.url, name: 'Meridian sample catalogue', ...plan }), { HOME: home, QT_QPA_PLATFORM: 'offscreen' });
        assert.equal(res.code, 0, `MetaSearch failed:\n${res.stderr}\n${res.stdout}`);
        return JSON.parse(res.stdout) as MetaSearchView;
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    };
    const ids = (rows: Row[]) => rows.map((r) => r.identifier);
    const expectedIn = (bbox: number[], pool: CatalogueRecordInput[]) => new Set(pool.filter((r) => intersects(ringOf(r), bbox)).map((r) => r.identifier));

    it('saves the catalogue as a new connection and shows its service metadata (Server info)', async () => {
      const view = await metasearch({ keywords: '' });
      assert.deepEqual(view.connection, { name: 'Meridian sample catalogue', url: h.url, selected: 'Meridian sample catalogue' });
      assert.equal(view.service.Title, 'Meridian catalogue (CSW)');
      assert.equal(view.service.Type, 'CSW');
      assert.ok(view.capabilitiesEnabled, 'the capabilities XML button is enabled after a successful Server info');
      assert.deepEqual(view.messages, []);
      // With no keyword and the global default box, MetaSearch sends no constraint: everything matches.
      assert.equal(view.results.matches, samples.length);
      assert.equal(view.results.label, `Showing 1 - 10 of ${samples.length} result(s)`);
    });

    it('finds the Landsat sample collection and its products by keyword, page after page', async () => {
      const view = await metasearch({ keywords: 'Landsat', pages: 3 });
      assert.deepEqual(view.messages, []);
      assert.equal(view.results.matches, landsat.length);
      assert.equal(landsat.length, 1 + SAMPLE_PRODUCTS / 4);
      assert.deepEqual(view.pages.map((p) => p.length), [10, 10, 10]);
      const listed = view.pages.flatMap(ids);
      assert.equal(new Set(listed).size, listed.length, `a record listed twice: ${listed.join(' ')}`);
      const byId = new Map(landsat.map((r) => [r.identifier, r]));
      for (const row of view.pages.flat()) {
        const sample = byId.get(row.identifier);
        assert.ok(sample, `${row.identifier} is no Landsat sample record`);
        assert.equal(row.title, sample.title);
        assert.equal(row.type, sample.type === 'collection' ? 'series' : 'dataset');
      }
      assert.ok(listed.includes('sample-landsat8-l1tp'), 'the collection is found too');
    });

    it('searches inside a bounding box typed in the Search tab (sent latitude first, as EPSG:4326 says)', async () => {
      const box = [-10, 35, 30, 60];
      const view = await metasearch({ bbox: box, perPage: 50, pages: 2 });
      assert.deepEqual(view.bbox.map(Number), box);
      assert.match(view.results.request ?? '', /<gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>35 -10<\/gml:lowerCorner><gml:upperCorner>60 30<\/gml:upperCorner>/);
      const expected = expectedIn(box, samples);
      assert.ok(expected.size > 4 && expected.size < 50, `the box holds ${expected.size} records`);
      assert.equal(view.results.matches, expected.size);
      assert.deepEqual(new Set(view.pages.flatMap(ids)), expected);
    });

    it('searches within the map canvas extent (a Web Mercator map) together with a keyword', async () => {
      // Europe on a Web Mercator canvas; MetaSearch reprojects the canvas extent to EPSG:4326.
      const view = await metasearch({ keywords: 'Landsat', bbox: { canvas: { crs: 'EPSG:3857', extent: [-1500000, 4000000, 4000000, 8000000] } }, perPage: 50 });
      const sent = view.bbox.map(Number);
      assert.ok(sent[0]! < -13 && sent[0]! > -14 && sent[2]! > 35 && sent[2]! < 36, `canvas extent in degrees: ${view.bbox.join(',')}`);
      const expected = expectedIn(sent, landsat);
      assert.ok(expected.has('sample-landsat8-l1tp'));
      assert.ok(expected.size > 1, 'some Landsat products lie in the canvas extent');
      assert.equal(view.results.matches, expected.size);
      assert.deepEqual(new Set(view.pages.flatMap(ids)), expected);
    });

    it('opens a product: its footprint on the map, its metadata from GetRecordById and its download link', async () => {
      const box = [-10, 35, 30, 60];
      const view = await metasearch({ keywords: 'Landsat', bbox: box, open: 1, perPage: 50 });
      const selected = view.selected;
      assert.ok(selected, 'a record was selected');
      assert.deepEqual(view.messages, []);
      const sample = samples.find((r) => r.identifier === selected.identifier);
      assert.ok(sample && sample.type === 'product', `${selected.identifier} is a sample product`);
      assert.ok(selected.shown, 'the record dialog opened');
      const env = envelope(ringOf(sample));
      assert.equal(selected.metadata.Identifier, sample.identifier);
      assert.equal(selected.metadata.Title, sample.title);
      assert.equal(selected.metadata.Abstract, sample.abstract);
      assert.equal(selected.metadata.Subjects, sample.keywords!.join(','));
      assert.deepEqual(selected.metadata['Bounding Box']!.split(',').map(Number), env);
      const download = sample.links!.find((l) => l.rel === 'enclosure')!.href;
      assert.ok(selected.links.some((l) => l.href === download), JSON.stringify(selected.links));
      // The rubber band is the record's box, drawn in the canvas CRS (MetaSearch rounds it to 0.01°).
      const [[x0, y0], [x1, y1]] = (selected.footprint ?? '').split(' : ').map((p) => p.split(',').map(Number)) as [[number, number], [number, number]];
      const rounded = env.map((v) => Math.round(v * 100) / 100);
      assert.ok(Math.abs(x0 - rounded[0]!) < 1e-6 && Math.abs(y0 - rounded[1]!) < 1e-6 && Math.abs(x1 - rounded[2]!) < 1e-6 && Math.abs(y1 - rounded[3]!) < 1e-6, `${selected.footprint} vs ${rounded}`);
    });
  });
}
