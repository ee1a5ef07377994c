/**
 * Where a layer's data falls in each tile matrix set: its extent in the set's CRS and, per
 * matrix, the tiles it touches. Capabilities advertise these as TileMatrixSetLimits and GetTile
 * refuses tiles outside what they advertise, so both read the same numbers from here.
 */
import { transformBbox } from '../../core/ows/index.js';
import type { Bbox, CoverageDescription } from '../coverages/types.js';
import { fullRange, intersectBboxes, tileRangeOf, type TileMatrixSet, type TileRange } from './tile-matrix-sets.js';

export interface LayerTiling {
  set: TileMatrixSet;
  /** The layer's area in the set's CRS (x/y), clipped to the set; undefined when it lies outside the set. */
  extent?: Bbox;
  /** Per matrix (same order as set.matrices): the tiles the data touches, undefined for none. */
  dataRanges: Array<TileRange | undefined>;
  /**
   * Per matrix: the limits written in capabilities, or undefined where none are written (the
   * whole matrix is then valid). The WMTS 1.0 schema types MaxTileRow and MaxTileCol as
   * positiveInteger, so a range ending in row or column 0 cannot be written and that matrix is
   * left out of TileMatrixSetLimits, which makes it valid as a whole.
   */
  limits: Array<TileRange | undefined>;
}

export function layerTiling(coverage: Pick<CoverageDescription, 'wgs84Bbox'>, set: TileMatrixSet): LayerTiling {
  const clipped = intersectBboxes(coverage.wgs84Bbox, set.wgs84Extent);
  let extent: Bbox | undefined;
  if (clipped) {
    try {
      extent = intersectBboxes(transformBbox(clipped, 'OGC:CRS84', set.crs), set.extent);
    } catch {
      // The area has no image in the set's CRS: the layer has no tiles there.
      extent = undefined;
    }
  }
  const dataRanges = set.matrices.map((m) => (extent ? tileRangeOf(m, extent) : undefined));
  const limits = dataRanges.map((range) => {
    if (!range) return undefined;
    return range.maxRow >= 1 && range.maxCol >= 1 ? range : undefined;
  });
  return { set, extent, dataRanges, limits };
}

/** The tiles a request may ask for in one matrix: the advertised limits, or the whole matrix. */
export function validRange(tiling: LayerTiling, matrixIndex: number): TileRange {
  return tiling.limits[matrixIndex] ?? fullRange(tiling.set.matrices[matrixIndex]!);
}

/** Tilings of a layer version, per set, computed once (capabilities list every layer at every request). */
export class LayerTilingCache {
  private readonly entries = new Map<string, { version: string; tilings: Map<string, LayerTiling> }>();

  constructor(private readonly sets: readonly TileMatrixSet[]) {}

  tilings(coverage: Pick<CoverageDescription, 'id' | 'version' | 'wgs84Bbox'>): Map<string, LayerTiling> {
    const cached = this.entries.get(coverage.id);
    if (cached && cached.version === coverage.version) return cached.tilings;
    const tilings = new Map(this.sets.map((set) => [set.id, layerTiling(coverage, set)]));
    this.entries.set(coverage.id, { version: coverage.version, tilings });
    return tilings;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}
