/**
 * The SVG of one vector layer, written as features stream in: a group per rule (in rule order,
 * later rules on top) holding its polygons, then its lines, then its point symbols, and the
 * labels over everything. Coordinates are pixels of the map, rounded to a tenth of a pixel.
 * Every attribute value comes from checked config (colours, numbers) or is escaped (label text).
 */
import { escapeXmlText } from '../../../core/ows/index.js';
import type { Path } from './pixel-geometry.js';
import type { Fill, PointSymbol, Stroke, VectorRule } from './styles.js';

export const FONT_FAMILY = 'DejaVu Sans, Liberation Sans, Arial, sans-serif';

const n = (v: number): string => String(Math.round(v * 10) / 10);

export function pathData(path: Path, closed: boolean): string {
  let d = `M${n(path[0]!)} ${n(path[1]!)}`;
  for (let i = 2; i < path.length; i += 2) d += `L${n(path[i]!)} ${n(path[i + 1]!)}`;
  return closed ? `${d}Z` : d;
}

/** A point symbol centred at (x, y) as path data. */
export function symbolPath(symbol: Pick<PointSymbol, 'shape' | 'size'>, x: number, y: number): string {
  const r = symbol.size / 2;
  switch (symbol.shape) {
    case 'circle':
      return `M${n(x - r)} ${n(y)}a${n(r)} ${n(r)} 0 1 0 ${n(2 * r)} 0a${n(r)} ${n(r)} 0 1 0 ${n(-2 * r)} 0Z`;
    case 'square':
      return `M${n(x - r)} ${n(y - r)}h${n(2 * r)}v${n(2 * r)}h${n(-2 * r)}Z`;
    case 'triangle': {
      // Equilateral, its centre on the point.
      const h = r * Math.sin(Math.PI / 3);
      return `M${n(x)} ${n(y - r)}L${n(x + h)} ${n(y + r / 2)}L${n(x - h)} ${n(y + r / 2)}Z`;
    }
    case 'star': {
      let d = '';
      for (let i = 0; i < 10; i++) {
        const radius = i % 2 === 0 ? r : r * 0.382;
        const a = -Math.PI / 2 + (i * Math.PI) / 5;
        d += `${i === 0 ? 'M' : 'L'}${n(x + radius * Math.cos(a))} ${n(y + radius * Math.sin(a))}`;
      }
      return `${d}Z`;
    }
    case 'cross': {
      const w = r / 3;
      return (
        `M${n(x - w)} ${n(y - r)}h${n(2 * w)}v${n(r - w)}h${n(r - w)}v${n(2 * w)}h${n(w - r)}v${n(r - w)}` +
        `h${n(-2 * w)}v${n(w - r)}h${n(w - r)}v${n(-2 * w)}h${n(r - w)}Z`
      );
    }
  }
}

export function fillAttributes(fill: Fill | undefined): string {
  if (!fill) return ' fill="none"';
  return ` fill="${fill.color}"${fill.opacity < 1 ? ` fill-opacity="${fill.opacity}"` : ''}`;
}

export function strokeAttributes(stroke: Stroke | undefined): string {
  if (!stroke || stroke.width <= 0) return ' stroke="none"';
  return (
    ` stroke="${stroke.color}" stroke-width="${stroke.width}" stroke-linejoin="round" stroke-linecap="round"` +
    (stroke.opacity < 1 ? ` stroke-opacity="${stroke.opacity}"` : '') +
    (stroke.dasharray ? ` stroke-dasharray="${stroke.dasharray.join(' ')}"` : '')
  );
}

/** Point symbols per path element: long enough to save bytes, short enough for any XML parser. */
const SYMBOLS_PER_ELEMENT = 1000;

/** What one rule has drawn so far. */
class RuleLayer {
  readonly polygons: string[] = [];
  readonly lines: string[] = [];
  readonly symbols: string[] = [];
  constructor(readonly rule: VectorRule) {}

  svg(): string {
    const { rule } = this;
    let out = '';
    if (this.polygons.length > 0) out += `<g fill-rule="evenodd"${fillAttributes(rule.fill)}${strokeAttributes(rule.stroke)}>${this.polygons.join('')}</g>`;
    if (this.lines.length > 0) out += `<g fill="none"${strokeAttributes(rule.stroke)}>${this.lines.join('')}</g>`;
    if (this.symbols.length > 0 && rule.point) {
      let paths = '';
      for (let i = 0; i < this.symbols.length; i += SYMBOLS_PER_ELEMENT) paths += `<path d="${this.symbols.slice(i, i + SYMBOLS_PER_ELEMENT).join('')}"/>`;
      out += `<g${fillAttributes(rule.point.fill)}${strokeAttributes(rule.point.stroke)}>${paths}</g>`;
    }
    return out;
  }
}

export interface PlacedLabel {
  text: string;
  x: number;
  y: number;
  anchor: 'start' | 'middle';
  size: number;
  color: string;
  halo?: { color: string; width: number };
}

export class LayerSvg {
  private readonly layers: RuleLayer[];
  private readonly labels: PlacedLabel[] = [];

  constructor(
    readonly width: number,
    readonly height: number,
    rules: readonly VectorRule[],
  ) {
    this.layers = rules.map((r) => new RuleLayer(r));
  }

  polygon(rule: number, rings: Path[]): void {
    const layer = this.layers[rule]!;
    if (!layer.rule.fill && !layer.rule.stroke) return;
    layer.polygons.push(`<path d="${rings.map((r) => pathData(r, true)).join('')}"/>`);
  }

  line(rule: number, path: Path): void {
    const layer = this.layers[rule]!;
    if (!layer.rule.stroke) return;
    layer.lines.push(`<path d="${pathData(path, false)}"/>`);
  }

  point(rule: number, x: number, y: number): void {
    const layer = this.layers[rule]!;
    if (layer.rule.point) layer.symbols.push(symbolPath(layer.rule.point, x, y));
  }

  label(label: PlacedLabel): void {
    this.labels.push(label);
  }

  toBuffer(): Buffer {
    const labels = this.labels
      .map((l) => {
        // Baseline a third of the size below the anchor: the letters sit centred on it.
        const common = `x="${n(l.x)}" y="${n(l.y + l.size * 0.35)}" font-size="${l.size}" text-anchor="${l.anchor}"`;
        const text = escapeXmlText(l.text);
        const halo = l.halo ? `<text ${common} fill="${l.halo.color}" stroke="${l.halo.color}" stroke-width="${l.halo.width * 2}" stroke-linejoin="round">${text}</text>` : '';
        return `${halo}<text ${common} fill="${l.color}">${text}</text>`;
      })
      .join('');
    const body = this.layers.map((l) => l.svg()).join('');
    return Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${this.width}" height="${this.height}" viewBox="0 0 ${this.width} ${this.height}">` +
        `${body}${labels ? `<g font-family="${FONT_FAMILY}">${labels}</g>` : ''}</svg>`,
    );
  }
}
