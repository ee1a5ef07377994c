/**
 * What both capabilities versions say about the layers, computed once per request: the layers
 * the subject may read, each with its CRSs, its extent in every one of them (x/y order), its
 * geographic box, styles with legend links and time dimension; the vector layers (feature
 * collections, when the features engine is enabled) likewise; and the root layer over them. A
 * collection named like a coverage is not listed: the name is the coverage's.
 */
import type { Bbox, CoverageDescription } from '../coverages/types.js';
import type { CollectionDescription } from '../features/types.js';
import { collectionExtentIn, collectionGeographicBbox, extentIn, extraCollectionCrs, extraLayerCrs, unionBbox, type OfferedCrs } from './crs.js';
import type { WmsEnv } from './env.js';
import { legendSize } from './vector/legend.js';
import { stylesOf } from './vector/styles.js';
import { timeExtent } from './vector/time.js';
import type { WmsVersion } from './versions.js';

export interface CrsExtent {
  crs: OfferedCrs;
  /** x/y order. */
  bbox: Bbox;
  /** Pixel size, for the native CRS. */
  resolution?: [number, number];
}

export interface StyleModel {
  name: string;
  title: string;
  abstract?: string;
  legendUrl: string;
  /** The legend's size when it is not config legendWidth x legendHeight (vector legends). */
  legendSize?: { width: number; height: number };
}

export interface LayerModel {
  coverage: CoverageDescription;
  queryable: boolean;
  timeRequired: boolean;
  /** CRSs this layer adds to the root's. */
  extraCrs: OfferedCrs[];
  extents: CrsExtent[];
  /** CRS:84 box within longitude and latitude limits. */
  geographic: Bbox;
  /** Default style first. */
  styles: StyleModel[];
}

export interface VectorLayerModel {
  collection: CollectionDescription;
  queryable: boolean;
  timeRequired: boolean;
  extraCrs: OfferedCrs[];
  extents: CrsExtent[];
  /** Undefined for an empty collection. */
  geographic?: Bbox;
  /** Default style first. */
  styles: StyleModel[];
  /** The continuous time extent of the temporal property, when there is one and data. */
  time?: { extent: string; start: string; end: string };
}

export interface CapabilitiesModel {
  layers: LayerModel[];
  vectorLayers: VectorLayerModel[];
  root: { title: string; abstract?: string; geographic: Bbox; extents: CrsExtent[] };
}

const WORLD: Bbox = [-180, -90, 180, 90];

/** Computed extents, per coverage version and CRS (transforming a box samples 441 points). */
const extentCache = new Map<string, Bbox | null>();
const EXTENT_CACHE_SIZE = 20_000;

function cachedExtent(coverage: CoverageDescription, crs: OfferedCrs): Bbox | undefined {
  const key = `${coverage.id}\u0000${coverage.version}\u0000${crs.ref.crs.id}`;
  const hit = extentCache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const box = extentIn(coverage, crs.ref);
  if (extentCache.size >= EXTENT_CACHE_SIZE) extentCache.clear();
  extentCache.set(key, box ?? null);
  return box;
}

function clampGeographic(b: Bbox): Bbox {
  const lon = (v: number) => Math.max(-180, Math.min(180, v));
  const lat = (v: number) => Math.max(-90, Math.min(90, v));
  return [lon(b[0]), lat(b[1]), lon(b[2]), lat(b[3])];
}

/** A style's legend link; `size` for a legend at that size (raster legends), none for its natural size. */
export function legendUrl(env: WmsEnv, version: WmsVersion, layer: string, style: string, size: boolean = true): string {
  const q = new URLSearchParams({
    SERVICE: 'WMS',
    VERSION: version,
    REQUEST: 'GetLegendGraphic',
    FORMAT: 'image/png',
    LAYER: layer,
    STYLE: style,
    ...(size ? { WIDTH: String(env.config.legendWidth), HEIGHT: String(env.config.legendHeight) } : {}),
  });
  return `${env.baseUrl}?${q.toString()}`;
}

