/** Normalised difference of two bands of one raster ((nir - red) / (nir + red)), as a Float32 COG. */
import { join } from 'node:path';
import { COG, fileInput, fileOutput, gdal } from './gdal.js';
import type { BuiltinProcess } from './types.js';

const RASTER = { type: 'string', format: 'binary', contentMediaType: 'image/tiff; application=geotiff', contentEncoding: 'binary' };

export const ndviProcess: BuiltinProcess = {
  description: {
    id: 'ndvi',
    title: 'NDVI (normalised difference of two bands)',
    description: '(nir - red) / (nir + red) of a raster, 0 where both are 0; a Float32 Cloud Optimized GeoTIFF.',
    version: '1.0.0',
    keywords: ['NDVI', 'band math'],
    jobControlOptions: ['async-execute', 'sync-execute', 'dismiss'],
    outputTransmission: ['value', 'reference'],
    inputs: {
      image: { title: 'Raster with the red and near-infrared bands', schema: RASTER, minOccurs: 1, maxOccurs: 1 },
      red: { title: 'Band number of red (from 1)', schema: { type: 'integer', minimum: 1, default: 1 }, minOccurs: 0, maxOccurs: 1 },
      nir: { title: 'Band number of near infrared (from 1)', schema: { type: 'integer', minimum: 1, default: 2 }, minOccurs: 0, maxOccurs: 1 },
    },
    outputs: {
      ndvi: { title: 'NDVI', schema: { type: 'string', format: 'binary', contentMediaType: COG, contentEncoding: 'binary' } },
    },
  },
  async run(run) {
    const image = fileInput(run, 'image');
    const red = Number(run.inputs.red ?? 1);
    const nir = Number(run.inputs.nir ?? 2);
    const raw = join(run.workDir, 'ndvi-raw.tif');
    const out = join(run.outDir, 'ndvi.tif');
    const f = (b: string) => `${b}.astype(numpy.float32)`;
    await run.progress(30, 'computing NDVI');
    await gdal(run, 'gdal_calc.py', [
      '--quiet', '-A', image, `--A_band=${red}`, '-B', image, `--B_band=${nir}`, '--type=Float32', `--outfile=${raw}`,
      `--calc=numpy.where((${f('A')}+B)==0,0,(${f('B')}-A)/(${f('B')}+A))`,
    ]);
    await run.progress(60, 'writing a Cloud Optimized GeoTIFF');
    // -stats: the statistics go into the file's metadata, so viewers can stretch it without a scan.
    await gdal(run, 'gdal_translate', ['-q', '-stats', '-of', 'COG', '-co', 'COMPRESS=DEFLATE', raw, out]);
    return { ndvi: fileOutput(out) };
  },
};
