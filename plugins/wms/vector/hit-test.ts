/**
 * GetFeatureInfo on a vector layer: the features drawn under a pixel of the map. Candidates come
 * from the engine in a small box around the pixel (the tolerance plus the largest symbol of the
 * style); each is tested exactly in pixels as the map drew it: a point within the tolerance plus
 * its symbol's radius, a line within the tolerance plus half its stroke, a polygon containing the
 * pixel's centre (when filled) or with its outline that close. Only features a rule draws at the
 * map's scale are found; the topmost (drawn last) come first.
 */
import type { Feature } from '../../features/types.js';
import { insidePolygon } from './labels.js';
import { layerFeatures, mapScale, ruleReach, type VectorLayerSelection, type VectorMap, type VectorSource } from './render.js';
import { pixelMapper, positionTransform, toPixels, type Path } from './pixel-geometry.js';
import { ruleMatcher, type VectorRule } from './styles.js';

/** Distance from (x, y) to the polyline (flat pixel coordinates); `closed` joins the last vertex to the first. */
export function distanceToPath(path: Path, x: number, y: number, closed: boolean): number {
  let best = Infinity;
  const count = path.length / 2;
  const segments = closed ? count : count - 1;
  if (count === 1) return Math.hypot(path[0]! - x, path[1]! - y);
  for (let s = 0; s < segments; s++) {
    const ax = path[s * 2]!;
    const ay = path[s * 2 + 1]!;
    const e = ((s + 1) % count) * 2;
    const bx = path[e]!;
    const by = path[e + 1]!;
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - ax) * dx + (y - ay) * dy) / len2));
    best = Math.min(best, Math.hypot(ax + t * dx - x, ay + t * dy - y));
  }
  return best;
}

interface Reach {
  fill: boolean;
  /** Half the widest stroke, or undefined when no rule strokes. */
  stroke?: number;
  /** The largest symbol radius (with its stroke), or undefined when no rule marks points. */
  point?: number;
}

function reachOf(rules: readonly VectorRule[]): Reach {
  const r: Reach = { fill: false };
  for (const rule of rules) {
    if (rule.fill) r.fill = true;
    if (rule.stroke) r.stroke = Math.max(r.stroke ?? 0, rule.stroke.width / 2);
    if (rule.point) r.point = Math.max(r.point ?? 0, ruleReach({ ...rule, stroke: undefined }));
  }
  return r;
}

/** Most candidates read around one pixel. */
const MAX_CANDIDATES = 10_000;

export async function featuresAt(
  layer: VectorLayerSelection,
  map: VectorMap,
  source: VectorSource,
  pixel: { column: number; row: number },
  tolerance: number,
  count: number,
): Promise<Feature[]> {
  const matcher = ruleMatcher(layer.style, layer.collection, mapScale(map));
  if (matcher.rules.length === 0) return [];
  const px = pixelMapper(map);
  const x = pixel.column + 0.5;
  const y = pixel.row + 0.5;
  const radius = tolerance + Math.max(0, ...matcher.rules.map(ruleReach)) + 1;
  const [minx, , , maxy] = map.bbox;
  const box: [number, number, number, number] = [minx + (x - radius) * px.resx, maxy - (y + radius) * px.resy, minx + (x + radius) * px.resx, maxy - (y - radius) * px.resy];
  const transform = positionTransform(layer.collection.crs, map.crs.id);
  const hits: Feature[] = [];
  for await (const feature of layerFeatures(source, layer, box, map.crs.id, {}, Math.min(MAX_CANDIDATES, source.maxFeatures))) {
    if (!feature.geometry) continue;
    const rules = matcher.match(feature.id, feature.properties).map((i) => matcher.rules[i]!);
    if (rules.length === 0) continue;
    const reach = reachOf(rules);
    const g = toPixels(feature.geometry, transform, px);
    const hit =
      (reach.point !== undefined && g.points.some(([ppx, ppy]) => Math.hypot(ppx - x, ppy - y) <= tolerance + reach.point!)) ||
      (reach.stroke !== undefined && g.lines.some((l) => distanceToPath(l, x, y, false) <= tolerance + reach.stroke!)) ||
      ((reach.fill || reach.stroke !== undefined) &&
        g.polygons.some((rings) => (reach.fill && insidePolygon(rings, x, y)) || rings.some((r) => distanceToPath(r, x, y, true) <= tolerance + (reach.stroke ?? 0))));
    if (hit) hits.push(feature);
  }
  // Later features are drawn over earlier ones.
  return hits.reverse().slice(0, count);
}
