/**
 * Access to collections: every read and write asks authorize() about the collection. A
 * collection the subject may not read does not exist for it (NoSuchCollection). A Permit's
 * `filter` obligations (the default policy's visibility/owner filter) are applied inside the
 * query: `owner` means the features' own owner column, `visibility` the collection's.
 */
import type { Logger } from 'pino';
import { Forbidden, Unauthenticated } from '../../core/errors.js';
import type { AuthHooks, Decision, Resource, Subject } from '../../core/auth/types.js';
import { filterObligations } from '../../core/auth/obligations.js';
import { mapPredicates, type Expression, type Filter } from '../../core/filter/index.js';
import { FeaturesError } from './errors.js';
import { OWNER_QUERYABLE, type CollectionLayout } from './schema.js';

export type FeaturesAction = 'read' | 'create' | 'update' | 'delete';

export function collectionResource(layout: CollectionLayout): Resource {
  const d = layout.definition;
  return { type: 'feature-collection', service: 'features', id: d.id, ...(d.owner !== undefined ? { owner: d.owner } : {}), attributes: { visibility: d.visibility } };
}

/** The resource of a collection that does not exist yet (create). */
export function newCollectionResource(id: string, owner: string | undefined, visibility: string): Resource {
  return { type: 'feature-collection', service: 'features', id, ...(owner !== undefined ? { owner } : {}), attributes: { visibility } };
}

export class CollectionAccess {
  constructor(
    private readonly auth: AuthHooks,
    private readonly logger: Logger,
  ) {}

  /** Whether the subject may read the collection at all (listing, describing). */
  async mayRead(layout: CollectionLayout, subject: Subject): Promise<boolean> {
    return (await this.readFilters(layout, subject)) !== null;
  }

  /**
   * null: the subject may not read the collection; otherwise the filters every read of it must
   * AND in (over the collection's queryables).
   */
  async readFilters(layout: CollectionLayout, subject: Subject): Promise<Filter[] | null> {
    const decision = await this.auth.authorize(subject, collectionResource(layout), 'read');
    if (decision.decision !== 'Permit') return null;
    return this.obligationFilters(decision, layout);
  }

  /**
   * For a write: the read check first (a collection the subject may not read is
   * NoSuchCollection), then the action; its filter obligations restrict the features touched.
   */
  async writeFilters(layout: CollectionLayout, subject: Subject, action: Exclude<FeaturesAction, 'read'>): Promise<Filter[]> {
    if (!(await this.mayRead(layout, subject))) throw noSuchCollection(layout.definition.id);
    const decision = await this.auth.authorize(subject, collectionResource(layout), action);
    const filters = decision.decision === 'Permit' ? this.obligationFilters(decision, layout) : null;
    if (filters === null) throw denied(subject, `Not allowed to ${action} features of '${layout.definition.id}'`);
    return filters;
  }

  /** Collection-level actions (create, delete a collection): a plain Permit, or Forbidden. */
  async requirePermit(subject: Subject, resource: Resource, action: FeaturesAction, message: string): Promise<void> {
    const decision = await this.auth.authorize(subject, resource, action);
    if (decision.decision !== 'Permit' || decision.obligations.length > 0) throw denied(subject, message);
  }

  private obligationFilters(decision: Decision, layout: CollectionLayout): Filter[] | null {
    const filters = filterObligations(decision.obligations, this.logger, 'features');
    if (filters === null) return null;
    try {
      return filters.map((f) => bindResourceFields(f, layout));
    } catch (err) {
      this.logger.warn({ err }, 'features: unusable filter obligation, access denied');
      return null;
    }
  }
}

/**
 * A policy filter over resource fields as a filter over the collection's rows: `owner` reads
 * each feature's owner column, `visibility` is the collection's (a constant); any other name
 * is one the engine cannot bind, and refuses.
 */
function bindResourceFields(filter: Filter, layout: CollectionLayout): Filter {
  const expr = (e: Expression): Expression => {
    if (e.kind === 'property') {
      if (e.name === 'owner') return { kind: 'property', name: OWNER_QUERYABLE, path: [OWNER_QUERYABLE] };
      if (e.name === 'visibility') return { kind: 'literal', value: layout.definition.visibility };
      throw new Error(`policy filter names '${e.name}', which features do not have`);
    }
    if (e.kind === 'function') return { ...e, args: e.args.map(expr) };
    if (e.kind === 'arithmetic') return { ...e, left: expr(e.left), right: expr(e.right) };
    if (e.kind === 'array') return { ...e, items: e.items.map(expr) };
    return e;
  };
  return mapPredicates(filter, (p): Filter => {
    switch (p.op) {
      case 'isNull':
        // A constant is never null: SQL would compare a bound value, which works too, but this is plainer.
        if (p.expr.kind === 'property' && p.expr.name === 'visibility') return { op: 'constant', value: false };
        return { ...p, expr: expr(p.expr) };
      case 'like':
      case 'bbox':
        return { ...p, expr: expr(p.expr) };
      case 'between':
        return { ...p, expr: expr(p.expr), lower: expr(p.lower), upper: expr(p.upper) };
      case 'in':
        return { ...p, expr: expr(p.expr), list: p.list.map(expr) };
      case 'ids':
      case 'constant':
        return p;
      case 'function':
        return { ...p, call: expr(p.call) as typeof p.call };
      default:
        return { ...p, left: expr(p.left), right: expr(p.right) } as Filter;
    }
  });
}

export function noSuchCollection(id: string): FeaturesError {
  return new FeaturesError('NoSuchCollection', `No feature collection '${id}'`, { locator: 'collection' });
}

function denied(subject: Subject, message: string): Error {
  return subject.anonymous ? new Unauthenticated(message) : new Forbidden(message);
}
