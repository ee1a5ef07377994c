// Seeds Meridian's WMTS tile cache by asking for every tile of the case once, then finds each
// tile's file in Meridian's fs blob store (keys are paths: <prefix>/<layer>/<version>/<style>/
// <set>/<matrix>/<row>/<col>.png), which nginx serves as its static root: both servers then
// answer with the very same bytes, one from Meridian's cache, the other from the same file.
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import type { BenchRaster } from './data.js';
import { restTilePath, type TileSpec } from './tiles.js';
import { eachLimited } from './each-limited.js';
import { fetchBody } from './validate.js';

/** The blob-store folder of the WMTS tile cache (the plugin's default `cache.prefix`). */
export const CACHE_PREFIX = 'wmts-cache';

export interface LayerTemplate {
  /** RESTful tile URL template for image/png. */
  template: string;
  /** The layer's default style identifier. */
  style: string;
}

type Node = Record<string, unknown>;
const list = (v: unknown): Node[] => (v === undefined ? [] : Array.isArray(v) ? (v as Node[]) : [v as Node]);

/** Each layer's PNG tile template and default style, from Meridian's WMTS capabilities. */
export async function layerTemplates(origin: string, wmtsPath: string): Promise<Record<BenchRaster['name'], LayerTemplate>> {
  const f = await fetchBody(`${origin}${wmtsPath}?SERVICE=WMTS&REQUEST=GetCapabilities&VERSION=1.0.0`);
  if (f.status !== 200) throw new Error(`WMTS GetCapabilities answered ${f.status}: ${f.body.toString().slice(0, 400)}`);
  const doc = new XMLParser({ ignoreAttributes: false, removeNSPrefix: true, attributeNamePrefix: '@' }).parse(f.body.toString()) as Node;
  const contents = (doc.Capabilities as Node).Contents as Node;
  const out: Partial<Record<BenchRaster['name'], LayerTemplate>> = {};
  for (const layer of list(contents.Layer)) {
    const id = String(layer.Identifier);
    if (id !== 'rgb' && id !== 'dem') continue;
    const resource = list(layer.ResourceURL).find((r) => r['@resourceType'] === 'tile' && r['@format'] === 'image/png');
    const styles = list(layer.Style);
    const style = styles.find((s) => s['@isDefault'] === 'true') ?? styles[0];
    if (!resource || !style) throw new Error(`WMTS capabilities give layer ${id} no PNG ResourceURL or no style`);
    out[id] = { template: String(resource['@template']), style: String(style.Identifier) };
  }
  if (!out.rgb || !out.dem) throw new Error(`WMTS capabilities list no layer rgb and dem: ${Object.keys(out).join(', ')}`);
  return out as Record<BenchRaster['name'], LayerTemplate>;
}

export interface SeededTiles {
  /** Meridian's RESTful path of each tile. */
  meridianPaths: string[];
  /** Each tile's file under the cache folder, relative to it (nginx's /tiles/ root). */
  files: string[];
}

/** Asks Meridian for every tile (4 at a time), then finds each one's file in the blob store. */
export async function seedTiles(origin: string, blobRoot: string, templates: Record<BenchRaster['name'], LayerTemplate>, tiles: TileSpec[]): Promise<SeededTiles> {
  const meridianPaths = tiles.map((t) => restTilePath(templates[t.layer].template, templates[t.layer].style, t));
  await eachLimited(meridianPaths, 4, async (path) => {
    const f = await fetchBody(origin + path);
    if (f.status !== 200 || !f.contentType.startsWith('image/png')) throw new Error(`seeding ${path}: ${f.status} ${f.contentType} ${f.body.toString().slice(0, 300)}`);
  });
  const cacheRoot = join(blobRoot, CACHE_PREFIX);
  const files = tiles.map((t) => {
    const layerDir = join(cacheRoot, t.layer);
    const versions = existsSync(layerDir) ? readdirSync(layerDir) : [];
    if (versions.length !== 1) throw new Error(`expected one cached version of ${t.layer} under ${layerDir}, found ${versions.length}`);
    const file = join(layerDir, versions[0]!, templates[t.layer].style, 'WebMercatorQuad', String(t.zoom), String(t.row), `${t.col}.png`);
    if (!existsSync(file)) throw new Error(`tile ${t.layer} ${t.zoom}/${t.row}/${t.col} was served but is not in the cache at ${file}`);
    return relative(cacheRoot, file);
  });
  return { meridianPaths, files };
}
