/** The encoder's files read back with the `geotiff` package (the JavaScript reader in our own stack). */
import assert from 'node:assert/strict';
import { fromArrayBuffer } from 'geotiff';
import { encodeGeoTiff, type GeoTiffOptions } from '../../../../plugins/coverages/encode/index.js';
import type { Grid, Raster, SampleType } from '../../../../plugins/coverages/types.js';
import { ALL_SAMPLE_TYPES, geographicGrid, patternRaster, utmGrid } from './fixtures.js';

async function open(file: Buffer) {
  const copy = file.buffer.slice(file.byteOffset, file.byteOffset + file.byteLength) as ArrayBuffer;
  return fromArrayBuffer(copy);
}

const isFloat = (t: SampleType) => t === 'float32' || t === 'float64';

async function assertSamples(file: Buffer, raster: Raster): Promise<void> {
  const tiff = await open(file);
  const image = await tiff.getImage(0);
  assert.equal(image.getWidth(), raster.width);
  assert.equal(image.getHeight(), raster.height);
  const bands = await image.readRasters({ interleave: false });
  assert.equal(bands.length, raster.bands.length);
  bands.forEach((band, b) => assert.deepEqual(Array.from(band as ArrayLike<number>), Array.from(raster.bands[b]!), `band ${b + 1}`));
}

describe('GeoTIFF encoder output read by the geotiff package', () => {
  for (const t of ALL_SAMPLE_TYPES) {
    const predictor = isFloat(t) ? 'floatingpoint' : 'horizontal';
    const combos: Array<[string, GeoTiffOptions]> = [
      [`deflate + ${predictor}, tiled`, { predictor, tileWidth: 32, tileHeight: 16 }],
      [`deflate + ${predictor}, run-length, tiled`, { predictor, deflateStrategy: 'rle', level: 1, tileWidth: 32, tileHeight: 16 }],
      [`deflate, Huffman only, striped`, { deflateStrategy: 'huffman', tiled: false, rowsPerStrip: 7 }],
      [`deflate + ${predictor}, runs chosen per block, tiled`, { predictor, deflateStrategy: 'runs', level: 1, tileWidth: 32, tileHeight: 16 }],
      [`LZW + ${predictor}, striped`, { compression: 'lzw', predictor, tiled: false, rowsPerStrip: 5 }],
      ['PackBits, tiled', { compression: 'packbits', tileWidth: 48, tileHeight: 48 }],
      ['uncompressed, striped', { compression: 'none', tiled: false }],
    ];
    for (const [name, options] of combos) {
      it(`reads ${t} samples exactly: ${name}`, async () => {
        const raster = patternRaster(t, 70, 45, 2, 21);
        await assertSamples(encodeGeoTiff(raster, utmGrid(70, 45), options), raster);
      });
    }
  }

  it('finds the georeferencing, GeoKeys, nodata and band metadata', async () => {
    const raster = { ...patternRaster('float32', 100, 80, 2), nodata: -9999 };
    const grid: Grid = geographicGrid(100, 80, 'EPSG:4326', [7.25, 0.0005, 0, 46.0, 0, -0.00025]);
    const file = encodeGeoTiff(raster, grid, { bandNames: ['elevation', 'slope'], bandUnits: ['m', 'deg'], metadata: { SOURCE: 'Meridian test' } });
    const image = await (await open(file)).getImage(0);
    assert.deepEqual(image.getOrigin(), [7.25, 46.0, 0]);
    assert.deepEqual(image.getResolution(), [0.0005, -0.00025, 0]);
    const keys = image.getGeoKeys()!;
    assert.equal(keys.GTModelTypeGeoKey, 2);
    assert.equal(keys.GTRasterTypeGeoKey, 1);
    assert.equal(keys.GeographicTypeGeoKey, 4326);
    assert.equal(image.getGDALNoData(), -9999);
    assert.equal((await image.getGDALMetadata(0))?.DESCRIPTION, 'elevation');
    assert.equal((await image.getGDALMetadata(1))?.DESCRIPTION, 'slope');
    assert.equal((await image.getGDALMetadata())?.SOURCE, 'Meridian test');
  });

  it('reads each COG overview as its own image, halved each time, the projected CRS in the first', async () => {
    const raster = patternRaster('uint16', 520, 300, 1);
    const file = encodeGeoTiff(raster, utmGrid(520, 300), { cog: true, tileWidth: 128, tileHeight: 128, predictor: 'horizontal' });
    const tiff = await open(file);
    assert.equal(await tiff.getImageCount(), 4);
    const sizes = [];
    for (let i = 0; i < 4; i++) {
      const image = await tiff.getImage(i);
      sizes.push([image.getWidth(), image.getHeight()]);
    }
    assert.deepEqual(sizes, [[520, 300], [260, 150], [130, 75], [65, 38]]);
    const first = await tiff.getImage(0);
    assert.equal(first.getGeoKeys()!.ProjectedCSTypeGeoKey, 32632);
    assert.equal(first.getGeoKeys()!.GTModelTypeGeoKey, 1);
    assert.equal((await tiff.getImage(1)).getFileDirectory().getValue('NewSubfileType'), 1);
    await assertSamples(file, raster);
  });

  it('reads BigTIFF', async () => {
    const raster = patternRaster('int32', 90, 60, 3);
    const file = encodeGeoTiff(raster, utmGrid(90, 60), { bigTiff: true, compression: 'lzw', predictor: 'horizontal', tileWidth: 32, tileHeight: 32 });
    assert.equal(file.readUInt16LE(2), 43);
    await assertSamples(file, raster);
  });
});
