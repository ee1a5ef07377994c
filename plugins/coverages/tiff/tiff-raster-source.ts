/**
 * A GeoTIFF / COG as a RasterSource: opened once (IFDs, georeferencing and GDAL metadata parsed,
 * tile indexes loaded), then windows of any level read from decoded blocks kept in a shared
 * TileCache. Block reads close together in the file are joined into one range read, and a
 * block wanted by several reads at once (of this source or another of the same id) is read and
 * decoded once.
 */
import { GeoTIFF, type ImageFileDirectory } from 'geotiff';
import { CoverageError, isCoverageError } from '../errors.js';
import type { PixelWindow, RasterSource, ReadWindowOptions, SourceLevel } from '../raster-source.js';
import type { BandDescription, GeoTransform, Raster, SampleArray, SampleType } from '../types.js';
import { makeBlockDecoder, SAMPLE_ARRAYS, type BlockDecoder } from './block-decoder.js';
import { finiteNumber, parseGdalMetadata, parseNodata, type GdalMetadata } from './gdal-metadata.js';
import { crsOf, geoTransformOf, readGeoKeys, scaleTransform } from './georeferencing.js';
import { HeaderSource } from './header-source.js';
import type { RangeReader } from './range-reader.js';
import type { DecodedBlock, TileCache } from './tile-cache.js';
import {
  blockLocation, blocksPerPlane, describeImage, isMask, Photometric, pickLevels, Tag, tagString, tagValue,
  UnsupportedTiff, type BlockLocation, type TiffImage,
} from './tiff-image.js';

export interface OpenTiffOptions {
  cache: TileCache;
  /** The source's id (and its blocks' cache key) when not the reader's: e.g. the engine's own key for the file and version. */
  id?: string;
  /** Largest gap between two blocks read as one range; default the reader's hint, else 64 KiB. */
  coalesceGapBytes?: number;
  /** Largest single range read when joining blocks. Default 8 MiB. */
  maxReadBytes?: number;
}

/** Counters of the work a source did (for metrics and tests). */
export interface TiffReadStats {
  /** Range reads of block data (header reads at open excluded). */
  reads: number;
  bytesRead: number;
  blocksDecoded: number;
}

interface PendingBlock {
  key: string;
  location: BlockLocation;
  resolve(block: DecodedBlock): void;
  reject(err: unknown): void;
}

interface BlockRef {
  plane: number;
  bx: number;
  by: number;
}

const MASK_VALID = 255;
const TEXT_TAGS: Array<[number, string]> = [
  [269, 'TIFFTAG_DOCUMENTNAME'], [270, 'TIFFTAG_IMAGEDESCRIPTION'], [305, 'TIFFTAG_SOFTWARE'], [306, 'TIFFTAG_DATETIME'],
  [315, 'TIFFTAG_ARTIST'], [316, 'TIFFTAG_HOSTCOMPUTER'], [33432, 'TIFFTAG_COPYRIGHT'],
];
const GEOTIFF_SOURCE = (source: HeaderSource) => source as unknown as Parameters<typeof GeoTIFF.fromSource>[0];

/**
 * Opens a GeoTIFF through `reader` (or the promise of one, as fileRangeReader and httpRangeReader
 * return). The source owns the reader from then on: `close()` closes it, and so does a failure to open.
 */
export async function openTiff(readerOrPromise: RangeReader | Promise<RangeReader>, options: OpenTiffOptions): Promise<TiffRasterSource> {
  const reader = await readerOrPromise;
  try {
    return await openOrThrow(reader, options);
  } catch (err) {
    await reader.close?.().catch(() => undefined);
    if (isCoverageError(err)) throw err;
    const message = err instanceof UnsupportedTiff ? err.message : `not a readable GeoTIFF: ${(err as Error).message}`;
    throw new CoverageError('SourceUnreadable', `${options.id ?? reader.id}: ${message}`, { cause: err });
  }
}

