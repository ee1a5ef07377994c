/**
 * BBOX queries answer exactly what the exact intersects test says, on the edges too: rows whose
 * index box straddles an edge of the box (points on it, a float32 step from it, polygons across
 * it, a box inside a polygon) as well as the rows well inside, which on SQLite the R*Tree alone
 * settles; the count (numberMatched) matches the rows. And the coordinates-only decision of
 * rectangle.ts never contradicts JSTS where it decides.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import 'jsts/org/locationtech/jts/monkey.js';
import GeoJSONReader from 'jsts/org/locationtech/jts/io/GeoJSONReader.js';
import GeometryFactory from 'jsts/org/locationtech/jts/geom/GeometryFactory.js';
import { ANONYMOUS } from '../../../core/auth/index.js';
import { parseCql2Text } from '../../../core/filter/index.js';
import { seededRandom } from '../../../core/seeded-random.js';
import { encodeWkb } from '../../../core/storage/db/geometry/index.js';
import type { GeoJSONGeometry } from '../../../core/storage/db/types.js';
import { geojsonIntersectsRectangle, rectangleOf, wkbIntersectsRectangle, type Rectangle } from '../../../plugins/features/rectangle.js';
import type { FeatureInput } from '../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { admin, collect, openEngine, type EngineHarness } from './support.js';

const reader = new GeoJSONReader(new GeometryFactory()) as unknown as { read(g: object): { intersects(o: unknown): boolean } };
const rectPolygon = ([minx, miny, maxx, maxy]: Rectangle): GeoJSONGeometry => ({ type: 'Polygon', coordinates: [[[minx, miny], [maxx, miny], [maxx, maxy], [minx, maxy], [minx, miny]]] });
const jstsIntersects = (g: GeoJSONGeometry, r: Rectangle) => reader.read(g).intersects(reader.read(rectPolygon(r)));

/** A float a few float32 steps from `v` (what the R*Tree's rounding blurs), on either side. */
const near = (v: number, steps: number) => v + steps * 1e-7 * Math.max(1, Math.abs(v));

const BOX: Rectangle = [10, 40, 11, 41];

/** Geometries around BOX: inside, outside, on and next to its edges and corners, across it, around it. */
function geometries(): Array<{ id: string; geometry: GeoJSONGeometry }> {
  const out: Array<{ id: string; geometry: GeoJSONGeometry }> = [];
  const add = (id: string, geometry: GeoJSONGeometry) => out.push({ id, geometry });
  const [minx, miny, maxx, maxy] = BOX;
  add('p-inside', { type: 'Point', coordinates: [10.5, 40.5] });
  add('p-outside', { type: 'Point', coordinates: [12, 40.5] });
  add('p-corner', { type: 'Point', coordinates: [minx, miny] });
  add('p-edge-x', { type: 'Point', coordinates: [maxx, 40.3] });
  add('p-edge-y', { type: 'Point', coordinates: [10.3, maxy] });
  for (const s of [-3, -1, 1, 3]) {
    add(`p-near-minx${s}`, { type: 'Point', coordinates: [near(minx, s), 40.5] });
    add(`p-near-maxy${s}`, { type: 'Point', coordinates: [10.5, near(maxy, s)] });
    add(`p-near-corner${s}`, { type: 'Point', coordinates: [near(maxx, s), near(miny, s)] });
  }
  add('mp-one-in', { type: 'MultiPoint', coordinates: [[9, 39], [10.5, 40.5]] });
  add('mp-all-out', { type: 'MultiPoint', coordinates: [[9, 39], [12, 42]] });
  add('line-across', { type: 'LineString', coordinates: [[9, 40.5], [12, 40.5]] });
  add('line-past-corner', { type: 'LineString', coordinates: [[9.5, 41.6], [11.6, 39.5]] });
  add('line-missing-corner', { type: 'LineString', coordinates: [[9.5, 41.6], [9.9, 41.2]] });
  add('poly-inside', { type: 'Polygon', coordinates: [[[10.2, 40.2], [10.4, 40.2], [10.4, 40.4], [10.2, 40.2]]] });
  add('poly-around', { type: 'Polygon', coordinates: [[[9, 39], [12, 39], [12, 42], [9, 42], [9, 39]]] });
  add('poly-hole-around-box', { type: 'Polygon', coordinates: [[[9, 39], [12, 39], [12, 42], [9, 42], [9, 39]], [[9.5, 39.5], [9.5, 41.5], [11.5, 41.5], [11.5, 39.5], [9.5, 39.5]]] });
  add('poly-across', { type: 'Polygon', coordinates: [[[10.8, 40.2], [11.5, 40.2], [11.5, 40.6], [10.8, 40.2]]] });
  add('poly-touching', { type: 'Polygon', coordinates: [[[11, 40.2], [11.5, 40.2], [11.5, 40.6], [11, 40.2]]] });
  add('poly-bbox-overlaps-only', { type: 'Polygon', coordinates: [[[11.05, 40.5], [11.5, 39.5], [11.5, 41.5], [11.05, 40.5]]] });
  add('poly-near-edge', { type: 'Polygon', coordinates: [[[near(maxx, 1), 40.2], [11.5, 40.2], [11.5, 40.6], [near(maxx, 1), 40.2]]] });
  add('mpoly-one-across', { type: 'MultiPolygon', coordinates: [[[[20, 20], [21, 20], [21, 21], [20, 20]]], [[[10.9, 40.9], [11.2, 40.9], [11.2, 41.2], [10.9, 40.9]]]] });
  return out;
}

