/**
 * Seeding: renders a layer's tiles of some levels of one set into the tile cache ahead of
 * requests, with the keys GetTile looks for (so a seeded tile is a cache hit). Tiles already
 * stored are kept, tiles without data are not stored (they are the shared empty tile).
 */
import { MeridianError } from '../../core/errors.js';
import { ADMIN_GROUP, authenticatedSubject } from '../../core/auth/index.js';
import { invalidParameterValue, transformBbox } from '../../core/ows/index.js';
import type { Bbox } from '../coverages/types.js';
import type { TileFormat } from './config.js';
import type { WmtsEnv } from './context.js';
import { bareMime, TILE_FORMAT_INFO } from './formats.js';
import { renderTile, tileCacheKey, tileHasData } from './get-tile.js';
import { resolveLayer, resolveTime, type ResolvedTile } from './resolve.js';
import { resolveStyle } from './styles.js';
import { intersectBboxes, tileRangeOf, type TileRange } from './tile-matrix-sets.js';

export interface SeedRequest {
  layer: string;
  tileMatrixSet: string;
  /** Levels by position in the set (0 is the coarsest), inclusive. */
  minZoom: number;
  maxZoom: number;
  /** Only tiles touching this CRS84 box (longitude, latitude). */
  bbox?: Bbox;
  style?: string;
  format?: string;
  time?: string;
  concurrency?: number;
}

export interface SeedLevel {
  matrix: string;
  range?: TileRange;
  tiles: number;
}

export interface SeedPlan {
  layer: string;
  tileMatrixSet: string;
  format: TileFormat;
  levels: SeedLevel[];
  total: number;
}

export interface SeedSummary {
  total: number;
  /** Rendered and stored by this run. */
  rendered: number;
  /** Found in the cache already. */
  cached: number;
  /** Outside the data: the shared empty tile, not stored. */
  empty: number;
  interrupted: boolean;
}

/** What the plugin provides as the `wmts` service (the seed command reaches it through the platform). */
export interface WmtsService {
  plan(request: SeedRequest): Promise<SeedPlan>;
  seed(request: SeedRequest, options?: { signal?: AbortSignal; onTile?: (label: string) => void; onPlan?: (plan: SeedPlan) => void }): Promise<SeedSummary>;
}

/** Seeding runs as the operator: the CLI has the stores' own rights, so it may draw any layer. */
const SEEDER = authenticatedSubject({ id: 'meridian:wmts-seed', issuer: 'meridian:cli', method: 'cli', groups: [ADMIN_GROUP] });

async function prepare(env: WmtsEnv, request: SeedRequest) {
  const layer = await resolveLayer(env, request.layer, SEEDER);
  const style = resolveStyle(layer, request.style ?? '');
  const mime = bareMime(request.format ?? env.config.formats[0]!);
  const format = env.config.formats.find((f) => f === mime);
  if (!format) throw invalidParameterValue('Format', `Format '${request.format}' is not offered; formats are ${env.config.formats.join(', ')}`);
  const set = env.setsById.get(request.tileMatrixSet);
  if (!set) throw invalidParameterValue('TileMatrixSet', `No tile matrix set '${request.tileMatrixSet}'; sets are ${env.sets.map((s) => s.id).join(', ')}`);
  const last = set.matrices.length - 1;
  if (!Number.isInteger(request.minZoom) || !Number.isInteger(request.maxZoom) || request.minZoom < 0 || request.maxZoom > last || request.minZoom > request.maxZoom) {
    throw invalidParameterValue('TileMatrix', `Levels must satisfy 0 <= min-zoom <= max-zoom <= ${last} for ${set.id}`);
  }
  const tiling = env.tilings.tilings(layer).get(set.id)!;
  let area = tiling.extent;
  if (area && request.bbox) {
    const clipped = intersectBboxes(request.bbox, set.wgs84Extent);
    area = clipped ? intersectBboxes(area, transformBbox(clipped, 'OGC:CRS84', set.crs)) : undefined;
  }
  const levels: Array<SeedLevel & { index: number }> = [];
  for (let index = request.minZoom; index <= request.maxZoom; index++) {
    const matrix = set.matrices[index]!;
    const range = area ? tileRangeOf(matrix, area) : undefined;
    const tiles = range ? (range.maxRow - range.minRow + 1) * (range.maxCol - range.minCol + 1) : 0;
    levels.push({ index, matrix: matrix.id, range, tiles });
  }
  const time = resolveTime(layer, request.time, 'kvp');
  const plan: SeedPlan = { layer: layer.id, tileMatrixSet: set.id, format, levels: levels.map(({ matrix, range, tiles }) => ({ matrix, range, tiles })), total: levels.reduce((n, l) => n + l.tiles, 0) };
  return { layer, style, format: TILE_FORMAT_INFO[format], set, tiling, time, levels, plan };
}

export function createWmtsService(env: WmtsEnv): WmtsService {
  return {
    async plan(request) {
      return (await prepare(env, request)).plan;
    },
    async seed(request, options = {}) {
      if (!env.cache.enabled) throw new MeridianError(400, 'The WMTS tile cache is disabled (plugins.wmts.cache.enabled): there is nowhere to seed');
      const p = await prepare(env, request);
      options.onPlan?.(p.plan);
      const summary: SeedSummary = { total: p.plan.total, rendered: 0, cached: 0, empty: 0, interrupted: false };
      function* tiles(): Generator<ResolvedTile> {
        for (const level of p.levels) {
          if (!level.range) continue;
          const matrix = p.set.matrices[level.index]!;
          for (let row = level.range.minRow; row <= level.range.maxRow; row++) {
            for (let col = level.range.minCol; col <= level.range.maxCol; col++) {
              yield { layer: p.layer, style: p.style, format: p.format, set: p.set, matrix, matrixIndex: level.index, tiling: p.tiling, row, col, time: p.time };
            }
          }
        }
      }
      const queue = tiles();
      const worker = async () => {
        for (let next = queue.next(); !next.done; next = queue.next()) {
          if (options.signal?.aborted) {
            summary.interrupted = true;
            return;
          }
          const tile = next.value;
          const label = `${tile.matrix.id}/${tile.row}/${tile.col}`;
          if (!tileHasData(tile)) summary.empty++;
          else {
            const key = tileCacheKey(env, tile, p.format);
            const result = await env.cache.getOrRender(key, tile.layer.id, p.format.mime, () => renderTile(env, tile, p.format, SEEDER));
            if (result.cached) summary.cached++;
            else summary.rendered++;
          }
          options.onTile?.(label);
        }
      };
      const concurrency = Math.max(1, Math.min(16, request.concurrency ?? 2));
      await Promise.all(Array.from({ length: concurrency }, worker));
      return summary;
    },
  };
}
