import type { Context } from 'koa';
import type { ErrorEncoder } from '../../plugin.js';
import { NS, SCHEMA_LOCATION } from '../xml/namespaces.js';
import { el, serializeXml } from '../xml/writer.js';
import { describeError, type ExceptionDescription } from './describe.js';
import { sendErrorResponse } from './respond.js';

/** OWS Common versions whose ExceptionReport this encoder writes. */
export type OwsCommonVersion = '1.0.0' | '1.1.0' | '2.0.0';

export interface OwsReportOptions {
  /** OWS Common version: picks the namespace and schema (1.0.0: WFS 1.1, 1.1.0: WCS 1.1/WPS 1.0/WMTS, 2.0.0: WCS 2.0/WFS 2.0/WPS 2.0/CSW 3). */
  version: OwsCommonVersion;
  /** The report's `version` attribute (the service specification version); defaults to `version`. */
  reportVersion?: string;
  /** Language of the texts (xml:lang, or `language` in OWS 1.0); 'en' by default. */
  lang?: string;
  /** Writes xsi:schemaLocation pointing at the official schema (default true). */
  schemaLocation?: boolean;
  /** Content type of the response; 'application/xml' by default. */
  contentType?: string;
}

const NAMESPACE: Record<OwsCommonVersion, string> = { '1.0.0': NS.ows10, '1.1.0': NS.ows11, '2.0.0': NS.ows20 };
const SCHEMA: Record<OwsCommonVersion, string> = {
  '1.0.0': SCHEMA_LOCATION.ows10ExceptionReport,
  '1.1.0': SCHEMA_LOCATION.ows11ExceptionReport,
  '2.0.0': SCHEMA_LOCATION.ows20ExceptionReport,
};

/** Serialises an ows:ExceptionReport holding one ows:Exception per description. */
export function owsExceptionReportXml(exceptions: readonly ExceptionDescription[], options: OwsReportOptions): string {
  const { version } = options;
  const ns = NAMESPACE[version];
  const lang = options.lang ?? 'en';
  const root = el(
    'ows:ExceptionReport',
    {
      'xmlns:ows': ns,
      'xmlns:xsi': options.schemaLocation === false ? undefined : NS.xsi,
      'xsi:schemaLocation': options.schemaLocation === false ? undefined : `${ns} ${SCHEMA[version]}`,
      version: options.reportVersion ?? version,
      // OWS 1.0 names the attribute `language`; 1.1 and 2.0 use xml:lang.
      language: version === '1.0.0' ? lang : undefined,
      'xml:lang': version === '1.0.0' ? undefined : lang,
    },
    exceptions.map((e) =>
      el('ows:Exception', { exceptionCode: e.code, locator: e.locator }, el('ows:ExceptionText', null, e.message)),
    ),
  );
  return serializeXml(root);
}

/**
 * The ErrorEncoder of an OWS-based service: `owsErrorEncoder({ version: '2.0.0' })`. A service
 * speaking several OWS Common versions (CSW 2.0.2 on OWS 1.0, CSW 3.0 on OWS 2.0) passes a
 * function that picks the options from the request.
 */
export function owsErrorEncoder(options: OwsReportOptions | ((ctx: Context) => OwsReportOptions)): ErrorEncoder {
  return (err, ctx) => {
    const chosen = typeof options === 'function' ? options(ctx) : options;
    const description = describeError(err);
    sendErrorResponse(ctx, description.status, description.headers, chosen.contentType ?? 'application/xml', owsExceptionReportXml([description], chosen));
  };
}
