/**
 * WMS GetLegendGraphic images: a colour bar with value labels for ramps, three labelled swatches
 * for RGB composites, a grey bar for hillshade. Bars are drawn with the renderer's own colour
 * maps (the legend shows exactly the map's colours); text is an SVG that librsvg draws over them.
 */
import sharp from 'sharp';
import type { BandDescription, ImageFormat } from '../types.js';
import { colorAt, type ColorMap } from './color-map.js';
import { encodeImage } from './encode.js';
import { concreteRange, type CoverageStatistics } from './ranges.js';
import { colorMapFor } from './render.js';
import type { ResolvedColorRamp, ResolvedStyle } from './resolve-style.js';
import type { StyleType } from './style-config.js';

export interface LegendOptions {
  format: ImageFormat;
  /** Default by style type: defaultLegendSizes. */
  width?: number;
  height?: number;
  /** The coverage's statistics by band index; needed when style.needsStatistics (as for rendering). */
  stats?: CoverageStatistics;
  /** Transparent background (PNG, WebP). Default false: bgcolor. */
  transparent?: boolean;
  /** 0xRRGGBB, default white. */
  bgcolor?: number;
  /** Label size in pixels; default from the image size (8-12). */
  fontSize?: number;
}

/** Width and height when a request gives none: room for a bar or swatches and short labels. */
export const defaultLegendSizes: Record<StyleType, [number, number]> = {
  ramp: [100, 160],
  hillshade: [100, 160],
  rgb: [100, 64],
};

/** Narrower than this, or too short for two lines, legends are drawn without labels. */
const minLabelledWidth = 40;
const pad = 2;
const fontFamily = 'DejaVu Sans, Verdana, sans-serif';

interface Label {
  x: number;
  /** Vertical centre of the text. */
  y: number;
  text: string;
}

interface Canvas {
  width: number;
  height: number;
  pixels: Uint8ClampedArray;
  labels: Label[];
  fontSize: number;
}

export async function legendImage(style: ResolvedStyle, bands: BandDescription[], options: LegendOptions): Promise<Buffer> {
  const [dw, dh] = defaultLegendSizes[style.type];
  const width = options.width ?? dw;
  const height = options.height ?? dh;
  if (!(Number.isInteger(width) && Number.isInteger(height) && width > 0 && height > 0)) {
    throw new Error(`legend size ${width}x${height} is not positive integers`);
  }
  const canvas: Canvas = { width, height, pixels: new Uint8ClampedArray(width * height * 4), labels: [], fontSize: 0 };
  if (style.type === 'rgb') {
    drawSwatches(canvas, style.bandNames, options.fontSize);
  } else if (style.colorRamp) {
    const stats = options.stats?.[style.bands[0]];
    const map = colorMapFor(style.colorRamp, stats, style.name);
    const range = concreteRange(style.colorRamp.range, stats, style.name);
    drawRampBar(canvas, style.colorRamp, map, range, bands[style.bands[0]]?.unit, options.fontSize);
  } else if (style.type === 'hillshade') {
    drawShadeBar(canvas, style.altitude, options.fontSize);
  }
  const pixels = canvas.labels.length ? await drawLabels(canvas, textColor(options)) : canvas.pixels;
  return encodeImage(pixels, width, height, { format: options.format, transparent: options.transparent, bgcolor: options.bgcolor });
}

function fontSizeFor(canvas: Canvas, rows: number, requested: number | undefined): number {
  if (requested) return requested;
  return Math.max(8, Math.min(12, Math.floor((canvas.height - 2 * pad) / Math.max(2, rows))));
}

function hasLabelRoom(canvas: Canvas, fontSize: number): boolean {
  return canvas.width >= minLabelledWidth && canvas.height >= 2 * fontSize + 2 * pad;
}

