/** The `wcps` service this plugin provides: what the WCS plugin calls for ProcessCoverages. */
import type { Subject } from '../../core/auth/types.js';
import type { EncodedOutput } from '../coverages/types.js';

export interface WcpsService {
  /** Runs a WCPS query for a subject; `signal` stops it (the client went away). Errors are OwsExceptions (WcpsError). */
  process(query: string, subject: Subject, options?: { signal?: AbortSignal }): Promise<EncodedOutput>;
}

export const WCPS_CONFORMANCE = {
  /** WCPS 1.0 (OGC 08-068r2) as served here. */
  wcps: 'http://www.opengis.net/spec/WCPS/1.0/conf/wcps',
  /** The WCS 2.0 Processing Extension (OGC 08-059r4): ProcessCoverages. */
  processing: 'http://www.opengis.net/spec/WCS_service-extension_processing/2.0/conf/processing',
} as const;
