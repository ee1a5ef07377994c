/**
 * The `coverages` service: what the WMS, WMTS, WCS (and later WCPS) plugins call. Rasters are
 * read, warped, rendered and encoded in a worker-thread pool; this contract is all a protocol
 * plugin sees. Everything here is in x/y (easting/longitude first) order; protocols convert axis
 * order at their edge (core/ows/crs/axis.ts).
 */
import type { Subject } from '../../core/auth/types.js';
import type { GeoJSONGeometry } from '../../core/filter/ast.js';

export type SampleType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';
export type SampleArray = Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** GDAL's geotransform: x = t[0] + col*t[1] + row*t[2]; y = t[3] + col*t[4] + row*t[5] (pixel corners). */
export type GeoTransform = [number, number, number, number, number, number];
/** [minx, miny, maxx, maxy] in x/y order. */
export type Bbox = [number, number, number, number];

/** A grid of pixels in a CRS: what a request asks to be filled, or a source's native grid. */
export interface Grid {
  /** A CRS id the core registry resolves ('EPSG:32631', 'EPSG:4326', 'CRS:84'); x/y order always. */
  crs: string;
  width: number;
  height: number;
  transform: GeoTransform;
}

/** Pixels in memory: one array per band, row-major, width*height samples each. */
export interface Raster {
  width: number;
  height: number;
  sampleType: SampleType;
  bands: SampleArray[];
  /** 255 where a pixel holds data, 0 where it has none (outside every source, or nodata); absent means all valid. */
  mask?: Uint8Array;
  /** The value written where the mask is 0, when the coverage has one. */
  nodata?: number;
}

export interface BandDescription {
  /** Band name (from GDAL metadata or the TIFF's band descriptions; `band1`... otherwise). */
  name: string;
  description?: string;
  sampleType: SampleType;
  nodata?: number;
  scale?: number;
  offset?: number;
  /** Unit of measure (UCUM where known: 'm', 'K', '1'). */
  unit?: string;
  /** Colour interpretation when the file says: 'red', 'green', 'blue', 'alpha', 'gray', 'undefined'. */
  colorInterpretation?: string;
  /** Least and greatest valid value when known (from the file's statistics or the sample type). */
  min?: number;
  max?: number;
}

export interface StyleDescription {
  name: string;
  title: string;
  abstract?: string;
  /** True for the style used when a request names none. */
  default: boolean;
}

export interface TimeDimension {
  /** Distinct instants with data, ISO 8601 UTC, ascending. */
  values: string[];
  /** Used when a request gives no time: the latest instant. */
  default: string;
}

export type CoverageKind = 'file' | 'mosaic' | 'series' | 'granule';

export interface CoverageDescription {
  /** Unique id: the layer name in WMS/WMTS, the CoverageId in WCS. NCName-safe. */
  id: string;
  title: string;
  abstract?: string;
  keywords: string[];
  kind: CoverageKind;
  /** The native grid at full resolution (of the whole mosaic for a mosaic or series). */
  grid: Grid;
  /** Native bbox (x/y order) and the same area in CRS:84. */
  bbox: Bbox;
  wgs84Bbox: Bbox;
  bands: BandDescription[];
  /** Pixel sizes of the overviews available, full resolution first (native CRS units, x then y). */
  resolutions: Array<[number, number]>;
  styles: StyleDescription[];
  time?: TimeDimension;
  /** For a series or a granule: the catalogue collection it comes from (EO-WCS DatasetSeries). */
  collection?: string;
  /** For a granule: the catalogue product id, its footprint (CRS:84 GeoJSON) and its parent coverage. */
  product?: string;
  footprint?: GeoJSONGeometry;
  parent?: string;
  owner?: string;
  /** Changes whenever the coverage's data or description change (a tile cache keys on it). */
  version: string;
  updated: string;
}

export type Resampling = 'nearest' | 'bilinear' | 'cubic';

/** What to read: a target grid (any CRS), which bands, and when. */
export interface ReadRequest {
  coverage: string;
  target: Grid;
  /** Band indexes (0-based) in the order wanted; all bands when absent. */
  bands?: number[];
  /** Inclusive interval (ISO 8601); for a series, the granules whose time falls in it, latest on top. Default: the time dimension's default. */
  time?: { begin: string; end: string };
  resampling?: Resampling;
  /** Sample type of the output; default the coverage's. */
  sampleType?: SampleType;
}

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface MapLayer {
  coverage: string;
  /** A style name of the coverage; its default when absent. */
  style?: string;
  time?: { begin: string; end: string };
}

