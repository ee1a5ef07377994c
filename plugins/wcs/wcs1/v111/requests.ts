/**
 * The WCS 1.1.1 KVP requests (OGC 06-083r8 §8.2.1, §9.2.1, §10.2.1 with 07-067r2). Names are
 * case-insensitive. Coordinates are kept as written (their CRS decides the axis order, resolved
 * by the operation), CRSs as identifiers.
 */
import { missingParameterValue, type KvpParams } from '../../../../core/ows/index.js';
import { wcs11Exception } from './exceptions.js';

export interface Capabilities11Request {
  sections?: string[];
  updateSequence?: string;
}

export interface DescribeCoverage11Request {
  identifiers: string[];
}

/** One field of RangeSubset: `field[:interpolation][axis[key,key]]...`. */
export interface FieldSubset {
  field: string;
  interpolation?: string;
  axes: Array<{ axis: string; keys: string[] }>;
}

export interface GetCoverage11Request {
  identifier: string;
  /** Four coordinates in the order of `bboxCrs` as written. */
  bbox: [number, number, number, number];
  bboxCrs?: string;
  timeSequence?: string;
  rangeSubset?: FieldSubset[];
  format: string;
  gridBaseCrs?: string;
  gridType?: string;
  gridCs?: string;
  gridOrigin?: number[];
  gridOffsets?: number[];
}

function text(kvp: KvpParams, name: string): string | undefined {
  const v = kvp.optional(name)?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function numbers(value: string, locator: string): number[] {
  const parts = value.split(/[\s,]+/).filter((s) => s !== '').map(Number);
  if (parts.length === 0 || parts.some((n) => !Number.isFinite(n))) throw wcs11Exception('InvalidParameterValue', `${locator} must be a list of numbers; got '${value}'`, locator);
  return parts;
}

function boundingBoxOf(value: string): { bbox: [number, number, number, number]; crs?: string } {
  const parts = value.split(',').map((s) => s.trim());
  const crs = parts.length === 5 ? parts[4] : undefined;
  const coords = parts.slice(0, 4).map(Number);
  if ((parts.length !== 4 && parts.length !== 5) || coords.some((n) => !Number.isFinite(n))) {
    throw wcs11Exception('InvalidParameterValue', `BOUNDINGBOX must be lowerX,lowerY,upperX,upperY[,crs] (two dimensions); got '${value}'`, 'BoundingBox');
  }
  const [a, b, c, d] = coords as [number, number, number, number];
  if (a > c || b > d) throw wcs11Exception('InvalidParameterValue', `BOUNDINGBOX lower corner must not exceed its upper corner; got '${value}'`, 'BoundingBox');
  return { bbox: [a, b, c, d], crs: crs === '' ? undefined : crs };
}

/** RangeSubset (07-067r2 Table 20): FieldSubset;FieldSubset, each `Id[:Interpolation][AxisId[Key,Key]]...`. */
export function parseRangeSubset(value: string): FieldSubset[] {
  return value.split(';').map((raw) => {
    const item = raw.trim();
    const fail = () => wcs11Exception('InvalidParameterValue', `'${item}' is not a field subset of the form field[:interpolation][axis[key,...]]`, 'RangeSubset');
    const head = /^([^:[\]]+)(?::([^[\]]+))?/.exec(item);
    if (!head) throw fail();
    const axes: FieldSubset['axes'] = [];
    const axisSubset = /\[([^[\]]+)\[([^[\]]*)\]\]/y;
    axisSubset.lastIndex = head[0].length;
    while (axisSubset.lastIndex < item.length) {
      const a = axisSubset.exec(item);
      if (!a) throw fail();
      axes.push({ axis: a[1]!.trim(), keys: a[2]!.split(',').map((k) => k.trim()) });
    }
    return { field: head[1]!.trim(), interpolation: head[2]?.trim() || undefined, axes };
  });
}

export function capabilities11Request(kvp: KvpParams): Capabilities11Request {
  const sections = text(kvp, 'SECTIONS');
  return { sections: sections?.split(',').map((s) => s.trim()), updateSequence: text(kvp, 'UPDATESEQUENCE') };
}

export function describeCoverage11Request(kvp: KvpParams): DescribeCoverage11Request {
  // The KVP name is IDENTIFIERS (07-067r2 Table 14); some clients send IDENTIFIER.
  const value = text(kvp, 'IDENTIFIERS') ?? text(kvp, 'IDENTIFIER');
  if (value === undefined) throw missingParameterValue('identifiers');
  const identifiers = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (identifiers.length === 0) throw missingParameterValue('identifiers');
  return { identifiers };
}

export function getCoverage11Request(kvp: KvpParams): GetCoverage11Request {
  const identifier = text(kvp, 'IDENTIFIER');
  if (identifier === undefined) throw missingParameterValue('identifier');
  const box = text(kvp, 'BOUNDINGBOX');
  if (box === undefined) throw missingParameterValue('BoundingBox');
  const format = text(kvp, 'FORMAT');
  if (format === undefined) throw missingParameterValue('format');
  const store = text(kvp, 'STORE');
  if (store !== undefined && store.toLowerCase() !== 'false') {
    if (store.toLowerCase() === 'true') throw wcs11Exception('InvalidParameterValue', 'store=true is not offered: the coverage is returned in the response (multipart), never stored on the server', 'store');
    throw wcs11Exception('InvalidParameterValue', `store must be true or false; got '${store}'`, 'store');
  }
  const { bbox, crs } = boundingBoxOf(box);
  const origin = text(kvp, 'GRIDORIGIN');
  const offsets = text(kvp, 'GRIDOFFSETS');
  const range = text(kvp, 'RANGESUBSET');
  return {
    identifier,
    bbox,
    bboxCrs: crs,
    timeSequence: text(kvp, 'TIMESEQUENCE'),
    rangeSubset: range === undefined ? undefined : parseRangeSubset(range),
    format,
    gridBaseCrs: text(kvp, 'GRIDBASECRS'),
    gridType: text(kvp, 'GRIDTYPE'),
    gridCs: text(kvp, 'GRIDCS'),
    gridOrigin: origin === undefined ? undefined : numbers(origin, 'GridOrigin'),
    gridOffsets: offsets === undefined ? undefined : numbers(offsets, 'GridOffsets'),
  };
}