async function openOrThrow(reader: RangeReader, options: OpenTiffOptions): Promise<TiffRasterSource> {
  const header = new HeaderSource(reader, await reader.size());
  try {
    const tiff = await GeoTIFF.fromSource(GEOTIFF_SOURCE(header));
    // Every tag, tile indexes included, loaded now while the header blocks are at hand (this also
    // reads arrays in the file's byte order, which geotiff's lazy arrays do not for big-endian files).
    tiff.parser.eager = true;
    const ifds: ImageFileDirectory[] = [];
    const seen = new Set<number>();
    for (let offset = tiff.firstIFDOffset; offset !== 0 && !seen.has(offset) && ifds.length < 1000;) {
      seen.add(offset);
      const ifd = await tiff.parser.parseFileDirectoryAt(offset);
      ifds.push(ifd);
      offset = ifd.nextIFDByteOffset;
    }
    if (ifds.length === 0) throw new UnsupportedTiff('the file has no image');
    const images: TiffImage[] = [];
    const masks: TiffImage[] = [];
    ifds.forEach((ifd, index) => {
      try {
        if (isMask(ifd)) masks.push(describeImage(ifd, index, tiff.littleEndian, true));
        else images.push(describeImage(ifd, index, tiff.littleEndian));
      } catch (err) {
        if (index === 0) throw err; // the image itself; other pages and odd masks are left out
      }
    });
    const levels = pickLevels(images);
    // GDAL's internal masks (per dataset): one for each level, of the level's size.
    const levelMasks = levels.map((level) => masks.find((m) => m.width === level.width && m.height === level.height));
    const main = ifds[levels[0]!.ifd]!;
    const geoKeys = readGeoKeys(main);
    const crs = crsOf(geoKeys);
    const transform = geoTransformOf(main, geoKeys);
    const metadata = parseGdalMetadata(tagString(main, Tag.GdalMetadata));
    // As GDAL reports them in the default domain: baseline TIFF text tags, and AREA_OR_POINT.
    for (const [tag, name] of TEXT_TAGS) {
      const text = tagString(main, tag);
      if (text !== undefined && !metadata.dataset.has(name)) metadata.dataset.set(name, text);
    }
    metadata.dataset.set('AREA_OR_POINT', geoKeys.get(1025) === 2 ? 'Point' : 'Area');
    const nodata = parseNodata(tagString(main, Tag.GdalNodata));
    const decoders = await Promise.all(levels.map((level) => makeBlockDecoder(level)));
    const maskDecoders = await Promise.all(levelMasks.map((mask) => (mask ? makeBlockDecoder(mask) : undefined)));
    const colorMap = tagValue(main, Tag.ColorMap);
    return new TiffRasterSource(reader, options, {
      crs, transform, levels, decoders, masks: levelMasks, maskDecoders, metadata, nodata,
      colorMap: colorMap instanceof Uint16Array ? colorMap : undefined,
    });
  } finally {
    await header.close();
  }
}

interface ParsedTiff {
  crs: string;
  transform: GeoTransform;
  levels: TiffImage[];
  decoders: BlockDecoder[];
  masks: Array<TiffImage | undefined>;
  maskDecoders: Array<BlockDecoder | undefined>;
  metadata: GdalMetadata;
  nodata?: number;
  colorMap?: Uint16Array;
}

/** The blocks of one image (a level, or a level's mask) with what decodes them and their cache keys. */
interface BlockSet {
  image: TiffImage;
  decoder: BlockDecoder;
  keyPrefix: string;
  /** For messages: 'level 2', 'mask of level 0'. */
  name: string;
  /** What a block the file does not store holds. */
  fill: number;
}

export class TiffRasterSource implements RasterSource {
  readonly id: string;
  readonly crs: string;
  readonly width: number;
  readonly height: number;
  readonly transform: GeoTransform;
  readonly levels: SourceLevel[];
  readonly bands: BandDescription[];
  readonly sampleType: SampleType;
  readonly nodata?: number;
  /** Dataset metadata as GDAL's default domain has it: GDAL_METADATA items, TIFFTAG_DATETIME and other text tags, AREA_OR_POINT. */
  readonly metadata: ReadonlyMap<string, string>;
  /** Whether the file has GDAL's internal (per-dataset) mask: pixels it marks 0 are masked. */
  readonly hasMask: boolean;
  /** A palette file's TIFF ColorMap: all reds, then greens, then blues, 16 bits each (2^bits entries each). */
  readonly colorMap?: Uint16Array;
  readonly stats: TiffReadStats = { reads: 0, bytesRead: 0, blocksDecoded: 0 };