/** A map: layers drawn in order (first at the bottom) on one grid, encoded as an image. */
export interface MapRequest {
  layers: MapLayer[];
  target: Grid;
  format: ImageFormat;
  /** Transparent background where no layer has data (PNG and WebP only). Default false. */
  transparent?: boolean;
  /** Background colour as 0xRRGGBB; default white. */
  bgcolor?: number;
  /** JPEG/WebP quality 1-100. */
  quality?: number;
  resampling?: Resampling;
}

export interface CoverageOutputRequest extends ReadRequest {
  format: 'geotiff' | ImageFormat;
  /** GeoTIFF options: compression, tiling (WCS GeoTIFF encoding extension). */
  geotiff?: {
    compression?: 'none' | 'deflate' | 'lzw' | 'packbits';
    predictor?: 'none' | 'horizontal' | 'floatingpoint';
    tiled?: boolean;
    tileWidth?: number;
    tileHeight?: number;
    /** Write overviews and order the file as a Cloud Optimized GeoTIFF. */
    cog?: boolean;
  };
  /** For PNG/JPEG output of data: the style to render with (default: the coverage's default style). */
  style?: string;
}

export interface EncodedOutput {
  body: Buffer;
  contentType: string;
  /** Suggested file name (WCS Content-Disposition). */
  filename?: string;
}

/** Pixel values under one point (WMS/WMTS GetFeatureInfo). */
export interface PointRequest {
  coverage: string;
  /** The point in `crs`, x/y order. */
  crs: string;
  x: number;
  y: number;
  time?: { begin: string; end: string };
}

export interface PointValues {
  coverage: string;
  /** Null when the point is outside the data or the pixel is nodata. */
  values: Array<{ band: string; value: number | null; unit?: string }> | null;
  /** The source pixel read (column, row at full resolution) and, for a series, the granule's time. */
  pixel?: { column: number; row: number };
  time?: string;
  product?: string;
}

export interface LegendRequest {
  coverage: string;
  style?: string;
  format: ImageFormat;
  width?: number;
  height?: number;
}

export interface GranuleQuery {
  /** CRS:84 bbox; granules whose footprint intersects it. */
  bbox?: Bbox;
  time?: { begin: string; end: string };
  /** 'overlaps' (default) or 'contains' (EO-WCS containment). */
  containment?: 'overlaps' | 'contains';
  limit?: number;
}

export interface CoverageChange {
  /** The coverage whose data or description changed, or was removed. */
  coverage: string;
  removed: boolean;
}

export interface CoveragesService {
  /** Top-level coverages the subject may read (files, mosaics, series; not granules), by id. */
  list(subject: Subject): Promise<CoverageDescription[]>;
  /** A coverage or granule by id; undefined when there is none or the subject may not read it. */
  get(id: string, subject: Subject): Promise<CoverageDescription | undefined>;
  /** The granules of a series or mosaic, as coverages of kind 'granule', latest first. */
  granules(id: string, query: GranuleQuery, subject: Subject): Promise<CoverageDescription[]>;
  /** Reads data on a target grid (exact source values when the grid matches the native one). */
  read(request: ReadRequest, subject: Subject): Promise<Raster>;
  /** Reads and encodes (WCS GetCoverage). */
  coverage(request: CoverageOutputRequest, subject: Subject): Promise<EncodedOutput>;
  /** Renders layers with their styles and encodes the map (WMS GetMap, WMTS GetTile). */
  map(request: MapRequest, subject: Subject): Promise<EncodedOutput>;
  pointValues(request: PointRequest, subject: Subject): Promise<PointValues>;
  legend(request: LegendRequest, subject: Subject): Promise<EncodedOutput>;
  /** Called after a coverage changes (config reload, catalogue write); returns an unsubscribe. */
  onChange(listener: (change: CoverageChange) => void): () => void;
  /** Largest number of cells (width*height*bands) one read may produce. */
  readonly limits: { maxCells: number; maxWidth: number; maxHeight: number };
}
