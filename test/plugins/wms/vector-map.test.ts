/**
 * GetMap of vector layers, pixel truth: the fixture collections (vector-fixtures.ts) drawn in
 * EPSG:4326 (1.3.0 latitude/longitude order and 1.1.1 x/y), CRS:84, EPSG:3857 and UTM 33N, each
 * probe's pixel found through PROJ (gdaltransform, independent of the server's proj4): fill and
 * stroke colours from the style, colours chosen by rules on attributes (and the else rule), point
 * shapes, labels with their halo, rules by scale, TIME on a temporal property, a collection stored
 * in UTM drawn exactly; vector and raster layers composed in LAYERS order, TRANSPARENT/BGCOLOR and
 * formats; a private collection invisible. On SQLite, and on PostGIS when CI gives its URL.
 */
import assert from 'node:assert/strict';
import { testDatabaseKinds, type TestDatabase } from '../../helpers/databases.js';
import { ADMIN, basicAuthFor, BLUE, decode, featuresOf, get, GREEN, GREY, near, projTransform, serviceException, startWms, WHITE, type Pixels, type WmsHarness } from './support.js';
import { boxPolygon, CITY, createVectorFixtures, EVENT, FOREST, LAKE, ROAD, TOWN, VECTOR_STYLES } from './vector-fixtures.js';

const BASE = { SERVICE: 'WMS', REQUEST: 'GetMap', STYLES: '', FORMAT: 'image/png' };
const OUTLINE = [0, 68, 0, 255];

interface Probe {
  what: string;
  lonLat: [number, number];
  /** Pixels added after projecting (to test a symbol's shape). */
  offset?: [number, number];
  colour: readonly number[];
}

const PROBES: Probe[] = [
  { what: 'forest fill (rule kind = forest)', lonLat: [1.6, 46.4], colour: FOREST },
  { what: 'forest fill, other corner', lonLat: [6.4, 41.6], colour: FOREST },
  { what: 'forest outline', lonLat: [1, 44], colour: OUTLINE },
  { what: 'lake fill (rule kind = lake)', lonLat: [12.6, 46.4], colour: LAKE },
  { what: 'lake fill, other corner', lonLat: [17.4, 41.6], colour: LAKE },
  { what: 'road', lonLat: [10, 57], colour: ROAD },
  { what: 'road near its west end', lonLat: [2, 57], colour: ROAD },
  { what: 'city (square)', lonLat: [5, 52], colour: CITY },
  { what: "city square's corner", lonLat: [5, 52], offset: [6.5, 6.5], colour: CITY },
  { what: 'town (else rule, circle)', lonLat: [15, 52], colour: TOWN },
  { what: "outside the town circle where a square would be", lonLat: [15, 52], offset: [6.5, 6.5], colour: WHITE },
  { what: 'between the zones', lonLat: [9.5, 44], colour: WHITE },
  { what: 'north of the road', lonLat: [10, 58.5], colour: WHITE },
  { what: 'where a lat/lon swap would put the lake', lonLat: [46.4 - 40, 12.6 + 40], colour: WHITE },
];

type Box = [number, number, number, number];

/** The map box (x/y in `crs`) holding lon 0..20, lat 40..60, and each probe's pixel in a size x size map of it. */
async function layout(crs: string, size: number): Promise<{ bbox: Box; pixels: Array<[number, number]> }> {
  const geographic = crs === 'EPSG:4326' || crs === 'CRS:84';
  const project = (points: Array<[number, number]>) => (geographic ? Promise.resolve(points) : projTransform('EPSG:4326', crs, points));
  const edge: Array<[number, number]> = [];
  for (let i = 0; i <= 20; i++) edge.push([i, 40], [i, 60], [0, 40 + i], [20, 40 + i]);
  const projected = await project(edge);
  const bbox: Box = [Math.min(...projected.map((p) => p[0])), Math.min(...projected.map((p) => p[1])), Math.max(...projected.map((p) => p[0])), Math.max(...projected.map((p) => p[1]))];
  const at = await project(PROBES.map((p) => p.lonLat));
  const pixels = at.map(([x, y], i): [number, number] => {
    const [dx, dy] = PROBES[i]!.offset ?? [0, 0];
    return [((x - bbox[0]) / (bbox[2] - bbox[0])) * size + dx, ((bbox[3] - y) / (bbox[3] - bbox[1])) * size + dy];
  });
  return { bbox, pixels };
}

