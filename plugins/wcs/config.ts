/** The WCS plugin's config (`plugins.wcs`): its JSON Schema with defaults, and the type setup() gets. */
import { serviceMetadataConfigProperties, type ServiceMetadataConfig } from '../../core/ows/index.js';
import type { JSONSchema } from '../../core/plugin.js';

export interface WcsConfig extends ServiceMetadataConfig {
  /**
   * CRSs offered as SUBSETTINGCRS and OUTPUTCRS (crs:crsSupported), besides every coverage's
   * native CRS; in WCS 1.0/1.1 the request and response CRSs of every coverage besides its
   * native one. Any identifier the core CRS registry reads ('EPSG:3857', 'OGC:CRS84', URIs).
   */
  crs: string[];
  /** DescribeEOCoverageSet: coverage descriptions returned when the request gives no count (CountDefault). */
  countDefault: number;
  /** Most granules one DescribeEOCoverageSet looks at per dataset series (numberMatched is capped by it). */
  maxMatched: number;
  /** Largest number of cells (width*height*bands) a GetCoverage may return as GML (tupleList text); GeoTIFF/PNG/JPEG follow the engine's maxCells. */
  maxGmlCells: number;
}

export const wcsConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...serviceMetadataConfigProperties({
      title: 'Meridian coverages (WCS)',
      abstract:
        'Rasters of the platform as OGC WCS 2.0.1 coverages with the Earth Observation Application Profile: subsetting, scaling, reprojection, band subsetting and GeoTIFF, PNG, JPEG or GML output. WCS 1.1.1 and 1.0.0 for the clients that speak only those, such as QGIS\'s WCS provider.',
      keywords: ['WCS', 'WCS 2.0', 'WCS 1.1', 'WCS 1.0', 'EO-WCS', 'coverage', 'raster', 'Earth Observation'],
    }),
    crs: {
      type: 'array',
      items: { type: 'string' },
      default: ['EPSG:4326', 'OGC:CRS84', 'EPSG:3857', 'EPSG:4258', 'EPSG:3035', 'EPSG:32631', 'EPSG:32632', 'EPSG:32633'],
      description: 'CRSs offered for SUBSETTINGCRS and OUTPUTCRS besides the native CRS of each coverage.',
    },
    countDefault: { type: 'integer', minimum: 1, default: 100, description: 'DescribeEOCoverageSet CountDefault.' },
    maxMatched: { type: 'integer', minimum: 1, default: 10000, description: 'Most granules one DescribeEOCoverageSet examines per dataset series.' },
    maxGmlCells: { type: 'integer', minimum: 1, default: 1000000, description: 'Largest GetCoverage answered as GML (application/gml+xml tupleList), in cells.' },
  },
};
