/**
 * Meridian's GeoTIFF / Cloud Optimized GeoTIFF writer. A raster in memory becomes a tiled or
 * striped GeoTIFF, deflate/LZW/PackBits compressed with an optional predictor, georeferenced,
 * with GDAL's nodata and metadata tags; with `cog`, overviews are added and the file is laid
 * out as GDAL's COG driver does: every IFD first (after GDAL's structural-metadata "ghost"
 * header), then the tiles of the smallest overview, ..., the full resolution's last, each tile
 * preceded by its size and followed by its last 4 bytes repeated.
 */
import { endianness } from 'node:os';
import { scratchBuffers } from '../buffer-pool.js';
import { CoverageError } from '../errors.js';
import type { Grid, Raster, SampleArray } from '../types.js';
import { blockGrid, byteBlock, extractBlock, type BlockGrid } from './blocks.js';
import { compressBlock, compressBlockAsync, DEFLATE_STRATEGIES, type CompressionName, type CompressionSettings, type DeflateStrategy } from './compression.js';
import { gdalMetadataXml, gdalNodataText, type BandMetadata } from './gdal-tags.js';
import { georeferencingEntries } from './georeferencing.js';
import { headerByteLength, ifdByteLength, writeHeader, writeIfd, type IfdEntry, type TiffFormat } from './ifd.js';
import { halveLevel, overviewSizes, type Level, type OverviewResampling } from './overviews.js';
import { float32Difference, floatingPointDifference, horizontalDifference, type PredictorName } from './predictor.js';
import { SAMPLE_TYPES, type SampleTypeInfo } from './sample-types.js';
import { Compression, FieldType, Photometric, Predictor, SUBFILE_MASK, SUBFILE_REDUCED_RESOLUTION, Tag } from './tiff-tags.js';

export interface GeoTiffOptions {
  /** Default 'deflate'. */
  compression?: CompressionName;
  /** zlib level 1-9 for deflate; default 6. */
  level?: number;
  /** Deflate's strategy (compression.ts): 'default' (LZ77), 'rle', 'huffman' or 'runs' (per block). Same file format whichever. */
  deflateStrategy?: DeflateStrategy;
  /** Default 'none'. 'horizontal' for integer samples, 'floatingpoint' for floats; only with deflate or LZW. */
  predictor?: PredictorName;
  /** Default true. A COG is always tiled. */
  tiled?: boolean;
  /** Multiples of 16; default 256. */
  tileWidth?: number;
  tileHeight?: number;
  /** For strips: rows per strip; default about 64 KiB of uncompressed samples. */
  rowsPerStrip?: number;
  /** Add overviews and lay the file out as a Cloud Optimized GeoTIFF. Default false. */
  cog?: boolean;
  /** How overviews are computed: 'average' (default) or 'nearest' (class data). */
  overviewResampling?: OverviewResampling;
  /** One name per band, shown as the band description (GDAL_METADATA). */
  bandNames?: readonly string[];
  /** One unit per band ('m', 'K'), GDAL's unit type. */
  bandUnits?: readonly string[];
  /** Dataset-level metadata items (GDAL_METADATA). */
  metadata?: Readonly<Record<string, string>>;
  /** Nodata value (GDAL_NODATA); default the raster's. Masked-out pixels are written with it. */
  nodata?: number;
  /** BigTIFF: true, false, or 'auto' (default) when the file would pass 4 GiB. */
  bigTiff?: boolean | 'auto';
}

const DEFAULT_TILE = 256;
const STRIP_TARGET_BYTES = 64 * 1024;
/** The first lines of GDAL's structural metadata; the size line before them counts these bytes. */
function ghostHeader(maskInterleaved: boolean): string {
  const body =
    'LAYOUT=IFDS_BEFORE_DATA\nBLOCK_ORDER=ROW_MAJOR\nBLOCK_LEADER=SIZE_AS_UINT4\nBLOCK_TRAILER=LAST_4_BYTES_REPEATED\n' +
    (maskInterleaved ? 'MASK_INTERLEAVED_WITH_IMAGERY=YES\n' : '') +
    'KNOWN_INCOMPATIBLE_EDITION=NO\n ';
  return `GDAL_STRUCTURAL_METADATA_SIZE=${String(body.length).padStart(6, '0')} bytes\n${body}`;
}
const CLASSIC_LIMIT = 2 ** 32 - 1;

