import type { ErrorEncoder } from '../../plugin.js';
import { NS, SCHEMA_LOCATION } from '../xml/namespaces.js';
import { el, serializeXml } from '../xml/writer.js';
import { describeError, type ExceptionDescription } from './describe.js';
import { sendErrorResponse } from './respond.js';

export type WmsVersion = '1.1.1' | '1.3.0';

export interface WmsReportOptions {
  /**
   * 'standard' (default) sends each code's status (400, 501, 401...); 'always-200' sends 200 for
   * every exception, as some WMS 1.1.1-era clients expect. Auth errors keep 401/403 either way.
   */
  statusPolicy?: 'standard' | 'always-200';
  /** Writes xsi:schemaLocation in the 1.3.0 report (default true). */
  schemaLocation?: boolean;
}

const CONTENT_TYPE: Record<WmsVersion, string> = {
  '1.1.1': 'application/vnd.ogc.se_xml',
  '1.3.0': 'text/xml; charset=UTF-8',
};

/**
 * WMS 1.1.1 names the CRS code InvalidSRS and has no OWS 2.0 codes, so codes are translated per
 * version; WMS 1.3.0 renamed it InvalidCRS.
 */
function wmsCode(code: string, version: WmsVersion): string | undefined {
  if (code === 'NoApplicableCode') return undefined; // WMS reports an uncoded exception instead
  if (version === '1.1.1' && code === 'InvalidCRS') return 'InvalidSRS';
  if (version === '1.3.0' && code === 'InvalidSRS') return 'InvalidCRS';
  return code;
}

/**
 * Serialises a ServiceExceptionReport. 1.3.0 is namespaced and validates against
 * exceptions_1_3_0.xsd; 1.1.1 is written without its DOCTYPE (no client needs the DTD, and
 * servers must not make clients fetch one).
 */
export function wmsExceptionReportXml(
  exceptions: readonly ExceptionDescription[],
  version: WmsVersion,
  options: WmsReportOptions = {},
): string {
  const withSchema = version === '1.3.0' && options.schemaLocation !== false;
  const root = el(
    'ServiceExceptionReport',
    {
      version,
      xmlns: version === '1.3.0' ? NS.ogc : undefined,
      'xmlns:xsi': withSchema ? NS.xsi : undefined,
      'xsi:schemaLocation': withSchema ? `${NS.ogc} ${SCHEMA_LOCATION.wms130Exceptions}` : undefined,
    },
    exceptions.map((e) =>
      el('ServiceException', { code: wmsCode(e.code, version), locator: version === '1.3.0' ? e.locator : undefined }, e.message),
    ),
  );
  return serializeXml(root);
}

/** The ErrorEncoder of a WMS: `wmsErrorEncoder('1.3.0')`. */
export function wmsErrorEncoder(version: WmsVersion, options: WmsReportOptions = {}): ErrorEncoder {
  return (err, ctx) => {
    const description = describeError(err);
    const keepStatus = options.statusPolicy !== 'always-200' || description.status === 401 || description.status === 403;
    sendErrorResponse(
      ctx,
      keepStatus ? description.status : 200,
      description.headers,
      CONTENT_TYPE[version],
      wmsExceptionReportXml([description], version, options),
    );
  };
}
