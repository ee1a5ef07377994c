/**
 * What the warp stage reads from: one georeferenced raster with its overview levels. The TIFF
 * reader (tiff/) implements it for GeoTIFF/COG; warp/ consumes it. Internal to the engine.
 */
import type { BufferPool } from './buffer-pool.js';
import type { BandDescription, GeoTransform, Raster, SampleType } from './types.js';

export interface SourceLevel {
  width: number;
  height: number;
  /** The level's own geotransform (pixel corners; overviews have coarser pixels over the same area). */
  transform: GeoTransform;
}

/** A rectangle of pixels in one level, top-left at (x, y). May extend past the level's edges. */
export interface PixelWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface RasterSource {
  /** Stable id for caches: where the data is plus its version (mtime/etag). */
  readonly id: string;
  /** A CRS id the core registry resolves ('EPSG:32631'), x/y order. */
  readonly crs: string;
  readonly width: number;
  readonly height: number;
  readonly transform: GeoTransform;
  /** Full resolution first, then each overview, coarser and coarser. */
  readonly levels: SourceLevel[];
  readonly bands: BandDescription[];
  readonly sampleType: SampleType;
  readonly nodata?: number;
  /**
   * Reads a window of one level for the given band indexes (0-based), in the source's sample
   * type. Pixels outside the level, and nodata pixels, are 0 in the mask (set to `nodata` when
   * there is one). Decoded tiles come from a bounded cache.
   */
  readWindow(level: number, window: PixelWindow, bands: number[], options?: ReadWindowOptions): Promise<Raster>;
}

export interface ReadWindowOptions {
  /**
   * The bands' arrays are views of buffers taken from this pool (not their own ArrayBuffers):
   * for a window the caller consumes and then gives back (`pool.give(band.buffer)`).
   */
  pool?: BufferPool;
}
