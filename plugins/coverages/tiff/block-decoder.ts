/**
 * Turns one block's stored bytes into one typed array per band: decompress (Node's zlib for
 * deflate, our own LZW and PackBits, geotiff's decoders for JPEG/ZSTD/LERC, sharp for WebP), swap big-endian
 * bytes, undo the predictor, de-interleave chunky pixels, convert JPEG's YCbCr to RGB.
 */
import { endianness } from 'node:os';
import { inflateRawSync, inflateSync } from 'node:zlib';
import { getDecoder } from 'geotiff';
import type { SampleArray, SampleType } from '../types.js';
import { deinterleave, deinterleaveAccumulating } from './deinterleave.js';
import { decodeLzw } from './lzw.js';
import { decodePackBits } from './packbits.js';
import { undoFloatingPointPredictor, undoHorizontalPredictor, swapBytes } from './predictor.js';
import type { DecodedBlock } from './tile-cache.js';
import { Compression, Photometric, UnsupportedTiff, type TiffImage } from './tiff-image.js';

if (endianness() !== 'LE') throw new Error('the TIFF reader assumes a little-endian host');

type SampleArrayConstructor = {
  new (length: number): SampleArray;
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): SampleArray;
  readonly BYTES_PER_ELEMENT: number;
};

export const SAMPLE_ARRAYS: Record<SampleType, SampleArrayConstructor> = {
  uint8: Uint8Array,
  int8: Int8Array,
  uint16: Uint16Array,
  int16: Int16Array,
  uint32: Uint32Array,
  int32: Int32Array,
  float32: Float32Array,
  float64: Float64Array,
};

type Decompress = (bytes: Uint8Array, expectedBytes: number) => Uint8Array | Promise<Uint8Array>;
type GeotiffDecoderParameters = Parameters<typeof getDecoder>[1];

export interface BlockDecoder {
  decode(bytes: Uint8Array, rows: number): Promise<DecodedBlock>;
  /** A block the file does not store (sparse): every sample `fill`. */
  empty(rows: number, fill: number): DecodedBlock;
}

export async function makeBlockDecoder(image: TiffImage): Promise<BlockDecoder> {
  const { decompress, byteStream } = await decompressorFor(image);
  if (image.bitsPerSample === 1) return bilevelDecoder(image, decompress);
  const Samples = SAMPLE_ARRAYS[image.sampleType];
  const bands = image.planar ? 1 : image.samplesPerPixel;
  const bps = image.bytesPerSample;
  const ycbcr = image.photometric === Photometric.YCbCr && image.compression === Compression.Jpeg && bands === 3;
  const integer = image.sampleType !== 'float32' && image.sampleType !== 'float64';
  // Chunky integer samples with predictor 2: sums and de-interleaving in one pass.
  const fusedPredictor = byteStream && image.predictor === 2 && bands > 1 && integer;

  const newPlanes = (samples: number): SampleArray[] => {
    const planes: SampleArray[] = [];
    for (let b = 0; b < bands; b++) planes.push(new Samples(samples));
    return planes;
  };

  const toPlanes = (own: Uint8Array, samples: number): SampleArray[] => {
    const all = new Samples(own.buffer, own.byteOffset, samples * bands);
    if (bands === 1) return [all];
    const planes = newPlanes(samples);
    if (ycbcr) yCbCrToRgb(all as Uint8Array, planes as Uint8Array[], samples);
    else deinterleave(all, planes, samples, bands);
    return planes;
  };

  return {
    async decode(bytes, rows) {
      const samples = image.blockWidth * rows;
      const expected = samples * bands * bps;
      const raw = await decompress(bytes, expected);
      // Own an aligned buffer of exactly the block: never a view on a read buffer or a zlib chunk.
      let own: Uint8Array;
      if (raw !== bytes && raw.length === expected && raw.byteOffset % 8 === 0 && raw.buffer.byteLength - expected < 1024) {
        own = raw;
      } else {
        own = new Uint8Array(expected);
        own.set(raw.length > expected ? raw.subarray(0, expected) : raw);
      }
      if (byteStream) {
        if (!image.littleEndian && bps > 1 && image.predictor !== 3) swapBytes(own, bps);
        if (fusedPredictor) {
          const planes = newPlanes(samples);
          deinterleaveAccumulating(unsignedView(own, bps), planes, image.blockWidth, rows, bands, (bps * 8) as 8 | 16 | 32);
          return { planes, rows, bytes: expected };
        }
        if (image.predictor === 2) undoHorizontalPredictor(own, bps, image.blockRowSamples, rows, bands);
        else if (image.predictor === 3) undoFloatingPointPredictor(own, bps, image.blockRowSamples, rows, bands);
      }
      return { planes: toPlanes(own, samples), rows, bytes: expected };
    },
    empty(rows, fill) {
      const samples = image.blockWidth * rows;
      const planes: SampleArray[] = [];
      for (let b = 0; b < bands; b++) {
        const plane = new Samples(samples);
        if (fill !== 0) plane.fill(fill);
        planes.push(plane);
      }
      return { planes, rows, bytes: samples * bands * bps };
    },
  };
}