describe('features rectangle test (rectangle.ts) against JSTS', () => {
  it('recognises an axis-aligned rectangle literal, and nothing else', () => {
    assert.deepEqual(rectangleOf(rectPolygon(BOX)), BOX);
    assert.deepEqual(rectangleOf({ type: 'Polygon', coordinates: [[[10, 40], [10, 41], [11, 41], [11, 40], [10, 40]]] }), BOX);
    assert.equal(rectangleOf({ type: 'Polygon', coordinates: [[[10, 40], [11, 41], [11, 40], [10, 41], [10, 40]]] }), undefined, 'a bow tie of the corners');
    assert.equal(rectangleOf({ type: 'Polygon', coordinates: [[[10, 40], [11, 40], [11.2, 41], [10, 41], [10, 40]]] }), undefined);
    assert.equal(rectangleOf({ type: 'Polygon', coordinates: [[[10, 40], [10, 40], [10, 41], [10, 41], [10, 40]]] }), undefined, 'no area');
    assert.equal(rectangleOf({ type: 'Point', coordinates: [10, 40] }), undefined);
  });

  it('decides as JSTS wherever it decides, on edge cases and 3,000 random geometries, in WKB of both byte orders and GeoJSON', () => {
    const random = seededRandom(7);
    const cases = geometries().map((g) => g.geometry);
    const coordinate = (lo: number, hi: number) => {
      // Often exactly on an edge value, or next to it.
      const r = random();
      if (r < 0.1) return [lo, hi][Math.floor(random() * 2)]!;
      if (r < 0.2) return near([lo, hi][Math.floor(random() * 2)]!, Math.round(random() * 6) - 3);
      return lo - 0.5 + random() * (hi - lo + 1);
    };
    for (let i = 0; i < 3000; i++) {
      const pos = () => [coordinate(BOX[0], BOX[2]), coordinate(BOX[1], BOX[3])];
      const kind = i % 4;
      if (kind === 0) cases.push({ type: 'Point', coordinates: pos() });
      else if (kind === 1) cases.push({ type: 'LineString', coordinates: [pos(), pos(), pos()] });
      else if (kind === 2) {
        const a = pos();
        cases.push({ type: 'Polygon', coordinates: [[a, pos(), pos(), a]] });
      } else cases.push({ type: 'MultiPoint', coordinates: [pos(), pos()] });
    }
    let decided = 0;
    let pointsDecided = 0;
    let points = 0;
    for (const g of cases) {
      const expected = jstsIntersects(g, BOX);
      const wkb = encodeWkb(g);
      const answers = [wkbIntersectsRectangle(wkb, BOX), wkbIntersectsRectangle(bigEndian(g), BOX), geojsonIntersectsRectangle(g, BOX)];
      assert.equal(answers[0], answers[1], `byte orders agree on ${JSON.stringify(g)}`);
      assert.equal(answers[0], answers[2], `WKB and GeoJSON agree on ${JSON.stringify(g)}`);
      if (answers[0] !== undefined) {
        decided++;
        assert.equal(answers[0], expected, `${JSON.stringify(g)}: JSTS says ${expected}`);
      }
      if (g.type === 'Point' || g.type === 'MultiPoint') {
        points++;
        if (answers[0] !== undefined) pointsDecided++;
      }
    }
    // Points are always decided; most other shapes too (the point of the fast path).
    assert.equal(pointsDecided, points);
    assert.ok(decided > cases.length * 0.7, `${decided} of ${cases.length} decided`);
  });

  it('leaves what it cannot read to JSTS: empty points, truncated or unknown WKB', () => {
    assert.equal(wkbIntersectsRectangle(encodeWkb({ type: 'Point', coordinates: [NaN, NaN] }), BOX), undefined);
    assert.equal(wkbIntersectsRectangle(encodeWkb({ type: 'LineString', coordinates: [[10.5, 40.5], [12, 40]] }).subarray(0, 20), BOX), undefined);
    const unknown = encodeWkb({ type: 'Point', coordinates: [10.5, 40.5] });
    unknown.writeUInt32LE(17, 1);
    assert.equal(wkbIntersectsRectangle(unknown, BOX), undefined);
    assert.equal(geojsonIntersectsRectangle({ type: 'GeometryCollection', geometries: [{ type: 'Point', coordinates: [10.5, 40.5] }] }, BOX), undefined);
  });
});

