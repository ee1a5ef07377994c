/** What every operation handler gets, and what it returns. */
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Subject } from '../../core/auth/types.js';
import type { KvpParams } from '../../core/ows/index.js';
import type { CoveragesService } from '../coverages/types.js';
import type { FeaturesService } from '../features/types.js';
import type { WmsConfig } from './config.js';
import type { CrsPolicy } from './crs.js';
import type { VectorStyle } from './vector/styles.js';
import type { WmsVersion } from './versions.js';

export interface WmsEnv {
  config: WmsConfig;
  coverages: CoveragesService;
  /** The features engine when it is enabled: its collections are vector layers. */
  features?: FeaturesService;
  /** Config vectorStyles, compiled (collections without an entry get a default style). */
  vectorStyles: ReadonlyMap<string, VectorStyle[]>;
  crs: CrsPolicy;
  /** MaxWidth/MaxHeight: config within the engine's limits. */
  maxWidth: number;
  maxHeight: number;
  logger: Logger;
  ctx: Context;
  subject: Subject;
  /** This endpoint's URL for the request (public URL + mount path). */
  baseUrl: string;
  /** The updateSequence of capabilities listing these layers (coverages and collections). */
  updateSequence(layers: ReadonlyArray<{ updated: string }>): string;
}

/** One parsed request: its parameters and the version it is answered in. */
export interface WmsRequest {
  kvp: KvpParams;
  version: WmsVersion;
}

export interface WmsResponse {
  status?: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}
