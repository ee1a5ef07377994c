// Checks that a server's answers are what the benchmark asks for, before any load: a benchmark of
// error responses (or of blank images) is worthless. Images are decoded (sharp) and GeoTIFFs read
// (geotiff.js); the two servers' answers to the same request are compared with each other.
import { fromArrayBuffer } from 'geotiff';
import sharp, { type OutputInfo } from 'sharp';
import type { Bbox } from '../../../plugins/coverages/types.js';

export interface Fetched {
  url: string;
  status: number;
  contentType: string;
  body: Buffer;
}

export async function fetchBody(url: string): Promise<Fetched> {
  const res = await fetch(url);
  const body = Buffer.from(await res.arrayBuffer());
  return { url, status: res.status, contentType: res.headers.get('content-type') ?? '', body };
}

function refuse(f: Fetched, why: string): never {
  const text = f.body.subarray(0, 400).toString('utf8').replace(/[^\x20-\x7e\n]/g, '.');
  throw new Error(`${f.url} answered ${f.status} ${f.contentType} (${f.body.length} bytes): ${why}\n${text}`);
}

export interface DecodedImage {
  width: number;
  height: number;
  channels: number;
  /** Interleaved 8-bit samples. */
  pixels: Buffer;
}

/** A 200 PNG of `width`×`height` that is not one flat colour; its decoded pixels (RGB). */
export async function checkPng(f: Fetched, width: number, height: number): Promise<DecodedImage> {
  if (f.status !== 200) refuse(f, 'not 200');
  if (!f.contentType.startsWith('image/png')) refuse(f, 'not image/png');
  if (f.body.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a') refuse(f, 'no PNG signature');
  let image: { data: Buffer; info: OutputInfo };
  try {
    image = await sharp(f.body).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  } catch (err) {
    refuse(f, `PNG does not decode: ${(err as Error).message}`);
  }
  if (image.info.width !== width || image.info.height !== height) refuse(f, `PNG is ${image.info.width}×${image.info.height}, not ${width}×${height}`);
  const first = image.data.readUIntBE(0, 3);
  let varied = false;
  for (let i = 3; i + 3 <= image.data.length && !varied; i += 3) varied = image.data.readUIntBE(i, 3) !== first;
  if (!varied) refuse(f, 'PNG is one flat colour (no data drawn)');
  return { width, height, channels: image.info.channels, pixels: image.data };
}

export interface DecodedTiff {
  width: number;
  height: number;
  bands: number;
  /** 'uint8' or 'float32' as read from BitsPerSample and SampleFormat. */
  sampleType: string;
  bbox: Bbox;
  /** Band-interleaved values of every band. */
  values: Array<ArrayLike<number>>;
}

/** A 200 GeoTIFF of `width`×`height`, `bands` bands of `sampleType`, covering `bbox` (to a tenth of a pixel). */
export async function checkGeoTiff(f: Fetched, expected: { width: number; height: number; bands: number; sampleType: string; bbox: Bbox }): Promise<DecodedTiff> {
  if (f.status !== 200) refuse(f, 'not 200');
  if (!f.contentType.startsWith('image/tiff')) refuse(f, 'not image/tiff');
  let decoded: DecodedTiff;
  try {
    const tiff = await fromArrayBuffer(f.body.buffer.slice(f.body.byteOffset, f.body.byteOffset + f.body.byteLength) as ArrayBuffer);
    const image = await tiff.getImage();
    const bits = image.getBitsPerSample();
    const format = image.getSampleFormat();
    const sampleType = format === 3 ? `float${bits}` : format === 2 ? `int${bits}` : `uint${bits}`;
    const rasters = (await image.readRasters()) as unknown as Array<ArrayLike<number>>;
    decoded = { width: image.getWidth(), height: image.getHeight(), bands: image.getSamplesPerPixel(), sampleType, bbox: image.getBoundingBox() as Bbox, values: Array.from(rasters) };
  } catch (err) {
    refuse(f, `GeoTIFF does not read: ${(err as Error).message}`);
  }
  const e = expected;
  if (decoded.width !== e.width || decoded.height !== e.height) refuse(f, `GeoTIFF is ${decoded.width}×${decoded.height}, not ${e.width}×${e.height}`);
  if (decoded.bands !== e.bands || decoded.sampleType !== e.sampleType) refuse(f, `GeoTIFF has ${decoded.bands} ${decoded.sampleType} bands, not ${e.bands} ${e.sampleType}`);
  const pixel = (e.bbox[2] - e.bbox[0]) / e.width;
  if (decoded.bbox.some((v, i) => Math.abs(v - e.bbox[i]!) > pixel / 10)) refuse(f, `GeoTIFF covers ${decoded.bbox.join(',')}, not ${e.bbox.join(',')}`);
  return decoded;
}

/** Mean absolute difference of two decoded images' samples (0-255): how alike two servers draw. */
export function meanImageDifference(a: DecodedImage, b: DecodedImage): number {
  let sum = 0;
  const n = Math.min(a.pixels.length, b.pixels.length);
  for (let i = 0; i < n; i++) sum += Math.abs(a.pixels[i]! - b.pixels[i]!);
  return sum / n;
}

/** How many values differ between two coverages' bands (NaN equal to NaN). */
export function differingValues(a: DecodedTiff, b: DecodedTiff): number {
  let differ = 0;
  for (let band = 0; band < a.values.length; band++) {
    const x = a.values[band]!;
    const y = b.values[band]!;
    for (let i = 0; i < x.length; i++) if (x[i] !== y[i] && !(Number.isNaN(x[i]) && Number.isNaN(y[i]))) differ++;
  }
  return differ;
}

/** A 200 PNG whose header says `width`×`height` (no decoding: for every answer of a sequence). */
export function checkPngHeader(f: Fetched, width: number, height: number): void {
  if (f.status !== 200) refuse(f, 'not 200');
  if (!f.contentType.startsWith('image/png')) refuse(f, 'not image/png');
  if (f.body.length < 33 || f.body.subarray(0, 8).toString('hex') !== '89504e470d0a1a0a' || f.body.subarray(12, 16).toString('latin1') !== 'IHDR') refuse(f, 'no PNG header');
  const w = f.body.readUInt32BE(16);
  const h = f.body.readUInt32BE(20);
  if (w !== width || h !== height) refuse(f, `PNG is ${w}×${h}, not ${width}×${height}`);
}