  private readonly sets: BlockSet[];
  private readonly maskSets: Array<BlockSet | undefined>;
  private readonly cache: TileCache;
  private readonly gap: number;
  private readonly maxRead: number;
  /** What pixels outside the image, masked ones and sparse blocks hold. */
  private readonly fill: number;
  /** The nodata value as the samples hold it (rounded to float32 for float32 data). */
  private readonly nodataSample?: number;

  constructor(private readonly reader: RangeReader, options: OpenTiffOptions, parsed: ParsedTiff) {
    const main = parsed.levels[0]!;
    this.id = options.id ?? reader.id;
    this.crs = parsed.crs;
    this.width = main.width;
    this.height = main.height;
    this.transform = parsed.transform;
    this.sampleType = main.sampleType;
    this.nodata = parsed.nodata;
    this.metadata = parsed.metadata.dataset;
    this.colorMap = parsed.colorMap;
    this.levels = parsed.levels.map((image) => ({
      width: image.width,
      height: image.height,
      transform: image === main ? parsed.transform : scaleTransform(parsed.transform, main.width, main.height, image.width, image.height),
    }));
    this.bands = describeBands(main, parsed.metadata, parsed.nodata);
    this.cache = options.cache;
    this.gap = options.coalesceGapBytes ?? reader.coalesceGapBytes ?? 64 * 1024;
    this.maxRead = options.maxReadBytes ?? 8 * 1024 * 1024;
    this.fill = parsed.nodata !== undefined && sampleHolds(main.sampleType, parsed.nodata) ? parsed.nodata : 0;
    if (parsed.nodata !== undefined) this.nodataSample = main.sampleType === 'float32' ? Math.fround(parsed.nodata) : parsed.nodata;
    this.sets = parsed.levels.map((image, level) => ({
      image, decoder: parsed.decoders[level]!, keyPrefix: `${this.id}\u0000${level}\u0000`, name: `level ${level}`, fill: this.fill,
    }));
    this.maskSets = parsed.masks.map((image, level) => {
      const decoder = parsed.maskDecoders[level];
      if (!image || !decoder) return undefined;
      return { image, decoder, keyPrefix: `${this.id}\u0000m${level}\u0000`, name: `the mask of level ${level}`, fill: 0 };
    });
    this.hasMask = this.maskSets.some((set) => set !== undefined);
  }

  async close(): Promise<void> {
    await this.reader.close?.();
  }

  async readWindow(level: number, window: PixelWindow, bands: number[], options: ReadWindowOptions = {}): Promise<Raster> {
    const set = this.sets[level];
    if (!set) throw new CoverageError('InvalidGrid', `level ${level} does not exist (the source has ${this.sets.length})`);
    const image = set.image;
    const { x, y, width: w, height: h } = window;
    if (![x, y, w, h].every(Number.isInteger) || w <= 0 || h <= 0) {
      throw new CoverageError('InvalidGrid', `pixel window ${JSON.stringify(window)} is not a rectangle of whole pixels`);
    }
    for (const band of bands) {
      if (!Number.isInteger(band) || band < 0 || band >= image.samplesPerPixel) {
        throw new CoverageError('NoSuchBand', `band index ${band} does not exist (the source has ${image.samplesPerPixel} bands)`);
      }
    }
    const Samples = SAMPLE_ARRAYS[this.sampleType];
    const n = w * h;
    const pool = options.pool;
    const out: SampleArray[] = bands.map(() => (pool ? new Samples(pool.take(n * Samples.BYTES_PER_ELEMENT), 0, n) : new Samples(n)));
    // The part of the window inside the level.
    const x0 = Math.max(x, 0);
    const y0 = Math.max(y, 0);
    const x1 = Math.min(x + w, image.width);
    const y1 = Math.min(y + h, image.height);
    const inside = x1 > x0 && y1 > y0;
    const partial = x0 !== x || y0 !== y || x1 !== x + w || y1 !== y + h;
    // Pixels outside the level hold the fill (a pooled buffer holds anything; a new one zeros).
    if (partial && (this.fill !== 0 || pool)) for (const band of out) band.fill(this.fill);
    const clip: Clip = { x, y, w, x0, y0, x1, y1 };

    const maskSet = this.maskSets[level];
    let fileMask: Promise<Uint8Array | undefined> | undefined;
    if (inside && maskSet) fileMask = this.readMask(maskSet, clip, n);
    if (inside && bands.length > 0) {
      const planes = image.planar ? [...new Set(bands)] : [0];
      const refs = blockRefs(image, clip, planes);
      const blocks = await this.blocks(set, refs);
      for (let i = 0; i < refs.length; i++) {
        const ref = refs[i]!;
        for (let j = 0; j < bands.length; j++) {
          if (image.planar && bands[j] !== ref.plane) continue;
          copyBlock(image, ref, blocks[i]!, image.planar ? 0 : bands[j]!, out[j]!, clip);
        }
      }
    }

    let mask: Uint8Array | undefined;
    if (partial) {
      mask = new Uint8Array(n);
      for (let r = y0; r < y1; r++) mask.fill(MASK_VALID, (r - y) * w + (x0 - x), (r - y) * w + (x1 - x));
    }
    if (inside && this.nodataSample !== undefined && out.length > 0) {
      mask = maskNodata(out, mask, this.nodataSample, w, h, x1 - x0, x0 - x, y0 - y, y1 - y0);
    }
    const masked = fileMask ? await fileMask : undefined;
    if (masked) {
      if (!mask) mask = masked;
      else for (let i = 0; i < n; i++) if (masked[i] === 0) mask[i] = 0;
      if (this.fill !== 0) for (const band of out) for (let i = 0; i < n; i++) if (masked[i] === 0) band[i] = this.fill;
    }
    const raster: Raster = { width: w, height: h, sampleType: this.sampleType, bands: out };
    if (mask) raster.mask = mask;
    if (this.nodata !== undefined) raster.nodata = this.nodata;
    return raster;
  }

