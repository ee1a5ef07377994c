/** What every handler of the API uses: the features service, auth hooks, URLs and the configured limits. */
import type { Context } from 'koa';
import type { AuthHooks, Subject } from '../../core/auth/types.js';
import { NotFound } from '../../core/errors.js';
import type { CollectionDescription, FeaturesService } from '../features/types.js';
import { offeredCrs } from './crs.js';
import { encodePathSegment } from './links.js';

export interface OgcApiFeaturesConfig {
  title: string;
  description: string;
  /** Page size when a request gives no limit. */
  defaultLimit: number;
  /** CRSs offered for every collection besides its storage CRS (crs, bbox-crs, filter-crs). */
  crs: string[];
  /** Part 4: POST, PUT, PATCH and DELETE on items. */
  transactions: boolean;
}

export interface ApiDeps {
  features: FeaturesService;
  auth: AuthHooks;
  config: OgcApiFeaturesConfig;
  /** The plugin's absolute base URL for a request (public URL + mount path). */
  baseUrl(ctx: Context): string;
}

export function subjectOf(ctx: Context): Subject {
  return ctx.state.subject as Subject;
}

/**
 * The collection, or 404 when it does not exist or the subject may not read it (both look the
 * same). `extent: false` for a route that shows none of its extent, count or stamps (see
 * FeaturesService.collection).
 */
export async function collectionOr404(ctx: Context, deps: ApiDeps, id: string, options: { extent?: boolean } = {}): Promise<CollectionDescription> {
  const collection = await deps.features.collection(id, subjectOf(ctx), options);
  if (!collection) throw new NotFound(`No collection '${id}'`, { code: 'NotFound', locator: 'collectionId' });
  return collection;
}

export function collectionPath(id: string): string {
  return `/collections/${encodePathSegment(id)}`;
}

export function itemPath(collection: string, id: string): string {
  return `${collectionPath(collection)}/items/${encodePathSegment(id)}`;
}

export function crsOfCollection(deps: ApiDeps, collection: CollectionDescription): string[] {
  return offeredCrs(deps.config.crs, collection.crs);
}