function layerModel(env: WmsEnv, version: WmsVersion, coverage: CoverageDescription): LayerModel {
  const layerConfig = env.config.layers[coverage.id] ?? {};
  const extraCrs = extraLayerCrs(env.crs, coverage);
  const nativeId = coverage.grid.crs;
  const extents: CrsExtent[] = [];
  for (const crs of [...env.crs.root, ...extraCrs]) {
    const bbox = cachedExtent(coverage, crs);
    if (!bbox) continue;
    const native = crs.ref.crs.id === nativeId || crs.name === nativeId;
    extents.push({ crs, bbox, resolution: native ? coverage.resolutions[0] : undefined });
  }
  const styles = [...coverage.styles].sort((a, b) => Number(b.default) - Number(a.default));
  return {
    coverage,
    queryable: layerConfig.queryable ?? true,
    timeRequired: layerConfig.timeRequired ?? env.config.timeRequired,
    extraCrs,
    extents,
    geographic: clampGeographic(coverage.wgs84Bbox),
    styles: styles.map((s) => ({ name: s.name, title: s.title, abstract: s.abstract, legendUrl: legendUrl(env, version, coverage.id, s.name) })),
  };
}

function cachedCollectionExtent(collection: CollectionDescription, crs: OfferedCrs): Bbox | undefined {
  const key = `features\u0000${collection.id}\u0000${collection.version}\u0000${crs.ref.crs.id}`;
  const hit = extentCache.get(key);
  if (hit !== undefined) return hit ?? undefined;
  const box = collectionExtentIn(collection, crs.ref);
  if (extentCache.size >= EXTENT_CACHE_SIZE) extentCache.clear();
  extentCache.set(key, box ?? null);
  return box;
}

function vectorLayerModel(env: WmsEnv, version: WmsVersion, collection: CollectionDescription): VectorLayerModel {
  const layerConfig = env.config.layers[collection.id] ?? {};
  const extraCrs = extraCollectionCrs(env.crs, collection);
  const extents: CrsExtent[] = [];
  for (const crs of [...env.crs.root, ...extraCrs]) {
    const bbox = cachedCollectionExtent(collection, crs);
    if (bbox) extents.push({ crs, bbox });
  }
  return {
    collection,
    queryable: layerConfig.queryable ?? true,
    timeRequired: layerConfig.timeRequired ?? env.config.timeRequired,
    extraCrs,
    extents,
    geographic: collection.bbox ? clampGeographic(collectionGeographicBbox(collection)!) : undefined,
    styles: stylesOf(env.vectorStyles, collection).map((s) => ({
      name: s.name,
      title: s.title,
      abstract: s.abstract,
      legendUrl: legendUrl(env, version, collection.id, s.name, false),
      legendSize: legendSize(s),
    })),
    time: timeExtent(collection),
  };
}

export async function capabilitiesModel(env: WmsEnv, version: WmsVersion): Promise<CapabilitiesModel> {
  const [allCoverages, collections] = await Promise.all([env.coverages.list(env.subject), env.features ? env.features.collections(env.subject) : []]);
  const coverages = allCoverages.filter((c) => c.kind !== 'granule');
  const layers = coverages.map((c) => layerModel(env, version, c));
  const taken = new Set(coverages.map((c) => c.id));
  const vectorLayers = collections.filter((c) => !taken.has(c.id)).map((c) => vectorLayerModel(env, version, c));
  const allExtents = [...layers.map((l) => l.extents), ...vectorLayers.map((l) => l.extents)];
  const rootExtents: CrsExtent[] = [];
  for (const crs of env.crs.root) {
    const bbox = unionBbox(allExtents.flatMap((extents) => extents.filter((e) => e.crs.ref.crs.id === crs.ref.crs.id).map((e) => e.bbox)));
    if (bbox) rootExtents.push({ crs, bbox });
  }
  const geographic = [...layers.map((l) => l.geographic), ...vectorLayers.flatMap((l) => (l.geographic ? [l.geographic] : []))];
  return {
    layers,
    vectorLayers,
    root: {
      title: env.config.rootLayer.title ?? env.config.title,
      abstract: env.config.rootLayer.abstract,
      geographic: unionBbox(geographic) ?? WORLD,
      extents: rootExtents,
    },
  };
}

/** A number as capabilities write it: no binary noise past 12 significant digits. */
export function coordinate(value: number): string {
  return String(Number(value.toPrecision(12)));
}
