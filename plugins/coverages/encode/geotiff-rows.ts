/**
 * A GeoTIFF written from rows as they are computed (WCPS results): every row of tiles (or
 * strip) is cut, predicted and deflated as soon as its rows have arrived, so only the
 * compressed blocks are held, never the whole image. The file is the one encodeGeoTiff writes
 * for the same pixels and options, except that a COG (overviews need the whole image) and an
 * internal mask (masked pixels must already hold the nodata value) are not offered, and edge
 * tiles are padded with the nodata known when they were cut.
 *
 * The blocks of a chunk are encoded by `encodeChunk` when one is given (the coverages engine's
 * worker pool: cutting, prediction and deflate leave the caller's thread, and the rows are
 * moved, not copied), else here with deflate on libuv's pool. Either gives the same bytes.
 */
import { CoverageError } from '../errors.js';
import type { Grid, SampleArray, SampleType } from '../types.js';
import { blockGrid, type BlockGrid } from './blocks.js';
import { compressBlock, compressBlockAsync } from './compression.js';
import { georeferencingEntries } from './georeferencing.js';
import { layout, levelBlocks, resolveOptions, type GeoTiffOptions, type Plan, type ResolvedOptions } from './geotiff.js';
import type { Level } from './overviews.js';
import { SAMPLE_TYPES, type SampleTypeInfo } from './sample-types.js';

/** Chunks of rows whose blocks may be compressing at once before write() waits. */
const CHUNKS_IN_FLIGHT = 2;

/** Rows of whole blocks (one or more rows of tiles, or strips), as plain data a worker thread can encode. */
export interface RowChunk {
  width: number;
  rows: number;
  sampleType: SampleType;
  /** The chunk's blocks: `down` rows of them. */
  blocks: BlockGrid;
  options: ResolvedOptions;
  /** One array per band of width * rows samples. */
  bands: SampleArray[];
}

/** Encodes a chunk's blocks somewhere else, resolving to the compressed blocks in file order. */
export type ChunkEncoder = (chunk: RowChunk) => Promise<Uint8Array[]>;

/**
 * The uncompressed (predicted) bytes of a chunk's blocks, row of blocks by row of blocks. With
 * `scratch`, a block's bytes may be written into it (full float32 tiles, 1-byte samples): each
 * block's bytes are then valid only until the next one is taken.
 */
function chunkBlocks(c: RowChunk, scratch?: Uint8Array): Generator<{ bytes: Uint8Array; rowBytes: number }> {
  const info = SAMPLE_TYPES[c.sampleType]!;
  const level: Level = { width: c.width, height: c.rows, bands: c.bands };
  return levelBlocks({ level, blocks: c.blocks }, info, c.options, scratch);
}

/** Predicted bytes of one tile at a time, reused by encodeRowChunk (one per thread: it compresses each at once). */
let scratch = new Uint8Array(0);

/** Cuts, predicts and compresses a chunk's blocks in this thread (what a pool worker runs). */
export function encodeRowChunk(c: RowChunk): Uint8Array[] {
  const tileBytes = c.blocks.blockWidth * c.blocks.blockHeight * c.bands.length * (SAMPLE_TYPES[c.sampleType]!.bits / 8);
  if (scratch.length < tileBytes) scratch = new Uint8Array(tileBytes);
  const out: Uint8Array[] = [];
  // Uncompressed bytes would be the scratch itself (or the caller's rows): copied.
  const none = c.options.compression.method === 'none';
  for (const b of chunkBlocks(c, scratch)) out.push(none ? new Uint8Array(b.bytes) : compressBlock(b.bytes, b.rowBytes, c.options.compression));
  return out;
}

export class GeoTiffRowEncoder {
  private readonly info: SampleTypeInfo;
  private readonly resolved: ResolvedOptions;
  private readonly blocks: BlockGrid;
  private readonly shape: Plan['raster'];
  /** Compressed blocks in file order (row of blocks by row of blocks, left to right), by chunk. */
  private readonly compressed: Array<Promise<Uint8Array[]>> = [];
  private readonly chunks: Array<Promise<unknown>> = [];
  /** Rows of a chunk not yet complete. */
  private carry: SampleArray[] | undefined;
  private carried = 0;
  private rows = 0;