export interface ResolvedOptions {
  compression: CompressionSettings;
  predictor: PredictorName;
  tiled: boolean;
  tileWidth: number;
  tileHeight: number;
  rowsPerStrip: number;
  cog: boolean;
  resampling: OverviewResampling;
  nodata: number | undefined;
  bigTiff: boolean | 'auto';
}

const invalid = (message: string) => new CoverageError('UnsupportedFormat', message);

export function resolveOptions(raster: Raster, info: SampleTypeInfo, options: GeoTiffOptions): ResolvedOptions {
  const compression = options.compression ?? 'deflate';
  if (!['none', 'deflate', 'lzw', 'packbits'].includes(compression)) throw invalid(`Unknown GeoTIFF compression '${compression}'`);
  const level = options.level ?? 6;
  if (!Number.isInteger(level) || level < 1 || level > 9) throw invalid(`Deflate level must be 1 to 9, not ${level}`);
  const strategy = options.deflateStrategy ?? 'default';
  if (!DEFLATE_STRATEGIES.includes(strategy)) throw invalid(`Unknown deflate strategy '${String(strategy)}'`);
  const predictor = options.predictor ?? 'none';
  if (predictor !== 'none') {
    if (compression !== 'deflate' && compression !== 'lzw') {
      // libtiff applies predictors only in its LZW/deflate (and ZSTD, LZMA) codecs; others would be misread.
      throw invalid(`A predictor needs deflate or LZW compression, not '${compression}'`);
    }
    if (predictor === 'horizontal' && !info.integer) throw invalid(`The horizontal predictor is for integer samples; use 'floatingpoint' for ${raster.sampleType}`);
    if (predictor === 'floatingpoint' && info.integer) throw invalid(`The floating point predictor is for float samples; use 'horizontal' for ${raster.sampleType}`);
    if (predictor !== 'horizontal' && predictor !== 'floatingpoint') throw invalid(`Unknown GeoTIFF predictor '${predictor}'`);
  }
  const cog = options.cog ?? false;
  const tiled = cog || (options.tiled ?? true);
  const tileWidth = options.tileWidth ?? DEFAULT_TILE;
  const tileHeight = options.tileHeight ?? DEFAULT_TILE;
  for (const [name, v] of [['tileWidth', tileWidth], ['tileHeight', tileHeight]] as const) {
    if (!Number.isInteger(v) || v < 16 || v % 16 !== 0 || v > 65520) throw invalid(`${name} must be a multiple of 16 from 16 to 65520, not ${v}`);
  }
  const rowBytes = raster.width * raster.bands.length * (info.bits / 8);
  const rowsPerStrip = Math.min(raster.height, options.rowsPerStrip ?? Math.max(1, Math.floor(STRIP_TARGET_BYTES / rowBytes)));
  if (!Number.isInteger(rowsPerStrip) || rowsPerStrip < 1) throw invalid(`rowsPerStrip must be a positive integer, not ${options.rowsPerStrip}`);
  const nodata = options.nodata ?? raster.nodata;
  if (nodata !== undefined && info.integer && !(Number.isInteger(nodata) && nodata >= info.min && nodata <= info.max)) {
    throw invalid(`Nodata ${nodata} is not a ${raster.sampleType} value`);
  }
  const resampling = options.overviewResampling ?? 'average';
  if (resampling !== 'average' && resampling !== 'nearest') throw invalid(`Unknown overview resampling '${resampling}'`);
  return {
    compression: strategy === 'default' ? { method: compression, level } : { method: compression, level, strategy },
    predictor,
    tiled,
    tileWidth,
    tileHeight,
    rowsPerStrip,
    cog,
    resampling,
    nodata,
    bigTiff: options.bigTiff ?? 'auto',
  };
}

