/**
 * One TIFF image (IFD) as the reader needs it: its pixel layout and where each block's bytes are.
 * Built once when a file is opened, from IFDs geotiff parsed with every tag loaded.
 */
import type { ImageFileDirectory } from 'geotiff';
import type { SampleType } from '../types.js';

export const Tag = {
  NewSubfileType: 254,
  ImageWidth: 256,
  ImageLength: 257,
  BitsPerSample: 258,
  Compression: 259,
  Photometric: 262,
  StripOffsets: 273,
  SamplesPerPixel: 277,
  RowsPerStrip: 278,
  StripByteCounts: 279,
  PlanarConfiguration: 284,
  Predictor: 317,
  ColorMap: 320,
  TileWidth: 322,
  TileLength: 323,
  TileOffsets: 324,
  TileByteCounts: 325,
  ExtraSamples: 338,
  SampleFormat: 339,
  JPEGTables: 347,
  ModelPixelScale: 33550,
  ModelTiepoint: 33922,
  ModelTransformation: 34264,
  GeoKeyDirectory: 34735,
  GdalMetadata: 42112,
  GdalNodata: 42113,
  LercParameters: 50674,
} as const;

export const Compression = {
  None: 1,
  Lzw: 5,
  OldJpeg: 6,
  Jpeg: 7,
  Deflate: 8,
  PackBits: 32773,
  AdobeDeflate: 32946,
  Lerc: 34887,
  Lzma: 34925,
  Zstd: 50000,
  Webp: 50001,
} as const;

export const Photometric = { WhiteIsZero: 0, BlackIsZero: 1, Rgb: 2, Palette: 3, Mask: 4, Separated: 5, YCbCr: 6 } as const;

/** NewSubfileType bits. */
const REDUCED_RESOLUTION = 1;
const TRANSPARENCY_MASK = 4;

/** Target size of a read for uncompressed strips, which are split into blocks of whole rows of about this size. */
const UNCOMPRESSED_BLOCK_BYTES = 256 * 1024;

export interface TiffImage {
  /** Position of the IFD in the file (0 = first). */
  ifd: number;
  width: number;
  height: number;
  tiled: boolean;
  /** The unit decoded and cached: a tile, a strip, or a run of rows of an uncompressed strip. */
  blockWidth: number;
  blockHeight: number;
  blocksAcross: number;
  blocksDown: number;
  samplesPerPixel: number;
  /** PlanarConfiguration 2: each band in blocks of its own. */
  planar: boolean;
  bytesPerSample: number;
  /** 8 times bytesPerSample, or 1 for a bilevel transparency mask (its bytesPerSample is then 1). */
  bitsPerSample: number;
  sampleType: SampleType;
  compression: number;
  predictor: number;
  photometric: number;
  littleEndian: boolean;
  extraSamples: number[];
  jpegTables?: Uint8Array;
  lercParameters?: number[];
  subfileType: number;
  /** Samples in one block's row: the block width times the bands it holds. */
  blockRowSamples: number;
  offsets: ArrayLike<number>;
  byteCounts: ArrayLike<number>;
  /** For uncompressed strips split into blocks: blocks per strip and the strip's rows. */
  blocksPerStrip: number;
  rowsPerStrip: number;
}

export interface BlockLocation {
  offset: number;
  length: number;
  /** Rows of pixels the block decodes to (a tile's full height; a strip's rows inside the image). */
  rows: number;
}

export class UnsupportedTiff extends Error {}

/** Raw tag values: geotiff's parser ran eagerly, so every value is loaded. */
export function tagValue(ifd: ImageFileDirectory, tag: number): unknown {
  return ifd.actualizedFields.get(tag);
}

export function tagNumber(ifd: ImageFileDirectory, tag: number): number | undefined {
  const v = tagValue(ifd, tag);
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && 'length' in v && (v as ArrayLike<unknown>).length > 0) {
    const first = (v as ArrayLike<unknown>)[0];
    return typeof first === 'number' ? first : undefined;
  }
  return undefined;
}

export function tagNumbers(ifd: ImageFileDirectory, tag: number): number[] | undefined {
  const v = tagValue(ifd, tag);
  if (typeof v === 'number') return [v];
  if (v !== null && typeof v === 'object' && 'length' in v) return Array.from(v as ArrayLike<number>, Number);
  return undefined;
}

function tagArray(ifd: ImageFileDirectory, tag: number): ArrayLike<number> | undefined {
  const v = tagValue(ifd, tag);
  if (typeof v === 'number') return [v];
  if (v !== null && typeof v === 'object' && 'length' in v) return v as ArrayLike<number>;
  return undefined;
}

