/**
 * The "map request part" GetMap and GetFeatureInfo share (WMS 1.3.0 §7.3.2 table 8, §7.4.2):
 * LAYERS and STYLES, CRS (SRS in 1.1.1) and BBOX in the version's axis order, WIDTH and HEIGHT,
 * and the TIME dimension; the result is the engine's target grid (x/y order) and the layers.
 */
import { invalidParameterValue, missingParameterValue, OwsException, parseBbox, type CrsReference, type KvpParams } from '../../core/ows/index.js';
import type { Bbox, CoverageDescription, Grid } from '../coverages/types.js';
import { resolveRequestCrs } from './crs.js';
import type { WmsEnv } from './env.js';
import { selectTimes, type TimeRange } from './time-dimension.js';
import { PROFILES, type WmsVersion } from './versions.js';

export interface RequestedLayer {
  coverage: CoverageDescription;
  /** A style the coverage has; undefined for its default. */
  style?: string;
  /** Ranges to draw it at (ascending), or undefined for a layer without time. */
  times?: TimeRange[];
}

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
export async function resolveLayers(names: readonly string[], env: WmsEnv, locator: string): Promise<CoverageDescription[]> {
  return Promise.all(
    names.map(async (raw) => {
      const name = raw.trim();
      if (name === '') throw new OwsException('LayerNotDefined', `${locator} has an empty layer name`, { locator });
      const coverage = await env.coverages.get(name, env.subject);
      if (!coverage || coverage.kind === 'granule') throw new OwsException('LayerNotDefined', `Layer '${name}' is not defined`, { locator });
      return coverage;
    }),
  );
}

/** STYLES: empty (every default), or one entry per layer, each empty (default) or a style of it. */
function resolveStyles(kvp: KvpParams, layers: readonly CoverageDescription[], required: boolean): Array<string | undefined> {
  if (!kvp.has('STYLES')) {
    if (required) throw missingParameterValue('STYLES', "Missing required parameter 'STYLES' (STYLES= asks for every layer's default style)");
    return layers.map(() => undefined);
  }
  const styles = kvp.list('STYLES');
  if (styles.length === 0) return layers.map(() => undefined);
  if (styles.length !== layers.length) {
    throw new OwsException('StyleNotDefined', `STYLES has ${styles.length} entries for ${layers.length} layers; give one per layer, or none for the defaults`, { locator: 'STYLES' });
  }
  return styles.map((raw, i) => {
    const name = raw.trim();
    const layer = layers[i]!;
    if (name === '') return undefined;
    if (!layer.styles.some((s) => s.name === name)) {
      throw new OwsException('StyleNotDefined', `Layer '${layer.id}' has no style '${name}'; styles: ${layer.styles.map((s) => s.name).join(', ')}`, { locator: 'STYLES' });
    }
    return name;
  });
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

export async function parseMapPart(kvp: KvpParams, version: WmsVersion, env: WmsEnv, options: MapPartOptions): Promise<MapPart> {
  const profile = PROFILES[version];
  const names = kvp.list('LAYERS', { required: true });
  if (names.length > env.config.layerLimit) {
    throw invalidParameterValue('LAYERS', `LAYERS names ${names.length} layers; this service's LayerLimit is ${env.config.layerLimit}`);
  }
  const coverages = await resolveLayers(names, env, 'LAYERS');
  const styles = resolveStyles(kvp, coverages, options.stylesRequired);
  // Clients mixing the versions' names (SRS in a 1.3.0 request, CRS in 1.1.1) are understood.
  const crsValue = kvp.optional(profile.crsParam) ?? kvp.optional(profile.crsParam === 'CRS' ? 'SRS' : 'CRS');
  const crs = resolveRequestCrs(crsValue, profile.crsParam, env.crs, coverages);
  const bbox = parseBbox(kvp.list('BBOX', { required: true }), { axisOrder: profile.axisOrder, defaultCrs: crs, allowCrs: false, strict: true }).xy;
  const width = mapSize(kvp, 'WIDTH', env.maxWidth);
  const height = mapSize(kvp, 'HEIGHT', env.maxHeight);
  const timeParam = kvp.optional('TIME');
  const layers = coverages.map((coverage, i) => {
    const required = env.config.layers[coverage.id]?.timeRequired ?? env.config.timeRequired;
    return { coverage, style: styles[i], times: selectTimes(coverage, timeParam, required) };
  });
  return { layers, crs, bbox, width, height, grid: gridOf(crs, bbox, width, height) };
}