function checkRaster(raster: Raster, grid: Grid, info: SampleTypeInfo): void {
  const { width, height, bands } = raster;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new CoverageError('InvalidGrid', `A GeoTIFF needs at least one pixel, not ${width}x${height}`);
  }
  if (grid.width !== width || grid.height !== height) {
    throw new CoverageError('InvalidGrid', `The raster is ${width}x${height} but its grid ${grid.width}x${grid.height}`);
  }
  if (bands.length < 1 || bands.length > 65535) throw new CoverageError('InvalidGrid', `A GeoTIFF needs 1 to 65535 bands, not ${bands.length}`);
  for (const band of bands) {
    if (!(band instanceof info.array)) throw new CoverageError('InvalidGrid', `A band is not a ${raster.sampleType} array`);
    if (band.length !== width * height) throw new CoverageError('InvalidGrid', `A band has ${band.length} samples for ${width}x${height} pixels`);
  }
  if (raster.mask && raster.mask.length !== width * height) throw new CoverageError('InvalidGrid', `The mask has ${raster.mask.length} pixels for ${width}x${height}`);
}

/** The full-resolution level: masked-out pixels set to nodata when there is one (copies; the raster is left alone). */
function fullLevel(raster: Raster, info: SampleTypeInfo, nodata: number | undefined): Level {
  const { mask } = raster;
  if (!mask || mask.indexOf(0) === -1) return { width: raster.width, height: raster.height, bands: raster.bands };
  if (nodata === undefined) return { width: raster.width, height: raster.height, bands: raster.bands, mask };
  const bands = raster.bands.map((band) => {
    const copy = new info.array(band.length);
    copy.set(band as ArrayLike<number>);
    for (let i = 0; i < mask.length; i++) if (mask[i] === 0) copy[i] = nodata;
    return copy;
  });
  return { width: raster.width, height: raster.height, bands };
}

export interface PlannedLevel {
  level: Level;
  blocks: BlockGrid;
}

function planLevels(raster: Raster, info: SampleTypeInfo, o: ResolvedOptions): PlannedLevel[] {
  const full = fullLevel(raster, info, o.nodata);
  const levels = [full];
  if (o.cog) {
    for (let i = 0; i < overviewSizes(raster.width, raster.height, o.tileWidth, o.tileHeight).length; i++) {
      levels.push(halveLevel(levels[levels.length - 1]!, info, o.resampling, o.nodata));
    }
  }
  return levels.map((level) => ({
    level,
    blocks: o.tiled ? blockGrid(level.width, level.height, o.tileWidth, o.tileHeight) : blockGrid(level.width, level.height, level.width, o.rowsPerStrip),
  }));
}

/**
 * Each block of a level as bytes ready to compress (predictor applied), row by row, left to
 * right. With a scratch buffer, the bytes of a block may be written into it (when it is big
 * enough): they are then valid only until the next block is taken; with a function, each block
 * may be written into the buffer it returns for that block.
 */
export function* levelBlocks(planned: PlannedLevel, info: SampleTypeInfo, o: ResolvedOptions, scratchOrNext?: Uint8Array | (() => Uint8Array)): Generator<{ bytes: Uint8Array; rowBytes: number }> {
  const { level, blocks } = planned;
  const spp = level.bands.length;
  const rowSamples = blocks.blockWidth * spp;
  const fill = o.nodata !== undefined ? o.nodata : 0;
  const rowBytes = rowSamples * (info.bits / 8);
  const band = level.bands[0];
  const float32Tiles = o.tiled && o.predictor === 'floatingpoint' && spp === 1 && band instanceof Float32Array;
  for (let by = 0; by < blocks.down; by++) {
    for (let bx = 0; bx < blocks.across; bx++) {
      // A function gives each block a buffer of its own (blocks compressed concurrently).
      const scratch = typeof scratchOrNext === 'function' ? scratchOrNext() : scratchOrNext;
      if (info.bits === 8) {
        // 1-byte samples: cut (and differenced) in one pass.
        yield { bytes: byteBlock(level, blocks, bx, by, o.tiled, fill, o.predictor === 'horizontal', scratch), rowBytes };
        continue;
      }
      const x0 = bx * blocks.blockWidth;
      const y0 = by * blocks.blockHeight;
      if (float32Tiles && x0 + blocks.blockWidth <= level.width && y0 + blocks.blockHeight <= level.height) {
        // One float32 band: a full tile is predicted straight from the level's rows, not cut out first.
        yield { bytes: float32Difference(band, y0 * level.width + x0, level.width, blocks.blockHeight, blocks.blockWidth, 1, scratch), rowBytes };
        continue;
      }
      const samples: SampleArray = extractBlock(level, blocks, bx, by, info, o.tiled, fill);
      let bytes: Uint8Array;
      if (o.predictor === 'floatingpoint') {
        bytes = floatingPointDifference(samples as Float32Array | Float64Array, rowSamples, spp);
      } else {
        if (o.predictor === 'horizontal') horizontalDifference(samples, rowSamples, spp);
        bytes = new Uint8Array(samples.buffer, samples.byteOffset, samples.byteLength);
      }
      yield { bytes, rowBytes };
    }
  }
}

