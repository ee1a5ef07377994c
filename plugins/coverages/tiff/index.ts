/** The GeoTIFF / COG reader of the coverages engine: see README.md. */
export { fileRangeReader, functionRangeReader, HEADER_BYTES, type RangeReader } from './range-reader.js';
export { httpRangeReader, type HttpRangeReaderOptions } from './http-range-reader.js';
export { TileCache, type DecodedBlock, type TileCacheOptions } from './tile-cache.js';
export { openTiff, TiffRasterSource, type OpenTiffOptions, type TiffReadStats } from './tiff-raster-source.js';
