/**
 * Tile matrix sets: the two OGC 17-083r2 sets every WMTS client knows (WebMercatorQuad on the
 * GoogleMapsCompatible well-known scale set, WorldCRS84Quad with 2x1 tiles at level 0) and the
 * integrator's own from config. Everything here is in x/y (easting first) order; capabilities
 * convert the top-left corner to the CRS's axis order when they write it.
 */
import { requireCrs, type CrsDefinition } from '../../core/ows/index.js';
import type { Bbox, GeoTransform, Grid } from '../coverages/types.js';
import type { BuiltinTileMatrixSetId, CustomTileMatrixSetConfig, TileMatrixSetConfig } from './config.js';

/** The standardized rendering pixel size (OGC 07-057r7 §6.1): 0.28 mm. */
export const STANDARD_PIXEL_SIZE = 0.00028;
/** WGS 84 semi-major axis: the Web Mercator sphere, and the metres of a degree (2πa/360). */
const WGS84_A = 6378137;
export const METRES_PER_DEGREE = (2 * Math.PI * WGS84_A) / 360;
const WEB_MERCATOR_HALF = Math.PI * WGS84_A;

export interface TileMatrix {
  id: string;
  scaleDenominator: number;
  /** CRS units per pixel. */
  cellSize: number;
  /** x/y order. */
  topLeft: [number, number];
  tileWidth: number;
  tileHeight: number;
  matrixWidth: number;
  matrixHeight: number;
}

export interface TileMatrixSet {
  id: string;
  title: string;
  abstract?: string;
  crs: CrsDefinition;
  /** How ows:SupportedCRS names it (a URN, as WMTS 1.0 clients expect). */
  supportedCrs: string;
  wellKnownScaleSet?: string;
  /** Area covered, x/y order, in the set's CRS. */
  extent: Bbox;
  /** The same area in CRS84 (longitude, latitude): what a layer's wgs84Bbox is clipped to. */
  wgs84Extent: Bbox;
  matrices: TileMatrix[];
  builtIn: boolean;
}

/** Metres per CRS unit, for scale denominators (OGC 07-057r7 §6.1: degrees on the equator). */
export function metresPerUnit(crs: CrsDefinition): number {
  const unit = (crs.unit ?? '').toLowerCase();
  if (unit.startsWith('degree')) return METRES_PER_DEGREE;
  if (unit === 'metre' || unit === 'meter' || unit === 'm') return 1;
  if (unit === 'us survey foot') return 1200 / 3937;
  if (unit === 'foot' || unit === 'international foot') return 0.3048;
  if (unit === 'kilometre') return 1000;
  throw new Error(`CRS ${crs.id} has unit '${crs.unit ?? 'unknown'}': cannot derive scale denominators`);
}

function webMercatorQuad(maxLevel: number): TileMatrixSet {
  const crs = requireCrs('EPSG:3857').crs;
  const matrices: TileMatrix[] = [];
  for (let z = 0; z <= maxLevel; z++) {
    const cellSize = (2 * WEB_MERCATOR_HALF) / 256 / 2 ** z;
    matrices.push({
      id: String(z),
      scaleDenominator: cellSize / STANDARD_PIXEL_SIZE,
      cellSize,
      topLeft: [-WEB_MERCATOR_HALF, WEB_MERCATOR_HALF],
      tileWidth: 256,
      tileHeight: 256,
      matrixWidth: 2 ** z,
      matrixHeight: 2 ** z,
    });
  }
  // The latitude where the square Mercator world ends: atan(sinh(π)).
  const maxLat = (Math.atan(Math.sinh(Math.PI)) * 180) / Math.PI;
  return {
    id: 'WebMercatorQuad',
    title: 'Google Maps Compatible for the World',
    crs,
    supportedCrs: 'urn:ogc:def:crs:EPSG::3857',
    wellKnownScaleSet: 'urn:ogc:def:wkss:OGC:1.0:GoogleMapsCompatible',
    extent: [-WEB_MERCATOR_HALF, -WEB_MERCATOR_HALF, WEB_MERCATOR_HALF, WEB_MERCATOR_HALF],
    wgs84Extent: [-180, -maxLat, 180, maxLat],
    matrices,
    builtIn: true,
  };
}

