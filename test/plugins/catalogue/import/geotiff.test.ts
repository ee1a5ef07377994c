import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readGeoTiffRecord } from '../../../../plugins/catalogue/import/geotiff.js';
import { bboxOf, gdalInfo, makeGeoTiff, serveDirectory } from './support.js';

function near(actual: number[], expected: number[], tolerance: number, what: string): void {
  assert.equal(actual.length, expected.length, what);
  actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= tolerance, `${what}[${i}]: ${v} vs ${expected[i]}`));
}

describe('catalogue import: GeoTIFF headers', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'meridian-geotiff-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a COG in EPSG:4326: footprint as gdalinfo gives it, size, bands, data type, nodata, overviews, cloud-optimized profile', async () => {
    const path = makeGeoTiff(join(dir, 'geo.tif'), { srs: 'EPSG:4326', ullr: [10, 46, 11.5, 45], size: [600, 400], bands: 3, type: 'UInt16', cog: true, nodata: 0 });
    const info = gdalInfo(path);
    const record = await readGeoTiffRecord({ kind: 'file', path }, { parentIdentifier: 'C' });
    assert.equal(record.identifier, 'geo');
    assert.equal(record.type, 'product');
    assert.equal(record.parentIdentifier, 'C');
    assert.equal(record.geometry?.type, 'Polygon');
    near(bboxOf((record.geometry as { coordinates: number[][][] }).coordinates[0]!), bboxOf(info.wgs84Extent.coordinates[0]!), 1e-7, 'bbox');
    assert.deepEqual(record.properties, {
      bands: 3,
      dataType: 'uint16',
      width: 600,
      height: 400,
      'proj:epsg': 4326,
      'proj:shape': [400, 600],
      'proj:bbox': [10, 45, 11.5, 46],
      nodata: 0,
      overviews: info.bands[0]!.overviews!.length,
      tiled: true,
    });
    assert.ok((record.properties!.overviews as number) > 0);
    assert.deepEqual(record.assets, { data: { href: path, type: 'image/tiff; application=geotiff; profile=cloud-optimized', roles: ['data'], title: 'geo.tif' } });
    // 1.5 degrees over 600 columns at 45.5 N, and 1 degree over 400 rows: about 214 m and 278 m.
    assert.ok(record.resolution! > 200 && record.resolution! < 290, String(record.resolution));
  });

  it('reads a UTM COG: the densified outline reprojected to CRS:84 matches gdalinfo -json, resolution in metres', async () => {
    const path = makeGeoTiff(join(dir, 'utm.tif'), { srs: 'EPSG:32632', ullr: [600000, 5100000, 660000, 5060000], size: [600, 400], cog: true });
    const info = gdalInfo(path);
    const record = await readGeoTiffRecord({ kind: 'file', path });
    const ring = (record.geometry as { coordinates: number[][][] }).coordinates[0]!;
    near(bboxOf(ring), bboxOf(info.wgs84Extent.coordinates[0]!), 1e-6, 'bbox');
    // Every corner gdalinfo gives is on the outline.
    for (const corner of info.wgs84Extent.coordinates[0]!) {
      assert.ok(ring.some((p) => Math.abs(p[0]! - corner[0]!) < 1e-6 && Math.abs(p[1]! - corner[1]!) < 1e-6), `corner ${corner.join(',')} on the outline`);
    }
    // A UTM grid edge is curved in longitude/latitude: the outline has more than the corners.
    assert.ok(ring.length > 5);
    assert.deepEqual(ring[0], ring.at(-1));
    assert.equal(record.resolution, 100);
    assert.equal(record.properties!['proj:epsg'], 32632);
    assert.deepEqual(record.properties!['proj:bbox'], [600000, 5060000, 660000, 5100000]);
  });

  it('outlines counter-clockwise (RFC 7946) whichever way the image is stored', async () => {
    const path = makeGeoTiff(join(dir, 'south-up.tif'), { srs: 'EPSG:4326', ullr: [10, 45, 11, 46], size: [100, 100] });
    const record = await readGeoTiffRecord({ kind: 'file', path });
    const ring = (record.geometry as { coordinates: number[][][] }).coordinates[0]!;
    let area = 0;
    for (let i = 0; i < ring.length - 1; i++) area += ring[i]![0]! * ring[i + 1]![1]! - ring[i + 1]![0]! * ring[i]![1]!;
    assert.ok(area > 0);
  });

  it('takes the time from GDAL metadata, else the file name, else the TIFF DateTime tag (also the creation date)', async () => {
    const tagged = makeGeoTiff(join(dir, 'S2B_20200105T101010_tagged.tif'), {
      srs: 'EPSG:4326', ullr: [0, 1, 1, 0], size: [64, 64], metadata: { ACQUISITIONDATETIME: '2021-07-08T09:10:11Z', TIFFTAG_DATETIME: '2022:01:02 03:04:05' },
    });
    const named = makeGeoTiff(join(dir, 'LC08_L1TP_199026_20200615_20200626_02_T1.tif'), { srs: 'EPSG:4326', ullr: [0, 1, 1, 0], size: [64, 64], metadata: { TIFFTAG_DATETIME: '2022:01:02 03:04:05' } });
    const tagOnly = makeGeoTiff(join(dir, 'plain.tif'), { srs: 'EPSG:4326', ullr: [0, 1, 1, 0], size: [64, 64], metadata: { TIFFTAG_DATETIME: '2019:05:06 07:08:09' } });
    const none = makeGeoTiff(join(dir, 'undated.tif'), { srs: 'EPSG:4326', ullr: [0, 1, 1, 0], size: [64, 64] });
    assert.equal((await readGeoTiffRecord({ kind: 'file', path: tagged })).start, '2021-07-08T09:10:11.000Z');
    const fromName = await readGeoTiffRecord({ kind: 'file', path: named });
    assert.equal(fromName.start, '2020-06-15T00:00:00.000Z');
    assert.equal(fromName.creationDate, '2022-01-02T03:04:05.000Z');
    assert.equal((await readGeoTiffRecord({ kind: 'file', path: tagOnly })).start, '2019-05-06T07:08:09.000Z');
    assert.equal((await readGeoTiffRecord({ kind: 'file', path: none })).start, undefined);
  });

  it('gives a striped GeoTIFF without overviews the plain GeoTIFF media type', async () => {
    const path = makeGeoTiff(join(dir, 'striped.tif'), { srs: 'EPSG:4326', ullr: [0, 1, 1, 0], size: [64, 64] });
    const record = await readGeoTiffRecord({ kind: 'file', path });
    assert.equal(record.assets!.data!.type, 'image/tiff; application=geotiff');
    assert.equal(record.properties!.tiled, false);
    assert.equal(record.properties!.overviews, 0);
  });

  it('refuses a TIFF without georeferencing with a reason', async () => {
    const path = join(dir, 'raw.tif');
    makeGeoTiff(path, { srs: 'EPSG:4326', ullr: [0, 1, 1, 0], size: [16, 16] });
    const { execFileSync } = await import('node:child_process');
    execFileSync('gdal_translate', ['-q', '-co', 'PROFILE=BASELINE', path, join(dir, 'raw-baseline.tif')]);
    await assert.rejects(readGeoTiffRecord({ kind: 'file', path: join(dir, 'raw-baseline.tif') }), (err: Error & { code?: string }) => {
      assert.equal(err.code, 'InvalidGeoTIFF');
      assert.match(err.message, /not georeferenced|geotransform/);
      return true;
    });
  });

  it('reads a remote COG with range requests only, a small part of the file', async () => {
    const path = makeGeoTiff(join(dir, 'remote', 'big.tif'), { srs: 'EPSG:32631', ullr: [400000, 5000000, 520000, 4880000], size: [2400, 2400], type: 'Float32', cog: true });
    const server = await serveDirectory(join(dir, 'remote'));
    try {
      // The test server is on loopback, which only an operator's own import may reach.
      const record = await readGeoTiffRecord({ kind: 'url', url: `${server.url}/big.tif` }, { fetch: { timeoutMs: 10_000, maxBytes: 16 << 20, maxRedirects: 5, allowPrivateNetworks: true } });
      const ring = (record.geometry as { coordinates: number[][][] }).coordinates[0]!;
      for (const corner of gdalInfo(path).wgs84Extent.coordinates[0]!) {
        assert.ok(ring.some((p) => Math.abs(p[0]! - corner[0]!) < 1e-6 && Math.abs(p[1]! - corner[1]!) < 1e-6), `corner ${corner.join(',')} on the outline`);
      }
      // The north edge straddles the zone's central meridian, where it reaches furthest north:
      // the densified outline goes above the corners.
      assert.ok(Math.max(...ring.map((p) => p[1]!)) > Math.max(...gdalInfo(path).wgs84Extent.coordinates[0]!.map((c) => c[1]!)));
      assert.equal(record.assets!.data!.href, `${server.url}/big.tif`);
      assert.equal(record.properties!.dataType, 'float32');
      const gets = server.requests.filter((r) => r.method === 'GET');
      assert.ok(gets.length > 0 && gets.every((r) => r.range !== undefined), 'every GET asks for a range');
      const sent = server.requests.reduce((n, r) => n + r.bytes, 0);
      assert.ok(sent < statSync(path).size / 4, `${sent} bytes read of ${statSync(path).size}`);
    } finally {
      await server.close();
    }
  });
});