/** Bytes of one block at a time for the synchronous encoder (one per thread: each block is compressed before the next is cut). */
let scratchBytes = new Uint8Array(0);

/** The uncompressed bytes of one of a level's blocks (a full tile, or a strip of blockHeight rows). */
function blockBytes(planned: PlannedLevel, info: SampleTypeInfo): number {
  const { blocks, level } = planned;
  return blocks.blockWidth * blocks.blockHeight * level.bands.length * (info.bits / 8);
}

function blockScratch(planned: PlannedLevel, info: SampleTypeInfo): Uint8Array {
  const size = blockBytes(planned, info);
  if (scratchBytes.length < size) scratchBytes = new Uint8Array(size);
  return scratchBytes;
}

/**
 * Each block of a level's mask as GDAL's internal mask stores it: one bit per pixel, set where
 * the pixel has data, leftmost pixel in the most significant bit, each row starting a new byte.
 */
function* maskBlocks(planned: PlannedLevel, o: ResolvedOptions): Generator<{ bytes: Uint8Array; rowBytes: number }> {
  const { level, blocks } = planned;
  const mask = level.mask!;
  const rowBytes = Math.ceil(blocks.blockWidth / 8);
  for (let by = 0; by < blocks.down; by++) {
    for (let bx = 0; bx < blocks.across; bx++) {
      const x0 = bx * blocks.blockWidth;
      const y0 = by * blocks.blockHeight;
      const cols = Math.min(blocks.blockWidth, level.width - x0);
      const rows = Math.min(blocks.blockHeight, level.height - y0);
      const bytes = new Uint8Array(rowBytes * (o.tiled ? blocks.blockHeight : rows));
      for (let r = 0; r < rows; r++) {
        const from = (y0 + r) * level.width + x0;
        const to = r * rowBytes;
        for (let c = 0; c < cols; c++) if (mask[from + c] !== 0) bytes[to + (c >> 3)] = bytes[to + (c >> 3)]! | (0x80 >> (c & 7));
      }
      yield { bytes, rowBytes };
    }
  }
}