  /** The file's mask over the window (255 outside the level: edges are masked apart), undefined when it masks nothing there. */
  private async readMask(set: BlockSet, clip: Clip, n: number): Promise<Uint8Array | undefined> {
    const refs = blockRefs(set.image, clip, [0]);
    const blocks = await this.blocks(set, refs);
    const bw = set.image.blockWidth;
    let mask: Uint8Array | undefined;
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      const bits = blocks[i]!.planes[0] as Uint8Array;
      const bx0 = ref.bx * bw;
      const by0 = ref.by * set.image.blockHeight;
      const cx0 = Math.max(clip.x0, bx0);
      const cx1 = Math.min(clip.x1, bx0 + bw);
      const cy0 = Math.max(clip.y0, by0);
      const cy1 = Math.min(clip.y1, by0 + blocks[i]!.rows);
      for (let r = cy0; r < cy1; r++) {
        const s = (r - by0) * bw - bx0;
        const d = (r - clip.y) * clip.w - clip.x;
        for (let c = cx0; c < cx1; c++) {
          if (bits[s + c] !== 0) continue;
          if (!mask) mask = new Uint8Array(n).fill(MASK_VALID);
          mask[d + c] = 0;
        }
      }
    }
    return mask;
  }

  /** The decoded blocks, from the cache, from a read already under way, or read now. */
  private blocks(set: BlockSet, refs: BlockRef[]): Promise<DecodedBlock[]> {
    const { image, decoder, keyPrefix } = set;
    const perPlane = blocksPerPlane(image);
    const found: Array<DecodedBlock | Promise<DecodedBlock>> = [];
    const missing: PendingBlock[] = [];
    for (const ref of refs) {
      const key = keyPrefix + (ref.plane * perPlane + ref.by * image.blocksAcross + ref.bx);
      const known = this.cache.get(key);
      if (known) {
        found.push(known);
        continue;
      }
      const location = blockLocation(image, ref.plane, ref.bx, ref.by);
      if (location.length === 0) {
        found.push(decoder.empty(location.rows, set.fill));
        continue;
      }
      let pending!: PendingBlock;
      const promise = new Promise<DecodedBlock>((resolve, reject) => {
        pending = { key, location, resolve, reject };
      });
      promise.catch(() => undefined); // a failure reaches every reader through Promise.all; none is left unhandled
      this.cache.pending(key, promise);
      missing.push(pending);
      found.push(promise);
    }
    if (missing.length > 0) void this.readBlocks(set, missing);
    return Promise.all(found);
  }

  /** Reads missing blocks in as few ranges as cheap (gaps below `gap` bytes read through). */
  private async readBlocks(set: BlockSet, missing: PendingBlock[]): Promise<void> {
    missing.sort((a, b) => a.location.offset - b.location.offset);
    const groups: PendingBlock[][] = [];
    let group: PendingBlock[] = [];
    let start = 0;
    let end = 0;
    for (const block of missing) {
      const blockEnd = block.location.offset + block.location.length;
      if (group.length > 0 && block.location.offset - end <= this.gap && Math.max(end, blockEnd) - start <= this.maxRead) {
        group.push(block);
        end = Math.max(end, blockEnd);
        continue;
      }
      if (group.length > 0) groups.push(group);
      group = [block];
      start = block.location.offset;
      end = blockEnd;
    }
    groups.push(group);
    await Promise.all(groups.map((g) => this.readGroup(set, g)));
  }

  private async readGroup(set: BlockSet, group: PendingBlock[]): Promise<void> {
    const start = group[0]!.location.offset;
    const end = Math.max(...group.map((b) => b.location.offset + b.location.length));
    let bytes: Uint8Array;
    try {
      bytes = await this.reader.read(start, end - start);
      this.stats.reads++;
      this.stats.bytesRead += bytes.length;
    } catch (err) {
      for (const block of group) this.settle(block, undefined, this.failure(set, block, err));
      return;
    }
    for (const block of group) {
      const { offset, length, rows } = block.location;
      try {
        const decoded = await set.decoder.decode(bytes.subarray(offset - start, offset - start + length), rows);
        this.stats.blocksDecoded++;
        this.settle(block, decoded);
      } catch (err) {
        this.settle(block, undefined, this.failure(set, block, err));
      }
    }
  }

  private settle(block: PendingBlock, decoded?: DecodedBlock, err?: unknown): void {
    if (decoded) block.resolve(decoded);
    else block.reject(err);
  }

  private failure(set: BlockSet, block: PendingBlock, err: unknown): CoverageError {
    if (isCoverageError(err)) return err;
    const where = `${set.name}, bytes ${block.location.offset}+${block.location.length}`;
    return new CoverageError('SourceUnreadable', `${this.id}: cannot read the block at ${where}: ${(err as Error).message}`, { cause: err });
  }
}