function checkProbes(image: Pixels, pixels: Array<[number, number]>, what: string): void {
  PROBES.forEach((probe, i) => {
    const [x, y] = pixels[i]!;
    const actual = image.at(Math.floor(x), Math.floor(y));
    assert.ok(near(actual, probe.colour, 3), `${what}: ${probe.what} (${probe.lonLat}) at pixel ${x.toFixed(1)},${y.toFixed(1)} is ${actual}, not ${probe.colour}`);
  });
}

/** Pixels in the box whose every colour channel is below `max` (text), or above `min` (halo). */
function countWhere(image: Pixels, box: Box, test: (p: number[]) => boolean): number {
  let n = 0;
  for (let y = box[1]; y <= box[3]; y++) for (let x = box[0]; x <= box[2]; x++) if (test(image.at(x, y))) n++;
  return n;
}
const dark = (p: number[]) => p[0]! < 60 && p[1]! < 60 && p[2]! < 60 && p[3]! > 200;
const white = (p: number[]) => p[0]! > 230 && p[1]! > 230 && p[2]! > 230;

const STYLES = {
  ...VECTOR_STYLES,
  roads: [
    ...VECTOR_STYLES.roads,
    {
      name: 'by-scale',
      title: 'Roads by scale',
      rules: [
        { title: 'Near', maxScale: 10_000_000, stroke: { color: '#ff00ff', width: 4 } },
        { title: 'Far', minScale: 10_000_000, stroke: { color: '#00ffff', width: 4 } },
      ],
    },
  ],
};

