/**
 * The API's resources, under the plugin's mount path (/ogcapi):
 *
 *   GET                       /                                        landing page
 *   GET                       /conformance                             conformance classes
 *   GET                       /collections                             feature collections
 *   GET                       /collections/{collectionId}              one collection
 *   GET                       /collections/{collectionId}/queryables   its queryables (JSON Schema)
 *   GET, POST                 /collections/{collectionId}/items        features; add features (Part 4)
 *   GET, PUT, PATCH, DELETE   /collections/{collectionId}/items/{featureId}
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { collectionPage, collectionsPage } from './collections.js';
import type { ApiDeps } from './context.js';
import { itemPage } from './item.js';
import { itemsPage } from './items.js';
import { conformancePage, landingPage } from './landing.js';
import { queryablesPage } from './queryables.js';
import { createFeatures, deleteFeature, replaceFeature, updateFeature } from './transactions.js';

export function featuresApiRoutes(deps: ApiDeps, conformance: string[]): Router {
  const router = new Router();
  const p = (ctx: Context, name: string) => ctx.params[name]!;
  router.get('/', (ctx) => landingPage(ctx, deps));
  router.get('/conformance', (ctx) => conformancePage(ctx, deps, conformance));
  router.get('/collections', (ctx) => collectionsPage(ctx, deps));
  router.get('/collections/:collectionId', (ctx) => collectionPage(ctx, deps, p(ctx, 'collectionId')));
  router.get('/collections/:collectionId/queryables', (ctx) => queryablesPage(ctx, deps, p(ctx, 'collectionId')));
  router.get('/collections/:collectionId/items', (ctx) => itemsPage(ctx, deps, p(ctx, 'collectionId')));
  router.get('/collections/:collectionId/items/:featureId', (ctx) => itemPage(ctx, deps, p(ctx, 'collectionId'), p(ctx, 'featureId')));
  if (deps.config.transactions) {
    router.post('/collections/:collectionId/items', (ctx) => createFeatures(ctx, deps, p(ctx, 'collectionId')));
    router.put('/collections/:collectionId/items/:featureId', (ctx) => replaceFeature(ctx, deps, p(ctx, 'collectionId'), p(ctx, 'featureId')));
    router.patch('/collections/:collectionId/items/:featureId', (ctx) => updateFeature(ctx, deps, p(ctx, 'collectionId'), p(ctx, 'featureId')));
    router.delete('/collections/:collectionId/items/:featureId', (ctx) => deleteFeature(ctx, deps, p(ctx, 'collectionId'), p(ctx, 'featureId')));
  }
  return router;
}
