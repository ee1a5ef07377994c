/** The GET-KVP binding (OGC 09-147r3 and the extensions' KVP clauses); names are case-insensitive. */
import { invalidParameterValue, missingParameterValue, type KvpParams } from '../../core/ows/index.js';
import { wcsException } from './exceptions.js';
import type { DimensionSubset, GeoTiffParameters, RequestHead, Scaling, WcsRequest } from './requests.js';
import { parseAxisValues, parseRangeSubsetKvp, parseSubsetKvp } from './subset-syntax.js';

/** Every SUBSET parameter; GDAL numbers the ones beyond x/y (SUBSET0=time(...)). */
function subsets(kvp: KvpParams): DimensionSubset[] {
  const names = kvp.names().filter((n) => /^subset\d*$/i.test(n));
  return names.flatMap((name) => kvp.all(name)).filter((v) => v.trim() !== '').map((v) => parseSubsetKvp(v));
}

function positiveNumber(text: string, locator: string, code: 'InvalidScaleFactor' | 'InvalidExtent'): number {
  const n = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw wcsException(code, `${locator}: '${text}' must be a number greater than zero`, locator);
  return n;
}

function integer(text: string, locator: string): number {
  if (!/^\s*[+-]?\d+\s*$/.test(text)) throw wcsException('InvalidExtent', `${locator}: '${text}' must be an integer`, locator);
  return Number(text);
}

function scaling(kvp: KvpParams): { scaling?: Scaling; locator?: string } {
  const given = ['SCALEFACTOR', 'SCALEAXES', 'SCALESIZE', 'SCALEEXTENT'].filter((p) => kvp.has(p) && (kvp.optional(p) ?? '').trim() !== '');
  if (given.length === 0) return {};
  if (given.length > 1) throw invalidParameterValue(given[1]!, `Only one of SCALEFACTOR, SCALEAXES, SCALESIZE and SCALEEXTENT may be given; got ${given.join(', ')}`);
  const locator = given[0]!;
  const text = kvp.required(locator);
  switch (locator) {
    case 'SCALEFACTOR':
      return { scaling: { kind: 'factor', factor: positiveNumber(text, locator, 'InvalidScaleFactor') }, locator };
    case 'SCALEAXES':
      return { scaling: { kind: 'axes', axes: parseAxisValues(text, locator).map(({ axis, value }) => ({ axis, factor: positiveNumber(value, locator, 'InvalidScaleFactor') })) }, locator };
    case 'SCALESIZE':
      return {
        scaling: {
          kind: 'size',
          axes: parseAxisValues(text, locator).map(({ axis, value }) => {
            const size = integer(value, locator);
            if (size < 1) throw wcsException('InvalidExtent', `${locator}: the size of ${axis} must be at least 1; got ${size}`, locator);
            return { axis, size };
          }),
        },
        locator,
      };
    default:
      return {
        scaling: {
          kind: 'extent',
          axes: parseAxisValues(text, locator).map(({ axis, value }) => {
            const m = /^([^:]+):([^:]+)$/.exec(value);
            if (!m) throw wcsException('InvalidExtent', `${locator}: '${value}' must be low:high grid coordinates`, locator);
            const low = integer(m[1]!, locator);
            const high = integer(m[2]!, locator);
            if (high < low) throw wcsException('InvalidExtent', `${locator}: the extent of ${axis} ends (${high}) before it begins (${low})`, locator);
            return { axis, low, high };
          }),
        },
        locator,
      };
  }
}

function geotiffParameters(kvp: KvpParams): GeoTiffParameters {
  const read = (name: string) => kvp.optional(`geotiff:${name}`);
  return {
    compression: read('compression'),
    predictor: read('predictor'),
    interleave: read('interleave'),
    tiling: read('tiling'),
    tileWidth: read('tilewidth'),
    tileHeight: read('tileheight'),
  };
}

