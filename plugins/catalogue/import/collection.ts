/** The target collection of an import: checked before it starts (and before an API job is queued). */
import { ADMIN_GROUP, authenticatedSubject } from '../../../core/auth/index.js';
import { BadRequest } from '../../../core/errors.js';
import type { CatalogueService } from '../types.js';

/** Reads the catalogue as an administrator would, to know whether a collection exists at all. */
const SYSTEM = authenticatedSubject({ id: 'meridian:import', issuer: 'meridian:system', method: 'system', groups: [ADMIN_GROUP] });

/**
 * Whether `id` names a collection: true when it exists, false when it does not and may be
 * created; a BadRequest when it is another kind of record, or missing and not to be created.
 */
export async function checkCollection(catalogue: CatalogueService, id: string, create: boolean): Promise<boolean> {
  if (typeof id !== 'string' || id.trim() === '') throw new BadRequest('The collection identifier is empty', { code: 'InvalidParameterValue', locator: 'collection' });
  const existing = await catalogue.get(id, SYSTEM);
  if (existing) {
    if (existing.type !== 'collection') throw new BadRequest(`'${id}' is a ${existing.type} record, not a collection`, { code: 'InvalidParameterValue', locator: 'collection' });
    return true;
  }
  if (!create) throw new BadRequest(`There is no collection '${id}' (create it first, or ask the import to create it)`, { code: 'InvalidParameterValue', locator: 'collection' });
  return false;
}