export function tagString(ifd: ImageFileDirectory, tag: number): string | undefined {
  const v = tagValue(ifd, tag);
  if (typeof v === 'string') return v.replace(/\0+$/, '');
  if (v instanceof Uint8Array) return new TextDecoder().decode(v).replace(/\0+$/, '');
  return undefined;
}

function sampleTypeOf(format: number, bits: number): SampleType {
  const key = `${format === 4 ? 1 : format}/${bits}`;
  const types: Record<string, SampleType> = {
    '1/8': 'uint8', '2/8': 'int8', '1/16': 'uint16', '2/16': 'int16',
    '1/32': 'uint32', '2/32': 'int32', '3/32': 'float32', '3/64': 'float64',
  };
  const type = types[key];
  if (!type) {
    const kind = format === 3 ? 'floating-point' : format === 2 ? 'signed integer' : format === 1 || format === 4 ? 'unsigned integer' : `SampleFormat ${format}`;
    throw new UnsupportedTiff(`${bits}-bit ${kind} samples are not supported (8, 16 and 32-bit integers, 32 and 64-bit floats are)`);
  }
  return type;
}

/** A transparency mask IFD (NewSubfileType bit 4, or Photometric 4). */
export function isMask(ifd: ImageFileDirectory): boolean {
  return ((tagNumber(ifd, Tag.NewSubfileType) ?? 0) & TRANSPARENCY_MASK) !== 0 || tagNumber(ifd, Tag.Photometric) === Photometric.Mask;
}

/**
 * The layout of image `index`. `asMask` reads it as a transparency mask: one band of 1-bit
 * (GDAL's internal masks) or 8-bit samples, 0 where there is no data.
 */
export function describeImage(ifd: ImageFileDirectory, index: number, littleEndian: boolean, asMask = false): TiffImage {
  const width = tagNumber(ifd, Tag.ImageWidth);
  const height = tagNumber(ifd, Tag.ImageLength);
  if (!width || !height) throw new UnsupportedTiff(`IFD ${index} has no ImageWidth/ImageLength`);
  const samplesPerPixel = tagNumber(ifd, Tag.SamplesPerPixel) ?? 1;
  const bits = tagNumbers(ifd, Tag.BitsPerSample) ?? [1];
  const formats = tagNumbers(ifd, Tag.SampleFormat) ?? [1];
  if (bits.some((b) => b !== bits[0])) throw new UnsupportedTiff(`bands of different bit depths (${bits.join(', ')}) are not supported`);
  if (formats.some((f) => f !== formats[0])) throw new UnsupportedTiff(`bands of different sample formats (${formats.join(', ')}) are not supported`);
  if (asMask && (samplesPerPixel !== 1 || (bits[0] !== 1 && bits[0] !== 8))) throw new UnsupportedTiff(`mask IFD ${index} is not one band of 1 or 8-bit samples`);
  const sampleType = asMask ? 'uint8' : sampleTypeOf(formats[0]!, bits[0]!);
  const bitsPerSample = bits[0]!;
  const bytesPerSample = asMask ? 1 : bitsPerSample / 8;
  const planar = (tagNumber(ifd, Tag.PlanarConfiguration) ?? 1) === 2 && samplesPerPixel > 1;
  const compression = tagNumber(ifd, Tag.Compression) ?? Compression.None;
  const predictor = tagNumber(ifd, Tag.Predictor) ?? 1;
  const photometric = tagNumber(ifd, Tag.Photometric) ?? Photometric.BlackIsZero;
  if (predictor !== 1 && predictor !== 2 && predictor !== 3) throw new UnsupportedTiff(`Predictor ${predictor} is not a TIFF predictor`);
  if (predictor === 3 && sampleType !== 'float32' && sampleType !== 'float64') throw new UnsupportedTiff('the floating-point predictor (3) on integer samples');
  if (photometric === Photometric.YCbCr && compression !== Compression.Jpeg) throw new UnsupportedTiff('YCbCr pixels outside JPEG compression');

  const tiled = tagValue(ifd, Tag.TileWidth) !== undefined;
  const offsets = tagArray(ifd, tiled ? Tag.TileOffsets : Tag.StripOffsets);
  const byteCounts = tagArray(ifd, tiled ? Tag.TileByteCounts : Tag.StripByteCounts);
  if (!offsets || !byteCounts) throw new UnsupportedTiff(`IFD ${index} has no ${tiled ? 'TileOffsets/TileByteCounts' : 'StripOffsets/StripByteCounts'}`);

  const planes = planar ? samplesPerPixel : 1;
  const blockBands = planar ? 1 : samplesPerPixel;
  let blockWidth: number;
  let blockHeight: number;
  let blocksPerStrip = 1;
  let rowsPerStrip = 0;
  if (tiled) {
    blockWidth = tagNumber(ifd, Tag.TileWidth)!;
    blockHeight = tagNumber(ifd, Tag.TileLength) ?? 0;
    if (!blockWidth || !blockHeight) throw new UnsupportedTiff(`IFD ${index} has a zero tile size`);
  } else {
    blockWidth = width;
    rowsPerStrip = Math.min(tagNumber(ifd, Tag.RowsPerStrip) ?? height, height);
    blockHeight = rowsPerStrip;
    // An uncompressed strip is addressable by row: split big ones so a small window reads little.
    const rowBytes = width * blockBands * bytesPerSample;
    if (compression === Compression.None && bitsPerSample >= 8 && rowsPerStrip * rowBytes > UNCOMPRESSED_BLOCK_BYTES) {
      let rows = Math.max(1, Math.floor(UNCOMPRESSED_BLOCK_BYTES / rowBytes));
      while (rowsPerStrip % rows !== 0) rows--;
      blockHeight = rows;
      blocksPerStrip = rowsPerStrip / rows;
    }
  }
  const blocksAcross = Math.ceil(width / blockWidth);
  const blocksDown = Math.ceil(height / blockHeight);
  const stored = tiled ? blocksAcross * blocksDown : Math.ceil(height / rowsPerStrip);
  if (offsets.length < stored * planes || byteCounts.length < stored * planes) {
    throw new UnsupportedTiff(`IFD ${index} lists ${offsets.length} blocks where its size needs ${stored * planes}`);
  }
  const jpegTables = tagValue(ifd, Tag.JPEGTables);
  return {
    ifd: index,
    width,
    height,
    tiled,
    blockWidth,
    blockHeight,
    blocksAcross,
    blocksDown,
    samplesPerPixel,
    planar,
    bytesPerSample,
    bitsPerSample,
    sampleType,
    compression,
    predictor,
    photometric,
    littleEndian,
    extraSamples: tagNumbers(ifd, Tag.ExtraSamples) ?? [],
    jpegTables: jpegTables instanceof Uint8Array ? jpegTables : undefined,
    lercParameters: tagNumbers(ifd, Tag.LercParameters),
    subfileType: tagNumber(ifd, Tag.NewSubfileType) ?? 0,
    blockRowSamples: blockWidth * blockBands,
    offsets,
    byteCounts,
    blocksPerStrip,
    rowsPerStrip,
  };
}

