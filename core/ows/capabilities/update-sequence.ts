import { OwsException } from '../exceptions.js';

/** What to send for a GetCapabilities carrying an updateSequence. */
export type CapabilitiesExtent = 'full' | 'minimal';

export interface UpdateSequenceOptions {
  /**
   * 'wms' (WMS 1.1.1/1.3.0): equal → CurrentUpdateSequence exception.
   * 'ows' (OWS Common 1.1/2.0 §7.3.4 table): equal → 'minimal', a document with only the version
   * and updateSequence attributes.
   * Both: client value greater than the server's → InvalidUpdateSequence; lower or none → 'full'.
   */
  style: 'wms' | 'ows';
  locator?: string;
}

/**
 * Orders two updateSequence values: numerically when both are integers, in time when both are
 * ISO 8601 timestamps, else as strings (OWS leaves the format to the server, requiring only that
 * it increases).
 */
export function compareUpdateSequences(a: string, b: string): number {
  if (/^\d+$/.test(a) && /^\d+$/.test(b)) {
    const d = BigInt(a) - BigInt(b);
    return d === 0n ? 0 : d < 0n ? -1 : 1;
  }
  const iso = /^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/;
  if (iso.test(a) && iso.test(b)) {
    const d = Date.parse(a) - Date.parse(b);
    if (!Number.isNaN(d)) return Math.sign(d);
  }
  return a === b ? 0 : a < b ? -1 : 1;
}

export function checkUpdateSequence(clientValue: string | undefined, current: string | undefined, options: UpdateSequenceOptions): CapabilitiesExtent {
  const locator = options.locator ?? 'updateSequence';
  const client = clientValue?.trim();
  if (!client || current === undefined) return 'full';
  const order = compareUpdateSequences(client, current);
  if (order > 0) {
    throw new OwsException('InvalidUpdateSequence', `updateSequence '${client}' is greater than the current value '${current}'`, { locator });
  }
  if (order === 0) {
    if (options.style === 'wms') {
      throw new OwsException('CurrentUpdateSequence', `updateSequence '${client}' is the current value: the capabilities have not changed`, { locator });
    }
    return 'minimal';
  }
  return 'full';
}
