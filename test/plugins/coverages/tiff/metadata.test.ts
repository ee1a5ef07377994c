/**
 * What a TIFF source says about itself (size, CRS, geotransform, levels, bands with their nodata,
 * scale, offset, description, unit and colour), checked against gdalinfo -json and gdalsrsinfo;
 * and the clear errors for files it cannot serve.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCoverageError } from '../../../../plugins/coverages/errors.js';
import { fileRangeReader, functionRangeReader, openTiff, TileCache } from '../../../../plugins/coverages/tiff/index.js';
import { gdalEpsg, gdalInfo, SAMPLE_TYPE_OF, TiffFixtures, type GdalType, type TiffSpec } from './support.js';
import { readFileSync } from 'node:fs';

const cog = (extra: string[] = []) => ({ driver: 'COG', options: ['BLOCKSIZE=128', 'COMPRESS=DEFLATE', ...extra] }) as const;

const described: TiffSpec[] = [
  {
    name: 'described.tif', width: 600, height: 400, bands: 3, type: 'UInt16', nodata: 0, ...cog(),
    descriptions: ['Red edge', 'NIR & <narrow>', 'SWIR 1'], units: ['m', 'K', '1'], scales: [0.01, 0.5, 1.5], offsets: [-10, 0, 2.5],
    metadata: { TIFFTAG_DATETIME: '2024:05:06 07:08:09', TIFFTAG_SOFTWARE: 'meridian tests', SENSOR: 'MSI & <co>', PROCESSING_LEVEL: 'L2A' },
  },
  { name: 'geographic.tif', width: 360, height: 180, bands: 1, type: 'Float32', srs: 'EPSG:4326', geotransform: [-10, 0.01, 0, 50, 0, -0.01], nodata: -9999, ...cog() },
  { name: 'pixel-is-point.tif', width: 200, height: 150, bands: 1, type: 'Int16', srs: 'EPSG:3857', geotransform: [1000, 30, 0, 2000, 0, -30], pixelIsPoint: true, driver: 'GTiff' },
  { name: 'pixel-is-point-cog.tif', width: 300, height: 300, bands: 2, type: 'Byte', srs: 'EPSG:32633', geotransform: [400000, 20, 0, 5000000, 0, -20], pixelIsPoint: true, ...cog() },
  { name: 'rotated.tif', width: 100, height: 80, bands: 1, type: 'Float64', geotransform: [500000, 10, 2, 4600000, 1.5, -10], driver: 'GTiff' },
  { name: 'rgba.tif', width: 256, height: 256, bands: 4, type: 'Byte', driver: 'GTiff', options: ['PHOTOMETRIC=RGB', 'ALPHA=YES', 'TILED=YES'] },
  { name: 'masked.tif', width: 700, height: 500, bands: 1, type: 'Byte', mask: true, ...cog() },
  { name: 'gtiff-overviews.tif', width: 900, height: 700, bands: 2, type: 'Int32', driver: 'GTiff', options: ['TILED=YES', 'COMPRESS=LZW'], overviews: [2, 4, 8, 16] },
  { name: 'nan-nodata.tif', width: 64, height: 64, bands: 1, type: 'Float64', nodata: 'nan', driver: 'GTiff' },
  { name: 'signed-byte.tif', width: 64, height: 64, bands: 1, type: 'Int8', nodata: -128, driver: 'GTiff' },
];

const broken: TiffSpec[] = [
  { name: 'user-defined-crs.tif', width: 64, height: 64, bands: 1, type: 'Byte', srs: '+proj=tmerc +lat_0=0 +lon_0=3.3 +k=0.9996 +x_0=500000 +y_0=0 +ellps=GRS80 +units=m +no_defs', driver: 'GTiff' },
  { name: 'uint64.tif', width: 64, height: 64, bands: 1, type: 'UInt64', driver: 'GTiff' },
  { name: 'lzma.tif', width: 64, height: 64, bands: 1, type: 'Byte', driver: 'GTiff', options: ['COMPRESS=LZMA'] },
];

describe('TIFF reader: metadata against gdalinfo', function () {
  this.timeout(60_000);
  const fixtures = new TiffFixtures();
  let paths: Record<string, string>;
  const cache = new TileCache({ maxBytes: 8 * 1024 * 1024 });

  before(() => {
    paths = fixtures.make([...described, ...broken]);
  });
  after(() => fixtures.remove());

  for (const spec of described) {
    it(`${spec.name}: size, CRS, geotransform, levels and bands are gdalinfo's`, async () => {
      const path = paths[spec.name]!;
      const info = gdalInfo(path);
      const source = await openTiff(fileRangeReader(path), { cache });
      try {
        assert.deepEqual([source.width, source.height], info.size);
        assert.equal(source.crs, gdalEpsg(path));
        assertTransform(source.transform, info.geoTransform);
        const overviews = info.bands[0]!.overviews ?? [];
        assert.deepEqual(source.levels.map((l) => [l.width, l.height]), [info.size, ...overviews.map((o) => o.size)]);
        for (const level of source.levels) {
          // An overview covers the same area with coarser pixels.
          assert.ok(Math.abs(level.transform[0] + level.transform[1] * level.width + level.transform[2] * level.height - (source.transform[0] + source.transform[1] * source.width + source.transform[2] * source.height)) < 1e-6);
          assert.ok(Math.abs(level.transform[3] + level.transform[4] * level.width + level.transform[5] * level.height - (source.transform[3] + source.transform[4] * source.width + source.transform[5] * source.height)) < 1e-6);
        }
        assert.equal(source.bands.length, info.bands.length);
        assert.equal(source.sampleType, SAMPLE_TYPE_OF[spec.type as Exclude<GdalType, 'UInt64'>]);
        for (const [i, band] of source.bands.entries()) {
          const theirs = info.bands[i]!;
          assert.equal(band.sampleType, source.sampleType);
          assert.equal(band.description, theirs.description || undefined, `band ${i + 1} description`);
          assert.equal(band.name, theirs.description || `band${i + 1}`);
          const nodata = theirs.noDataValue === undefined ? undefined : theirs.noDataValue === 'NaN' ? Number.NaN : Number(theirs.noDataValue);
          assert.ok(Object.is(band.nodata, nodata), `band ${i + 1} nodata ${band.nodata} vs ${String(theirs.noDataValue)}`);
          assert.equal(band.scale, theirs.scale, `band ${i + 1} scale`);
          assert.equal(band.offset, theirs.offset, `band ${i + 1} offset`);
          assert.equal(band.unit, theirs.unit || undefined, `band ${i + 1} unit`);
          assert.equal(band.colorInterpretation, theirs.colorInterpretation?.toLowerCase(), `band ${i + 1} colour`);
        }
        assert.ok(Object.is(source.nodata, source.bands[0]!.nodata));
      } finally {
        await source.close();
      }
    });
  }

  it('moves a PixelIsPoint file\'s origin by half a pixel, to the corner as GDAL reports it', async () => {
    const source = await openTiff(fileRangeReader(paths['pixel-is-point.tif']!), { cache });
    // The file's tiepoint is the centre of the first pixel (GDAL wrote 1015, 1985); the transform is the corner's.
    assert.deepEqual(source.transform, [1000, 30, 0, 2000, 0, -30]);
    await source.close();
  });

  it('reads a rotated geotransform from ModelTransformation', async () => {
    const source = await openTiff(fileRangeReader(paths['rotated.tif']!), { cache });
    assert.deepEqual(source.transform, [500000, 10, 2, 4600000, 1.5, -10]);
    await source.close();
  });

  it('gives the dataset metadata of GDAL\'s default domain and band ranges (sample type limits for integers)', async () => {
    const source = await openTiff(fileRangeReader(paths['described.tif']!), { cache });
    assert.deepEqual(Object.fromEntries(source.metadata), gdalInfo(paths['described.tif']!).metadata![''], 'the metadata gdalinfo lists');
    assert.equal(source.metadata.get('SENSOR'), 'MSI & <co>');
    assert.equal(source.metadata.get('TIFFTAG_DATETIME'), '2024:05:06 07:08:09');
    const point = await openTiff(fileRangeReader(paths['pixel-is-point.tif']!), { cache });
    assert.deepEqual(Object.fromEntries(point.metadata), gdalInfo(paths['pixel-is-point.tif']!).metadata![''], 'the metadata gdalinfo lists');
    await point.close();
    assert.deepEqual([source.bands[0]!.min, source.bands[0]!.max], [0, 65535]);
    await source.close();
    const signed = await openTiff(fileRangeReader(paths['signed-byte.tif']!), { cache });
    assert.equal(signed.sampleType, 'int8');
    assert.deepEqual([signed.bands[0]!.min, signed.bands[0]!.max], [-128, 127]);
    await signed.close();
  });

  it('opens a COG with a single read of its first 64 KiB (header, IFDs and tile indexes)', async () => {
    const bytes = readFileSync(paths['masked.tif']!);
    const reads: Array<[number, number]> = [];
    const reader = functionRangeReader('mem:masked', bytes.length, async (offset, length) => {
      reads.push([offset, length]);
      return bytes.subarray(offset, offset + length);
    });
    const source = await openTiff(reader, { cache });
    assert.deepEqual(reads, [[0, 64 * 1024]]);
    assert.equal(source.id, 'mem:masked');
    assert.equal(source.levels.length, 1 + (gdalInfo(paths['masked.tif']!).bands[0]!.overviews?.length ?? 0), 'mask IFDs are not levels');
  });

  it('takes the id it is given for the source and its cache keys', async () => {
    const source = await openTiff(fileRangeReader(paths['geographic.tif']!), { cache, id: 'coverage:geo@v1' });
    assert.equal(source.id, 'coverage:geo@v1');
    await source.close();
  });

  it('refuses a user-defined CRS with an error saying it has no EPSG code and what to do', async () => {
    await assert.rejects(openTiff(fileRangeReader(paths['user-defined-crs.tif']!), { cache }), (err: Error) => {
      assert.ok(isCoverageError(err, 'SourceUnreadable'));
      assert.match(err.message, /user-defined-crs\.tif/);
      assert.match(err.message, /user-defined \(ProjectedCSTypeGeoKey 32767\) and has no EPSG code/);
      assert.match(err.message, /gdalwarp -t_srs EPSG/);
      return true;
    });
  });

  it('refuses 64-bit integer samples, naming them', async () => {
    await assert.rejects(openTiff(fileRangeReader(paths['uint64.tif']!), { cache }), (err: Error) => {
      assert.ok(isCoverageError(err, 'SourceUnreadable'));
      assert.match(err.message, /64-bit unsigned integer samples are not supported/);
      return true;
    });
  });

  it('refuses a codec it cannot decode (LZMA) when opening, not on the first read', async () => {
    await assert.rejects(openTiff(fileRangeReader(paths['lzma.tif']!), { cache }), (err: Error) => {
      assert.ok(isCoverageError(err, 'SourceUnreadable'));
      assert.match(err.message, /LZMA compression is not supported/);
      return true;
    });
  });

  it('refuses a file that is not a TIFF, and one that does not exist', async () => {
    const text = join(fixtures.dir, 'not-a-tiff.tif');
    writeFileSync(text, 'hello, this is not a TIFF\n');
    await assert.rejects(openTiff(fileRangeReader(text), { cache }), (err: Error) => isCoverageError(err, 'SourceUnreadable') && /not a readable GeoTIFF/.test(err.message));
    await assert.rejects(openTiff(fileRangeReader(join(fixtures.dir, 'missing.tif')), { cache }), (err: Error) => isCoverageError(err, 'SourceUnreadable') && /cannot open/.test(err.message));
  });
});

function assertTransform(ours: number[], theirs: number[]): void {
  for (let i = 0; i < 6; i++) {
    assert.ok(Math.abs(ours[i]! - theirs[i]!) <= 1e-9 * Math.max(1, Math.abs(theirs[i]!)), `geotransform [${ours.join(', ')}] vs gdalinfo [${theirs.join(', ')}]`);
  }
}