function worldCrs84Quad(maxLevel: number): TileMatrixSet {
  const crs = requireCrs('OGC:CRS84').crs;
  const matrices: TileMatrix[] = [];
  for (let z = 0; z <= maxLevel; z++) {
    const cellSize = 180 / 256 / 2 ** z;
    matrices.push({
      id: String(z),
      scaleDenominator: (cellSize * METRES_PER_DEGREE) / STANDARD_PIXEL_SIZE,
      cellSize,
      topLeft: [-180, 90],
      tileWidth: 256,
      tileHeight: 256,
      matrixWidth: 2 ** (z + 1),
      matrixHeight: 2 ** z,
    });
  }
  return {
    id: 'WorldCRS84Quad',
    title: 'CRS84 for the World',
    crs,
    supportedCrs: 'urn:ogc:def:crs:OGC:1.3:CRS84',
    extent: [-180, -90, 180, 90],
    wgs84Extent: [-180, -90, 180, 90],
    matrices,
    builtIn: true,
  };
}

const BUILTIN: Record<BuiltinTileMatrixSetId, { build: (maxLevel: number) => TileMatrixSet; defaultMaxLevel: number; maxLevel: number }> = {
  WebMercatorQuad: { build: webMercatorQuad, defaultMaxLevel: 18, maxLevel: 24 },
  WorldCRS84Quad: { build: worldCrs84Quad, defaultMaxLevel: 17, maxLevel: 23 },
};

/** Matrices needed to cover `length` from the origin, allowing for rounding in the last digit. */
function tilesToCover(length: number, tileSpan: number): number {
  return Math.max(1, Math.ceil(length / tileSpan - 1e-9));
}

function customSet(config: CustomTileMatrixSetConfig, transformToCrs84: (bbox: Bbox, crs: CrsDefinition) => Bbox): TileMatrixSet {
  const where = `tile matrix set '${config.id}'`;
  const crs = requireCrs(config.crs, { transformable: true }).crs;
  const [minx, miny, maxx, maxy] = config.extent;
  if (!(minx < maxx && miny < maxy)) throw new Error(`${where}: extent must be [minx, miny, maxx, maxy] with min < max`);
  const topLeft: [number, number] = config.topLeftCorner ? [config.topLeftCorner[0], config.topLeftCorner[1]] : [minx, maxy];
  if (topLeft[0] > minx || topLeft[1] < maxy) throw new Error(`${where}: topLeftCorner must be left of and above the extent`);
  const unitMetres = metresPerUnit(crs);
  const cellSizes = config.resolutions ?? config.scaleDenominators!.map((s) => (s * STANDARD_PIXEL_SIZE) / unitMetres);
  for (let i = 1; i < cellSizes.length; i++) {
    if (!(cellSizes[i]! < cellSizes[i - 1]!)) throw new Error(`${where}: levels must go from coarsest to finest`);
  }
  const ids = config.matrixIds ?? cellSizes.map((_, i) => String(i));
  if (ids.length !== cellSizes.length) throw new Error(`${where}: ${ids.length} matrixIds for ${cellSizes.length} levels`);
  if (new Set(ids).size !== ids.length) throw new Error(`${where}: matrixIds repeat`);
  const tileWidth = config.tileWidth ?? 256;
  const tileHeight = config.tileHeight ?? 256;
  const matrices = cellSizes.map((cellSize, i) => ({
    id: ids[i]!,
    scaleDenominator: (cellSize * unitMetres) / STANDARD_PIXEL_SIZE,
    cellSize,
    topLeft,
    tileWidth,
    tileHeight,
    matrixWidth: tilesToCover(maxx - topLeft[0], tileWidth * cellSize),
    matrixHeight: tilesToCover(topLeft[1] - miny, tileHeight * cellSize),
  }));
  return {
    id: config.id,
    title: config.title ?? config.id,
    abstract: config.abstract,
    crs,
    supportedCrs: crs.urn,
    wellKnownScaleSet: config.wellKnownScaleSet,
    extent: [minx, miny, maxx, maxy],
    wgs84Extent: transformToCrs84([minx, miny, maxx, maxy], crs),
    matrices,
    builtIn: false,
  };
}

/**
 * The sets config names, in order. Throws (at start-up) naming the set for a CRS without units
 * or a transformation, levels not going finer, or ids given twice.
 */