/** Blocks of one plane (all bands for chunky images). */
export function blocksPerPlane(image: TiffImage): number {
  return image.blocksAcross * image.blocksDown;
}

/** Where block (bx, by) of a plane is in the file. Length 0 means a sparse block (none written). */
export function blockLocation(image: TiffImage, plane: number, bx: number, by: number): BlockLocation {
  if (image.blocksPerStrip > 1) {
    const strip = Math.floor(by / image.blocksPerStrip);
    const stripsPerPlane = Math.ceil(image.height / image.rowsPerStrip);
    const index = plane * stripsPerPlane + strip;
    const rows = Math.min(image.blockHeight, image.height - by * image.blockHeight);
    const rowBytes = image.blockRowSamples * image.bytesPerSample;
    const start = (by - strip * image.blocksPerStrip) * image.blockHeight * rowBytes;
    const stripOffset = image.offsets[index]!;
    const available = Math.max(0, image.byteCounts[index]! - start);
    return { offset: stripOffset + start, length: stripOffset === 0 ? 0 : Math.min(rows * rowBytes, available), rows };
  }
  const index = plane * image.blocksAcross * image.blocksDown + by * image.blocksAcross + bx;
  const rows = image.tiled ? image.blockHeight : Math.min(image.blockHeight, image.height - by * image.blockHeight);
  const offset = image.offsets[index]!;
  return { offset, length: offset === 0 ? 0 : image.byteCounts[index]!, rows };
}

/** The full-resolution image and its overviews, largest first: no masks, no unrelated pages. */
export function pickLevels(images: TiffImage[]): TiffImage[] {
  const main = images.find((image) => (image.subfileType & (TRANSPARENCY_MASK | REDUCED_RESOLUTION)) === 0) ?? images[0];
  if (!main) throw new UnsupportedTiff('no image in the file');
  const overviews = images.filter((image) =>
    image !== main &&
    (image.subfileType & REDUCED_RESOLUTION) !== 0 &&
    (image.subfileType & TRANSPARENCY_MASK) === 0 &&
    image.samplesPerPixel === main.samplesPerPixel &&
    image.sampleType === main.sampleType &&
    image.width < main.width);
  overviews.sort((a, b) => b.width - a.width);
  const levels = [main];
  for (const overview of overviews) {
    if (overview.width < levels[levels.length - 1]!.width) levels.push(overview);
  }
  return levels;
}
