/**
 * The WCS 1.0.0 KVP requests (OGC 03-065r6 §7.2.1, §8.2.1, §9.2.1). Parameter names are
 * case-insensitive; checks that need the coverage (CRS offered, band keys, time) are made by
 * the operations.
 */
import { missingParameterValue, type KvpParams } from '../../../../core/ows/index.js';
import { BAND_AXIS } from '../bands.js';
import { wcs10Exception } from './exceptions.js';

export interface Capabilities10Request {
  section?: string;
  updateSequence?: string;
}

export interface DescribeCoverage10Request {
  /** Undefined: every coverage (COVERAGE is optional in 1.0.0). */
  coverages?: string[];
}

export interface GetCoverage10Request {
  coverage: string;
  crs: string;
  responseCrs?: string;
  /** minx, miny, maxx, maxy (x/y); a third dimension's values are ignored. */
  bbox?: [number, number, number, number];
  time?: string;
  width?: number;
  height?: number;
  resx?: number;
  resy?: number;
  format: string;
  interpolation?: string;
  /** The `Band` axis subset (the parameter named after the range set's axis). */
  bands?: string[];
}

function text(kvp: KvpParams, name: string): string | undefined {
  const v = kvp.optional(name)?.trim();
  return v === undefined || v === '' ? undefined : v;
}

function positiveInt(kvp: KvpParams, name: string): number | undefined {
  const v = text(kvp, name);
  if (v === undefined) return undefined;
  if (!/^\+?\d+$/.test(v) || Number(v) < 1) throw wcs10Exception('InvalidParameterValue', `${name} must be a positive integer; got '${v}'`, name);
  return Number(v);
}

function positiveNumber(kvp: KvpParams, name: string): number | undefined {
  const v = text(kvp, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw wcs10Exception('InvalidParameterValue', `${name} must be a number greater than zero; got '${v}'`, name);
  return n;
}

function bboxOf(kvp: KvpParams): [number, number, number, number] | undefined {
  const v = text(kvp, 'BBOX');
  if (v === undefined) return undefined;
  const parts = v.split(',').map((s) => Number(s.trim()));
  if ((parts.length !== 4 && parts.length !== 6) || parts.some((n) => !Number.isFinite(n))) {
    throw wcs10Exception('InvalidParameterValue', `BBOX must be minx,miny,maxx,maxy[,minz,maxz]; got '${v}'`, 'BBOX');
  }
  const [minx, miny, maxx, maxy] = parts.length === 6 ? [parts[0]!, parts[1]!, parts[3]!, parts[4]!] : (parts as [number, number, number, number]);
  if (minx >= maxx || miny >= maxy) throw wcs10Exception('InvalidParameterValue', `BBOX minimum must be below its maximum on each axis; got '${v}'`, 'BBOX');
  return [minx, miny, maxx, maxy];
}

export function capabilities10Request(kvp: KvpParams): Capabilities10Request {
  return { section: text(kvp, 'SECTION'), updateSequence: text(kvp, 'UPDATESEQUENCE') };
}

export function describeCoverage10Request(kvp: KvpParams): DescribeCoverage10Request {
  const v = text(kvp, 'COVERAGE');
  if (v === undefined) return {};
  return { coverages: v.split(',').map((s) => s.trim()).filter((s) => s !== '') };
}

export function getCoverage10Request(kvp: KvpParams): GetCoverage10Request {
  const coverage = text(kvp, 'COVERAGE');
  if (coverage === undefined) throw missingParameterValue('COVERAGE');
  if (coverage.includes(',')) throw wcs10Exception('InvalidParameterValue', 'GetCoverage takes exactly one COVERAGE', 'COVERAGE');
  const crs = text(kvp, 'CRS');
  if (crs === undefined) throw missingParameterValue('CRS');
  const format = text(kvp, 'FORMAT');
  if (format === undefined) throw missingParameterValue('FORMAT');
  const bbox = bboxOf(kvp);
  const time = text(kvp, 'TIME');
  if (bbox === undefined && time === undefined) throw missingParameterValue('BBOX', 'GetCoverage needs a BBOX (or a TIME)');
  const width = positiveInt(kvp, 'WIDTH');
  const height = positiveInt(kvp, 'HEIGHT');
  const resx = positiveNumber(kvp, 'RESX');
  const resy = positiveNumber(kvp, 'RESY');
  if ((width === undefined) !== (height === undefined)) throw missingParameterValue(width === undefined ? 'WIDTH' : 'HEIGHT', 'WIDTH and HEIGHT go together');
  if ((resx === undefined) !== (resy === undefined)) throw missingParameterValue(resx === undefined ? 'RESX' : 'RESY', 'RESX and RESY go together');
  if (width !== undefined && resx !== undefined) throw wcs10Exception('InvalidParameterValue', 'Give either WIDTH/HEIGHT or RESX/RESY, not both', 'RESX');
  const bands = text(kvp, BAND_AXIS);
  return {
    coverage,
    crs,
    responseCrs: text(kvp, 'RESPONSE_CRS'),
    bbox,
    time,
    width,
    height,
    resx,
    resy,
    format,
    interpolation: text(kvp, 'INTERPOLATION'),
    bands: bands === undefined ? undefined : bands.split(','),
  };
}
