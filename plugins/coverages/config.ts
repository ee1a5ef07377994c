/** The coverages engine's config: its schema (checked at start-up) and types. */
import { availableParallelism } from 'node:os';
import type { JSONSchema } from '../../core/plugin.js';
import { styleConfigSchema, type StyleConfig } from './render/index.js';
import type { Resampling } from './types.js';

/** Where a coverage's data is. Exactly one of path, blob, url. */
export interface CoverageSourceConfig {
  /** A local GeoTIFF, or a glob (`*`, `?`, `**`) of them: several files make a mosaic (or a series with `time`). */
  path?: string;
  /** A key in the platform's blob store, or a prefix ending in '/' (every .tif/.tiff under it). */
  blob?: string;
  /** An http(s) URL of a COG read with range requests. */
  url?: string;
}

export interface CoverageTimeConfig {
  /** A regular expression with a named group `time` matched on each file's name, giving its ISO 8601 instant (or yyyymmdd[Thhmmss]). */
  pattern: string;
}

export interface CoverageConfig extends CoverageSourceConfig {
  id: string;
  title?: string;
  abstract?: string;
  keywords?: string[];
  /** Band names replacing those in the files. */
  bands?: string[];
  /** A nodata value for files that declare none. */
  nodata?: number;
  styles?: StyleConfig[];
  /** The style used when a request names none (default: the first). */
  defaultStyle?: string;
  time?: CoverageTimeConfig;
  resampling?: Resampling;
  visibility?: 'public' | 'private';
  owner?: string;
}

export interface CatalogueCoveragesConfig {
  /** Serve catalogue collections whose products carry a GeoTIFF/COG asset as series coverages. */
  enabled: boolean;
  /** Only these collections (all when absent). */
  collections?: string[];
  /** Asset keys tried in order for a product's raster (then any asset with a GeoTIFF media type). */
  assetKeys: string[];
  /** Local folders product assets may be read from (the data dir is always allowed). */
  allowedRoots: string[];
  /** Read assets from private-network http(s) hosts too. */
  allowPrivateNetworks: boolean;
  /** Styles for series by collection id. */
  styles?: Record<string, StyleConfig[]>;
  /** Most granules one read mosaics (latest on top). */
  maxGranulesPerRead: number;
}

export interface CoveragesConfig {
  /** Worker threads doing the CPU work (decode, warp, render, encode). */
  workers: number;
  /** Decoded-tile cache of each worker, in MiB. */
  tileCacheMB: number;
  /** Initial old-generation size of the workers' V8 heaps, MiB (0: V8's own); see pool/index.ts. */
  workerOldSpaceMB?: number;
  /** Largest width*height*bands one read may produce. */
  maxCells: number;
  maxWidth: number;
  maxHeight: number;
  /** How often globs, blob prefixes and catalogue collections are re-scanned for new data (0: never). */
  refreshSeconds: number;
  coverages: CoverageConfig[];
  catalogue: CatalogueCoveragesConfig;
  /** Load the generated sample rasters (with the platform's sampleData). */
  sampleRasters: boolean;
}

const ncName = '^[A-Za-z_][A-Za-z0-9_.-]*$';

export const coveragesConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    workers: { type: 'integer', minimum: 1, maximum: 64, default: Math.max(1, Math.min(4, availableParallelism())), description: 'Worker threads doing decode, warp, render and encode.' },
    tileCacheMB: { type: 'integer', minimum: 1, default: 128, description: 'Decoded-tile cache per worker, MiB.' },
    workerOldSpaceMB: { type: 'integer', minimum: 0, default: 128, description: "Initial old-generation size of the worker threads' V8 heaps, MiB (0: V8's default)." },
    maxCells: { type: 'integer', minimum: 1, default: 100_000_000, description: 'Largest width*height*bands one read may produce.' },
    maxWidth: { type: 'integer', minimum: 1, default: 10_000 },
    maxHeight: { type: 'integer', minimum: 1, default: 10_000 },
    refreshSeconds: { type: 'integer', minimum: 0, default: 60, description: 'Re-scan of globs, prefixes and catalogue collections (0: only on change events).' },
    sampleRasters: { type: 'boolean', default: true, description: 'Load the generated sample rasters when the platform loads sample data.' },
    coverages: {
      type: 'array',
      default: [],
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id'],
        properties: {
          id: { type: 'string', pattern: ncName, description: 'Layer name / CoverageId (an NCName).' },
          title: { type: 'string' },
          abstract: { type: 'string' },
          keywords: { type: 'array', items: { type: 'string' } },
          path: { type: 'string', minLength: 1, description: 'A GeoTIFF, or a glob of them (a mosaic, or a series with `time`).' },
          blob: { type: 'string', minLength: 1, description: "A blob key, or a prefix ending in '/'." },
          url: { type: 'string', pattern: '^https?://', description: 'An http(s) URL of a COG (range reads).' },
          bands: { type: 'array', items: { type: 'string', pattern: ncName } },
          nodata: { type: 'number' },
          styles: { type: 'array', items: styleConfigSchema },
          defaultStyle: { type: 'string' },
          time: {
            type: 'object',
            additionalProperties: false,
            required: ['pattern'],
            properties: { pattern: { type: 'string', description: 'RegExp with a named group `time` matched on file names.' } },
          },
          resampling: { enum: ['nearest', 'bilinear', 'cubic'] },
          visibility: { enum: ['public', 'private'], default: 'public' },
          owner: { type: 'string' },
        },
        oneOf: [{ required: ['path'] }, { required: ['blob'] }, { required: ['url'] }],
      },
    },
    catalogue: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        enabled: { type: 'boolean', default: true },
        collections: { type: 'array', items: { type: 'string' } },
        assetKeys: { type: 'array', items: { type: 'string' }, default: ['data', 'visual', 'image', 'cog'] },
        allowedRoots: { type: 'array', items: { type: 'string' }, default: [] },
        allowPrivateNetworks: { type: 'boolean', default: false },
        styles: { type: 'object', additionalProperties: { type: 'array', items: styleConfigSchema } },
        maxGranulesPerRead: { type: 'integer', minimum: 1, default: 50 },
      },
    },
  },
};
