/**
 * The catalogue's transactional JSON API, under the plugin's mount path (/catalogue), shaped after
 * OGC API - Features Part 4 and the STAC Transaction extension:
 *
 *   GET                       /                              landing page (links)
 *   GET, POST                 /collections                   list; create a collection
 *   GET, PUT, PATCH, DELETE   /collections/{cid}
 *   GET, POST                 /collections/{cid}/items       list; create a product (or a batch)
 *   GET, PUT, PATCH, DELETE   /collections/{cid}/items/{id}
 *   GET                       /records                       records in no collection
 *   GET, PUT, PATCH, DELETE   /records/{id}                  service and application records
 *
 * More routes join the same router: `createCatalogueApi(deps, [addImportRoutes])`, where each
 * extension is `(router) => void` and registers its own paths (POST /import...) before the
 * router is mounted, so they share the mount path, authentication and problem+json errors.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { COLLECTIONS, RECORDS, itemsOf, type ApiDeps } from './context.js';
import { createRecords } from './create.js';
import { STANDALONE_FILTER, sendList } from './lists.js';
import { deleteRecord, getRecord, patchRecord, putRecord, readableCollection } from './records.js';
import { refuseAnonymousEarly, type WriteAction } from './write-access.js';

export type { ApiDeps } from './context.js';
export { catalogueOpenApi } from './openapi.js';

/** Adds routes to the catalogue's router (the import API does). */
export type RouteExtension = (router: Router) => void;

type Handler = (ctx: Context) => Promise<void>;

export function createCatalogueApi(deps: ApiDeps, extensions: RouteExtension[] = []): Router {
  const router = new Router();
  const write = (action: WriteAction, handler: Handler): Handler => async (ctx) => {
    await refuseAnonymousEarly(ctx, deps, action);
    await handler(ctx);
  };
  const id = (ctx: Context, name = 'id') => ctx.params[name]!;

  router.get('/', async (ctx) => {
    const base = deps.baseUrl(ctx);
    const mount = (ctx.state.mountPath as string | undefined) ?? '';
    const root = mount && base.endsWith(mount) ? base.slice(0, base.length - mount.length) : base;
    ctx.body = {
      title: 'Meridian catalogue',
      description: 'Collections, products, services and applications: read them, and create, replace, update and delete them (OGC API - Features Part 4, STAC Transaction).',
      links: [
        { rel: 'self', href: base, type: 'application/json' },
        { rel: 'service-desc', href: `${root}/openapi.json`, type: 'application/vnd.oai.openapi+json;version=3.0' },
        { rel: 'data', href: `${base}/collections`, type: 'application/json', title: 'Collections' },
        { rel: 'http://www.opengis.net/def/rel/ogc/1.0/data', href: `${base}/collections`, type: 'application/json' },
        { rel: 'records', href: `${base}/records`, type: 'application/geo+json', title: 'Service and application records' },
      ],
    };
  });

  router.get('/collections', (ctx) => sendList(ctx, deps, { type: 'collection' }, true));
  router.post('/collections', write('create', (ctx) => createRecords(ctx, deps, COLLECTIONS)));
  router.get('/collections/:cid', (ctx) => getRecord(ctx, deps, COLLECTIONS, id(ctx, 'cid')));
  router.put('/collections/:cid', write('update', (ctx) => putRecord(ctx, deps, COLLECTIONS, id(ctx, 'cid'))));
  router.patch('/collections/:cid', write('update', (ctx) => patchRecord(ctx, deps, COLLECTIONS, id(ctx, 'cid'))));
  router.delete('/collections/:cid', write('delete', (ctx) => deleteRecord(ctx, deps, COLLECTIONS, id(ctx, 'cid'))));

  router.get('/collections/:cid/items', async (ctx) => {
    await readableCollection(ctx, deps, id(ctx, 'cid'));
    await sendList(ctx, deps, { type: 'product', parentIdentifier: id(ctx, 'cid') }, false);
  });
  router.post('/collections/:cid/items', write('create', (ctx) => createRecords(ctx, deps, itemsOf(id(ctx, 'cid')))));
  router.get('/collections/:cid/items/:id', (ctx) => getRecord(ctx, deps, itemsOf(id(ctx, 'cid')), id(ctx)));
  router.put('/collections/:cid/items/:id', write('update', (ctx) => putRecord(ctx, deps, itemsOf(id(ctx, 'cid')), id(ctx))));
  router.patch('/collections/:cid/items/:id', write('update', (ctx) => patchRecord(ctx, deps, itemsOf(id(ctx, 'cid')), id(ctx))));
  router.delete('/collections/:cid/items/:id', write('delete', (ctx) => deleteRecord(ctx, deps, itemsOf(id(ctx, 'cid')), id(ctx))));

  router.get('/records', (ctx) => sendList(ctx, deps, { filter: STANDALONE_FILTER }, false));
  router.get('/records/:id', (ctx) => getRecord(ctx, deps, RECORDS, id(ctx)));
  router.put('/records/:id', write('update', (ctx) => putRecord(ctx, deps, RECORDS, id(ctx))));
  router.patch('/records/:id', write('update', (ctx) => patchRecord(ctx, deps, RECORDS, id(ctx))));
  router.delete('/records/:id', write('delete', (ctx) => deleteRecord(ctx, deps, RECORDS, id(ctx))));

  for (const extend of extensions) extend(router);
  return router;
}