function ifdEntries(raster: Raster, grid: Grid, info: SampleTypeInfo, o: ResolvedOptions, options: GeoTiffOptions, planned: PlannedLevel, overview: boolean, format: TiffFormat): IfdEntry[] {
  const { level, blocks } = planned;
  const spp = level.bands.length;
  const rgb = spp === 3 && raster.sampleType === 'uint8';
  const size = (v: number) => ({ type: v > 65535 ? FieldType.LONG : FieldType.SHORT, values: [v] });
  const count = blocks.across * blocks.down;
  const offsetType = format.bigTiff ? FieldType.LONG8 : FieldType.LONG;
  const placeholders = new Array<number>(count).fill(0);
  const entries: IfdEntry[] = [
    { tag: Tag.ImageWidth, ...size(level.width) },
    { tag: Tag.ImageLength, ...size(level.height) },
    { tag: Tag.BitsPerSample, type: FieldType.SHORT, values: new Array<number>(spp).fill(info.bits) },
    { tag: Tag.Compression, type: FieldType.SHORT, values: [Compression[o.compression.method]] },
    { tag: Tag.PhotometricInterpretation, type: FieldType.SHORT, values: [rgb ? Photometric.RGB : Photometric.MinIsBlack] },
    { tag: Tag.SamplesPerPixel, type: FieldType.SHORT, values: [spp] },
    { tag: Tag.PlanarConfiguration, type: FieldType.SHORT, values: [1] },
    { tag: Tag.SampleFormat, type: FieldType.SHORT, values: new Array<number>(spp).fill(info.format) },
  ];
  if (overview) entries.push({ tag: Tag.NewSubfileType, type: FieldType.LONG, values: [SUBFILE_REDUCED_RESOLUTION] });
  if (o.predictor !== 'none') entries.push({ tag: Tag.Predictor, type: FieldType.SHORT, values: [Predictor[o.predictor]] });
  const extra = spp - (rgb ? 3 : 1);
  // ExtraSamples 0: unspecified data, not alpha.
  if (extra > 0) entries.push({ tag: Tag.ExtraSamples, type: FieldType.SHORT, values: new Array<number>(extra).fill(0) });
  if (o.tiled) {
    entries.push(
      { tag: Tag.TileWidth, type: FieldType.SHORT, values: [blocks.blockWidth] },
      { tag: Tag.TileLength, type: FieldType.SHORT, values: [blocks.blockHeight] },
      { tag: Tag.TileOffsets, type: offsetType, values: placeholders },
      { tag: Tag.TileByteCounts, type: offsetType, values: placeholders },
    );
  } else {
    entries.push(
      { tag: Tag.RowsPerStrip, ...size(blocks.blockHeight) },
      { tag: Tag.StripOffsets, type: offsetType, values: placeholders },
      { tag: Tag.StripByteCounts, type: offsetType, values: placeholders },
    );
  }
  if (o.nodata !== undefined) entries.push({ tag: Tag.GdalNodata, type: FieldType.ASCII, values: gdalNodataText(o.nodata) });
  if (!overview) {
    entries.push(...georeferencingEntries(grid));
    const bands: BandMetadata[] = raster.bands.map((_, i) => ({ name: options.bandNames?.[i], unit: options.bandUnits?.[i] }));
    const xml = gdalMetadataXml(bands, options.metadata);
    if (xml !== undefined) entries.push({ tag: Tag.GdalMetadata, type: FieldType.ASCII, values: xml });
  }
  return entries.sort((a, b) => a.tag - b.tag);
}

/** The IFD of a level's internal mask (GDAL's TIFF mask: 1 bit, transparency-mask photometric). */
function maskIfdEntries(o: ResolvedOptions, planned: PlannedLevel, overview: boolean, format: TiffFormat): IfdEntry[] {
  const { level, blocks } = planned;
  const size = (v: number) => ({ type: v > 65535 ? FieldType.LONG : FieldType.SHORT, values: [v] });
  const offsetType = format.bigTiff ? FieldType.LONG8 : FieldType.LONG;
  const placeholders = new Array<number>(blocks.across * blocks.down).fill(0);
  const entries: IfdEntry[] = [
    { tag: Tag.NewSubfileType, type: FieldType.LONG, values: [SUBFILE_MASK | (overview ? SUBFILE_REDUCED_RESOLUTION : 0)] },
    { tag: Tag.ImageWidth, ...size(level.width) },
    { tag: Tag.ImageLength, ...size(level.height) },
    { tag: Tag.BitsPerSample, type: FieldType.SHORT, values: [1] },
    { tag: Tag.Compression, type: FieldType.SHORT, values: [Compression[o.compression.method]] },
    { tag: Tag.PhotometricInterpretation, type: FieldType.SHORT, values: [Photometric.Mask] },
    { tag: Tag.SamplesPerPixel, type: FieldType.SHORT, values: [1] },
    { tag: Tag.PlanarConfiguration, type: FieldType.SHORT, values: [1] },
    { tag: Tag.SampleFormat, type: FieldType.SHORT, values: [1] },
  ];
  if (o.tiled) {
    entries.push(
      { tag: Tag.TileWidth, type: FieldType.SHORT, values: [blocks.blockWidth] },
      { tag: Tag.TileLength, type: FieldType.SHORT, values: [blocks.blockHeight] },
      { tag: Tag.TileOffsets, type: offsetType, values: placeholders },
      { tag: Tag.TileByteCounts, type: offsetType, values: placeholders },
    );
  } else {
    entries.push(
      { tag: Tag.RowsPerStrip, ...size(blocks.blockHeight) },
      { tag: Tag.StripOffsets, type: offsetType, values: placeholders },
      { tag: Tag.StripByteCounts, type: offsetType, values: placeholders },
    );
  }
  return entries.sort((a, b) => a.tag - b.tag);
}

