/** The WMTS plugin's config (`plugins.wmts`): its JSON Schema with defaults, and the type setup() gets. */
import { serviceMetadataConfigProperties, type ServiceMetadataConfig } from '../../core/ows/index.js';
import type { JSONSchema } from '../../core/plugin.js';

export const BUILTIN_TILE_MATRIX_SET_IDS = ['WebMercatorQuad', 'WorldCRS84Quad'] as const;
export type BuiltinTileMatrixSetId = (typeof BUILTIN_TILE_MATRIX_SET_IDS)[number];

/** A built-in set, optionally with fewer (or more) levels than its default. */
export interface BuiltinTileMatrixSetConfig {
  id: BuiltinTileMatrixSetId;
  /** Deepest level offered (WebMercatorQuad 0..24, WorldCRS84Quad 0..23). */
  maxLevel?: number;
}

/** A tile matrix set of the integrator's: a CRS, an origin, a tile size and one scale per level. */
export interface CustomTileMatrixSetConfig {
  id: string;
  title?: string;
  abstract?: string;
  /** Any CRS the core registry resolves ('EPSG:2154', 'urn:ogc:def:crs:EPSG::32631'). */
  crs: string;
  /** Area the matrices cover, [minx, miny, maxx, maxy] in x/y (easting first) order. */
  extent: [number, number, number, number];
  /** Top-left corner of every matrix in x/y order; the extent's (minx, maxy) by default. */
  topLeftCorner?: [number, number];
  /** 256 when unset (defaults inside anyOf are not applied by the validator). */
  tileWidth?: number;
  tileHeight?: number;
  /** One per level, coarsest first; or `resolutions` (CRS units per pixel) instead. */
  scaleDenominators?: number[];
  resolutions?: number[];
  /** Identifiers of the levels ('0', '1'... by default). */
  matrixIds?: string[];
  wellKnownScaleSet?: string;
}

export type TileMatrixSetConfig = BuiltinTileMatrixSetId | BuiltinTileMatrixSetConfig | CustomTileMatrixSetConfig;

export const TILE_FORMATS = ['image/png', 'image/jpeg', 'image/webp'] as const;
export type TileFormat = (typeof TILE_FORMATS)[number];
export const INFO_FORMATS = ['application/json', 'text/plain', 'text/html', 'text/xml'] as const;
export type InfoFormat = (typeof INFO_FORMATS)[number];

export interface WmtsConfig extends ServiceMetadataConfig {
  /** Tile formats offered for every layer. */
  formats: TileFormat[];
  /** GetFeatureInfo formats offered. */
  infoFormats: InfoFormat[];
  tileMatrixSets: TileMatrixSetConfig[];
  /** JPEG/WebP quality 1-100. */
  quality: number;
  cache: {
    /** Keep rendered tiles in the blob store. */
    enabled: boolean;
    /** Folder of the blob store holding them. */
    prefix: string;
    /** Cache-Control max-age of tiles, seconds. */
    maxAge: number;
    /** Megabytes of encoded tiles also kept in memory, in front of the blob store (0: none). */
    memoryMB: number;
  };
  /**
   * A legend image URL per style: `{layer}` and `{style}` are replaced; a relative URL is resolved
   * against the server's public URL. Unset: the GetLegendGraphic of the platform's WMS when one
   * runs; '' for no LegendURL.
   */
  legendUrl?: string;
  legendFormat: string;
}

const pair = { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 };
const positives = { type: 'array', items: { type: 'number', exclusiveMinimum: 0 }, minItems: 1 };

const tileMatrixSetSchema: JSONSchema = {
  anyOf: [
    { type: 'string', enum: [...BUILTIN_TILE_MATRIX_SET_IDS], description: 'A built-in set (OGC 17-083r2) with its default levels.' },
    {
      type: 'object',
      additionalProperties: false,
      required: ['id'],
      description: 'A built-in set with a chosen deepest level.',
      properties: {
        id: { type: 'string', enum: [...BUILTIN_TILE_MATRIX_SET_IDS] },
        maxLevel: { type: 'integer', minimum: 0, maximum: 24 },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['id', 'crs', 'extent'],
      description: 'A set of your own: CRS, extent, origin, tile size and scale denominators or resolutions, coarsest first.',
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9._-]*$', not: { enum: [...BUILTIN_TILE_MATRIX_SET_IDS] } },
        title: { type: 'string' },
        abstract: { type: 'string' },
        crs: { type: 'string' },
        extent: { type: 'array', items: { type: 'number' }, minItems: 4, maxItems: 4 },
        topLeftCorner: pair,
        tileWidth: { type: 'integer', minimum: 1, maximum: 4096, description: '256 when unset.' },
        tileHeight: { type: 'integer', minimum: 1, maximum: 4096, description: '256 when unset.' },
        scaleDenominators: positives,
        resolutions: positives,
        matrixIds: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9._:-]+$' }, minItems: 1 },
        wellKnownScaleSet: { type: 'string' },
      },
      oneOf: [{ required: ['scaleDenominators'] }, { required: ['resolutions'] }],
    },
  ],
};

export const wmtsConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...serviceMetadataConfigProperties({
      title: 'Meridian tiles (WMTS)',
      abstract: 'Tiles of the platform coverages, through OGC WMTS 1.0.0 (KVP and RESTful).',
      keywords: ['WMTS', 'tiles', 'Earth Observation'],
    }),
    formats: { type: 'array', items: { type: 'string', enum: [...TILE_FORMATS] }, minItems: 1, uniqueItems: true, default: ['image/png', 'image/jpeg'] },
    infoFormats: { type: 'array', items: { type: 'string', enum: [...INFO_FORMATS] }, uniqueItems: true, default: [...INFO_FORMATS] },
    tileMatrixSets: { type: 'array', items: tileMatrixSetSchema, minItems: 1, default: [...BUILTIN_TILE_MATRIX_SET_IDS] },
    quality: { type: 'integer', minimum: 1, maximum: 100, default: 85, description: 'JPEG/WebP quality.' },
    cache: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The tile cache in the blob store.',
      properties: {
        enabled: { type: 'boolean', default: true },
        prefix: { type: 'string', pattern: '^[A-Za-z0-9._-]+(/[A-Za-z0-9._-]+)*$', default: 'wmts-cache' },
        maxAge: { type: 'integer', minimum: 0, default: 3600, description: 'Cache-Control max-age of tiles (seconds).' },
        memoryMB: { type: 'number', minimum: 0, default: 64, description: 'Megabytes of encoded tiles also kept in memory in front of the blob store (0: none).' },
      },
    },
    legendUrl: { type: 'string', description: "Legend image URL template ({layer}, {style}); unset: the platform WMS's GetLegendGraphic when there is one; '' for none." },
    legendFormat: { type: 'string', default: 'image/png' },
  },
};
