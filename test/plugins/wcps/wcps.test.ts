/**
 * WCPS over the real server and the coverages engine, on GDAL-made COGs: every language group
 * checked against the same computation done independently with numpy / osgeo.gdal (and
 * gdalwarp for crsTransform), encoded outputs read back by GDAL, every error class with its
 * position, the limits, and ProcessCoverages through the WCS plugin.
 */
import assert from 'node:assert/strict';
import path from 'node:path';
import { exception, makeFixtures, python, readRaster, runOk, startWcps, wcpsGet, wcpsPost, writeScratch, type Fixtures, type WcpsHarness } from './support.js';
import { parseQuery } from '../../../plugins/wcps/parser.js';
import { WcpsError } from '../../../plugins/wcps/errors.js';

const close = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe('wcps', function () {
  this.timeout(180_000);
  let fixtures: Fixtures;
  let h: WcpsHarness;
  before(async () => {
    fixtures = await makeFixtures();
    h = await startWcps({}, fixtures);
  });
  after(async () => {
    await h?.close();
    if (fixtures) (await import('node:fs')).rmSync(fixtures.dir, { recursive: true, force: true });
  });

  async function ok(query: string): Promise<{ text: string; body: Buffer; contentType: string }> {
    const r = await wcpsGet(h, query);
    assert.equal(r.status, 200, `${query}\n${r.text.slice(0, 1500)}`);
    return r;
  }
  async function scalar(query: string): Promise<number> {
    const r = await ok(query);
    assert.match(r.contentType, /^text\/plain/);
    return Number(r.text);
  }
  async function tiff(query: string) {
    const r = await ok(query);
    assert.equal(r.contentType, 'image/tiff');
    return readRaster(writeScratch(h, `r-${Math.random().toString(36).slice(2)}.tif`, r.body));
  }
  async function fails(query: string, code: string, status: number, at?: string): Promise<{ text?: string; locator?: string }> {
    const r = await wcpsGet(h, query);
    assert.equal(r.status, status, `${query}\n${r.text}`);
    const e = exception(r.text);
    assert.equal(e.code, code, r.text);
    if (at) assert.equal(e.locator, at, r.text);
    return e;
  }
  /** Arrays of the fixture files by numpy: name -> band arrays. */
  const np = (code: string, args: string[] = []) => python<unknown>(code, args);

  describe('induced operations, subsets and condensers against numpy', () => {
    it('NDVI of a trimmed scene as Float32 GeoTIFF equals numpy, with the window georeferenced', async () => {
      const out = await tiff('for $c in (scene) return encode((float)(($c.nir - $c.red) / ($c.nir + $c.red))[E(500100:500600), N(4599000:4599500)], "image/tiff")');
      assert.deepEqual([out.width, out.height, out.epsg, out.dataType], [50, 50, '32631', 'Float32']);
      out.transform.forEach((v, i) => assert.ok(close(v, [500100, 10, 0, 4599500, 0, -10][i]!, 1e-12), String(out.transform)));
      const ref = (await np(
        `ds = gdal.Open(ARGS[0]); r = ds.GetRasterBand(1).ReadAsArray().astype(np.float64); n = ds.GetRasterBand(2).ReadAsArray().astype(np.float64)
w = ((n - r) / (n + r)).astype(np.float32)[50:100, 10:60]
print(json.dumps([float(v) for v in w.ravel()]))`,
        [fixtures.scene],
      )) as number[];
      assert.equal(out.values[0]!.length, ref.length);
      out.values[0]!.forEach((v, i) => assert.ok(Math.abs(v - ref[i]!) <= 1e-7, `cell ${i}: ${v} != ${ref[i]}`));
    });

    it('count, sum, min, max are equal to numpy and avg within 1e-12 (relative)', async () => {
      const ref = (await np(
        `ds = gdal.Open(ARGS[0]); r = ds.GetRasterBand(1).ReadAsArray().astype(np.int64); n = ds.GetRasterBand(2).ReadAsArray().astype(np.int64)
print(json.dumps([int((n > 3000).sum()), int(r.sum()), int(r.min()), int(n.max()), float(n.mean()), bool((r > 400).all()), bool((r > 3000).any())]))`,
        [fixtures.scene],
      )) as [number, number, number, number, number, boolean, boolean];
      assert.equal(await scalar('for $c in (scene) return count($c.nir > 3000)'), ref[0]);
      assert.equal(await scalar('for $c in (scene) return sum($c.red)'), ref[1]);
      assert.equal(await scalar('for $c in (scene) return min($c.red)'), ref[2]);
      assert.equal(await scalar('for $c in (scene) return max($c.nir)'), ref[3]);
      assert.ok(close(await scalar('for $c in (scene) return avg($c.nir)'), ref[4], 1e-12));
      assert.equal((await ok('for $c in (scene) return all($c.red > 400)')).text, String(ref[5]));
      assert.equal((await ok('for $c in (scene) return some($c.red > 3000)')).text, String(ref[6]));
    });

    it('condensers skip nodata cells (the DEM has a 10 x 10 hole)', async () => {
      const ref = (await np(`a = gdal.Open(ARGS[0]).ReadAsArray().astype(np.float64); v = a[a != -9999]
print(json.dumps([int(v.size), float(v.mean()), float(v.min())]))`, [fixtures.dem])) as number[];
      assert.equal(await scalar('for $c in (dem) return count($c > -100000)'), ref[0]);
      assert.ok(close(await scalar('for $c in (dem) return avg($c)'), ref[1]!, 1e-9));
      assert.ok(close(await scalar('for $c in (dem) return min($c)'), ref[2]!, 1e-6));
    });

    it('math functions, pow and min/max of two coverages (float) equal numpy within 1e-6; nodata stays nodata', async () => {
      const out = await tiff('for $c in (dem) return encode(sqrt(abs($c - 1000)) + pow($c / 1000, 2) + sin($c) * max($c, 1200) - min($c, 900) / 10, "image/tiff")');
      assert.equal(out.dataType, 'Float32');
      const ref = (await np(`a = gdal.Open(ARGS[0]).ReadAsArray().astype(np.float64)
r = np.sqrt(np.abs(a - 1000)) + np.power(a / 1000, 2) + np.sin(a) * np.maximum(a, 1200) - np.minimum(a, 900) / 10
print(json.dumps([None if a.ravel()[i] == -9999 else float(v) for i, v in enumerate(r.ravel())]))`, [fixtures.dem])) as Array<number | null>;
      const nodata = out.nodata[0];
      out.values[0]!.forEach((v, i) => {
        if (ref[i] === null) assert.ok(v === null || v === nodata, `cell ${i} should be nodata, is ${v}`);
        else assert.ok(close(v, ref[i]!, 1e-6), `cell ${i}: ${v} != ${ref[i]}`);
      });
    });

    it('casts truncate like numpy astype; bitwise and on integers; comparisons give booleans', async () => {
      const out = await tiff('for $c in (scene) return encode({ a: (unsigned char)($c.red / 10); b: (unsigned short)($c.nir and 255); c: (unsigned char)($c.nir > $c.red * 2) }, "image/tiff")');
      assert.equal(out.dataType, 'UInt16');
      const ref = (await np(`ds = gdal.Open(ARGS[0]); r = ds.GetRasterBand(1).ReadAsArray(); n = ds.GetRasterBand(2).ReadAsArray()
print(json.dumps([(r.astype(np.float64) / 10).astype(np.uint8).ravel().tolist(), (n & 255).ravel().tolist(), (n.astype(np.int64) > r.astype(np.int64) * 2).astype(np.uint8).ravel().tolist()]))`, [fixtures.scene])) as number[][];
      assert.deepEqual(out.values, ref);
      assert.deepEqual(out.descriptions, ['a', 'b', 'c']);
    });

    it('switch classifies cells as np.select does', async () => {
      const out = await tiff('for $c in (dem) return encode(switch case $c < 1000 return (unsigned char)1 case $c < 1400 return (unsigned char)2 default return (unsigned char)3, "image/tiff")');
      const ref = (await np(`a = gdal.Open(ARGS[0]).ReadAsArray()
print(json.dumps(np.select([a < 1000, a < 1400], [1, 2], 3).ravel().tolist()))`, [fixtures.dem])) as number[];
      out.values[0]!.forEach((v, i) => {
        if (i % 120 >= 10 || Math.floor(i / 120) >= 10) assert.equal(v, ref[i], `cell ${i}`);
      });
    });

    it('slices by coordinate and by grid index give the numpy row and column', async () => {
      const row = JSON.parse((await ok('for $c in (scene) return encode($c.red[N(4599505)], "application/json")')).text) as number[];
      const col = JSON.parse((await ok('for $c in (scene) return encode($c.nir[E:"CRS:1"(7), N:"CRS:1"(3:12)], "application/json")')).text) as number[];
      const ref = (await np(`ds = gdal.Open(ARGS[0])
print(json.dumps([ds.GetRasterBand(1).ReadAsArray()[49].tolist(), ds.GetRasterBand(2).ReadAsArray()[3:13, 7].tolist()]))`, [fixtures.scene])) as number[][];
      assert.deepEqual(row, ref[0]);
      assert.deepEqual(col, ref[1]);
      assert.equal(await scalar('for $c in (scene) return $c.red[E:"CRS:1"(5), N:"CRS:1"(6)] + 0'), (ref[0] as number[]).length > 0 ? ((await np(`ds = gdal.Open(ARGS[0]); print(json.dumps(int(ds.GetRasterBand(1).ReadAsArray()[6, 5])))`, [fixtures.scene])) as number) : NaN);
    });

    it('a trim in EPSG:4326 on a UTM coverage reads the window the transformed box covers', async () => {
      const q = 'for $c in (scene) return imageCrsDomain($c[Lat:"EPSG:4326"(41.5400:41.5450), Long:"EPSG:4326"(3.0010:3.0070)])';
      const got = (await ok(q)).text;
      const ref = (await np(`from osgeo import osr
s = osr.SpatialReference(); s.ImportFromEPSG(4326); s.SetAxisMappingStrategy(osr.OAMS_TRADITIONAL_GIS_ORDER)
t = osr.SpatialReference(); t.ImportFromEPSG(32631)
ct = osr.CoordinateTransformation(s, t)
xs = []; ys = []
for i in range(21):
    for lon, lat in [(3.0010 + 0.006 * i / 20, 41.54), (3.0010 + 0.006 * i / 20, 41.545), (3.001, 41.54 + 0.005 * i / 20), (3.007, 41.54 + 0.005 * i / 20)]:
        x, y, _ = ct.TransformPoint(lon, lat); xs.append(x); ys.append(y)
import math
c0 = max(0, math.floor((min(xs) - 500000) / 10 + 1e-6)); c1 = min(199, math.ceil((max(xs) - 500000) / 10 - 1e-6) - 1)
r0 = max(0, math.floor((4600000 - max(ys)) / 10 + 1e-6)); r1 = min(149, math.ceil((4600000 - min(ys)) / 10 - 1e-6) - 1)
print(json.dumps('(%d:%d,%d:%d)' % (r0, r1, c0, c1)))`)) as string;
      assert.equal(got, ref);
    });

    it('scale to a grid size reads nearest cells like numpy index arithmetic; extend pads with nulls', async () => {
      const out = await tiff('for $c in (scene) return encode(scale($c.red, {E:"CRS:1"(0:49), N:"CRS:1"(0:29)}), "image/tiff")');
      assert.deepEqual([out.width, out.height], [50, 30]);
      out.transform.forEach((v, i) => assert.ok(close(v, [500000, 40, 0, 4600000, 0, -50][i]!, 1e-12), String(out.transform)));
      const ref = (await np(`ds = gdal.Open(ARGS[0]); r = ds.GetRasterBand(1).ReadAsArray()
rows = [int((j + 0.5) * 150 / 30) for j in range(30)]; cols = [int((i + 0.5) * 200 / 50) for i in range(50)]
print(json.dumps(r[rows][:, cols].ravel().tolist()))`, [fixtures.scene])) as number[];
      assert.deepEqual(out.values[0], ref);
      const csv = (await ok('for $c in (scene) return encode(extend($c.red[E:"CRS:1"(0:1), N:"CRS:1"(0:1)], {E:"CRS:1"(-1:2), N:"CRS:1"(0:1)}), "text/csv")')).text;
      const cells = (await np(`ds = gdal.Open(ARGS[0]); r = ds.GetRasterBand(1).ReadAsArray(); print(json.dumps(r[0:2, 0:2].tolist()))`, [fixtures.scene])) as number[][];
      assert.equal(csv, `,${cells[0]![0]},${cells[0]![1]},\n,${cells[1]![0]},${cells[1]![1]},\n`);
    });

    it('crsTransform matches gdalwarp (nearest) on the same output grid in at least 95% of cells', async () => {
      const out = await tiff('for $c in (dem) return encode(crsTransform($c, {E:"EPSG:32632", N:"EPSG:32632"}), "image/tiff")');
      assert.equal(out.epsg, '32632');
      const t = out.transform;
      const warped = path.join(h.scratch, 'gdalwarp.tif');
      await runOk('gdalwarp', ['-q', '-overwrite', '-t_srs', 'EPSG:32632', '-r', 'near', '-te', String(t[0]), String(t[3] + out.height * t[5]), String(t[0] + out.width * t[1]), String(t[3]), '-ts', String(out.width), String(out.height), fixtures.dem, warped]);
      const ref = await readRaster(warped);
      let same = 0;
      let both = 0;
      ref.values[0]!.forEach((v, i) => {
        const w = out.values[0]![i]!;
        if (v === -9999 || w === -9999 || v === null || w === null) return;
        both++;
        if (Math.abs(v - w) < 1e-3) same++;
      });
      assert.ok(both > out.width * out.height * 0.5, `${both} cells compared`);
      assert.ok(same / both > 0.95, `only ${same} of ${both} cells equal gdalwarp's`);
    });

    it('range constructor and band access encode PNG that GDAL reads back as the source bands', async () => {
      const r = await ok('for $c in (rgb) return encode({ red: $c.red; green: $c.green; blue: $c.blue }, "image/png")');
      assert.equal(r.contentType, 'image/png');
      const png = await readRaster(writeScratch(h, 'rgb.png', r.body));
      const src = await readRaster(fixtures.rgb);
      assert.deepEqual([png.width, png.height, png.bands], [64, 48, 3]);
      assert.deepEqual(png.values, src.values);
      const j = await ok('for $c in (rgb) return encode($c.green, "image/jpeg", "quality=95")');
      const jpeg = await readRaster(writeScratch(h, 'g.jpg', j.body));
      assert.deepEqual([jpeg.width, jpeg.height, jpeg.bands], [64, 48, 1]);
      const mad = jpeg.values[0]!.reduce((s, v, i) => s + Math.abs(v - src.values[1]![i]!), 0) / jpeg.values[0]!.length;
      assert.ok(mad < 4, `JPEG differs by ${mad} on average`);
    });

    it('time: a slice and a trim of a series, and a per-cell sum over time by condense', async () => {
      assert.equal(await scalar('for $m in (monthly) return avg($m[ansi("2021-03-01")])'), 300 + 14.5 + 19.5);
      assert.equal(await scalar('for $m in (monthly) return avg($m[ansi("2021-01-01":"2021-02-15")])'), 150 + 14.5 + 19.5);
      assert.equal(await scalar('for $m in (monthly) return count($m > 0)'), 3 * 30 * 40);
      const sum = JSON.parse((await ok('for $m in (monthly) return encode(condense + over $t t(imageCrsDomain($m, ansi)) using $m[ansi:"CRS:1"($t)], "application/json")')).text) as number[][];
      const ref = (await np(`a = sum(gdal.Open(f).ReadAsArray().astype(np.int64) for f in ARGS); print(json.dumps(a.tolist()))`, fixtures.series)) as number[][];
      assert.deepEqual(sum, ref);
    });

    it('general condense, the coverage constructor and let', async () => {
      assert.equal(await scalar('for $c in (scene) return condense + over $x x(0:9), $y y(0:9) using $x * $y'), 2025);
      assert.equal(await scalar('for $c in (scene) return condense max over $x x(0:4) where $x != 4 using $x * 2'), 6);
      const cov = JSON.parse((await ok('for $c in (scene) return encode(coverage sq over $i i(0:3), $j j(0:2) values $i * 10 + $j, "application/json")')).text);
      assert.deepEqual(cov, [[0, 1, 2], [10, 11, 12], [20, 21, 22], [30, 31, 32]]);
      const picked = JSON.parse((await ok('for $c in (scene) return encode(coverage p over $i i(0:2) values $c.red[E:"CRS:1"($i), N:"CRS:1"(0)], "application/json")')).text);
      const ref = (await np(`ds = gdal.Open(ARGS[0]); print(json.dumps(ds.GetRasterBand(1).ReadAsArray()[0, 0:3].tolist()))`, [fixtures.scene])) as number[];
      assert.deepEqual(picked, ref);
      assert.equal(await scalar('for $c in (scene) let $w := $c[E:"CRS:1"(0:9), N:"CRS:1"(0:9)], $k := 2 return count($w.red * $k > 0)'), 100);
    });

    it('several iterators, where, and several results', async () => {
      const r = await ok('for $a in (scene, dem, rgb) where count($a.0 > -1000000) > 7000 return identifier($a)');
      assert.equal(r.contentType, 'application/json');
      const all = JSON.parse(r.text);
      assert.deepEqual(all, ['scene', 'dem']);
      assert.equal(await scalar('for $a in (rgb), $b in (rgb) return avg($a.red - $b.red)'), 0);
    });

    it('metadata functions', async () => {
      assert.equal((await ok('for $c in (dem) return identifier($c)')).text, 'dem');
      assert.equal((await ok('for $c in (dem) return imageCrs($c)')).text, 'CRS:1');
      assert.equal((await ok('for $c in (dem) return imageCrsDomain($c)')).text, '(0:99,0:119)');
      assert.equal((await ok('for $c in (dem) return imageCrsDomain($c[Long(7.1:7.2)], Long)')).text, '10:19');
      assert.equal((await ok('for $c in (dem) return domain($c, Lat, "EPSG:4326").hi')).text, '46.5');
      assert.equal((await ok('for $c in (monthly) return domain($c, ansi)')).text, '2021-01-01T00:00:00.000Z:2021-03-01T00:00:00.000Z');
      assert.equal((await ok('for $c in (dem) return nullSet($c)')).text, '{-9999}');
      assert.match((await ok('for $c in (dem) return crsSet($c)')).text, /Lat:http:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\/4326 CRS:1/);
    });

    it('CSV and JSON encodings, and a scalar as text/plain', async () => {
      const csv = await ok('for $c in (rgb) return encode($c[Long:"CRS:1"(0:2), Lat:"CRS:1"(0:1)], "text/csv")');
      const src = await readRaster(fixtures.rgb);
      const cell = (r: number, c: number) => [0, 1, 2].map((b) => src.values[b]![r * 64 + c]).join(' ');
      assert.equal(csv.text, `${cell(0, 0)},${cell(0, 1)},${cell(0, 2)}\n${cell(1, 0)},${cell(1, 1)},${cell(1, 2)}\n`);
      const json = JSON.parse((await ok('for $c in (dem) return encode($c[Long:"CRS:1"(9:10), Lat:"CRS:1"(9)], "application/json")')).text);
      assert.equal(json[0], null);
      assert.equal(typeof json[1], 'number');
      const s = await ok('for $c in (dem) return 1 + 2 * 3');
      assert.deepEqual([s.contentType, s.text], ['text/plain; charset=utf-8', '7']);
    });
  });

  describe('errors name their class and position', () => {
    const cases: Array<[string, string, string, number]> = [
      ['for $c in (scene) return avg($c.red +)', 'WcpsSyntaxError', '1:38', 400],
      ['for $c in (scene)\n  return avg($c.red', 'WcpsSyntaxError', '2:20', 400],
      ['for $c in (scene) return encode($c, "image/tiff)', 'WcpsSyntaxError', '1:37', 400],
      ['for $c in (scene) return avg($c) ? 2', 'WcpsSyntaxError', '1:34', 400],
      ['return 1', 'WcpsSyntaxError', '1:1', 400],
      ['for $c in (scene) return avg(foo($c))', 'WcpsSyntaxError', '1:30', 400],
      ['for $c in (scene) return avg($d)', 'UndefinedVariable', '1:30', 400],
      ['for $c in (scene) return avg(($c.red > 1) + 1)', 'TypeMismatch', '1:43', 400],
      ['for $c in (scene) return count($c.red)', 'TypeMismatch', '1:26', 400],
      ['for $c in (scene) return encode($c, "image/tiff") + 1', 'TypeMismatch', '1:26', 400],
      ['for $c in (scene) return $c', 'TypeMismatch', '1:26', 400],
      ['for $c in (scene) return avg($c.red[E:"CRS:1"(0:9)] + $c.red[E:"CRS:1"(0:10)])', 'DomainMismatch', '1:53', 400],
      ['for $c in (nothing) return 1', 'NoSuchCoverage', '1:12', 404],
      ['for $c in (secret) return 1', 'NoSuchCoverage', '1:12', 404],
      ['for $c in (scene) return avg($c[foo(1:2)])', 'InvalidAxisLabel', '1:33', 400],
      ['for $c in (scene) return avg($c.swir)', 'NoSuchField', '1:32', 400],
      ['for $c in (scene) return avg($c[E(100:200)])', 'InvalidSubsetting', '1:33', 400],
      ['for $m in (monthly) return avg($m[ansi("2020-05-01")])', 'InvalidSubsetting', '1:35', 400],
      ['for $c in (scene) return encode($c, "image/gif")', 'InvalidEncoding', '1:26', 400],
      ['for $c in (scene) return encode($c.red, "image/png")', 'InvalidEncoding', '1:26', 400],
      ['for $c in (scene) return encode($c, "image/tiff", "colour=red")', 'InvalidEncodingOption', '1:26', 400],
      ['for $c in (scene) return encode(crsTransform($c, {E:"EPSG:99999", N:"EPSG:99999"}), "image/tiff")', 'InvalidCrs', '1:33', 400],
    ];
    for (const [query, code, at, status] of cases) {
      it(`${code} at ${at}: ${query.replace(/\n/g, ' ')}`, async () => {
        const e = await fails(query, code, status, at);
        assert.match(e.text ?? '', new RegExp(`^line ${at.split(':')[0]}, column ${at.split(':')[1]}: `));
      });
    }

    it('the parser gives a typed tree (and the same errors) without a server', () => {
      const q = parseQuery('for $c in (S2-L2A.b04) let $k := 2 where true return encode((float)$c[Lat(1:2)] * $k, "image/tiff", "compression=lzw")');
      assert.equal(q.iterators[0]!.coverages[0]!.name, 'S2-L2A.b04');
      assert.equal(q.result.k, 'encode');
      assert.throws(() => parseQuery('for $c in (a) return "x'), (e: unknown) => e instanceof WcpsError && e.wcpsCode === 'WcpsSyntaxError' && e.position?.column === 22);
    });

    it('a missing query is MissingParameterValue', async () => {
      const r = await fetch(h.url);
      assert.equal(r.status, 400);
      assert.equal(exception(await r.text()).code, 'MissingParameterValue');
    });
  });

  describe('endpoints', () => {
    it('POST as text/plain and as a form', async () => {
      const a = await wcpsPost(h, 'for $c in (scene) return count($c.red > 0)');
      assert.deepEqual([a.status, a.text], [200, '30000']);
      const b = await wcpsPost(h, `query=${encodeURIComponent('for $c in (scene) return count($c.red > 0)')}`, 'application/x-www-form-urlencoded');
      assert.deepEqual([b.status, b.text], [200, '30000']);
    });

    it('WCS ProcessCoverages over GET, form POST and XML POST; capabilities advertise the extension', async () => {
      const q = 'for $c in (dem) return encode($c[Lat(46.0:46.1), Long(7.5:7.6)], "image/tiff")';
      const g = await fetch(`${h.wcsUrl}?service=WCS&version=2.0.1&request=ProcessCoverages&query=${encodeURIComponent(q)}`);
      assert.equal(g.status, 200, await g.clone().text());
      const out = await readRaster(writeScratch(h, 'wcs.tif', Buffer.from(await g.arrayBuffer())));
      assert.deepEqual([out.width, out.height, out.epsg], [10, 10, '4326']);
      const f = await fetch(h.wcsUrl, { method: 'POST', body: `service=WCS&version=2.0.1&request=ProcessCoverages&query=${encodeURIComponent('for $c in (scene) return max($c.nir)')}`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' } });
      assert.equal(f.status, 200);
      const max = Number(await f.text());
      assert.equal(max, await scalar('for $c in (scene) return max($c.nir)'));
      const xml = `<?xml version="1.0"?><wcps:ProcessCoverages xmlns:wcps="http://www.opengis.net/wcps/1.0" service="WCS" version="2.0.1"><wcps:query><wcps:abstractSyntax>for $c in (scene) return count($c.red &lt; 1000)</wcps:abstractSyntax></wcps:query></wcps:ProcessCoverages>`;
      const x = await fetch(h.wcsUrl, { method: 'POST', body: xml, headers: { 'Content-Type': 'application/xml' } });
      assert.equal(x.status, 200, await x.clone().text());
      assert.equal(Number(await x.text()), await scalar('for $c in (scene) return count($c.red < 1000)'));
      const bad = await fetch(`${h.wcsUrl}?service=WCS&version=2.0.1&request=ProcessCoverages&query=${encodeURIComponent('for $c in (scene) return $x')}`);
      assert.equal(bad.status, 400);
      assert.equal(exception(await bad.text()).code, 'UndefinedVariable');
      const caps = await (await fetch(`${h.wcsUrl}?service=WCS&version=2.0.1&request=GetCapabilities`)).text();
      assert.match(caps, /<ows:Profile>http:\/\/www\.opengis\.net\/spec\/WCS_service-extension_processing\/2\.0\/conf\/processing<\/ows:Profile>/);
      assert.match(caps, /<ows:Operation name="ProcessCoverages">/);
    });

    it('the services registry lists WCPS', async () => {
      const services = (await (await fetch(`${h.server.url}/services`)).json()) as unknown;
      assert.match(JSON.stringify(services), /"type":"WCPS"/);
    });
  });
});

describe('wcps limits', function () {
  this.timeout(120_000);
  let h: WcpsHarness;
  before(async () => {
    h = await startWcps({ wcps: { maxResultCells: 1000, maxIntermediateCells: 50_000, maxIterations: 50 }, withWcs: false });
  });
  after(async () => h?.close());

  it('refuses a result, a read and an iteration count over the limits before running', async () => {
    const big = await wcpsGet(h, 'for $c in (scene) return encode($c.red, "image/tiff")');
    assert.equal(big.status, 413);
    assert.equal(exception(big.text).code, 'ResultTooLarge');
    const reads = await wcpsGet(h, 'for $c in (scene) return avg($c.red + $c.nir)');
    assert.equal(reads.status, 413);
    assert.match(exception(reads.text).text ?? '', /60000 cells; at most 50000/);
    const loop = await wcpsGet(h, 'for $c in (scene) return condense + over $i i(0:99) using $c.red[E:"CRS:1"($i), N:"CRS:1"(0)]');
    assert.equal(loop.status, 413);
    const small = await wcpsGet(h, 'for $c in (scene) return avg($c.red[E:"CRS:1"(0:9), N:"CRS:1"(0:9)])');
    assert.equal(small.status, 200);
  });

  it('stops a query at the time limit', async () => {
    const slow = await startWcps({ wcps: { timeoutSeconds: 0.05, blockCells: 1024 }, withWcs: false }, h.fixtures);
    try {
      const r = await wcpsGet(slow, 'for $c in (scene) return condense + over $i i(0:199) using avg($c.red[E:"CRS:1"($i)])');
      assert.equal(r.status, 503, r.text);
      assert.equal(exception(r.text).code, 'QueryTimeout');
    } finally {
      await slow.close();
    }
  });
});
