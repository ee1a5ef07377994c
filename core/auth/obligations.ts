/**
 * Fulfilling the obligations a Permit carries. The only one the engines know is `filter` (the
 * visibility filter of the default policy, or a policy's own): a CQL2 expression over resource
 * fields. Obligations are binding, so an unknown one, or a filter that cannot be read, denies.
 */
import type { Logger } from 'pino';
import { evaluateFilter, parseCql2Json, parseCql2Text, type Filter } from '../filter/index.js';
import { VISIBILITY_FILTER_OBLIGATION } from './decision-points/default-rules.js';
import type { Obligation } from './types.js';

/**
 * The filters of a Permit's obligations, parsed; null (deny) when one is not a `filter`
 * obligation or cannot be parsed. `engine` names the caller in the warning logged.
 */
export function filterObligations(obligations: readonly Obligation[], logger: Logger, engine: string): Filter[] | null {
  const filters: Filter[] = [];
  for (const obligation of obligations) {
    const { lang, filter } = obligation.attributes;
    if (obligation.id !== VISIBILITY_FILTER_OBLIGATION || filter === undefined) {
      logger.warn({ obligation: obligation.id }, `${engine}: unknown obligation, access denied`);
      return null;
    }
    try {
      if (lang === undefined || lang === 'cql2-json') filters.push(parseCql2Json(filter, { locator: 'policy' }));
      else if (lang === 'cql2-text' && typeof filter === 'string') filters.push(parseCql2Text(filter, { locator: 'policy' }));
      else throw new Error(`filter language '${String(lang)}' not supported`);
    } catch (err) {
      logger.warn({ err }, `${engine}: unusable filter obligation, access denied`);
      return null;
    }
  }
  return filters;
}

/**
 * Whether one resource, described by `properties` (id, owner, visibility...), passes a Permit's
 * filter obligations; for engines that decide per resource rather than inside a query.
 */
export function obligationsPermit(obligations: readonly Obligation[], resource: { id?: string; properties: Record<string, unknown> }, logger: Logger, engine: string): boolean {
  const filters = filterObligations(obligations, logger, engine);
  if (filters === null) return false;
  try {
    return filters.every((f) => evaluateFilter(f, { id: resource.id ?? '', properties: resource.properties }));
  } catch (err) {
    logger.warn({ err }, `${engine}: filter obligation failed, access denied`);
    return false;
  }
}