/** A window (top-left x, y, width w) and its part inside the level, [x0, x1) x [y0, y1). */
interface Clip {
  x: number;
  y: number;
  w: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function blockRefs(image: TiffImage, clip: Clip, planes: number[]): BlockRef[] {
  const refs: BlockRef[] = [];
  const bw = image.blockWidth;
  const bh = image.blockHeight;
  for (const plane of planes) {
    for (let by = Math.floor(clip.y0 / bh); by <= Math.floor((clip.y1 - 1) / bh); by++) {
      for (let bx = Math.floor(clip.x0 / bw); bx <= Math.floor((clip.x1 - 1) / bw); bx++) refs.push({ plane, bx, by });
    }
  }
  return refs;
}

/** Copies the part of one block's plane inside the window. */
function copyBlock(image: TiffImage, ref: BlockRef, block: DecodedBlock, plane: number, dst: SampleArray, clip: Clip): void {
  const bw = image.blockWidth;
  const bx0 = ref.bx * bw;
  const by0 = ref.by * image.blockHeight;
  const cx0 = Math.max(clip.x0, bx0);
  const cx1 = Math.min(clip.x1, bx0 + bw);
  const cy0 = Math.max(clip.y0, by0);
  const cy1 = Math.min(clip.y1, by0 + block.rows);
  if (cx1 <= cx0 || cy1 <= cy0) return;
  copyRows(block.planes[plane]!, (cy0 - by0) * bw + (cx0 - bx0), bw, dst, (cy0 - clip.y) * clip.w + (cx0 - clip.x), clip.w, cx1 - cx0, cy1 - cy0);
}

/** Copies a rectangle row by row: TypedArray.set (memcpy) for rows long enough to be worth it. */
function copyRows(src: SampleArray, srcStart: number, srcStride: number, dst: SampleArray, dstStart: number, dstStride: number, width: number, rows: number): void {
  if (width === srcStride && width === dstStride) {
    (dst as Float64Array).set((src as Float64Array).subarray(srcStart, srcStart + width * rows), dstStart);
    return;
  }
  let s = srcStart;
  let d = dstStart;
  if (width >= 16) {
    for (let r = 0; r < rows; r++, s += srcStride, d += dstStride) (dst as Float64Array).set((src as Float64Array).subarray(s, s + width), d);
    return;
  }
  for (let r = 0; r < rows; r++, s += srcStride, d += dstStride) {
    for (let c = 0; c < width; c++) dst[d + c] = src[s + c]!;
  }
}

/**
 * Sets the mask to 0 where every band read holds nodata (GDAL's unified nodata: a pixel with one
 * band at the nodata value and others not, like pure red in RGB with nodata 0, is data). Allocates
 * the mask only when a nodata pixel turns up.
 */
function maskNodata(
  bands: SampleArray[], mask: Uint8Array | undefined, nodata: number,
  w: number, h: number, cols: number, col0: number, row0: number, rows: number,
): Uint8Array | undefined {
  const isNaNNodata = Number.isNaN(nodata);
  const first = bands[0]!;
  const others = bands.slice(1);
  for (let r = row0; r < row0 + rows; r++) {
    const start = r * w + col0;
    const end = start + cols;
    for (let i = start; i < end; i++) {
      const v = first[i]!;
      if (isNaNNodata ? v === v : v !== nodata) continue;
      let all = true;
      for (const band of others) {
        const u = band[i]!;
        if (isNaNNodata ? u === u : u !== nodata) {
          all = false;
          break;
        }
      }
      if (!all) continue;
      if (!mask) mask = new Uint8Array(w * h).fill(MASK_VALID);
      mask[i] = 0;
    }
  }
  return mask;
}

const INTEGER_RANGES: Partial<Record<SampleType, [number, number]>> = {
  uint8: [0, 255], int8: [-128, 127], uint16: [0, 65535], int16: [-32768, 32767],
  uint32: [0, 4294967295], int32: [-2147483648, 2147483647],
};

function sampleHolds(type: SampleType, value: number): boolean {
  const range = INTEGER_RANGES[type];
  if (!range) return true;
  return Number.isInteger(value) && value >= range[0] && value <= range[1];
}

function describeBands(image: TiffImage, metadata: GdalMetadata, nodata: number | undefined): BandDescription[] {
  const bands: BandDescription[] = [];
  for (let b = 0; b < image.samplesPerPixel; b++) {
    const md = metadata.bands.get(b);
    const description = md?.roles.get('description') || undefined;
    const band: BandDescription = { name: description ?? `band${b + 1}`, sampleType: image.sampleType };
    if (description) band.description = description;
    if (nodata !== undefined) band.nodata = nodata;
    const scale = finiteNumber(md?.roles.get('scale'));
    const offset = finiteNumber(md?.roles.get('offset'));
    if (scale !== undefined) band.scale = scale;
    if (offset !== undefined) band.offset = offset;
    const unit = md?.roles.get('unittype');
    if (unit) band.unit = unit;
    band.colorInterpretation = md?.roles.get('colorinterp')?.toLowerCase() ?? colorInterpretation(image, b);
    const range = INTEGER_RANGES[image.sampleType];
    const min = finiteNumber(md?.items.get('STATISTICS_MINIMUM'));
    const max = finiteNumber(md?.items.get('STATISTICS_MAXIMUM'));
    if (min !== undefined || range) band.min = min ?? range![0];
    if (max !== undefined || range) band.max = max ?? range![1];
    bands.push(band);
  }
  return bands;
}

/** What the TIFF's photometric interpretation and extra samples say a band is (as GDAL names it). */
function colorInterpretation(image: TiffImage, band: number): string {
  const extra = (first: number): string => {
    const kind = image.extraSamples[band - first];
    return kind === 1 || kind === 2 ? 'alpha' : 'undefined';
  };
  switch (image.photometric) {
    case Photometric.Rgb:
    case Photometric.YCbCr:
      if (image.samplesPerPixel >= 3) return band < 3 ? (['red', 'green', 'blue'] as const)[band]! : extra(3);
      return band === 0 ? 'gray' : extra(1);
    case Photometric.Separated:
      return image.samplesPerPixel >= 4 && band < 4 ? (['cyan', 'magenta', 'yellow', 'black'] as const)[band]! : 'undefined';
    case Photometric.Palette:
      return band === 0 ? 'palette' : 'undefined';
    default:
      return band === 0 ? 'gray' : extra(1);
  }
}