  constructor(
    private readonly grid: Grid,
    sampleType: SampleType,
    bandCount: number,
    private readonly options: GeoTiffOptions,
    encodeChunk?: ChunkEncoder,
  ) {
    const info = SAMPLE_TYPES[sampleType];
    if (!info) throw new CoverageError('InvalidGrid', `Unknown sample type '${sampleType}'`);
    if (options.cog) throw new CoverageError('UnsupportedFormat', 'A COG needs the whole image for its overviews; it cannot be written row by row');
    const { width, height } = grid;
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new CoverageError('InvalidGrid', `A GeoTIFF needs at least one pixel, not ${width}x${height}`);
    if (bandCount < 1 || bandCount > 65535) throw new CoverageError('InvalidGrid', `A GeoTIFF needs 1 to 65535 bands, not ${bandCount}`);
    this.info = info;
    // The encoder's plan wants a raster: one of the right shape whose bands hold nothing.
    this.shape = { width, height, sampleType, bands: Array.from({ length: bandCount }, () => new info.array(0)), nodata: options.nodata };
    this.resolved = resolveOptions(this.shape, info, options);
    georeferencingEntries(grid);
    this.blocks = this.resolved.tiled ? blockGrid(width, height, this.resolved.tileWidth, this.resolved.tileHeight) : blockGrid(width, height, width, this.resolved.rowsPerStrip);
    // Uncompressed blocks are only cut: not worth moving to another thread.
    this.encodeChunk = this.resolved.compression.method === 'none' ? undefined : encodeChunk;
  }

  private readonly encodeChunk: ChunkEncoder | undefined;

  /**
   * Whether write() keeps the arrays it is given (they are moved to the thread that encodes
   * them): the caller must then not touch them again. Otherwise it has copied or used what it
   * needs when write() returns, and the caller may reuse them.
   */
  get takesRows(): boolean {
    return this.encodeChunk !== undefined;
  }

  /** Rows of a row of tiles (or of a strip): write() copies nothing when given multiples of it. */
  get chunkRows(): number {
    return this.blocks.blockHeight;
  }

  /**
   * The next `rows` rows: one array per band of width * rows samples. Read before this returns
   * (the caller may reuse them), or, when `takesRows`, kept (moved to the encoding thread).
   */
  async write(bands: SampleArray[], rows: number): Promise<void> {
    const { width } = this.grid;
    const chunk = this.blocks.blockHeight;
    if (bands.length !== this.shape.bands.length || bands.some((b) => b.length < width * rows)) throw new CoverageError('InvalidGrid', `Rows need ${this.shape.bands.length} bands of ${width * rows} samples`);
    if (this.rows + this.carried + rows > this.grid.height) throw new CoverageError('InvalidGrid', `More rows than the image's ${this.grid.height}`);
    let r = 0;
    if (this.carried > 0) {
      const take = Math.min(rows, chunk - this.carried);
      this.carry!.forEach((c, b) => c.set(bands[b]!.subarray(0, take * width) as never, this.carried * width));
      this.carried += take;
      r = take;
      if (this.carried === chunk) {
        this.emit(this.carry!, chunk);
        this.carried = 0;
        // Moved to the encoding thread: the next carry gets arrays of its own.
        if (this.encodeChunk) this.carry = undefined;
      }
    }
    const whole = Math.floor((rows - r) / chunk) * chunk;
    // The rows after the whole chunks go to the carry first: emitting may move the buffers away.
    const tail = r + whole;
    if (tail < rows) {
      this.carry ??= bands.map(() => new this.info.array(chunk * width));
      this.carry.forEach((c, b) => c.set(bands[b]!.subarray(tail * width, rows * width) as never, 0));
      this.carried = rows - tail;
    }
    if (whole > 0 && this.encodeChunk) {
      // All whole chunks of this write in one piece: their arrays share the caller's buffers, moved once.
      this.emit(bands.map((b) => b.subarray(r * width, tail * width)), whole);
    } else for (; r < tail; r += chunk) this.emit(bands.map((b) => b.subarray(r * width, (r + chunk) * width)), chunk);
    // Bounded work in flight: wait for the chunk before the last ones.
    const waitFor = this.chunks.length - CHUNKS_IN_FLIGHT;
    if (waitFor >= 0) await this.chunks[waitFor];
  }

