/** What every operation handler gets, and what it returns. */
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { Subject } from '../../core/auth/types.js';
import type { CoveragesService } from '../coverages/types.js';
import type { WcpsService } from '../wcps/types.js';
import type { WcsConfig } from './config.js';
import type { WcsVersion } from './versions.js';

export interface WcsEnv {
  config: WcsConfig;
  coverages: CoveragesService;
  logger: Logger;
  ctx: Context;
  subject: Subject;
  /** This service's endpoint for the request (public URL + mount path). */
  baseUrl: string;
  version: WcsVersion;
  /** Short ids ('EPSG:3857') of the CRSs offered besides each coverage's native one. */
  offeredCrs: ReadonlySet<string>;
  /** The WCPS plugin's service when it is enabled: ProcessCoverages is then offered. */
  wcps?: WcpsService;
}

export interface WcsResponse {
  status?: number;
  contentType: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export const XML_CONTENT_TYPE = 'application/xml; charset=UTF-8';