export function buildTileMatrixSets(configs: readonly TileMatrixSetConfig[], transformToCrs84: (bbox: Bbox, crs: CrsDefinition) => Bbox): TileMatrixSet[] {
  const sets = configs.map((config) => {
    if (typeof config === 'string') return BUILTIN[config].build(BUILTIN[config].defaultMaxLevel);
    if (!('crs' in config)) {
      const builtin = BUILTIN[config.id];
      const maxLevel = config.maxLevel ?? builtin.defaultMaxLevel;
      if (maxLevel > builtin.maxLevel) throw new Error(`tile matrix set '${config.id}': maxLevel is at most ${builtin.maxLevel}`);
      return builtin.build(maxLevel);
    }
    return customSet(config, transformToCrs84);
  });
  const seen = new Set<string>();
  for (const set of sets) {
    if (seen.has(set.id)) throw new Error(`tile matrix set '${set.id}' is configured twice`);
    seen.add(set.id);
  }
  return sets;
}

/** The pixel span of one tile on the ground, x/y. */
export function tileSpan(matrix: TileMatrix): [number, number] {
  return [matrix.tileWidth * matrix.cellSize, matrix.tileHeight * matrix.cellSize];
}

/** The area of one tile, [minx, miny, maxx, maxy] in the set's CRS. */
export function tileBbox(matrix: TileMatrix, row: number, col: number): Bbox {
  const [spanX, spanY] = tileSpan(matrix);
  const minx = matrix.topLeft[0] + col * spanX;
  const maxy = matrix.topLeft[1] - row * spanY;
  return [minx, maxy - spanY, minx + spanX, maxy];
}

/** The grid of one tile, what the coverages engine fills. */
export function tileGrid(set: TileMatrixSet, matrix: TileMatrix, row: number, col: number): Grid {
  const [minx, , , maxy] = tileBbox(matrix, row, col);
  const transform: GeoTransform = [minx, matrix.cellSize, 0, maxy, 0, -matrix.cellSize];
  return { crs: set.crs.id, width: matrix.tileWidth, height: matrix.tileHeight, transform };
}

/** The centre of pixel (i, j) of a tile, in the set's CRS (x/y). */
export function pixelCentre(matrix: TileMatrix, row: number, col: number, i: number, j: number): [number, number] {
  const [minx, , , maxy] = tileBbox(matrix, row, col);
  return [minx + (i + 0.5) * matrix.cellSize, maxy - (j + 0.5) * matrix.cellSize];
}

export interface TileRange {
  minRow: number;
  maxRow: number;
  minCol: number;
  maxCol: number;
}

/**
 * The tiles of a matrix an area (in the set's CRS) touches, or undefined when it misses the
 * matrix. Edges falling on a tile boundary (within rounding) do not pull in the next tile.
 */
export function tileRangeOf(matrix: TileMatrix, area: Bbox): TileRange | undefined {
  const [spanX, spanY] = tileSpan(matrix);
  const eps = 1e-7;
  const minCol = Math.max(0, Math.floor((area[0] - matrix.topLeft[0]) / spanX + eps));
  const maxCol = Math.min(matrix.matrixWidth - 1, Math.ceil((area[2] - matrix.topLeft[0]) / spanX - eps) - 1);
  const minRow = Math.max(0, Math.floor((matrix.topLeft[1] - area[3]) / spanY + eps));
  const maxRow = Math.min(matrix.matrixHeight - 1, Math.ceil((matrix.topLeft[1] - area[1]) / spanY - eps) - 1);
  if (minCol > maxCol || minRow > maxRow) return undefined;
  return { minRow, maxRow, minCol, maxCol };
}

export function fullRange(matrix: TileMatrix): TileRange {
  return { minRow: 0, maxRow: matrix.matrixHeight - 1, minCol: 0, maxCol: matrix.matrixWidth - 1 };
}

/** Whether two boxes share some area (touching edges do not count). */
export function bboxesOverlap(a: Bbox, b: Bbox): boolean {
  return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
}

export function intersectBboxes(a: Bbox, b: Bbox): Bbox | undefined {
  const out: Bbox = [Math.max(a[0], b[0]), Math.max(a[1], b[1]), Math.min(a[2], b[2]), Math.min(a[3], b[3])];
  return out[0] < out[2] && out[1] < out[3] ? out : undefined;
}
