/**
 * The "map request part" GetMap and GetFeatureInfo share (WMS 1.3.0 §7.3.2 table 8, §7.4.2):
 * LAYERS and STYLES, CRS (SRS in 1.1.1) and BBOX in the version's axis order, WIDTH and HEIGHT,
 * and the TIME dimension; the result is the engine's target grid (x/y order) and the layers:
 * coverages (raster layers) and, when the features engine is enabled, feature collections
 * (vector layers). A name is a coverage's first, so raster layers are found as fast as before.
 */
import { invalidParameterValue, missingParameterValue, OwsException, parseBbox, type CrsReference, type KvpParams } from '../../core/ows/index.js';
import type { Bbox, CoverageDescription, Grid } from '../coverages/types.js';
import type { CollectionDescription } from '../features/types.js';
import { extraCollectionCrs, extraLayerCrs, resolveRequestCrs, type LayerCrsOffer } from './crs.js';
import type { WmsEnv } from './env.js';
import { selectTimes, type TimeRange } from './time-dimension.js';
import { stylesOf, type VectorStyle } from './vector/styles.js';
import { vectorTimes, type DatetimeRange } from './vector/time.js';
import { PROFILES, type WmsVersion } from './versions.js';

/** A layer name resolved: a coverage, or a feature collection with its styles (default first). */
export type ResolvedLayer =
  | { kind: 'raster'; id: string; coverage: CoverageDescription }
  | { kind: 'vector'; id: string; collection: CollectionDescription; styles: VectorStyle[] };

export interface RasterLayerRequest {
  kind: 'raster';
  id: string;
  coverage: CoverageDescription;
  /** A style the coverage has; undefined for its default. */
  style?: string;
  /** Ranges to draw it at (ascending), or undefined for a layer without time. */
  times?: TimeRange[];
}

export interface VectorLayerRequest {
  kind: 'vector';
  id: string;
  collection: CollectionDescription;
  style: VectorStyle;
  /** Ranges of the temporal property to draw, or undefined for every feature. */
  times?: DatetimeRange[];
}

export type RequestedLayer = RasterLayerRequest | VectorLayerRequest;

export interface MapPart {
  layers: RequestedLayer[];
  crs: CrsReference;
  /** x/y order, in `crs`. */
  bbox: Bbox;
  width: number;
  height: number;
  grid: Grid;
}

/**
 * The layers named, in order, that the subject may read; one it may not read is reported
 * exactly like one that does not exist, so its existence is not revealed.
 */
export async function resolveLayers(names: readonly string[], env: WmsEnv, locator: string): Promise<ResolvedLayer[]> {
  return Promise.all(
    names.map(async (raw): Promise<ResolvedLayer> => {
      const name = raw.trim();
      if (name === '') throw new OwsException('LayerNotDefined', `${locator} has an empty layer name`, { locator });
      const coverage = await env.coverages.get(name, env.subject);
      if (coverage && coverage.kind !== 'granule') return { kind: 'raster', id: coverage.id, coverage };
      const collection = env.features ? await env.features.collection(name, env.subject) : undefined;
      if (collection) return { kind: 'vector', id: collection.id, collection, styles: stylesOf(env.vectorStyles, collection) };
      throw new OwsException('LayerNotDefined', `Layer '${name}' is not defined`, { locator });
    }),
  );
}

/** The style names of a layer (a vector layer's default first). */
export function styleNames(layer: ResolvedLayer): string[] {
  return layer.kind === 'vector' ? layer.styles.map((s) => s.name) : layer.coverage.styles.map((s) => s.name);
}

/** A style of the layer by name (undefined: the default); StyleNotDefined when it has none so named. */
export function checkStyle(layer: ResolvedLayer, name: string | undefined, locator: string): string | undefined {
  if (name === undefined) return undefined;
  const names = styleNames(layer);
  if (!names.includes(name)) throw new OwsException('StyleNotDefined', `Layer '${layer.id}' has no style '${name}'; styles: ${names.join(', ')}`, { locator });
  return name;
}