/** The encoder's work before compression: options checked, levels built. */
export interface Plan {
  raster: Raster;
  grid: Grid;
  info: SampleTypeInfo;
  options: GeoTiffOptions;
  resolved: ResolvedOptions;
  levels: PlannedLevel[];
}

function plan(raster: Raster, grid: Grid, options: GeoTiffOptions): Plan {
  if (endianness() !== 'LE') throw new Error('The GeoTIFF encoder writes typed arrays as little-endian bytes and needs a little-endian machine');
  const info = SAMPLE_TYPES[raster.sampleType];
  if (!info) throw new CoverageError('InvalidGrid', `Unknown sample type '${raster.sampleType}'`);
  checkRaster(raster, grid, info);
  const resolved = resolveOptions(raster, info, options);
  // Fail on the CRS before any compression work.
  georeferencingEntries(grid);
  return { raster, grid, info, options, resolved, levels: planLevels(raster, info, resolved) };
}

/** A level's compressed blocks, and its mask's when it has one. */
export interface CompressedLevel {
  image: Buffer[];
  mask?: Buffer[];
}

function withBlockPositions(entries: IfdEntry[], offsets: number[], counts: number[]): IfdEntry[] {
  return entries.map((entry) => {
    if (entry.tag === Tag.TileOffsets || entry.tag === Tag.StripOffsets) return { ...entry, values: offsets };
    if (entry.tag === Tag.TileByteCounts || entry.tag === Tag.StripByteCounts) return { ...entry, values: counts };
    return entry;
  });
}

/**
 * Places every IFD and block and returns the file as a list of buffers: the header with all
 * IFDs (each level's image, then its mask), then each block (with its COG leader and trailer),
 * a mask block right after the image block it belongs to.
 */
export function layout(p: Plan, compressed: CompressedLevel[]): { chunks: Buffer[]; length: number } {
  const { resolved: o } = p;
  const hasMask = compressed[0]!.mask !== undefined;
  const ghost = o.cog ? ghostHeader(hasMask) : '';
  const perBlock = o.cog ? 8 : 0;
  const sum = (blocks: Buffer[] | undefined) => (blocks ?? []).reduce((s, b) => s + b.length + perBlock, 0);
  const dataBytes = compressed.reduce((total, level) => total + sum(level.image) + sum(level.mask), 0);
  const build = (format: TiffFormat) => {
    // IFD order: level 0 image, level 0 mask, level 1 image, ...
    const ifds: IfdEntry[][] = [];
    p.levels.forEach((level, i) => {
      ifds.push(ifdEntries(p.raster, p.grid, p.info, o, p.options, level, i > 0, format));
      if (hasMask) ifds.push(maskIfdEntries(o, level, i > 0, format));
    });
    let position = headerByteLength(format) + ghost.length;
    position += position & 1;
    const ifdPositions: number[] = [];
    for (const entries of ifds) {
      ifdPositions.push(position);
      position += ifdByteLength(entries, format);
    }
    return { format, ifds, ifdPositions, dataStart: position };
  };
  let built = build({ bigTiff: o.bigTiff === true });
  if (o.bigTiff === 'auto' && built.dataStart + dataBytes > CLASSIC_LIMIT) built = build({ bigTiff: true });
  if (!built.format.bigTiff && built.dataStart + dataBytes > CLASSIC_LIMIT) {
    throw invalid('The GeoTIFF would pass 4 GiB: it needs BigTIFF');
  }
  const { format, ifds, ifdPositions, dataStart } = built;

  const chunks: Buffer[] = [];
  let position = dataStart;
  const place = (block: Buffer): number => {
    if (o.cog) {
      const leader = Buffer.alloc(4);
      leader.writeUInt32LE(block.length);
      chunks.push(leader);
      position += 4;
    }
    const at = position;
    chunks.push(block);
    position += block.length;
    if (o.cog) {
      const trailer = Buffer.alloc(4);
      block.copy(trailer, 0, Math.max(0, block.length - 4));
      chunks.push(trailer);
      position += 4;
    }
    return at;
  };
  // Blocks: the full resolution last in a COG, smallest overview first.
  const order = o.cog ? p.levels.map((_, i) => p.levels.length - 1 - i) : [0];
  const ifdsPerLevel = hasMask ? 2 : 1;
  for (const li of order) {
    const { image, mask } = compressed[li]!;
    const imageOffsets: number[] = [];
    const maskOffsets: number[] = [];
    image.forEach((block, b) => {
      imageOffsets.push(place(block));
      if (mask) maskOffsets.push(place(mask[b]!));
    });
    const at = li * ifdsPerLevel;
    ifds[at] = withBlockPositions(ifds[at]!, imageOffsets, image.map((b) => b.length));
    if (mask) ifds[at + 1] = withBlockPositions(ifds[at + 1]!, maskOffsets, mask.map((b) => b.length));
  }

  const head = Buffer.alloc(dataStart);
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  writeHeader(view, format, ifdPositions[0]!);
  if (o.cog) head.write(ghost, headerByteLength(format), 'latin1');
  ifds.forEach((entries, i) => writeIfd(view, ifdPositions[i]!, entries, format, ifdPositions[i + 1] ?? 0));
  return { chunks: [head, ...chunks], length: position };
}