/** A vertical bar, max at the top. Linear ramps: min, mid and max labelled; discrete: each class's lower bound. */
function drawRampBar(canvas: Canvas, ramp: ResolvedColorRamp, map: ColorMap, [min, max]: [number, number], unit: string | undefined, requestedFont: number | undefined): void {
  const fontSize = fontSizeFor(canvas, 8, requestedFont);
  const labelled = hasLabelRoom(canvas, fontSize);
  canvas.fontSize = fontSize;
  const barWidth = labelled ? Math.max(6, Math.min(24, Math.round(canvas.width * 0.22))) : canvas.width - 2 * pad;
  // Room above and below for half a line, so the end labels sit on the bar's ends.
  const top = labelled ? pad + Math.ceil(fontSize / 2) : pad;
  const bottom = canvas.height - 1 - top;
  const barHeight = Math.max(1, bottom - top + 1);
  const color = new Uint8Array(4);
  const labelX = pad + barWidth + 4;
  const suffix = unit && unit !== '1' ? ` ${unit}` : '';
  if (ramp.mode === 'linear') {
    for (let y = top; y <= bottom; y++) {
      const t = barHeight === 1 ? 1 : (bottom - y) / (barHeight - 1);
      colorAt(map, min + t * (max - min), color, 0);
      fillRect(canvas, pad, y, barWidth, 1, color);
    }
    if (labelled) {
      const span = Math.abs(max - min);
      canvas.labels.push({ x: labelX, y: top, text: formatValue(max, span) + suffix }, { x: labelX, y: bottom, text: formatValue(min, span) });
      if (barHeight >= 3 * fontSize) canvas.labels.push({ x: labelX, y: (top + bottom) / 2, text: formatValue((min + max) / 2, span) });
    }
    return;
  }
  // Discrete: equal blocks, one a class; the lowest at the bottom.
  const n = ramp.stops.length;
  const bounds = ramp.stops.map((s, i) => (ramp.scale === 'absolute' ? s.at : min + (ramp.equalClasses ? i / n : s.at) * (max - min)));
  const blockHeight = barHeight / n;
  for (let i = 0; i < n; i++) {
    const y0 = Math.round(bottom + 1 - (i + 1) * blockHeight);
    const y1 = Math.round(bottom + 1 - i * blockHeight);
    fillRect(canvas, pad, y0, barWidth, y1 - y0, Uint8Array.from(ramp.stops[i].rgba));
  }
  if (!labelled) return;
  const span = Math.abs(bounds[n - 1] - bounds[0]) || Math.abs(max - min);
  // Each class's lower bound at its lower edge; every k-th when blocks are thinner than a line.
  const every = Math.max(1, Math.ceil((fontSize + 1) / blockHeight));
  for (let i = 0; i < n; i += every) canvas.labels.push({ x: labelX, y: bottom + 1 - i * blockHeight, text: formatValue(bounds[i], span) });
  const lastLabelled = n - 1 - ((n - 1) % every);
  if (ramp.equalClasses && (n - lastLabelled) * blockHeight >= fontSize + 1) canvas.labels.push({ x: labelX, y: top, text: formatValue(max, span) });
  canvas.labels[canvas.labels.length - 1].text += suffix;
}

/** Red, green and blue swatches, each with the name of the band it shows. */
function drawSwatches(canvas: Canvas, bandNames: string[], requestedFont: number | undefined): void {
  const rowHeight = Math.floor((canvas.height - 2 * pad) / 3);
  const fontSize = requestedFont ?? Math.max(8, Math.min(12, Math.floor(rowHeight * 0.7)));
  canvas.fontSize = fontSize;
  const labelled = canvas.width >= minLabelledWidth && rowHeight >= fontSize;
  const size = Math.max(1, Math.min(rowHeight - 2, 16));
  const colors = [Uint8Array.of(255, 0, 0, 255), Uint8Array.of(0, 255, 0, 255), Uint8Array.of(0, 0, 255, 255)];
  for (let i = 0; i < 3; i++) {
    const y = pad + i * rowHeight;
    if (labelled) {
      fillRect(canvas, pad, y + Math.floor((rowHeight - size) / 2), size, size, colors[i]);
      canvas.labels.push({ x: pad + size + 4, y: y + rowHeight / 2, text: bandNames[i] });
    } else {
      fillRect(canvas, pad, y, canvas.width - 2 * pad, Math.max(1, rowHeight - 1), colors[i]);
    }
  }
}