  /** The chunk of the next `rows` rows without its bands: what an encoder elsewhere needs (computeRows). */
  chunkSpec(rows: number): Omit<RowChunk, 'bands'> {
    return { width: this.grid.width, rows, sampleType: this.shape.sampleType, blocks: { ...this.blocks, down: Math.ceil(rows / this.blocks.blockHeight) }, options: this.resolved };
  }

  /**
   * The next `rows` rows, encoded elsewhere from chunkSpec(rows): their compressed blocks in file
   * order, as they will arrive. They start at a row of blocks (no rows written before are
   * waiting for theirs) and are whole rows of blocks or the image's last rows.
   */
  async writeEncoded(rows: number, blocks: Promise<Uint8Array[]>, inFlight = CHUNKS_IN_FLIGHT): Promise<void> {
    if (this.carried > 0) throw new CoverageError('InvalidGrid', 'Encoded rows must start at a row of blocks');
    if (this.rows + rows > this.grid.height) throw new CoverageError('InvalidGrid', `More rows than the image's ${this.grid.height}`);
    if (rows % this.blocks.blockHeight !== 0 && this.rows + rows !== this.grid.height) throw new CoverageError('InvalidGrid', `Encoded rows are whole rows of blocks (${this.blocks.blockHeight}) or the last ones`);
    blocks.catch(() => undefined); // awaited below or by finish()
    this.compressed.push(blocks);
    this.chunks.push(blocks);
    this.rows += rows;
    const waitFor = this.chunks.length - inFlight;
    if (waitFor >= 0) await this.chunks[waitFor];
  }

  /** Cuts, predicts and starts compressing the blocks of whole rows of blocks (the last ones may be short). */
  private emit(bands: SampleArray[], rows: number): void {
    const chunk: RowChunk = { ...this.chunkSpec(rows), bands };
    const started = this.encodeChunk
      ? this.encodeChunk(chunk)
      : Promise.all(Array.from(chunkBlocks(chunk), (b) => compressBlockAsync(b.bytes, b.rowBytes, this.resolved.compression)));
    started.catch(() => undefined); // awaited by write() or finish()
    this.compressed.push(started);
    this.chunks.push(started);
    this.rows += rows;
  }

  /** The file, once every row was written; `nodata` (when given) replaces the one the encoder was made with, for the tag. */
  async finish(nodata?: number): Promise<Buffer> {
    if (this.carried > 0) {
      this.emit(this.carry!.map((c) => c.subarray(0, this.carried * this.grid.width)), this.carried);
      this.carried = 0;
    }
    if (this.rows !== this.grid.height) throw new CoverageError('InvalidGrid', `${this.rows} rows were written of the image's ${this.grid.height}`);
    const image = (await Promise.all(this.compressed)).flat().map((b) => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength)));
    const raster = { ...this.shape, nodata: nodata ?? this.shape.nodata };
    const resolved = nodata === undefined ? this.resolved : resolveOptions(raster, this.info, { ...this.options, nodata });
    const level: Level = { width: this.grid.width, height: this.grid.height, bands: this.shape.bands };
    const plan: Plan = { raster, grid: this.grid, info: this.info, options: this.options, resolved, levels: [{ level, blocks: this.blocks }] };
    const { chunks, length } = layout(plan, [{ image }]);
    return Buffer.concat(chunks, length);
  }
}
