/** Rasters to encode: smooth gradients (what predictors are for) mixed with random samples over the type's whole range (wrap-around, sign, byte planes). */
import { seededRandom } from '../../../../core/seeded-random.js';
import { SAMPLE_TYPES } from '../../../../plugins/coverages/encode/sample-types.js';
import type { GeoTransform, Grid, Raster, SampleType } from '../../../../plugins/coverages/types.js';

export const ALL_SAMPLE_TYPES: SampleType[] = ['uint8', 'int8', 'uint16', 'int16', 'uint32', 'int32', 'float32', 'float64'];

export function patternRaster(sampleType: SampleType, width: number, height: number, bandCount: number, seed = 1): Raster {
  const info = SAMPLE_TYPES[sampleType];
  const random = seededRandom(seed);
  const span = info.integer ? info.max - info.min : 2e6;
  const low = info.integer ? info.min : -1e6;
  const bands = Array.from({ length: bandCount }, (_, b) => {
    const band = new info.array(width * height);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if ((y + b) % 7 === 3) band[i] = info.integer ? Math.floor(low + random() * (span + 1)) : low + random() * span;
        else if (info.integer) band[i] = low + ((x * 3 + y * 5 + b * 11) % Math.min(span + 1, 4096));
        else band[i] = Math.sin(x / 17 + b) * 1000 + y * 0.25 - x * 1e-3;
      }
    }
    return band;
  });
  return { width, height, sampleType, bands };
}

export function utmGrid(width: number, height: number, pixel = 10): Grid {
  return { crs: 'EPSG:32632', width, height, transform: [460000, pixel, 0, 5260000, 0, -pixel] };
}

export function geographicGrid(width: number, height: number, crs = 'EPSG:4326', transform: GeoTransform = [7, 0.001, 0, 46.5, 0, -0.001]): Grid {
  return { crs, width, height, transform };
}