/** The geometry as big-endian WKB (what PostGIS may hand over), built from the little-endian one. */
function bigEndian(g: GeoJSONGeometry): Buffer {
  const le = encodeWkb(g);
  const be = Buffer.alloc(le.length);
  let at = 0;
  const geometry = () => {
    be.writeUInt8(0, at);
    const type = le.readUInt32LE(at + 1);
    be.writeUInt32BE(type, at + 1);
    at += 5;
    const doubles = (n: number) => {
      for (let i = 0; i < n; i++, at += 8) be.writeDoubleBE(le.readDoubleLE(at), at);
    };
    const count = () => {
      const n = le.readUInt32LE(at);
      be.writeUInt32BE(n, at);
      at += 4;
      return n;
    };
    if (type === 1) doubles(2);
    else if (type === 2) doubles(2 * count());
    else if (type === 3) for (let r = count(); r > 0; r--) doubles(2 * count());
    else for (let m = count(); m > 0; m--) geometry();
  };
  geometry();
  return be;
}

for (const kind of testDatabaseKinds()) {
  for (const storage of kind.name === 'sqlite' ? (['memory', 'file'] as const) : (['server'] as const)) {
    describe(`features BBOX exactly on the edges (${kind.name}, ${storage})`, function () {
      this.timeout(60_000);
      let h: EngineHarness;
      let dir: string | undefined;
      const shapes = geometries();
      const expected = (box: Rectangle) => shapes.filter((s) => jstsIntersects(s.geometry, box)).map((s) => s.id);

      before(async () => {
        if (storage === 'file') dir = await mkdtemp(join(tmpdir(), 'meridian-features-bbox-'));
        h = await openEngine(kind, dir ? { config: { client: 'sqlite', filename: join(dir, 'features.sqlite') } } : {});
        await h.features.createCollection({ id: 'shapes', geometryType: 'Geometry', properties: [{ name: 'name', type: 'string' }, { name: 'odd', type: 'boolean' }] }, admin);
        const features: FeatureInput[] = shapes.map((s, i) => ({ id: s.id, geometry: s.geometry, properties: { name: s.id, odd: i % 2 === 1 } }));
        await h.features.transaction([{ op: 'insert', collection: 'shapes', features }], admin);
      });
      after(async () => {
        await h?.close();
        if (dir) await rm(dir, { recursive: true, force: true });
      });

      const read = async (query: Parameters<EngineHarness['features']['query']>[1]) => {
        const result = await h.features.query('shapes', { limit: 1000, ...query }, ANONYMOUS, { count: true });
        const ids = (await collect(result.features)).map((f) => f.id.replace(/^shapes\./, ''));
        return { ids: ids.sort(), matched: result.numberMatched };
      };

      it('the rows and the count are those JSTS says intersect the box, edges and corners included', async () => {
        const want = expected(BOX).sort();
        // The test is worth something only when the edge cases are in it on both sides.
        assert.ok(want.includes('p-corner') && want.includes('p-near-minx1') && !want.includes('p-near-minx-1') && !want.includes('poly-bbox-overlaps-only'), want.join());
        const got = await read({ bbox: [...BOX] });
        assert.deepEqual(got.ids, want);
        assert.equal(got.matched, want.length);
        assert.equal(await h.features.count('shapes', { bbox: [...BOX] }, ANONYMOUS), want.length);
      });

      it('with a filter as well, and as a spatial filter instead of a BBOX, the same rows', async () => {
        const odd = new Set(shapes.filter((_, i) => i % 2 === 1).map((s) => s.id));
        const want = expected(BOX).filter((id) => odd.has(id)).sort();
        const got = await read({ bbox: [...BOX], filter: parseCql2Text('odd = true') });
        assert.deepEqual(got.ids, want);
        assert.equal(got.matched, want.length);
        const [minx, miny, maxx, maxy] = BOX;
        const viaFilter = await read({ filter: parseCql2Text(`S_INTERSECTS(geometry, BBOX(${minx}, ${miny}, ${maxx}, ${maxy}))`) });
        assert.deepEqual(viaFilter.ids, expected(BOX).sort());
      });

      it('boxes a float32 step apart, and a box with no area, answer as JSTS does', async () => {
        const boxes: Rectangle[] = [
          [near(BOX[0], 1), BOX[1], BOX[2], near(BOX[3], -1)],
          [near(BOX[0], -1), near(BOX[1], -1), near(BOX[2], 1), near(BOX[3], 1)],
        ];
        // A box with no area: SQLite's exact test is JSTS's; PostGIS has its own view of a polygon without area.
        if (kind.name === 'sqlite') boxes.push([10.5, 40, 10.5, 41]);
        for (const box of boxes) {
          const got = await read({ bbox: [...box] });
          const want = expected(box).sort();
          assert.deepEqual(got.ids, want, `box ${box.join(',')}`);
          assert.equal(got.matched, want.length);
        }
      });
    });
  }
}
