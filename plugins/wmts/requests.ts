/**
 * WMTS 1.0.0 requests from both bindings (OGC 07-057r7 §7 KVP, §10 RESTful) into one shape.
 * Values stay as written here; resolve.ts checks them against the layer and the sets, so both
 * bindings get the same exceptions.
 */
import {
  invalidParameterValue,
  missingParameterValue,
  OwsException,
  parseKvp,
  requireSupportedVersion,
  type KvpParams,
} from '../../core/ows/index.js';
import { infoFormatOfExtension, tileFormatOfExtension } from './formats.js';

export const WMTS_VERSION = '1.0.0';
export const OPERATIONS = ['GetCapabilities', 'GetTile', 'GetFeatureInfo'] as const;
export type OperationName = (typeof OPERATIONS)[number];
export type Binding = 'kvp' | 'rest';

/** Which tile: every value as the client wrote it. */
export interface TileAddress {
  binding: Binding;
  layer: string;
  /** '' asks for the default style. */
  style: string;
  format: string;
  tileMatrixSet: string;
  tileMatrix: string;
  tileRow: string;
  tileCol: string;
  /** The Time dimension's value, when the request gives one. */
  time?: string;
}

export interface GetCapabilitiesRequest {
  operation: 'GetCapabilities';
  binding: Binding;
  acceptVersions?: string[];
  /** The parameter acceptVersions came from ('AcceptVersions', or 'version' when only VERSION was sent). */
  versionLocator?: string;
  sections?: string[];
  updateSequence?: string;
  acceptFormats?: string[];
}

export interface GetTileRequest extends TileAddress {
  operation: 'GetTile';
}

export interface GetFeatureInfoRequest extends TileAddress {
  operation: 'GetFeatureInfo';
  i: string;
  j: string;
  infoFormat: string;
}

export type WmtsRequest = GetCapabilitiesRequest | GetTileRequest | GetFeatureInfoRequest;

/** KVP names of the Time dimension (its ows:Identifier is 'Time'). */
export const TIME_PARAMETER = 'Time';

function tileAddressOfKvp(kvp: KvpParams): TileAddress {
  const style = kvp.optional('Style');
  if (style === undefined) throw missingParameterValue('Style');
  return {
    binding: 'kvp',
    layer: kvp.required('Layer'),
    style: style.trim(),
    format: kvp.required('Format'),
    tileMatrixSet: kvp.required('TileMatrixSet'),
    tileMatrix: kvp.required('TileMatrix'),
    tileRow: kvp.required('TileRow'),
    tileCol: kvp.required('TileCol'),
    time: kvp.optional(TIME_PARAMETER),
  };
}

/** A KVP request (GET query string). */
export function parseKvpRequest(querystring: string): WmtsRequest {
  const kvp = parseKvp(querystring, { repeated: 'reject' });
  const service = kvp.optional('service');
  if (service === undefined || service.trim() === '') throw missingParameterValue('service');
  if (service.trim().toUpperCase() !== 'WMTS') throw invalidParameterValue('service', `service must be WMTS; got '${service}'`);
  const name = kvp.optional('request');
  if (name === undefined || name.trim() === '') throw missingParameterValue('request');
  const operation = OPERATIONS.find((o) => o.toLowerCase() === name.trim().toLowerCase());
  if (!operation) throw new OwsException('OperationNotSupported', `Operation '${name}' is not supported; operations are ${OPERATIONS.join(', ')}`, { locator: 'request' });
  if (operation === 'GetCapabilities') {
    // OWSLib and GDAL send VERSION on GetCapabilities: it reads as AcceptVersions.
    const version = kvp.optional('version')?.trim();
    const fromAccept = kvp.has('AcceptVersions');
    return {
      operation,
      binding: 'kvp',
      acceptVersions: fromAccept ? kvp.list('AcceptVersions') : version ? [version] : undefined,
      versionLocator: fromAccept ? 'AcceptVersions' : 'version',
      sections: kvp.has('Sections') ? kvp.list('Sections') : undefined,
      updateSequence: kvp.optional('updateSequence'),
      acceptFormats: kvp.has('AcceptFormats') ? kvp.list('AcceptFormats') : undefined,
    };
  }
  const version = kvp.optional('version');
  if (version === undefined || version.trim() === '') throw missingParameterValue('version');
  requireSupportedVersion(version.trim(), [WMTS_VERSION], 'version');
  const address = tileAddressOfKvp(kvp);
  if (operation === 'GetTile') return { operation, ...address };
  return { operation, ...address, j: kvp.required('J'), i: kvp.required('I'), infoFormat: kvp.required('InfoFormat') };
}

/** Where the RESTful ServiceMetadata document is, under the mount path. */
export const REST_CAPABILITIES_PATH = `/${WMTS_VERSION}/WMTSCapabilities.xml`;

function splitExtension(segment: string, locator: string): [string, string] {
  const dot = segment.lastIndexOf('.');
  if (dot <= 0 || dot === segment.length - 1) throw invalidParameterValue(locator, `'${segment}' must end in a file extension naming the format`);
  return [segment.slice(0, dot), segment.slice(dot + 1)];
}

/**
 * A RESTful resource path, the segments after `/1.0.0/`:
 *   tile          {layer}/{style}[/{Time}]/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}.{ext}
 *   FeatureInfo   {layer}/{style}[/{Time}]/{TileMatrixSet}/{TileMatrix}/{TileRow}/{TileCol}/{J}/{I}.{ext}
 * Returns undefined for a path of another shape (a 404).
 */
export function parseRestPath(segments: readonly string[]): GetTileRequest | GetFeatureInfoRequest | undefined {
  const n = segments.length;
  if (n < 6 || n > 9) return undefined;
  const featureInfo = n >= 8;
  const hasTime = n === 7 || n === 9;
  const [layer, style] = segments as [string, string];
  const rest = segments.slice(hasTime ? 3 : 2);
  const time = hasTime ? segments[2] : undefined;
  const [tileMatrixSet, tileMatrix, tileRow] = rest as [string, string, string];
  if (!featureInfo) {
    const [tileCol, extension] = splitExtension(rest[3]!, 'Format');
    const format = tileFormatOfExtension(extension);
    if (!format) throw invalidParameterValue('Format', `No tile format has the extension '.${extension}'`);
    return { operation: 'GetTile', binding: 'rest', layer, style, format, tileMatrixSet, tileMatrix, tileRow, tileCol, time };
  }
  const [tileCol, j] = [rest[3]!, rest[4]!];
  const [i, extension] = splitExtension(rest[5]!, 'InfoFormat');
  const infoFormat = infoFormatOfExtension(extension);
  if (!infoFormat) throw invalidParameterValue('InfoFormat', `No FeatureInfo format has the extension '.${extension}'`);
  return { operation: 'GetFeatureInfo', binding: 'rest', layer, style, format: '', tileMatrixSet, tileMatrix, tileRow, tileCol, time, j, i, infoFormat };
}

/** Percent-decodes each path segment; a malformed escape is the client's error. */
export function decodeSegments(path: string): string[] {
  return path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        throw new OwsException('InvalidParameterValue', `Path segment '${s}' is not correctly percent-encoded`, { status: 400 });
      }
    });
}
