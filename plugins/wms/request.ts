/**
 * Reads a KVP request: which operation (REQUEST, case-insensitive, with the WMS 1.0 names
 * capabilities/map/feature_info), SERVICE (required for GetCapabilities, WMS when given), and the
 * version it is answered in: negotiated for GetCapabilities (§6.2.4), required and supported for
 * GetMap and GetFeatureInfo, free for GetLegendGraphic (clients send 1.1.0, 1.1.1 or 1.3.0).
 */
import type { Context } from 'koa';
import {
  invalidParameterValue,
  missingParameterValue,
  negotiateWmsVersion,
  OwsException,
  parseKvp,
  requireSupportedVersion,
  type KvpParams,
} from '../../core/ows/index.js';
import { VERSION_STATE, WMS_VERSIONS, type WmsVersion } from './versions.js';

export const OPERATIONS = ['GetCapabilities', 'GetMap', 'GetFeatureInfo', 'GetLegendGraphic'] as const;
export type OperationName = (typeof OPERATIONS)[number];

const ALIASES: Record<string, OperationName> = Object.fromEntries([
  ...OPERATIONS.map((op) => [op.toLowerCase(), op] as const),
  ['capabilities', 'GetCapabilities'],
  ['map', 'GetMap'],
  ['feature_info', 'GetFeatureInfo'],
]);

export interface ReadRequest {
  kvp: KvpParams;
  operation: OperationName;
  version: WmsVersion;
}

function operationOf(kvp: KvpParams): OperationName {
  const name = kvp.optional('REQUEST')?.trim();
  if (!name) throw missingParameterValue('REQUEST');
  const operation = ALIASES[name.toLowerCase()];
  if (!operation) throw new OwsException('OperationNotSupported', `Operation '${name}' is not supported; operations: ${OPERATIONS.join(', ')}`, { locator: 'REQUEST' });
  return operation;
}

function checkService(kvp: KvpParams, operation: OperationName): void {
  const service = kvp.optional('SERVICE')?.trim();
  if (!service) {
    if (operation === 'GetCapabilities') throw missingParameterValue('SERVICE');
    return;
  }
  if (service.toUpperCase() !== 'WMS') throw invalidParameterValue('SERVICE', `SERVICE must be WMS; got '${service}'`);
}

function versionOf(kvp: KvpParams, operation: OperationName): WmsVersion {
  // WMTVER is the WMS 1.0 name of VERSION.
  const written = kvp.optional('VERSION') ?? kvp.optional('WMTVER');
  switch (operation) {
    case 'GetCapabilities':
      return negotiateWmsVersion(written, WMS_VERSIONS) as WmsVersion;
    case 'GetLegendGraphic':
      return written !== undefined && /^1\.[01](\.\d+)?$/.test(written.trim()) ? '1.1.1' : '1.3.0';
    default:
      if (written === undefined || written.trim() === '') throw missingParameterValue('VERSION');
      return requireSupportedVersion(written, WMS_VERSIONS, 'VERSION') as WmsVersion;
  }
}

export function readRequest(ctx: Context): ReadRequest {
  const kvp = parseKvp(ctx.querystring, { repeated: 'reject' });
  const operation = operationOf(kvp);
  checkService(kvp, operation);
  const version = versionOf(kvp, operation);
  ctx.state[VERSION_STATE] = version;
  return { kvp, operation, version };
}
