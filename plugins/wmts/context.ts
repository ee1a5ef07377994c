/** What every WMTS operation works with: the config, the engine, the sets and the tile cache. */
import type { Logger } from 'pino';
import type { CapabilitiesRegistry } from '../../core/registry/types.js';
import type { CoveragesService } from '../coverages/types.js';
import type { WmtsConfig } from './config.js';
import type { LayerTilingCache } from './layer-tiling.js';
import type { TileCache } from './tile-cache.js';
import type { TileMatrixSet } from './tile-matrix-sets.js';

export interface WmtsEnv {
  config: WmtsConfig;
  coverages: CoveragesService;
  sets: readonly TileMatrixSet[];
  setsById: ReadonlyMap<string, TileMatrixSet>;
  tilings: LayerTilingCache;
  cache: TileCache;
  /** To find a WMS whose GetLegendGraphic draws the styles' legends. */
  registry?: CapabilitiesRegistry;
  logger: Logger;
}

/** A response body and its headers, sent by index.ts. */
export interface WmtsResponse {
  status?: number;
  contentType?: string;
  body?: Buffer | string | NodeJS.ReadableStream;
  headers?: Record<string, string>;
  /** An encoded tile image (never compressed in transit): sent straight, headers and body in one go. */
  image?: boolean;
}
