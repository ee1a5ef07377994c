/**
 * Draws one vector layer of a GetMap: its features in the map's box (widened by the largest
 * symbol, so a point just off the edge still shows its half) streamed from the features engine
 * page by page up to `maxFeatures`, each matched to its style's rules, turned into pixels of the
 * map and written into the layer's SVG (svg.ts), with labels placed as they come (labels.ts);
 * then the SVG is rasterised by sharp (librsvg) at exactly the map's size.
 *
 * Features are read in the collection's storage CRS and moved into the map's CRS here
 * (pixel-geometry.ts), so a feature the map's CRS cannot hold entirely (a pole in Web Mercator)
 * is drawn as far as it can be, rather than failing the map.
 */
import sharp from 'sharp';
import type { Subject } from '../../../core/auth/types.js';
import type { CrsDefinition } from '../../../core/ows/index.js';
import type { Bbox, CollectionDescription, Feature, FeatureQuery, FeaturesService } from '../../features/types.js';
import { labelAnchor, labelBox, LabelSpace } from './labels.js';
import { pixelMapper, positionTransform, toPixels, type MapFrame } from './pixel-geometry.js';
import { scaleDenominator } from './scale.js';
import { ruleMatcher, type VectorRule, type VectorStyle } from './styles.js';
import { LayerSvg } from './svg.js';
import type { DatetimeRange } from './time.js';

export interface VectorLayerSelection {
  collection: CollectionDescription;
  style: VectorStyle;
  /** Undefined: every feature; otherwise one pass per range (none: nothing drawn). */
  times?: DatetimeRange[];
}

export interface VectorMap extends MapFrame {
  crs: CrsDefinition;
}

export interface VectorSource {
  features: FeaturesService;
  subject: Subject;
  /** Most features one layer of one map draws. */
  maxFeatures: number;
}

export interface VectorLayerImage {
  /** RGBA, unpremultiplied, width x height. */
  data: Buffer;
  /** Features drawn, and whether maxFeatures stopped the reading. */
  features: number;
  truncated: boolean;
}

/** The map's scale denominator (rules' minScale/maxScale are compared with it). */
export function mapScale(map: VectorMap): number {
  return scaleDenominator(map.crs, map.bbox[2] - map.bbox[0], map.width);
}

/** How far (pixels) a rule's drawing reaches beyond its geometry. */
export function ruleReach(rule: VectorRule): number {
  const point = rule.point ? rule.point.size / 2 + (rule.point.stroke?.width ?? 0) : 0;
  return Math.max(point, (rule.stroke?.width ?? 0) / 2);
}

/** The box widened by `pixels` on each side (x/y, map CRS). */
export function widen(map: MapFrame, pixels: number): Bbox {
  const [minx, miny, maxx, maxy] = map.bbox;
  const dx = ((maxx - minx) / map.width) * pixels;
  const dy = ((maxy - miny) / map.height) * pixels;
  return [minx - dx, miny - dy, maxx + dx, maxy + dy];
}

/**
 * The layer's features intersecting `bbox` (map CRS), in the storage CRS, page by page (the
 * engine caps a page at its maxLimit), `max` at most; `onTruncated` is called when there were more.
 */
export async function* layerFeatures(
  source: VectorSource,
  layer: VectorLayerSelection,
  bbox: Bbox,
  mapCrs: string,
  query: Pick<FeatureQuery, 'properties'>,
  max: number,
  onTruncated?: () => void,
): AsyncGenerator<Feature> {
  const passes: Array<DatetimeRange | undefined> = layer.times ?? [undefined];
  const page = Math.max(1, Math.min(source.features.limits.maxLimit, max));
  let total = 0;
  for (const datetime of passes) {
    let offset = 0;
    for (;;) {
      if (total >= max) {
        // One more feature tells whether the limit cut anything.
        const more = await source.features.query(layer.collection.id, { ...query, bbox, bboxCrs: mapCrs, crs: layer.collection.crs, ...(datetime ? { datetime } : {}), skipGeometry: true, limit: 1, offset }, source.subject);
        for await (const _ of more.features) {
          onTruncated?.();
          break;
        }
        return;
      }
      const limit = Math.min(page, max - total);
      const result = await source.features.query(
        layer.collection.id,
        { ...query, bbox, bboxCrs: mapCrs, crs: layer.collection.crs, ...(datetime ? { datetime } : {}), limit, offset },
        source.subject,
      );
      let got = 0;
      for await (const feature of result.features) {
        got++;
        total++;
        yield feature;
      }
      if (got < limit) break;
      offset += got;
    }
  }
}

