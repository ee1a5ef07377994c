/**
 * GetTile (07-057r7 §7.2): the tile from the cache or rendered by the coverages engine, with a
 * strong ETag (the cache key, which holds the data version; kept with a tile held in memory),
 * Cache-Control, and 304 when the client's If-None-Match already names it. Tiles of the matrix
 * where the layer has no data are the shared empty tile.
 */
import { ANONYMOUS } from '../../core/auth/index.js';
import type { Subject } from '../../core/auth/types.js';
import type { WmtsEnv, WmtsResponse } from './context.js';
import { emptyTile } from './empty-tile.js';
import { engineCall } from './engine-errors.js';
import type { TileFormatInfo } from './formats.js';
import type { GetTileRequest } from './requests.js';
import { resolveTile, type ResolvedTile } from './resolve.js';
import { bboxesOverlap, tileBbox, tileGrid } from './tile-matrix-sets.js';

/** Whether an If-None-Match header names this ETag (weak comparison, RFC 9110 §13.1.2). */
export function ifNoneMatchHits(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => tag.trim() === '*' || bare(tag) === bare(etag));
}

/** Whether the tile touches the layer's data (else it is empty, whatever the engine would draw). */
export function tileHasData(tile: ResolvedTile): boolean {
  const range = tile.tiling.dataRanges[tile.matrixIndex];
  if (!range || tile.row < range.minRow || tile.row > range.maxRow || tile.col < range.minCol || tile.col > range.maxCol) return false;
  return bboxesOverlap(tileBbox(tile.matrix, tile.row, tile.col), tile.tiling.extent!);
}

export function tileCacheKey(env: WmtsEnv, tile: ResolvedTile, format: TileFormatInfo): string {
  return env.cache.key({
    layer: tile.layer.id,
    version: tile.layer.version,
    style: tile.style.identifier,
    set: tile.set.id,
    time: tile.time,
    matrix: tile.matrix.id,
    row: tile.row,
    col: tile.col,
    extension: format.extension,
  });
}

/** Draws one tile with the engine (no cache). */
export function renderTile(env: WmtsEnv, tile: ResolvedTile, format: TileFormatInfo, subject: Subject): Promise<Buffer> {
  return engineCall(async () => {
    const out = await env.coverages.map(
      {
        layers: [{ coverage: tile.layer.id, style: tile.style.engineStyle, time: tile.time ? { begin: tile.time, end: tile.time } : undefined }],
        target: tileGrid(tile.set, tile.matrix, tile.row, tile.col),
        format: format.engine,
        transparent: format.alpha,
        quality: format.engine === 'png' ? undefined : env.config.quality,
      },
      subject,
    );
    return out.body;
  });
}

/** `public` when anonymous users may read the layer too (shared caches may keep it), else `private`. */
async function cacheControl(env: WmtsEnv, tile: ResolvedTile, subject: Subject): Promise<string> {
  const isPublic = subject.anonymous || (await env.coverages.get(tile.layer.id, ANONYMOUS)) !== undefined;
  return `${isPublic ? 'public' : 'private'}, max-age=${env.config.cache.maxAge}`;
}

export async function getTile(request: GetTileRequest, env: WmtsEnv, subject: Subject, ifNoneMatch: string | undefined): Promise<WmtsResponse> {
  // Access to the layer is checked here, before any cached byte is looked at.
  const tile = await resolveTile(env, request, subject, { needsFormat: true });
  const format = tile.format!;
  // An anonymous request's tile is public: known without asking the engine again.
  const control = subject.anonymous ? `public, max-age=${env.config.cache.maxAge}` : await cacheControl(env, tile, subject);
  const headers: Record<string, string> = { 'Cache-Control': control };
  if (!tileHasData(tile)) {
    const empty = await emptyTile(format, tile.matrix.tileWidth, tile.matrix.tileHeight, env.config.quality);
    headers.ETag = empty.etag;
    if (ifNoneMatchHits(ifNoneMatch, empty.etag)) return { status: 304, headers };
    return { contentType: format.mime, body: empty.body, headers, image: true };
  }
  const key = tileCacheKey(env, tile, format);
  // A tile in memory comes with its ETag; otherwise the key is hashed (and the tile read or drawn).
  const kept = env.cache.inMemory(key);
  headers.ETag = kept ? kept.etag : env.cache.etag(key);
  if (ifNoneMatchHits(ifNoneMatch, headers.ETag)) return { status: 304, headers };
  const body = kept ? kept.body : (await env.cache.getOrRender(key, tile.layer.id, format.mime, () => renderTile(env, tile, format, subject))).body;
  return { contentType: format.mime, body, headers, image: true };
}
