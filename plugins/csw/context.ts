/** What every operation handler gets, and what it returns. */
import type { Readable } from 'node:stream';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import type { CapabilitiesRegistry } from '../../core/registry/types.js';
import type { CatalogueService } from '../catalogue/types.js';
import type { CswConfig } from './config.js';
import type { QueryableMap } from './queryables.js';

export interface CswEnv {
  config: CswConfig;
  catalogue: CatalogueService;
  queryables: QueryableMap;
  auth: AuthHooks;
  registry: CapabilitiesRegistry;
  logger: Logger;
  /** The Koa context of the request (authorization answers 401/403 through it). */
  ctx: Context;
  subject: Subject;
  /** This service's endpoint for the request (public URL + mount path). */
  baseUrl: string;
  /** The public base URL of the server (for registry URLs relative to it). */
  serverUrl: string;
  /** Most records one response (or one engine page) holds: config maxRecords within the catalogue's maxLimit. */
  maxRecords: number;
}

export interface CswResponse {
  status?: number;
  contentType: string;
  body: string | Readable;
  headers?: Record<string, string>;
}
