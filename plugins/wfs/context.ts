/** What every operation handler gets, and what it returns. */
import type { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import type { FeaturesService } from '../features/types.js';
import type { WfsConfig } from './config.js';
import type { FeatureTypes } from './feature-types.js';
import type { LockStore } from './locks/store.js';
import type { StoredQueries } from './stored-queries.js';

export interface WfsEnv {
  config: WfsConfig;
  features: FeaturesService;
  /** The feature types the subject may read, looked up once per request. */
  types: FeatureTypes;
  storedQueries: StoredQueries;
  /** Feature locks (LockFeature, GetFeatureWithLock, Transaction lockId). */
  locks: LockStore;
  auth: AuthHooks;
  logger: Logger;
  /** The Koa context of the request (authorization answers 401/403 through it). */
  ctx: Context;
  subject: Subject;
  /** This service's endpoint for the request (public URL + mount path). */
  baseUrl: string;
}

export interface WfsResponse {
  status?: number;
  contentType: string;
  body: string | Readable;
  headers?: Record<string, string>;
}

export const XML_CONTENT_TYPE = 'application/xml; charset=UTF-8';
