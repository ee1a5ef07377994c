/**
 * GeoTIFF settings for coverage output (WCS GetCoverage, WCPS) where the request leaves them
 * open: deflate at level 1, a predictor (horizontal differencing for integers, the
 * floating-point predictor for floats) and, after a predictor, zlib's run-length strategy for
 * floats and, for integers, run-length in blocks with runs and Huffman only in the others
 * ('runs', compression.ts). Measured on 512x512 windows of the coverages benchmark's data (its
 * COGs are imagery-like: smooth fields, texture, noise), whole encode in ms and KiB per window
 * (MapServer's answers to the same requests, GDAL deflate level 6 without a predictor: 515 and
 * 870 KiB):
 *   uint8 RGB     no predictor, LZ77 level 1    12.3 ms  537 KiB   (before)
 *                 horizontal, LZ77 level 1      11.4 ms  375 KiB
 *                 horizontal, run-length         8.7 ms  427 KiB
 *                 horizontal, Huffman only       6.5 ms  427 KiB   (runs of nodata would cost a bit a byte)
 *                 horizontal, 'runs'             6.7 ms  427 KiB   (Huffman here; run-length on flat blocks)
 *   float32 DEM   floating point, LZ77 level 1   9.4 ms  627 KiB
 *                 floating point, run-length     8.0 ms  652 KiB
 *                 floating point, Huffman only   7.8 ms  713 KiB
 * Predicted image rows are small differences with few repeats beyond runs (flat areas, nodata),
 * which run-length matching finds without LZ77's hash chains. Earlier (no run-length): level
 * 1 against 6 was 2.5x faster on the DEM for a file 4% bigger, the same on RGB. A request's own
 * predictor (also 'none') is kept, and without a predictor deflate runs its default strategy.
 */
import type { CoverageOutputRequest, SampleType } from '../types.js';
import type { GeoTiffOptions } from './geotiff.js';

export const OUTPUT_DEFLATE_LEVEL = 1;

export function coverageOutputOptions(requested: CoverageOutputRequest['geotiff'], sampleType: SampleType): GeoTiffOptions {
  const compression = requested?.compression ?? 'deflate';
  const predicts = compression === 'deflate' || compression === 'lzw';
  const float = sampleType === 'float32' || sampleType === 'float64';
  const predictor = requested?.predictor ?? (predicts ? (float ? 'floatingpoint' : 'horizontal') : undefined);
  const options: GeoTiffOptions = { ...requested, level: OUTPUT_DEFLATE_LEVEL, predictor };
  if (compression === 'deflate' && predictor !== undefined && predictor !== 'none') options.deflateStrategy = float ? 'rle' : 'runs';
  return options;
}
