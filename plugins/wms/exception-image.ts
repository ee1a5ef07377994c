/**
 * EXCEPTIONS=INIMAGE and BLANK (WMS 1.3.0 §7.3.3.11, annex E; 1.1.1 §7.2.3.11): the error
 * answered as an image of the size and format the GetMap asked for, with the message written in
 * it (INIMAGE) or nothing but the background (BLANK, transparent when TRANSPARENT=TRUE).
 * The text is drawn by librsvg from an SVG (sharp), so it needs a sans-serif font installed.
 */
import sharp, { type Sharp } from 'sharp';
import { escapeXmlText } from '../../core/ows/index.js';
import type { ImageFormat } from '../coverages/types.js';
import { IMAGE_MIME } from './formats.js';

/** What an image answer needs, read from the GetMap before anything can fail. */
export interface ImageFrame {
  format: ImageFormat;
  width: number;
  height: number;
  transparent: boolean;
  /** 0xRRGGBB. */
  bgcolor: number;
  quality: number;
}

const FONT_SIZE = 12;
const LINE_HEIGHT = 15;
const MARGIN = 4;
/** DejaVu Sans at 12 px averages about 7 px per character. */
const CHAR_WIDTH = 7;

/** Breaks the message into lines that fit the width (long words are cut). */
export function wrapText(message: string, width: number): string[] {
  const perLine = Math.max(1, Math.floor((width - 2 * MARGIN) / CHAR_WIDTH));
  const lines: string[] = [];
  for (const paragraph of message.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter((w) => w !== '')) {
      for (let rest = word; rest.length > 0; ) {
        const candidate = line === '' ? rest : `${line} ${rest}`;
        if (candidate.length <= perLine) {
          line = candidate;
          rest = '';
        } else if (line === '') {
          lines.push(rest.slice(0, perLine));
          rest = rest.slice(perLine);
        } else {
          lines.push(line);
          line = '';
        }
      }
    }
    if (line !== '') lines.push(line);
  }
  return lines;
}

/** Black on light backgrounds, white on dark ones. */
function textColour(bgcolor: number, transparent: boolean): string {
  if (transparent) return '#000000';
  const r = (bgcolor >> 16) & 0xff;
  const g = (bgcolor >> 8) & 0xff;
  const b = bgcolor & 0xff;
  return 0.299 * r + 0.587 * g + 0.114 * b > 128 ? '#000000' : '#ffffff';
}

function textSvg(frame: ImageFrame, message: string): Buffer {
  const maxLines = Math.max(1, Math.floor((frame.height - 2 * MARGIN) / LINE_HEIGHT));
  const lines = wrapText(message, frame.width).slice(0, maxLines);
  const fill = textColour(frame.bgcolor, frame.transparent && frame.format !== 'jpeg');
  const tspans = lines
    .map((line, i) => `<text x="${MARGIN}" y="${MARGIN + FONT_SIZE + i * LINE_HEIGHT}">${escapeXmlText(line)}</text>`)
    .join('');
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${frame.width}" height="${frame.height}">` +
      `<g font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="${FONT_SIZE}" fill="${fill}">${tspans}</g></svg>`,
  );
}

function encode(image: Sharp, frame: ImageFrame): Promise<Buffer> {
  if (frame.format === 'jpeg') return image.flatten({ background: rgb(frame.bgcolor) }).jpeg({ quality: frame.quality }).toBuffer();
  if (frame.format === 'webp') return image.webp({ quality: frame.quality }).toBuffer();
  return image.png().toBuffer();
}

function rgb(colour: number): { r: number; g: number; b: number } {
  return { r: (colour >> 16) & 0xff, g: (colour >> 8) & 0xff, b: colour & 0xff };
}

/** The image answer: `message` drawn in it, or a blank image when undefined. */
export async function exceptionImage(frame: ImageFrame, message: string | undefined): Promise<{ body: Buffer; contentType: string }> {
  const alpha = frame.transparent && frame.format !== 'jpeg' ? 0 : 1;
  let image = sharp({ create: { width: frame.width, height: frame.height, channels: 4, background: { ...rgb(frame.bgcolor), alpha } } });
  if (message !== undefined && message !== '') image = image.composite([{ input: textSvg(frame, message), top: 0, left: 0 }]);
  return { body: await encode(image, frame), contentType: IMAGE_MIME[frame.format] };
}
