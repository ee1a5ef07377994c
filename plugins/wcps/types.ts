/** The `wcps` service this plugin provides: what the WCS plugin calls for ProcessCoverages. */
import type { Subject } from '../../core/auth/types.js';
import type { XmlTreeNode } from '../../core/ows/index.js';
import type { EncodedOutput } from '../coverages/types.js';

export interface WcpsProcessOptions {
  /** Stops the query (the client went away). */
  signal?: AbortSignal;
  /** Values of `$1`, `$2`… in the query (the Processing Extension's extra parameters, KVP keys `1`, `2`…). */
  parameters?: string[];
}

export interface WcpsService {
  /** Runs a WCPS query (text) for a subject. Errors are OwsExceptions (WcpsError). */
  process(query: string, subject: Subject, options?: WcpsProcessOptions): Promise<EncodedOutput>;
  /**
   * Runs the query of an XML request document: a WCPS 1.0 ProcessCoveragesRequest (query in the
   * abstract or the XML syntax) or a WCS 2.0 Processing Extension ProcessCoverages.
   */
  processXml(root: XmlTreeNode, subject: Subject, options?: WcpsProcessOptions): Promise<EncodedOutput>;
}

export const WCPS_CONFORMANCE = {
  /** WCPS 1.0 (OGC 08-068r2) as served here. */
  wcps: 'http://www.opengis.net/spec/WCPS/1.0/conf/wcps',
  /** The WCS 2.0 Processing Extension (OGC 08-059r4): ProcessCoverages. */
  processing: 'http://www.opengis.net/spec/WCS_service-extension_processing/2.0/conf/processing',
} as const;