for (const kind of testDatabaseKinds()) {
  describe(`wms vector layers: GetMap (${kind.name})`, function () {
    this.timeout(120_000);
    let h: WmsHarness;
    let database: TestDatabase | undefined;
    before(async () => {
      database = kind.name === 'postgres' ? await kind.open() : undefined;
      h = await startWms({ features: {}, wms: { vectorStyles: STYLES }, inline: database ? { database: database.config } : {} });
      await createVectorFixtures(featuresOf(h));
    });
    after(async () => {
      await h?.close();
      await database?.dispose();
    });

    const map = async (params: Record<string, string>, headers: Record<string, string> = {}) => {
      const res = await get(h.url, { ...BASE, ...params }, headers);
      assert.equal(res.status, 200, res.text);
      return res;
    };
    const image = async (params: Record<string, string>) => decode((await map(params)).body);
    const ALL = { LAYERS: 'zones,roads,places', STYLES: ',,' };

    for (const c of [
      { version: '1.3.0', crs: 'EPSG:4326', latFirst: true },
      { version: '1.1.1', crs: 'EPSG:4326', latFirst: false },
      { version: '1.3.0', crs: 'CRS:84', latFirst: false },
      { version: '1.3.0', crs: 'EPSG:3857', latFirst: false },
      { version: '1.3.0', crs: 'EPSG:32633', latFirst: false },
    ]) {
      it(`${c.version} ${c.crs}: polygons, lines and points drawn where they are, in their rules' colours and shapes`, async () => {
        const size = 200;
        const { bbox, pixels } = await layout(c.crs, size);
        const written = c.latFirst ? [bbox[1], bbox[0], bbox[3], bbox[2]] : bbox;
        const res = await map({ VERSION: c.version, ...ALL, [c.version === '1.3.0' ? 'CRS' : 'SRS']: c.crs, BBOX: written.join(','), WIDTH: String(size), HEIGHT: String(size) });
        assert.equal(res.contentType, 'image/png');
        const img = await decode(res.body);
        assert.deepEqual([img.width, img.height], [size, size]);
        checkProbes(img, pixels, `${c.version} ${c.crs}`);
      });
    }

    it('writes a label (dark letters on a white halo) at an interior point of each polygon, none in a style without labels', async () => {
      const params = { VERSION: '1.3.0', LAYERS: 'zones', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' };
      const labelled = await image({ ...params, STYLES: 'labelled' });
      const plain = await image({ ...params, STYLES: 'kinds' });
      // Beta's centroid (15, 44) is pixel (150, 160); "Beta" at 14 px spans about 34 x 17 pixels.
      const around: Box = [130, 150, 170, 170];
      assert.ok(countWhere(labelled, around, dark) > 15, `dark label pixels: ${countWhere(labelled, around, dark)}`);
      assert.ok(countWhere(labelled, around, white) > 15, `halo pixels: ${countWhere(labelled, around, white)}`);
      assert.equal(countWhere(plain, around, dark), 0);
      // Alpha's too, and the fill of the labelled style elsewhere.
      assert.ok(countWhere(labelled, [20, 150, 60, 170], dark) > 15);
      assert.ok(near(labelled.at(16, 136), [128, 128, 128, 255], 2), `${labelled.at(16, 136)}`);
    });

    it('chooses rules by scale: one colour on a small-scale map, the other zoomed in', async () => {
      const far = await image({ VERSION: '1.3.0', LAYERS: 'roads', STYLES: 'by-scale', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' });
      assert.deepEqual(far.at(100, 30), [0, 255, 255, 255]);
      // 2 degrees over 200 pixels: scale about 1:4,000,000.
      const near_ = await image({ VERSION: '1.3.0', LAYERS: 'roads', STYLES: 'by-scale', CRS: 'CRS:84', BBOX: '9,56,11,58', WIDTH: '200', HEIGHT: '200' });
      assert.deepEqual(near_.at(100, 100), ROAD);
    });

    it('draws the features of the TIME asked on a temporal property, every feature without TIME', async () => {
      const params = { VERSION: '1.3.0', LAYERS: 'events', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' };
      // Events at (3, 58), (9, 59), (15, 58.5): pixels (30, 20), (90, 10), (150, 15).
      const colours = (img: Pixels) => [img.at(30, 20), img.at(90, 10), img.at(150, 15)].map((p) => near(p, EVENT, 2));
      assert.deepEqual(colours(await image(params)), [true, true, true]);
      assert.deepEqual(colours(await image({ ...params, TIME: '2021-02' })), [false, true, false]);
      assert.deepEqual(colours(await image({ ...params, TIME: '2021-01-01/2021-02-28' })), [true, true, false]);
      assert.deepEqual(colours(await image({ ...params, TIME: '2021-01-15T12:00:00Z,2021-03' })), [true, false, true]);
      assert.deepEqual(colours(await image({ ...params, TIME: 'current' })), [false, false, true]);
      assert.deepEqual(colours(await image({ ...params, TIME: '2019' })), [false, false, false]);
      const bad = await get(h.url, { ...BASE, ...params, TIME: 'yesterday' });
      assert.equal(bad.status, 400);
      assert.equal(serviceException(bad.text).code, 'InvalidDimensionValue');
    });

    it('draws a collection stored in UTM 31N exactly where its coordinates are on a UTM 31N map, with the default polygon style', async () => {
      // 1 km pixels from (350000, 5250000): the 100 km square spans columns and rows 50..150.
      const img = await image({ VERSION: '1.3.0', LAYERS: 'parcels', CRS: 'EPSG:32631', BBOX: '350000,5050000,550000,5250000', WIDTH: '200', HEIGHT: '200' });
      // #3388cc at 0.4 over white.
      assert.ok(near(img.at(100, 100), [173, 207, 235, 255], 2), `${img.at(100, 100)}`);
      assert.ok(near(img.at(51, 100), [173, 207, 235, 255], 2), `${img.at(51, 100)}`);
      assert.deepEqual(img.at(47, 100), WHITE);
      assert.deepEqual(img.at(152, 100), WHITE);
      // The 1 px outline #1f5582 along x = 400000 (between columns 49 and 50).
      const edge = img.at(49, 100);
      assert.ok(edge[2]! < 200 && edge[0]! < 150, `outline ${edge}`);
    });

    it('composes vector and raster layers in LAYERS order, runs of rasters in one engine call', async () => {
      const params = { VERSION: '1.3.0', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' };
      // The lake (lon 12..18, lat 41..47) lies over the raster's blue square (14..16, 44..46).
      const vectorOnTop = await image({ ...params, LAYERS: 'pattern,zones', STYLES: ',' });
      assert.deepEqual(vectorOnTop.at(150, 150), LAKE);
      assert.deepEqual(vectorOnTop.at(16, 136), FOREST);
      assert.deepEqual(vectorOnTop.at(100, 100), GREY);
      const rasterOnTop = await image({ ...params, LAYERS: 'zones,pattern', STYLES: ',' });
      assert.deepEqual(rasterOnTop.at(150, 150), BLUE);
      assert.deepEqual(rasterOnTop.at(16, 136), GREY);
      // raster, vector, raster: the overlay's green square (4..6, 54..56) over the road? no: over the pattern's red.
      const sandwich = await image({ ...params, LAYERS: 'pattern,roads,overlay', STYLES: ',,' });
      assert.deepEqual(sandwich.at(50, 50), GREEN);
      assert.deepEqual(sandwich.at(100, 30), ROAD);
      assert.deepEqual(sandwich.at(100, 100), GREY);
      const twoRasters = await image({ ...params, LAYERS: 'pattern,overlay,places', STYLES: ',,' });
      assert.deepEqual(twoRasters.at(50, 50), GREEN);
      assert.deepEqual(twoRasters.at(50, 80), CITY);
    });

    it('fills the background with BGCOLOR, leaves it transparent with TRANSPARENT=TRUE (not in JPEG), in every format', async () => {
      const params = { VERSION: '1.3.0', LAYERS: 'zones', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' };
      const plain = await image(params);
      assert.deepEqual(plain.at(100, 100), WHITE);
      const cyan = await image({ ...params, BGCOLOR: '0x00FFFF' });
      assert.deepEqual(cyan.at(100, 100), [0, 255, 255, 255]);
      assert.deepEqual(cyan.at(16, 136), FOREST);
      const clear = await image({ ...params, TRANSPARENT: 'TRUE' });
      assert.equal(clear.at(100, 100)[3], 0);
      assert.deepEqual(clear.at(16, 136), FOREST);
      const webp = await map({ ...params, TRANSPARENT: 'TRUE', FORMAT: 'image/webp' });
      assert.equal(webp.contentType, 'image/webp');
      const webpImage = await decode(webp.body);
      assert.equal(webpImage.at(100, 100)[3], 0);
      assert.ok(near(webpImage.at(16, 136), FOREST, 12), `${webpImage.at(16, 136)}`);
      const jpeg = await map({ ...params, TRANSPARENT: 'TRUE', FORMAT: 'image/jpeg', BGCOLOR: '0x000000' });
      assert.equal(jpeg.contentType, 'image/jpeg');
      const jpegImage = await decode(jpeg.body);
      assert.ok(near(jpegImage.at(100, 100), [0, 0, 0, 255], 8), `${jpegImage.at(100, 100)}`);
      assert.ok(near(jpegImage.at(16, 136), FOREST, 12), `${jpegImage.at(16, 136)}`);
      // A mixed map, transparent where neither layer draws.
      const mixed = await image({ ...params, LAYERS: 'overlay,zones', STYLES: ',', TRANSPARENT: 'TRUE' });
      assert.equal(mixed.at(100, 100)[3], 0);
      assert.deepEqual(mixed.at(50, 50), GREEN);
      assert.deepEqual(mixed.at(16, 136), FOREST);
    });

    it('draws a polygon reaching the poles in Web Mercator, as far as the projection goes', async () => {
      const features = featuresOf(h);
      await features.createCollection({ id: 'world', title: 'World', geometryType: 'Polygon', properties: [] }, ADMIN);
      await features.transaction([{ op: 'insert', collection: 'world', features: [{ geometry: boxPolygon(-180, -90, 180, 90), properties: {} }] }], ADMIN);
      const img = await image({ VERSION: '1.3.0', LAYERS: 'world', CRS: 'EPSG:3857', BBOX: '-20037508,-20037508,20037508,20037508', WIDTH: '100', HEIGHT: '100' });
      for (const [x, y] of [[50, 50], [2, 2], [97, 97], [50, 1]] as const) assert.ok(near(img.at(x, y), [173, 207, 235, 255], 2), `(${x}, ${y}) ${img.at(x, y)}`);
      await features.deleteCollection('world', ADMIN);
    });

    it('answers LayerNotDefined for a private collection to others than its owner, and draws it for the owner', async () => {
      const params = { ...BASE, VERSION: '1.3.0', LAYERS: 'secret_zones', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '200', HEIGHT: '200' };
      const anonymous = await get(h.url, params);
      assert.equal(anonymous.status, 400);
      assert.deepEqual([serviceException(anonymous.text).code, serviceException(anonymous.text).locator], ['LayerNotDefined', 'LAYERS']);
      const unknown = await get(h.url, { ...params, LAYERS: 'no_such_collection' });
      assert.equal(serviceException(unknown.text).text.replace('no_such_collection', 'X'), serviceException(anonymous.text).text.replace('secret_zones', 'X'));
      const bob = await get(h.url, params, await basicAuthFor(h, 'bob'));
      assert.equal(serviceException(bob.text).code, 'LayerNotDefined');
      const alice = await decode((await map(params, await basicAuthFor(h, 'alice'))).body);
      // Its box lon 8..11, lat 48..51 (default style): pixel (95, 105).
      assert.ok(near(alice.at(95, 105), [173, 207, 235, 255], 2), `${alice.at(95, 105)}`);
    });

    it('refuses an unknown style of a vector layer with StyleNotDefined', async () => {
      const res = await get(h.url, { ...BASE, VERSION: '1.3.0', LAYERS: 'zones', STYLES: 'nope', CRS: 'CRS:84', BBOX: '0,40,20,60', WIDTH: '20', HEIGHT: '20' });
      assert.equal(res.status, 400);
      const ex = serviceException(res.text);
      assert.equal(ex.code, 'StyleNotDefined');
      assert.match(ex.text, /kinds, labelled/);
    });
  });
}