/** 1-bit blocks (GDAL's internal masks), unpacked to one byte a pixel: 255 for bit 1, 0 for bit 0. */
function bilevelDecoder(image: TiffImage, decompress: Decompress): BlockDecoder {
  const width = image.blockWidth;
  const rowBytes = Math.ceil(width / 8);
  return {
    async decode(bytes, rows) {
      const packed = await decompress(bytes, rowBytes * rows);
      const out = new Uint8Array(width * rows);
      for (let r = 0; r < rows; r++) {
        const from = r * rowBytes;
        const to = r * width;
        for (let x = 0; x < width; x++) {
          // FillOrder 1: the first pixel is the most significant bit.
          if ((packed[from + (x >> 3)]! >> (7 - (x & 7))) & 1) out[to + x] = 255;
        }
      }
      return { planes: [out], rows, bytes: out.length };
    },
    empty(rows, fill) {
      return { planes: [new Uint8Array(width * rows).fill(fill)], rows, bytes: width * rows };
    },
  };
}

/**
 * The decompressor of the image's codec. `byteStream` is true when its output is the stored byte
 * stream (file byte order, predictor applied); false for codecs that give finished samples.
 */
async function decompressorFor(image: TiffImage): Promise<{ decompress: Decompress; byteStream: boolean }> {
  switch (image.compression) {
    case Compression.None:
      return { decompress: (bytes) => bytes, byteStream: true };
    case Compression.Deflate:
    case Compression.AdobeDeflate:
      return { decompress: inflate, byteStream: true };
    case Compression.Lzw:
      return { decompress: decodeLzw, byteStream: true };
    case Compression.PackBits:
      return { decompress: decodePackBits, byteStream: true };
    case Compression.Webp:
      return { decompress: await webpDecompressor(image), byteStream: false };
    case Compression.OldJpeg:
      throw new UnsupportedTiff('old-style JPEG compression (6) is not supported');
    case Compression.Lzma:
      throw new UnsupportedTiff('LZMA compression is not supported');
    default:
      break;
  }
  const parameters: GeotiffDecoderParameters & { JPEGTables?: Uint8Array; LercParameters?: number[] } = {
    tileWidth: image.blockWidth,
    tileHeight: image.blockHeight,
    // The predictor is undone here (per sample, in the right byte order), not by geotiff.
    predictor: 1,
    bitsPerSample: image.bitsPerSample,
    planarConfiguration: image.planar ? 2 : 1,
    samplesPerPixel: image.samplesPerPixel,
    JPEGTables: image.jpegTables,
    LercParameters: image.lercParameters,
  };
  let decoder: Awaited<ReturnType<typeof getDecoder>>;
  try {
    decoder = await getDecoder(image.compression, parameters);
  } catch (err) {
    throw new UnsupportedTiff(`compression ${image.compression} is not supported: ${(err as Error).message}`);
  }
  const byteStream = image.compression !== Compression.Lerc && image.compression !== Compression.Jpeg;
  return {
    byteStream,
    async decompress(bytes) {
      // geotiff's decoders take a whole ArrayBuffer (they build DataViews from offset 0).
      const exact = new Uint8Array(bytes.length);
      exact.set(bytes);
      const out = await decoder.decodeBlock(exact.buffer);
      return new Uint8Array(out);
    },
  };
}

function unsignedView(bytes: Uint8Array, bytesPerSample: number): Uint8Array | Uint16Array | Uint32Array {
  if (bytesPerSample === 1) return bytes;
  if (bytesPerSample === 2) return new Uint16Array(bytes.buffer, bytes.byteOffset, bytes.length >> 1);
  return new Uint32Array(bytes.buffer, bytes.byteOffset, bytes.length >> 2);
}

function inflate(bytes: Uint8Array, expectedBytes: number): Uint8Array {
  const options = { chunkSize: Math.max(64, expectedBytes) };
  try {
    return inflateSync(bytes, options);
  } catch (err) {
    // A few writers store raw deflate without the zlib wrapper.
    if ((err as { code?: string }).code === 'Z_DATA_ERROR') return inflateRawSync(bytes, options);
    throw err;
  }
}

async function webpDecompressor(image: TiffImage): Promise<Decompress> {
  const bands = image.planar ? 1 : image.samplesPerPixel;
  if (image.sampleType !== 'uint8' || (bands !== 3 && bands !== 4)) throw new UnsupportedTiff('WebP blocks of other than 3 or 4 bytes a pixel');
  const sharp = (await import('sharp')).default;
  return async (bytes) => {
    let pipeline = sharp(bytes);
    pipeline = bands === 4 ? pipeline.ensureAlpha() : pipeline.removeAlpha();
    const data = await pipeline.raw().toBuffer();
    return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  };
}

/** JPEG's YCbCr (JFIF, full range) to RGB planes, rounded and clamped as libjpeg does. */
function yCbCrToRgb(ycc: Uint8Array, planes: Uint8Array[], samples: number): void {
  const [r, g, b] = planes as [Uint8Array, Uint8Array, Uint8Array];
  for (let i = 0, j = 0; i < samples; i++, j += 3) {
    const y = ycc[j]!;
    const cb = ycc[j + 1]! - 128;
    const cr = ycc[j + 2]! - 128;
    const red = y + 1.402 * cr + 0.5;
    const green = y - 0.344136 * cb - 0.714136 * cr + 0.5;
    const blue = y + 1.772 * cb + 0.5;
    r[i] = red < 0 ? 0 : red > 255 ? 255 : red;
    g[i] = green < 0 ? 0 : green > 255 ? 255 : green;
    b[i] = blue < 0 ? 0 : blue > 255 ? 255 : blue;
  }
}