/** STYLES: empty (every default), or one entry per layer, each empty (default) or a style of it. */
function resolveStyles(kvp: KvpParams, layers: readonly ResolvedLayer[], required: boolean): Array<string | undefined> {
  if (!kvp.has('STYLES')) {
    if (required) throw missingParameterValue('STYLES', "Missing required parameter 'STYLES' (STYLES= asks for every layer's default style)");
    return layers.map(() => undefined);
  }
  const styles = kvp.list('STYLES');
  if (styles.length === 0) return layers.map(() => undefined);
  if (styles.length !== layers.length) {
    throw new OwsException('StyleNotDefined', `STYLES has ${styles.length} entries for ${layers.length} layers; give one per layer, or none for the defaults`, { locator: 'STYLES' });
  }
  return styles.map((raw, i) => checkStyle(layers[i]!, raw.trim() === '' ? undefined : raw.trim(), 'STYLES'));
}

/** WIDTH or HEIGHT: a positive integer within MaxWidth/MaxHeight (a larger map is refused before any work). */
export function mapSize(kvp: KvpParams, name: 'WIDTH' | 'HEIGHT', max: number): number {
  const value = kvp.int(name, { min: 1 });
  if (value > max) {
    throw new OwsException('InvalidParameterValue', `${name} ${value} is more than this service's ${name === 'WIDTH' ? 'MaxWidth' : 'MaxHeight'} (${max})`, { locator: name });
  }
  return value;
}

export function gridOf(crs: CrsReference, bbox: Bbox, width: number, height: number): Grid {
  const [minx, miny, maxx, maxy] = bbox;
  return { crs: crs.crs.id, width, height, transform: [minx, (maxx - minx) / width, 0, maxy, 0, -(maxy - miny) / height] };
}

export interface MapPartOptions {
  /** GetMap requires STYLES (it may be empty); GetFeatureInfo takes its absence as defaults. */
  stylesRequired: boolean;
}

function crsOffer(env: WmsEnv, layer: ResolvedLayer): LayerCrsOffer {
  return { id: layer.id, extraCrs: layer.kind === 'raster' ? extraLayerCrs(env.crs, layer.coverage) : extraCollectionCrs(env.crs, layer.collection) };
}

export async function parseMapPart(kvp: KvpParams, version: WmsVersion, env: WmsEnv, options: MapPartOptions): Promise<MapPart> {
  const profile = PROFILES[version];
  const names = kvp.list('LAYERS', { required: true });
  if (names.length > env.config.layerLimit) {
    throw invalidParameterValue('LAYERS', `LAYERS names ${names.length} layers; this service's LayerLimit is ${env.config.layerLimit}`);
  }
  const resolved = await resolveLayers(names, env, 'LAYERS');
  const styles = resolveStyles(kvp, resolved, options.stylesRequired);
  // Clients mixing the versions' names (SRS in a 1.3.0 request, CRS in 1.1.1) are understood.
  const crsValue = kvp.optional(profile.crsParam) ?? kvp.optional(profile.crsParam === 'CRS' ? 'SRS' : 'CRS');
  const crs = resolveRequestCrs(crsValue, profile.crsParam, env.crs, resolved.map((l) => crsOffer(env, l)));
  const bbox = parseBbox(kvp.list('BBOX', { required: true }), { axisOrder: profile.axisOrder, defaultCrs: crs, allowCrs: false, strict: true }).xy;
  const width = mapSize(kvp, 'WIDTH', env.maxWidth);
  const height = mapSize(kvp, 'HEIGHT', env.maxHeight);
  const timeParam = kvp.optional('TIME');
  const layers = resolved.map((layer, i): RequestedLayer => {
    const required = env.config.layers[layer.id]?.timeRequired ?? env.config.timeRequired;
    if (layer.kind === 'raster') return { kind: 'raster', id: layer.id, coverage: layer.coverage, style: styles[i], times: selectTimes(layer.coverage, timeParam, required) };
    const style = layer.styles.find((s) => s.name === styles[i]) ?? layer.styles[0]!;
    return { kind: 'vector', id: layer.id, collection: layer.collection, style, times: vectorTimes(layer.collection, timeParam, required) };
  });
  return { layers, crs, bbox, width, height, grid: gridOf(crs, bbox, width, height) };
}
