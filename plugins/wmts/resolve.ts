/**
 * From a tile address as written to the tile it names: the layer (which the subject must be
 * allowed to read), style, format, set, matrix, row, column and time, each checked in that
 * order with the exception WMTS 1.0.0 gives (07-057r7 table 22/26).
 */
import { invalidParameterValue, OwsException } from '../../core/ows/index.js';
import type { Subject } from '../../core/auth/types.js';
import type { CoverageDescription } from '../coverages/types.js';
import type { TileFormat } from './config.js';
import type { WmtsEnv } from './context.js';
import { bareMime, TILE_FORMAT_INFO, type TileFormatInfo } from './formats.js';
import { validRange, type LayerTiling } from './layer-tiling.js';
import { TIME_PARAMETER, type TileAddress } from './requests.js';
import { resolveStyle, type WmtsStyle } from './styles.js';
import type { TileMatrix, TileMatrixSet } from './tile-matrix-sets.js';

export interface ResolvedTile {
  layer: CoverageDescription;
  style: WmtsStyle;
  /** Undefined for a RESTful GetFeatureInfo, which names no tile format. */
  format?: TileFormatInfo;
  set: TileMatrixSet;
  matrix: TileMatrix;
  matrixIndex: number;
  tiling: LayerTiling;
  row: number;
  col: number;
  /** The Time dimension value drawn (one of the layer's values), for a layer with time. */
  time?: string;
}

const INTEGER = /^[+-]?\d+$/;

export function tileOutOfRange(locator: string, message: string): OwsException {
  return new OwsException('TileOutOfRange', message, { locator, status: 400 });
}

/** The layer, when it exists and the subject may read it; the same exception otherwise, so nothing tells which. */
export async function resolveLayer(env: WmtsEnv, id: string, subject: Subject): Promise<CoverageDescription> {
  const layer = await env.coverages.get(id, subject);
  if (!layer || layer.kind === 'granule') throw invalidParameterValue('Layer', `No layer '${id}'`);
  return layer;
}

function resolveFormat(env: WmtsEnv, written: string): TileFormatInfo {
  const mime = bareMime(written);
  const offered = env.config.formats.find((f) => f === mime);
  if (!offered) throw invalidParameterValue('Format', `Format '${written}' is not offered; formats are ${env.config.formats.join(', ')}`);
  return TILE_FORMAT_INFO[offered as TileFormat];
}

function resolveMatrix(set: TileMatrixSet, written: string): number {
  const index = set.matrices.findIndex((m) => m.id === written);
  if (index >= 0) return index;
  // A zoom level past the deepest (or before the first) of a numbered set is out of range, not unknown.
  if (INTEGER.test(written) && set.matrices.every((m) => INTEGER.test(m.id))) {
    throw tileOutOfRange('TileMatrix', `TileMatrix ${written} is outside ${set.id}, whose levels are ${set.matrices[0]!.id} to ${set.matrices.at(-1)!.id}`);
  }
  throw invalidParameterValue('TileMatrix', `Tile matrix set ${set.id} has no TileMatrix '${written}'`);
}

function resolveIndex(written: string, locator: 'TileRow' | 'TileCol', min: number, max: number, where: string): number {
  if (!INTEGER.test(written.trim())) throw invalidParameterValue(locator, `${locator} must be an integer; got '${written}'`);
  const n = Number(written.trim());
  if (n < min || n > max) throw tileOutOfRange(locator, `${locator} ${n} is out of range: ${where} has ${locator === 'TileRow' ? 'rows' : 'columns'} ${min} to ${max}`);
  return n;
}

/** The layer's time value a request names: one of its values (compared as instants), or its default. */
export function resolveTime(layer: CoverageDescription, written: string | undefined, binding: TileAddress['binding']): string | undefined {
  if (!layer.time) {
    // KVP clients may send a dimension the layer lacks; the RESTful path shape must match the template.
    if (written !== undefined && binding === 'rest') throw invalidParameterValue(TIME_PARAMETER, `Layer '${layer.id}' has no Time dimension`);
    return undefined;
  }
  const value = written?.trim() ?? '';
  if (value === '' || value.toLowerCase() === 'default' || value.toLowerCase() === 'current') return layer.time.default;
  const exact = layer.time.values.find((v) => v === value);
  if (exact) return exact;
  const instant = Date.parse(value);
  const same = Number.isNaN(instant) ? undefined : layer.time.values.find((v) => Date.parse(v) === instant);
  if (same) return same;
  throw invalidParameterValue(TIME_PARAMETER, `Time '${value}' is not a value of layer '${layer.id}'`);
}

export async function resolveTile(env: WmtsEnv, address: TileAddress, subject: Subject, options: { needsFormat: boolean }): Promise<ResolvedTile> {
  const layer = await resolveLayer(env, address.layer, subject);
  const style = resolveStyle(layer, address.style);
  const format = options.needsFormat ? resolveFormat(env, address.format) : undefined;
  const set = env.setsById.get(address.tileMatrixSet);
  if (!set) throw invalidParameterValue('TileMatrixSet', `No tile matrix set '${address.tileMatrixSet}'; sets are ${env.sets.map((s) => s.id).join(', ')}`);
  const tiling = env.tilings.tilings(layer).get(set.id)!;
  if (!tiling.extent) throw invalidParameterValue('TileMatrixSet', `Layer '${layer.id}' has no tiles in ${set.id}`);
  const matrixIndex = resolveMatrix(set, address.tileMatrix);
  const matrix = set.matrices[matrixIndex]!;
  const range = validRange(tiling, matrixIndex);
  const where = `TileMatrix ${matrix.id} of ${set.id} for layer '${layer.id}'`;
  const row = resolveIndex(address.tileRow, 'TileRow', range.minRow, range.maxRow, where);
  const col = resolveIndex(address.tileCol, 'TileCol', range.minCol, range.maxCol, where);
  const time = resolveTime(layer, address.time, address.binding);
  return { layer, style, format, set, matrix, matrixIndex, tiling, row, col, time };
}