/** A label's text from a property value; nothing for empty values and objects. */
function labelText(value: unknown): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') return value.trim() === '' ? undefined : value;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Date) return value.toISOString();
  return undefined;
}

/** Off-map margin kept when cutting geometries: beyond every symbol and stroke. */
const CLIP_MARGIN = 16;

/** The layer's SVG for the map. */
export async function vectorLayerSvg(layer: VectorLayerSelection, map: VectorMap, source: VectorSource): Promise<{ svg: Buffer; features: number; truncated: boolean }> {
  const matcher = ruleMatcher(layer.style, layer.collection, mapScale(map));
  const svg = new LayerSvg(map.width, map.height, matcher.rules);
  let features = 0;
  let truncated = false;
  if (matcher.rules.length === 0) return { svg: svg.toBuffer(), features, truncated };
  const reach = Math.max(0, ...matcher.rules.map(ruleReach));
  const clip: Bbox = [-(reach + CLIP_MARGIN), -(reach + CLIP_MARGIN), map.width + reach + CLIP_MARGIN, map.height + reach + CLIP_MARGIN];
  const transform = positionTransform(layer.collection.crs, map.crs.id);
  const px = pixelMapper(map);
  const labels = new LabelSpace(map.width, map.height);
  const stream = layerFeatures(source, layer, widen(map, reach + 1), map.crs.id, { properties: matcher.properties }, source.maxFeatures, () => (truncated = true));
  for await (const feature of stream) {
    if (!feature.geometry) continue;
    const hits = matcher.match(feature.id, feature.properties);
    if (hits.length === 0) continue;
    const g = toPixels(feature.geometry, transform, px, clip);
    features++;
    for (const i of hits) {
      if (g.polygons.length > 0) svg.polygon(i, g.polygons.flat());
      for (const line of g.lines) svg.line(i, line);
      for (const [x, y] of g.points) svg.point(i, x, y);
    }
    const labelled = hits.map((i) => matcher.rules[i]!).find((r) => r.label);
    const label = labelled?.label;
    if (!label) continue;
    const text = labelText(feature.properties[label.property]);
    if (text === undefined) continue;
    const at = labelAnchor(g, labelled.point ? labelled.point.size / 2 : 0);
    if (!at || !labels.onMap(at.x, at.y)) continue;
    if (!labels.claim(labelBox(text, at.x, at.y, label.size, at.anchor, label.halo?.width ?? 0))) continue;
    svg.label({ text, x: at.x, y: at.y, anchor: at.anchor, size: label.size, color: label.color, halo: label.halo });
  }
  return { svg: svg.toBuffer(), features, truncated };
}

/** An SVG this module wrote, as RGBA pixels of exactly its size (librsvg at 72 dpi: one unit, one pixel). */
export async function rasteriseSvg(svg: Buffer, width: number, height: number): Promise<Buffer> {
  // Our own SVG: librsvg's safety limits (element counts, huge text nodes) are for untrusted files.
  const { data, info } = await sharp(svg, { density: 72, unlimited: true }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width || info.height !== height) {
    return sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } }).resize(width, height, { fit: 'fill' }).raw().toBuffer();
  }
  return data;
}

export async function renderVectorLayer(layer: VectorLayerSelection, map: VectorMap, source: VectorSource): Promise<VectorLayerImage> {
  const { svg, features, truncated } = await vectorLayerSvg(layer, map, source);
  return { data: await rasteriseSvg(svg, map.width, map.height), features, truncated };
}