function interpolation(kvp: KvpParams): string | undefined {
  const global = kvp.optional('INTERPOLATION')?.trim();
  // Per-axis interpolation is read only to the extent that every axis names the same method.
  const perAxis = kvp.all('INTERPOLATIONPERAXIS').flatMap((v) => v.split(';')).map((v) => v.split(',').slice(1).join(',').trim()).filter((v) => v !== '');
  const methods = new Set([...(global ? [global] : []), ...perAxis]);
  if (methods.size > 1) throw wcsException('InterpolationMethodNotSupported', `One interpolation method applies to every axis here; got ${[...methods].join(', ')}`, 'interpolation');
  return methods.size === 1 ? [...methods][0] : undefined;
}

function commaList(kvp: KvpParams, name: string): string[] | undefined {
  if (!kvp.has(name)) return undefined;
  return kvp.list(name).map((s) => s.trim());
}

export function kvpHead(kvp: KvpParams): RequestHead {
  return {
    binding: 'kvp',
    operation: kvp.optional('REQUEST'),
    service: kvp.optional('SERVICE'),
    version: kvp.optional('VERSION'),
    acceptVersions: commaList(kvp, 'ACCEPTVERSIONS')?.filter((v) => v !== ''),
    kvp,
    parse(operation): WcsRequest {
      switch (operation) {
        case 'GetCapabilities':
          return {
            operation,
            acceptVersions: commaList(kvp, 'ACCEPTVERSIONS'),
            sections: commaList(kvp, 'SECTIONS'),
            updateSequence: kvp.optional('UPDATESEQUENCE'),
            acceptFormats: commaList(kvp, 'ACCEPTFORMATS'),
          };
        case 'DescribeCoverage': {
          if (!kvp.has('COVERAGEID')) throw missingParameterValue('coverageId');
          const ids = kvp.list('COVERAGEID').map((s) => s.trim()).filter((s) => s !== '');
          if (ids.length === 0) throw wcsException('EmptyCoverageIdList', 'DescribeCoverage needs at least one coverage identifier', 'coverageId');
          return { operation, coverageIds: ids };
        }
        case 'GetCoverage': {
          if (!kvp.has('COVERAGEID') || (kvp.optional('COVERAGEID') ?? '').trim() === '') throw missingParameterValue('coverageId');
          const ids = kvp.list('COVERAGEID').map((s) => s.trim());
          if (ids.length !== 1) throw invalidParameterValue('coverageId', 'GetCoverage takes exactly one coverage identifier');
          const scale = scaling(kvp);
          const range = kvp.optional('RANGESUBSET');
          return {
            operation,
            coverageId: ids[0]!,
            subsets: subsets(kvp),
            format: kvp.optional('FORMAT')?.trim() || undefined,
            mediaType: kvp.optional('MEDIATYPE')?.trim() || undefined,
            subsettingCrs: kvp.optional('SUBSETTINGCRS')?.trim() || undefined,
            outputCrs: kvp.optional('OUTPUTCRS')?.trim() || undefined,
            scaling: scale.scaling,
            scalingLocator: scale.locator,
            rangeSubset: range !== undefined && range.trim() !== '' ? parseRangeSubsetKvp(range) : undefined,
            interpolation: interpolation(kvp),
            geotiff: geotiffParameters(kvp),
          };
        }
        case 'DescribeEOCoverageSet': {
          if (!kvp.has('EOID')) throw missingParameterValue('eoId');
          const ids = kvp.list('EOID').map((s) => s.trim()).filter((s) => s !== '');
          if (ids.length === 0) throw missingParameterValue('eoId', 'DescribeEOCoverageSet needs at least one eoId');
          return {
            operation,
            eoIds: ids,
            containment: kvp.optional('CONTAINMENT')?.trim() || undefined,
            count: kvp.optionalInt('COUNT', { min: 0 }),
            sections: commaList(kvp, 'SECTIONS'),
            subsets: subsets(kvp),
          };
        }
      }
    },
  };
}
