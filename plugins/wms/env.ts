/** What every operation handler gets, and what it returns. */
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Subject } from '../../core/auth/types.js';
import type { KvpParams } from '../../core/ows/index.js';
import type { CoverageDescription, CoveragesService } from '../coverages/types.js';
import type { WmsConfig } from './config.js';
import type { CrsPolicy } from './crs.js';
import type { WmsVersion } from './versions.js';

export interface WmsEnv {
  config: WmsConfig;
  coverages: CoveragesService;
  crs: CrsPolicy;
  /** MaxWidth/MaxHeight: config within the engine's limits. */
  maxWidth: number;
  maxHeight: number;
  logger: Logger;
  ctx: Context;
  subject: Subject;
  /** This endpoint's URL for the request (public URL + mount path). */
  baseUrl: string;
  /** The updateSequence of capabilities listing these layers. */
  updateSequence(layers: readonly CoverageDescription[]): string;
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