/** Grey from full light (top) to full shadow (bottom), labelled lit, flat (the shade of level ground) and shadow. */
function drawShadeBar(canvas: Canvas, altitude: number, requestedFont: number | undefined): void {
  const fontSize = fontSizeFor(canvas, 8, requestedFont);
  const labelled = hasLabelRoom(canvas, fontSize);
  canvas.fontSize = fontSize;
  const barWidth = labelled ? Math.max(6, Math.min(24, Math.round(canvas.width * 0.22))) : canvas.width - 2 * pad;
  const top = labelled ? pad + Math.ceil(fontSize / 2) : pad;
  const bottom = canvas.height - 1 - top;
  const barHeight = Math.max(1, bottom - top + 1);
  const grey = new Uint8Array(4);
  grey[3] = 255;
  for (let y = top; y <= bottom; y++) {
    const t = barHeight === 1 ? 1 : (bottom - y) / (barHeight - 1);
    grey[0] = grey[1] = grey[2] = Math.round(1 + 254 * t);
    fillRect(canvas, pad, y, barWidth, 1, grey);
  }
  if (!labelled) return;
  const x = pad + barWidth + 4;
  const flatY = bottom - Math.sin((altitude * Math.PI) / 180) * (barHeight - 1);
  canvas.labels.push({ x, y: top, text: 'lit' }, { x, y: bottom, text: 'shadow' });
  if (Math.abs(flatY - top) >= fontSize && Math.abs(bottom - flatY) >= fontSize) canvas.labels.push({ x, y: flatY, text: 'flat' });
}

function fillRect(canvas: Canvas, x0: number, y0: number, w: number, h: number, rgba: Uint8Array): void {
  const x1 = Math.min(canvas.width, x0 + w);
  const y1 = Math.min(canvas.height, y0 + h);
  const px = canvas.pixels;
  for (let y = Math.max(0, y0); y < y1; y++) {
    for (let x = Math.max(0, x0), o = (y * canvas.width + x) * 4; x < x1; x++, o += 4) {
      px[o] = rgba[0];
      px[o + 1] = rgba[1];
      px[o + 2] = rgba[2];
      px[o + 3] = rgba[3];
    }
  }
}

/** The labels as SVG text drawn by librsvg over the bar. */
async function drawLabels(canvas: Canvas, fill: string): Promise<Uint8ClampedArray> {
  // Shrink the font when the longest label would not fit (about 0.6 em a character).
  const longest = Math.max(1, ...canvas.labels.map((l) => l.text.length));
  const room = Math.min(...canvas.labels.map((l) => canvas.width - l.x - pad));
  const fontSize = Math.max(6, Math.min(canvas.fontSize, Math.floor(room / (0.6 * longest))));
  const texts = canvas.labels
    .map((l) => {
      // Keep the whole line inside the image; y is the text's centre, the baseline sits 0.35 em below it.
      const y = Math.min(canvas.height - pad - 0.25 * fontSize, Math.max(pad + 0.75 * fontSize, l.y + 0.35 * fontSize));
      return `<text x="${l.x}" y="${y.toFixed(1)}">${escapeXml(l.text)}</text>`;
    })
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${canvas.width}" height="${canvas.height}"><g font-family="${fontFamily}" font-size="${fontSize}" fill="${fill}">${texts}</g></svg>`;
  const raw = await sharp(Buffer.from(canvas.pixels.buffer, canvas.pixels.byteOffset, canvas.pixels.byteLength), {
    raw: { width: canvas.width, height: canvas.height, channels: 4 },
  })
    .composite([{ input: Buffer.from(svg), left: 0, top: 0 }])
    .raw()
    .toBuffer();
  return new Uint8ClampedArray(raw.buffer, raw.byteOffset, raw.byteLength);
}

/** Black text, or white on a dark background colour. */
function textColor(options: LegendOptions): string {
  if (options.transparent || options.bgcolor === undefined) return '#000000';
  const c = options.bgcolor;
  const luminance = 0.299 * ((c >> 16) & 255) + 0.587 * ((c >> 8) & 255) + 0.114 * (c & 255);
  return luminance < 128 ? '#ffffff' : '#000000';
}

/** A label for v with as many decimals as the legend's span needs (2-3 significant steps). */
export function formatValue(v: number, span: number): string {
  if (!Number.isFinite(v)) return String(v);
  const magnitude = Math.abs(v);
  if (magnitude !== 0 && (magnitude >= 1e6 || magnitude < 1e-4)) return v.toExponential(2).replace(/\.?0+e/, 'e');
  const decimals = span > 0 ? Math.min(6, Math.max(0, Math.ceil(-Math.log10(span / 100)))) : 2;
  return String(Number(v.toFixed(decimals)));
}

function escapeXml(s: string): string {
  return s.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c] as string);
}
