/** Clip a raster to a bounding box (CRS:84 by default), as a COG. */
import { join } from 'node:path';
import { COG, fileInput, fileOutput, gdal } from './gdal.js';
import type { BuiltinProcess } from './types.js';

const RASTER = { type: 'string', format: 'binary', contentMediaType: 'image/tiff; application=geotiff', contentEncoding: 'binary' };

export const clipProcess: BuiltinProcess = {
  description: {
    id: 'clip',
    title: 'Clip a raster to a bounding box',
    description: 'The part of a raster inside a bounding box ([minx, miny, maxx, maxy], CRS:84 unless crs says otherwise), as a Cloud Optimized GeoTIFF.',
    version: '1.0.0',
    keywords: ['clip', 'subset', 'AOI'],
    jobControlOptions: ['async-execute', 'sync-execute', 'dismiss'],
    outputTransmission: ['value', 'reference'],
    inputs: {
      image: { title: 'Raster', schema: RASTER, minOccurs: 1, maxOccurs: 1 },
      bbox: {
        title: 'Area of interest',
        schema: {
          type: 'object',
          required: ['bbox'],
          properties: { bbox: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 }, crs: { type: 'string', default: 'http://www.opengis.net/def/crs/OGC/1.3/CRS84' } },
          format: 'ogc-bbox',
        },
        minOccurs: 1,
        maxOccurs: 1,
      },
    },
    outputs: {
      clipped: { title: 'Clipped raster', schema: { type: 'string', format: 'binary', contentMediaType: COG, contentEncoding: 'binary' } },
    },
  },
  async run(run) {
    const image = fileInput(run, 'image');
    const box = run.inputs.bbox as { bbox: number[]; crs?: string };
    const [minx, miny, maxx, maxy] = box.bbox as [number, number, number, number];
    const crs = !box.crs || /CRS84$/.test(box.crs) ? 'OGC:CRS84' : box.crs.replace(/^https?:\/\/www\.opengis\.net\/def\/crs\/EPSG\/0\//, 'EPSG:');
    const out = join(run.outDir, 'clipped.tif');
    await run.progress(40, 'clipping');
    await gdal(run, 'gdal_translate', ['-q', '-of', 'COG', '-projwin_srs', crs, '-projwin', String(minx), String(maxy), String(maxx), String(miny), image, out]);
    return { clipped: fileOutput(out) };
  },
};
