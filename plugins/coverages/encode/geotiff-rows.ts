/**
 * A GeoTIFF written from rows as they are computed (WCPS results): every row of tiles (or
 * strip) is cut, predicted and deflated on libuv's pool as soon as its rows have arrived, so
 * only the compressed blocks are held, never the whole image. The file is the one
 * encodeGeoTiff writes for the same pixels and options, except that a COG (overviews need the
 * whole image) and an internal mask (masked pixels must already hold the nodata value) are not
 * offered, and edge tiles are padded with the nodata known when they were cut.
 */
import { CoverageError } from '../errors.js';
import type { Grid, SampleArray, SampleType } from '../types.js';
import { blockGrid, extractBlock, type BlockGrid } from './blocks.js';
import { compressBlockAsync } from './compression.js';
import { georeferencingEntries } from './georeferencing.js';
import { layout, levelBlocks, resolveOptions, type GeoTiffOptions, type Plan, type ResolvedOptions } from './geotiff.js';
import type { Level } from './overviews.js';
import { float32Difference, floatingPointDifference } from './predictor.js';
import { SAMPLE_TYPES, type SampleTypeInfo } from './sample-types.js';

/** Chunks of rows whose blocks may be compressing at once before write() waits. */
const CHUNKS_IN_FLIGHT = 2;

export class GeoTiffRowEncoder {
  private readonly info: SampleTypeInfo;
  private readonly resolved: ResolvedOptions;
  private readonly blocks: BlockGrid;
  private readonly shape: Plan['raster'];
  /** Compressed blocks in file order (row of blocks by row of blocks, left to right). */
  private readonly compressed: Array<Promise<Buffer>> = [];
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
  }

  /** Rows of a row of tiles (or of a strip): write() copies nothing when given multiples of it. */
  get chunkRows(): number {
    return this.blocks.blockHeight;
  }

  /** The next `rows` rows: one array per band of width * rows samples (read before this returns; the caller may reuse them). */
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
      }
    }
    for (; rows - r >= chunk; r += chunk) this.emit(bands.map((b) => b.subarray(r * width, (r + chunk) * width)), chunk);
    if (r < rows) {
      this.carry ??= bands.map(() => new this.info.array(chunk * width));
      this.carry.forEach((c, b) => c.set(bands[b]!.subarray(r * width, rows * width) as never, 0));
      this.carried = rows - r;
    }
    // Bounded work in flight: wait for the chunk before the last ones.
    const waitFor = this.chunks.length - CHUNKS_IN_FLIGHT;
    if (waitFor >= 0) await this.chunks[waitFor];
  }

  /** Cuts, predicts and starts compressing the blocks of one chunk of rows. */
  private emit(bands: SampleArray[], rows: number): void {
    const level: Level = { width: this.grid.width, height: rows, bands };
    const started: Array<Promise<Buffer>> = [];
    const o = this.resolved;
    const blocks = { ...this.blocks, down: 1 };
    if (o.tiled && o.predictor === 'floatingpoint' && bands.length === 1 && bands[0] instanceof Float32Array) {
      // One float32 band (WCPS results): full tiles are predicted straight from the rows, not cut out first.
      const { blockWidth: tw, blockHeight: th } = blocks;
      for (let bx = 0; bx < blocks.across; bx++) {
        const x0 = bx * tw;
        const bytes =
          rows === th && x0 + tw <= level.width
            ? float32Difference(bands[0], x0, level.width, th, tw, 1)
            : floatingPointDifference(extractBlock(level, blocks, bx, 0, this.info, true, o.nodata ?? 0) as Float32Array, tw, 1);
        started.push(compressBlockAsync(bytes, tw * 4, o.compression));
      }
    } else {
      for (const b of levelBlocks({ level, blocks }, this.info, o)) started.push(compressBlockAsync(b.bytes, b.rowBytes, o.compression));
    }
    this.compressed.push(...started);
    this.chunks.push(Promise.all(started));
    this.rows += rows;
  }

  /** The file, once every row was written; `nodata` (when given) replaces the one the encoder was made with, for the tag. */
  async finish(nodata?: number): Promise<Buffer> {
    if (this.carried > 0) {
      this.emit(this.carry!.map((c) => c.subarray(0, this.carried * this.grid.width)), this.carried);
      this.carried = 0;
    }
    if (this.rows !== this.grid.height) throw new CoverageError('InvalidGrid', `${this.rows} rows were written of the image's ${this.grid.height}`);
    const image = await Promise.all(this.compressed);
    const raster = { ...this.shape, nodata: nodata ?? this.shape.nodata };
    const resolved = nodata === undefined ? this.resolved : resolveOptions(raster, this.info, { ...this.options, nodata });
    const level: Level = { width: this.grid.width, height: this.grid.height, bands: this.shape.bands };
    const plan: Plan = { raster, grid: this.grid, info: this.info, options: this.options, resolved, levels: [{ level, blocks: this.blocks }] };
    const { chunks, length } = layout(plan, [{ image }]);
    return Buffer.concat(chunks, length);
  }
}
