import type { RuleConfig } from './rules.js';

/**
 * The `filter` obligation: a CQL2-JSON expression a search must add to its query so that each
 * subject finds only what it may read. `$subject.id` is bound to the subject when a rule fires.
 */
export const VISIBILITY_FILTER_OBLIGATION = 'filter';

const isPublic = {
  op: 'or',
  args: [
    { op: 'isNull', args: [{ property: 'visibility' }] },
    { op: '<>', args: [{ property: 'visibility' }, 'private'] },
  ],
};

const isPublicOrOwn = {
  op: 'or',
  args: [...isPublic.args, { op: '=', args: [{ property: 'owner' }, '$subject.id'] }],
};

/**
 * The embedded default policy: safe, not open. Anyone reads what is not private (searches get
 * a filter obligation with the same meaning); group `admin` may do anything; an authenticated
 * owner may do anything with what they own. Everything else is NotApplicable, so denied.
 */
export const defaultRules: RuleConfig[] = [
  {
    name: 'admins may do anything',
    effect: 'permit',
    subjects: { groups: ['admin'] },
    actions: ['*'],
  },
  {
    name: 'owners may do anything with what they own',
    effect: 'permit',
    subjects: { authenticated: true },
    resources: { owner: '$subject' },
    actions: ['*'],
  },
  {
    name: 'authenticated users read what is public, and find it and their own',
    effect: 'permit',
    subjects: { authenticated: true },
    resources: { attributes: { visibility: { notIn: ['private'] } } },
    actions: ['read'],
    obligations: [{ id: VISIBILITY_FILTER_OBLIGATION, attributes: { lang: 'cql2-json', filter: isPublicOrOwn } }],
  },
  {
    name: 'anonymous users read what is public',
    effect: 'permit',
    subjects: { anonymous: true },
    resources: { attributes: { visibility: { notIn: ['private'] } } },
    actions: ['read'],
    obligations: [{ id: VISIBILITY_FILTER_OBLIGATION, attributes: { lang: 'cql2-json', filter: isPublic } }],
  },
];
