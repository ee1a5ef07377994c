/**
 * The legend of a vector style: a row per rule, a swatch drawn with the rule's own symbolizers
 * (a filled and outlined square for polygons, a stroke for lines, the point symbol for points,
 * by the collection's geometry type) and the rule's title beside it. Its natural size follows
 * the rules and titles; asked for another WIDTH/HEIGHT, the same drawing is scaled into it.
 */
import { escapeXmlText } from '../../../core/ows/index.js';
import type { GeometryType } from '../../features/types.js';
import type { VectorRule, VectorStyle } from './styles.js';
import { fillAttributes, FONT_FAMILY, strokeAttributes, symbolPath } from './svg.js';

const ROW = 20;
const SWATCH = 16;
const PAD = 2;
const TEXT_X = SWATCH + 3 * PAD;
const FONT_SIZE = 11;
/** DejaVu Sans at 11 px averages about 6.6 px per character. */
const CHAR_WIDTH = 6.6;

export function legendSize(style: VectorStyle): { width: number; height: number } {
  const longest = Math.max(0, ...style.rules.map((r) => r.title.length));
  return { width: Math.ceil(TEXT_X + longest * CHAR_WIDTH + 2 * PAD), height: style.rules.length * ROW + PAD };
}

type Swatch = 'polygon' | 'line' | 'point' | 'label';

function swatchKind(rule: VectorRule, geometryType: GeometryType): Swatch {
  const polygonal = geometryType === 'Polygon' || geometryType === 'MultiPolygon';
  const linear = geometryType === 'LineString' || geometryType === 'MultiLineString';
  const punctual = geometryType === 'Point' || geometryType === 'MultiPoint';
  if (punctual) return rule.point ? 'point' : 'label';
  if (linear) return rule.stroke ? 'line' : 'label';
  if (polygonal) return rule.fill || rule.stroke ? 'polygon' : 'label';
  if (rule.fill) return 'polygon';
  if (rule.stroke) return 'line';
  return rule.point ? 'point' : 'label';
}

function swatch(rule: VectorRule, kind: Swatch, top: number): string {
  const cx = PAD + SWATCH / 2;
  const cy = top + ROW / 2;
  switch (kind) {
    case 'polygon': {
      const inset = Math.min(SWATCH / 2 - 1, (rule.stroke?.width ?? 0) / 2 + 1);
      return `<rect x="${PAD + inset}" y="${top + (ROW - SWATCH) / 2 + inset}" width="${SWATCH - 2 * inset}" height="${SWATCH - 2 * inset}"${fillAttributes(rule.fill)}${strokeAttributes(rule.stroke)}/>`;
    }
    case 'line':
      return `<path d="M${PAD + 1} ${cy + 4}L${PAD + SWATCH / 3} ${cy - 4}L${PAD + (2 * SWATCH) / 3} ${cy + 4}L${PAD + SWATCH - 1} ${cy - 4}" fill="none"${strokeAttributes(rule.stroke)}/>`;
    case 'point': {
      const point = rule.point!;
      const size = Math.min(point.size, SWATCH);
      return `<path d="${symbolPath({ shape: point.shape, size }, cx, cy)}"${fillAttributes(point.fill)}${strokeAttributes(point.stroke)}/>`;
    }
    case 'label':
      return `<text x="${cx}" y="${cy + FONT_SIZE * 0.35}" font-size="${FONT_SIZE}" text-anchor="middle" fill="${rule.label?.color ?? '#000000'}">A</text>`;
  }
}

/** The legend as SVG, at its natural size or scaled into `size`. */
export function legendSvg(style: VectorStyle, geometryType: GeometryType, size?: { width?: number; height?: number }): { svg: Buffer; width: number; height: number } {
  const natural = legendSize(style);
  const width = size?.width ?? natural.width;
  const height = size?.height ?? natural.height;
  const rows = style.rules
    .map((rule, i) => {
      const top = i * ROW + PAD / 2;
      return `${swatch(rule, swatchKind(rule, geometryType), top)}<text x="${TEXT_X}" y="${top + ROW / 2 + FONT_SIZE * 0.35}" font-size="${FONT_SIZE}" fill="#000000">${escapeXmlText(rule.title)}</text>`;
    })
    .join('');
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${natural.width} ${natural.height}" preserveAspectRatio="xMinYMin meet">` +
    `<g font-family="${FONT_FAMILY}">${rows}</g></svg>`;
  return { svg: Buffer.from(svg), width, height };
}
