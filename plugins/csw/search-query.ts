/** Constraints, sort keys and typeNames of a request as the catalogue query that answers them. */
import type { Filter } from '../../core/filter/index.js';
import { invalidParameterValue } from '../../core/ows/index.js';
import type { CatalogueQuery, SortKey } from '../catalogue/types.js';
import type { CswEnv } from './context.js';
import { isName } from './names.js';
import { CSW_NS } from './namespaces.js';
import { ANY_TEXT, toEngineFilter } from './queryables.js';
import type { QualifiedName, SortProperty } from './requests.js';

/** Every record is both a csw:Record and a gmd:MD_Metadata: either (or both) name the whole catalogue. */
export function checkTypeNames(names: readonly QualifiedName[], locator = 'typeNames'): void {
  for (const n of names) {
    const known = isName(n, CSW_NS.csw202, 'Record') || isName(n, CSW_NS.csw30, 'Record') || isName(n, CSW_NS.gmd, 'MD_Metadata');
    if (!known) throw invalidParameterValue(locator, `Unknown type '${n.written}'; types are csw:Record and gmd:MD_Metadata`);
  }
}

export function engineSort(sortBy: readonly SortProperty[] | undefined, env: Pick<CswEnv, 'queryables'>, locator = 'SortBy'): SortKey[] | undefined {
  if (!sortBy) return undefined;
  return sortBy.map((key) => {
    const field = env.queryables.resolve(key.property);
    if (field === undefined || field === ANY_TEXT || env.queryables.describe(field)?.type === 'geometry') {
      throw invalidParameterValue(locator, `Cannot sort by '${key.property}'`);
    }
    return { field, direction: key.direction };
  });
}

export function engineFilter(filter: Filter | undefined, env: Pick<CswEnv, 'queryables'>, locator = 'Constraint'): Filter | undefined {
  return filter === undefined ? undefined : toEngineFilter(filter, env.queryables, locator);
}

/** The part of a catalogue query a constraint sets. */
export function constraintQuery(filter: Filter | undefined, env: Pick<CswEnv, 'queryables'>, locator = 'Constraint'): CatalogueQuery {
  const mapped = engineFilter(filter, env, locator);
  return mapped === undefined ? {} : { filter: mapped };
}
