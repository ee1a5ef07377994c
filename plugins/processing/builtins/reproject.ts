/** Reproject a raster to another CRS, as a COG. */
import { join } from 'node:path';
import { COG, fileInput, fileOutput, gdal } from './gdal.js';
import type { BuiltinProcess } from './types.js';

export const reprojectProcess: BuiltinProcess = {
  description: {
    id: 'reproject',
    title: 'Reproject a raster',
    description: 'The raster warped to another CRS (EPSG code or OGC CRS URI), bilinear resampling, as a Cloud Optimized GeoTIFF.',
    version: '1.0.0',
    keywords: ['reproject', 'warp'],
    jobControlOptions: ['async-execute', 'sync-execute', 'dismiss'],
    outputTransmission: ['value', 'reference'],
    inputs: {
      image: { title: 'Raster', schema: { type: 'string', format: 'binary', contentMediaType: 'image/tiff; application=geotiff', contentEncoding: 'binary' }, minOccurs: 1, maxOccurs: 1 },
      crs: { title: 'Target CRS', schema: { type: 'string', pattern: '^(EPSG:[0-9]+|https?://www\\.opengis\\.net/def/crs/EPSG/0/[0-9]+)$' }, minOccurs: 1, maxOccurs: 1 },
    },
    outputs: {
      reprojected: { title: 'Reprojected raster', schema: { type: 'string', format: 'binary', contentMediaType: COG, contentEncoding: 'binary' } },
    },
  },
  async run(run) {
    const image = fileInput(run, 'image');
    const crs = String(run.inputs.crs).replace(/^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\//, 'EPSG:');
    const out = join(run.outDir, 'reprojected.tif');
    await run.progress(40, 'warping');
    await gdal(run, 'gdalwarp', ['-q', '-of', 'COG', '-r', 'bilinear', '-t_srs', crs, image, out]);
    return { reprojected: fileOutput(out) };
  },
};
