/**
 * The sample coverages `npm start` serves: the generated rasters of sample-data.ts, written to
 * the blob store on first start, each with the styles that show it off.
 */
import type { BlobStore } from '../../core/storage/blobs/types.js';
import type { CoverageConfig } from './config.js';
import { ELEVATION, LANDCOVER, writeSampleRasters } from './sample-data.js';

const PREFIX = 'coverages/samples/';

export const SAMPLE_COVERAGES: CoverageConfig[] = [
  {
    id: 'sample-rgb',
    title: 'Sample land cover (generated RGB, UTM 32N)',
    abstract: 'A generated 10 m RGB image near Zurich with a white kilometre grid and coloured corner squares (NW red, NE green, SW blue, SE yellow).',
    keywords: ['sample', 'RGB', 'land cover'],
    blob: PREFIX + LANDCOVER.name,
    bands: ['red', 'green', 'blue'],
    styles: [{ name: 'natural', title: 'Natural colour', type: 'rgb', bands: [1, 2, 3] }],
  },
  {
    id: 'sample-dem',
    title: 'Sample elevation (generated, EPSG:4326)',
    abstract: 'A generated elevation grid over one degree of the Valais Alps, metres, nodata -9999.',
    keywords: ['sample', 'elevation', 'DEM'],
    blob: PREFIX + ELEVATION.name,
    bands: ['elevation'],
    styles: [
      { name: 'terrain', title: 'Elevation, terrain colours', type: 'ramp', band: 1, ramp: 'terrain', min: ELEVATION.min, max: ELEVATION.max },
      { name: 'hillshade', title: 'Hillshade', type: 'hillshade', band: 1, azimuth: 315, altitude: 45 },
      { name: 'shaded-relief', title: 'Colour-shaded relief', type: 'hillshade', band: 1, ramp: 'terrain', min: ELEVATION.min, max: ELEVATION.max },
      { name: 'viridis', title: 'Elevation, viridis (2-98 percentile)', type: 'ramp', band: 1, ramp: 'viridis', percentile: [2, 98] },
    ],
  },
];

export async function writeSampleCoverages(blobs: BlobStore): Promise<void> {
  await writeSampleRasters(blobs, PREFIX);
}
