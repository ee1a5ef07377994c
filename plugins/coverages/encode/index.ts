/** The GeoTIFF / COG encoder: what the coverages engine calls to write GeoTIFF output. */
export { encodeGeoTiff, encodeGeoTiffAsync, encodeGeoTiffAsyncChunks, encodeGeoTiffChunks, type GeoTiffOptions } from './geotiff.js';
export { GeoTiffRowEncoder } from './geotiff-rows.js';
export { geoTiffCrs, type GeoTiffCrs } from './georeferencing.js';
export type { CompressionName } from './compression.js';
export type { PredictorName } from './predictor.js';
export type { OverviewResampling } from './overviews.js';
