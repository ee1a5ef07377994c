/**
 * WMS exceptions: the ServiceExceptionReport of the request's version (1.1.1 or 1.3.0, from
 * ctx.state once the version is known, else the VERSION/WMTVER parameter, else 1.3.0), and the
 * translation of the coverages engine's errors into WMS codes.
 */
import type { Context } from 'koa';
import { MeridianError, toMeridianError } from '../../core/errors.js';
import { describeError, OwsException, wmsExceptionReportXml } from '../../core/ows/index.js';
import type { ErrorEncoder } from '../../core/plugin.js';
import type { CoverageErrorCode } from '../coverages/errors.js';
import type { FeaturesErrorCode } from '../features/errors.js';
import { VERSION_STATE, type WmsVersion } from './versions.js';

/** The version whose report a request's errors go out in. */
export function reportVersion(ctx: Context): WmsVersion {
  const known = ctx.state[VERSION_STATE] as WmsVersion | undefined;
  if (known) return known;
  for (const [name, value] of Object.entries(ctx.query)) {
    const key = name.toLowerCase();
    if (key !== 'version' && key !== 'wmtver') continue;
    const v = (Array.isArray(value) ? value[0] : value)?.trim();
    // 1.0.0-1.1.x clients read the un-namespaced 1.1.1 report.
    if (v && /^1\.[01](\.\d+)?$/.test(v)) return '1.1.1';
  }
  return '1.3.0';
}

const XML_TYPE: Record<WmsVersion, string> = { '1.1.1': 'application/vnd.ogc.se_xml', '1.3.0': 'text/xml; charset=UTF-8' };

export function wmsPluginErrorEncoder(statusPolicy: 'standard' | 'always-200'): ErrorEncoder {
  return (err, ctx) => {
    const version = reportVersion(ctx);
    const d = describeError(err);
    const status = statusPolicy === 'always-200' && d.status !== 401 && d.status !== 403 ? 200 : d.status;
    ctx.status = status;
    for (const [name, value] of Object.entries(d.headers)) ctx.set(name, value);
    ctx.set('Content-Type', XML_TYPE[version]);
    ctx.body = wmsExceptionReportXml([d], version);
  };
}

const COVERAGE_CODES: ReadonlySet<string> = new Set<CoverageErrorCode>([
  'NoSuchCoverage', 'NoSuchStyle', 'NoSuchBand', 'InvalidTime', 'MissingTime', 'TooLarge', 'InvalidCrs', 'InvalidGrid', 'UnsupportedFormat', 'SourceUnreadable',
]);

/** The features engine's errors a map or feature info request can meet (a collection removed meanwhile, a box outside a CRS). */
const FEATURES_CODES: ReadonlySet<string> = new Set<FeaturesErrorCode>(['NoSuchCollection', 'InvalidCrs', 'InvalidQuery', 'TooLarge']);

/** Where the engine's error is, in the request's parameters. */
export interface ErrorLocators {
  layer: string;
  style: string;
  crs: string;
  format: string;
}

/**
 * The WMS exception for an engine error (by its code, so an error from another copy of the
 * engine's module is read the same); anything else passes through unchanged. TooLarge is a 400:
 * the request's size, not the body, is what is refused.
 */
export function translateEngineError(thrown: unknown, at: ErrorLocators): unknown {
  if (thrown instanceof MeridianError && !(thrown instanceof OwsException) && FEATURES_CODES.has(thrown.code) && thrown.name === 'FeaturesError') {
    return translateFeaturesError(thrown, at);
  }
  if (!(thrown instanceof MeridianError) || thrown instanceof OwsException || !COVERAGE_CODES.has(thrown.code)) return thrown;
  const code = thrown.code as CoverageErrorCode;
  const message = thrown.message;
  const cause = { cause: thrown };
  switch (code) {
    case 'NoSuchCoverage':
      return new OwsException('LayerNotDefined', message, { locator: at.layer, ...cause });
    case 'NoSuchStyle':
      return new OwsException('StyleNotDefined', message, { locator: at.style, ...cause });
    case 'InvalidTime':
      return new OwsException('InvalidDimensionValue', message, { locator: 'TIME', ...cause });
    case 'MissingTime':
      return new OwsException('MissingDimensionValue', message, { locator: 'TIME', ...cause });
    case 'TooLarge':
      return new OwsException('InvalidParameterValue', message, { locator: 'WIDTH', status: 400, ...cause });
    case 'InvalidCrs':
      return new OwsException('InvalidCRS', message, { locator: at.crs, ...cause });
    case 'InvalidGrid':
      return new OwsException('InvalidParameterValue', message, { locator: 'BBOX', ...cause });
    case 'UnsupportedFormat':
      return new OwsException('InvalidFormat', message, { locator: at.format, ...cause });
    case 'NoSuchBand':
      return new OwsException('InvalidParameterValue', message, { ...cause });
    case 'SourceUnreadable':
      return thrown;
  }
}

function translateFeaturesError(thrown: MeridianError, at: ErrorLocators): unknown {
  const cause = { cause: thrown };
  switch (thrown.code as FeaturesErrorCode) {
    case 'NoSuchCollection':
      return new OwsException('LayerNotDefined', thrown.message, { locator: at.layer, ...cause });
    case 'InvalidCrs':
      return new OwsException('InvalidCRS', thrown.message, { locator: at.crs, ...cause });
    case 'TooLarge':
      return new OwsException('InvalidParameterValue', thrown.message, { locator: 'BBOX', status: 400, ...cause });
    default:
      // A box the engine cannot use (outside the CRS's domain); other query errors are this plugin's own.
      return thrown.locator === 'bbox' ? new OwsException('InvalidParameterValue', thrown.message, { locator: 'BBOX', ...cause }) : thrown;
  }
}

/** As a MeridianError (for the image exception renderer, which draws the message). */
export function asMeridianError(thrown: unknown): MeridianError {
  return toMeridianError(thrown);
}