function compressAll(p: Plan): CompressedLevel[] {
  const settings = p.resolved.compression;
  // Uncompressed blocks are the bytes themselves: those must not be a reused scratch.
  const reuse = settings.method !== 'none';
  return p.levels.map((level) => ({
    image: Array.from(levelBlocks(level, p.info, p.resolved, reuse ? blockScratch(level, p.info) : undefined), (b) => compressBlock(b.bytes, b.rowBytes, settings)),
    mask: level.level.mask ? Array.from(maskBlocks(level, p.resolved), (b) => compressBlock(b.bytes, b.rowBytes, settings)) : undefined,
  }));
}

/** Encodes a raster on its grid as a GeoTIFF file (a COG with `cog: true`). */
export function encodeGeoTiff(raster: Raster, grid: Grid, options: GeoTiffOptions = {}): Buffer {
  const p = plan(raster, grid, options);
  const { chunks, length } = layout(p, compressAll(p));
  return Buffer.concat(chunks, length);
}

/**
 * The same file as a sequence of buffers (header and IFDs, then each block), to write to a
 * stream without joining them into one Buffer (and past Buffer's size limit).
 */
export function* encodeGeoTiffChunks(raster: Raster, grid: Grid, options: GeoTiffOptions = {}): Generator<Buffer> {
  const p = plan(raster, grid, options);
  yield* layout(p, compressAll(p)).chunks;
}

/**
 * The same file, with deflate run on libuv's thread pool so blocks compress in parallel (the
 * event loop stays free meanwhile). Same bytes as encodeGeoTiff.
 */
export async function encodeGeoTiffAsync(raster: Raster, grid: Grid, options: GeoTiffOptions = {}): Promise<Buffer> {
  const { chunks, length } = await encodeGeoTiffAsyncChunks(raster, grid, options);
  return Buffer.concat(chunks, length);
}

/** encodeGeoTiffAsync's file as its buffers (header and IFDs, then each block), not joined. */
export async function encodeGeoTiffAsyncChunks(raster: Raster, grid: Grid, options: GeoTiffOptions = {}): Promise<{ chunks: Buffer[]; length: number }> {
  const p = plan(raster, grid, options);
  const settings = p.resolved.compression;
  // Predicted bytes in pooled buffers while their deflate runs (not for uncompressed blocks,
  // which are those bytes), given back once the file's blocks are all compressed.
  const taken: ArrayBuffer[] = [];
  const next = (level: PlannedLevel) => {
    const size = blockBytes(level, p.info);
    return () => {
      const buffer = scratchBuffers.take(size);
      taken.push(buffer);
      return new Uint8Array(buffer, 0, size);
    };
  };
  try {
    const compressed = await Promise.all(
      p.levels.map(async (level) => ({
        image: await Promise.all(Array.from(levelBlocks(level, p.info, p.resolved, settings.method !== 'none' ? next(level) : undefined), (b) => compressBlockAsync(b.bytes, b.rowBytes, settings))),
        mask: level.level.mask ? await Promise.all(Array.from(maskBlocks(level, p.resolved), (b) => compressBlockAsync(b.bytes, b.rowBytes, settings))) : undefined,
      })),
    );
    return layout(p, compressed);
  } finally {
    for (const buffer of taken) scratchBuffers.give(buffer);
  }
}
