import { invalidParameterValue } from '../exceptions.js';

export const OWS_SECTIONS = ['ServiceIdentification', 'ServiceProvider', 'OperationsMetadata', 'Contents'] as const;

/**
 * The GetCapabilities `Sections` parameter (OWS Common 2.0 §7.3.3): absent, empty or 'All' → every
 * section; otherwise the named ones, each of which must be one the service has.
 */
export function parseSections(requested: readonly string[] | undefined, available: readonly string[] = OWS_SECTIONS, locator = 'Sections'): Set<string> {
  const names = (requested ?? []).map((s) => s.trim()).filter((s) => s !== '');
  if (names.length === 0 || names.includes('All')) return new Set(available);
  for (const name of names) {
    if (!available.includes(name)) {
      throw invalidParameterValue(locator, `Unknown section '${name}'; sections are ${[...available, 'All'].join(', ')}`);
    }
  }
  return new Set(names);
}
