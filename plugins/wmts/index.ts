/**
 * The WMTS plugin: OGC Web Map Tile Service 1.0.0 over the coverages engine (see README.md).
 * KVP on GET at the mount path; RESTful under `/1.0.0/` (the ServiceMetadata document, tiles
 * and FeatureInfo by the ResourceURL templates the capabilities advertise). Tiles are cached
 * in the blob store by the coverage's version; `meridian wmts seed` fills that cache.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { NotFound } from '../../core/errors.js';
import { owsErrorEncoder, transformBbox } from '../../core/ows/index.js';
import type { Plugin, PluginContext } from '../../core/plugin.js';
import type { CoveragesService } from '../coverages/types.js';
import { getCapabilities } from './capabilities.js';
import { wmtsConfigSchema, type WmtsConfig } from './config.js';
import type { WmtsEnv, WmtsResponse } from './context.js';
import { getFeatureInfo } from './get-feature-info.js';
import { getTile } from './get-tile.js';
import { LayerTilingCache } from './layer-tiling.js';
import { decodeSegments, parseKvpRequest, parseRestPath, REST_CAPABILITIES_PATH, WMTS_VERSION, type WmtsRequest } from './requests.js';
import { createWmtsService } from './seed.js';
import { seedCommand } from './seed-command.js';
import { TileCache } from './tile-cache.js';
import { buildTileMatrixSets } from './tile-matrix-sets.js';

function send(ctx: Context, response: WmtsResponse): void {
  if (response.image && response.status === undefined && Buffer.isBuffer(response.body)) {
    // A tile: status, headers and body written at once past Koa's setters and respond (whose
    // checks cost more than the write on a cached tile). Compression would skip an image anyway;
    // the headers the core set (request id, CORS, Vary) are already on the response.
    const body = response.body;
    const head = ['Content-Type', response.contentType!, 'Content-Length', String(body.length)];
    for (const name in response.headers) head.push(name, response.headers[name]!);
    ctx.respond = false;
    ctx.res.writeHead(200, head);
    ctx.res.end(body);
    return;
  }
  ctx.status = response.status ?? 200;
  for (const [name, value] of Object.entries(response.headers ?? {})) ctx.set(name, value);
  if (response.status === 304) return;
  if (response.contentType) ctx.type = response.contentType;
  ctx.body = response.body;
}

async function run(request: WmtsRequest, env: WmtsEnv, ctx: Context, base: string): Promise<WmtsResponse> {
  const subject = ctx.state.subject;
  switch (request.operation) {
    case 'GetCapabilities':
      return getCapabilities(request, env, subject, base, ctx.state.baseUrl as string);
    case 'GetTile':
      return getTile(request, env, subject, ctx.get('If-None-Match') || undefined);
    case 'GetFeatureInfo':
      return getFeatureInfo(request, env, subject);
  }
}

const plugin: Plugin<WmtsConfig> = {
  name: 'wmts',
  version: '0.1.0',
  description: 'OGC Web Map Tile Service 1.0.0 (KVP and RESTful) over the coverages engine, with a tile cache in the blob store',
  defaultPath: '/wmts',
  requires: ['coverages'],
  provides: ['wmts'],
  configSchema: wmtsConfigSchema,
  commands: [seedCommand],
  async setup(pctx: PluginContext<WmtsConfig>) {
    const config = pctx.config;
    const coverages = pctx.service<CoveragesService>('coverages');
    const sets = buildTileMatrixSets(config.tileMatrixSets, (bbox, crs) => transformBbox(bbox, crs, 'OGC:CRS84'));
    const tilings = new LayerTilingCache(sets);
    const cache = new TileCache(pctx.blobs, config.cache, pctx.logger);
    const env: WmtsEnv = { config, coverages, sets, setsById: new Map(sets.map((s) => [s.id, s])), tilings, cache, registry: pctx.registry, logger: pctx.logger };

    // Changed data get new keys anyway (the version is in them); deleting the old tiles frees the space.
    const invalidations = new Set<Promise<void>>();
    const unsubscribe = coverages.onChange((change) => {
      tilings.forget(change.coverage);
      const done: Promise<void> = cache
        .invalidate(change.coverage)
        .then((n) => pctx.logger.debug({ coverage: change.coverage, deleted: n }, 'wmts: cached tiles of a changed coverage deleted'))
        .catch((err: unknown) => pctx.logger.warn({ err, coverage: change.coverage }, 'wmts: deleting cached tiles failed'))
        .finally(() => invalidations.delete(done));
      invalidations.add(done);
    });

    const router = new Router();
    router.get('/', async (ctx) => {
      send(ctx, await run(parseKvpRequest(ctx.querystring), env, ctx, pctx.baseUrl(ctx)));
    });
    router.get(`/${WMTS_VERSION}/*rest`, async (ctx) => {
      const base = pctx.baseUrl(ctx);
      const below = ctx.path.slice(pctx.mountPath.length);
      if (below === REST_CAPABILITIES_PATH) {
        send(ctx, await run({ operation: 'GetCapabilities', binding: 'rest' }, env, ctx, base));
        return;
      }
      const request = parseRestPath(decodeSegments(below.slice(WMTS_VERSION.length + 2)));
      if (!request) throw new NotFound(`No WMTS resource at ${ctx.path}; tiles are at ${base}/${WMTS_VERSION}/{layer}/{style}/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.{ext}`);
      send(ctx, await run(request, env, ctx, base));
    });

    const mount = pctx.mountPath || '/';
    return {
      routes: router,
      errorEncoder: owsErrorEncoder({ version: '1.1.0', reportVersion: WMTS_VERSION }),
      provide: { wmts: createWmtsService(env) },
      services: [
        {
          type: 'WMTS',
          versions: [WMTS_VERSION],
          title: config.title,
          description: config.abstract,
          url: mount,
          capabilitiesUrl: `${pctx.mountPath}${REST_CAPABILITIES_PATH}`,
        },
      ],
      async close() {
        unsubscribe();
        await Promise.all([...invalidations]);
      },
    };
  },
};

export default plugin;
export type { WmtsService, SeedRequest, SeedPlan, SeedSummary } from './seed.js';
