import type { AuthorizationRequest, Decision, DecisionPoint, Obligation, Resource, Subject } from '../types.js';

/**
 * The `rules` decision point: an ordered table of permit/deny rules for simple platforms.
 *
 * Combining algorithm: first-applicable. Rules are tried in order; the first whose subjects,
 * resources and actions all match decides (Permit or Deny) and only its obligations are
 * returned. No matching rule gives NotApplicable, which enforcement treats as a deny. Put
 * denies and the most specific rules first. First-applicable (rather than deny-overrides) lets
 * an earlier rule, such as "admins may do anything", permit without the obligations (for
 * example a visibility filter) that a later, broader rule attaches.
 */

/** Which subjects a rule is about. A subject matches when it is any of the kinds listed. */
export interface SubjectSelector {
  /** Requests without credentials. */
  anonymous?: boolean;
  /** Any authenticated subject. */
  authenticated?: boolean;
  /** Subjects in at least one of these groups. */
  groups?: string[];
  /** Subjects with one of these ids. */
  ids?: string[];
}

/** A test on one resource attribute (`resource.attributes[name]`). All given tests must hold. */
export interface AttributeCondition {
  equals?: string | number | boolean;
  /** The attribute is present and one of these. */
  in?: Array<string | number | boolean>;
  /** The attribute is absent or none of these. */
  notIn?: Array<string | number | boolean>;
  exists?: boolean;
}

/** Which resources a rule is about. Patterns are globs ('*' any run of characters); absent keys match anything. */
export interface ResourceSelector {
  service?: string | string[];
  type?: string | string[];
  id?: string | string[];
  /** '$subject': the resource's owner is the requesting (authenticated) subject; otherwise a glob. */
  owner?: string;
  attributes?: Record<string, AttributeCondition>;
}

export interface RuleConfig {
  /** Names the rule in decision reasons (logs). */
  name?: string;
  effect: 'permit' | 'deny';
  subjects?: SubjectSelector;
  resources?: ResourceSelector;
  /** Actions the rule covers; '*' is any. */
  actions: string[];
  /**
   * Returned with the decision. String values '$subject.id', '$subject.issuer' and
   * '$subject.groups', anywhere in `attributes`, are replaced by the subject's.
   */
  obligations?: Obligation[];
}

export interface RulesDecisionPointConfig {
  rules: RuleConfig[];
}

type Matcher = (value: string | undefined) => boolean;

interface CompiledRule {
  label: string;
  effect: 'Permit' | 'Deny';
  /** The decision's reason, for logs. */
  reason: string;
  subject: (subject: Subject) => boolean;
  resource: (resource: Resource, subject: Subject) => boolean;
  action: (action: string) => boolean;
  obligations: Obligation[];
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`, 's');
}

function patternMatcher(patterns: string | string[] | undefined): Matcher | null {
  if (patterns === undefined) return null;
  const list = Array.isArray(patterns) ? patterns : [patterns];
  if (list.includes('*')) return null;
  // Patterns without '*' are compared as strings: the common case, and a regular expression
  // costs more on every decision than the comparison.
  const exact = list.filter((p) => !p.includes('*'));
  const regexps = list.filter((p) => p.includes('*')).map(globToRegExp);
  if (regexps.length === 0) {
    if (exact.length === 1) {
      const only = exact[0]!;
      return (value) => value === only;
    }
    return (value) => value !== undefined && exact.includes(value);
  }
  return (value) => value !== undefined && (exact.includes(value) || regexps.some((r) => r.test(value)));
}

function compileSubjects(selector: SubjectSelector | undefined): (subject: Subject) => boolean {
  if (!selector) return () => true;
  const { anonymous, authenticated, groups, ids } = selector;
  if (!anonymous && !authenticated && !groups?.length && !ids?.length) {
    throw new Error('a rule\'s subjects select nobody: give anonymous, authenticated, groups or ids (or omit subjects for everyone)');
  }
  const anyGroup = groups?.length ? groups : undefined;
  return (subject) =>
    (anonymous === true && subject.anonymous) ||
    (authenticated === true && !subject.anonymous) ||
    (!subject.anonymous && anyGroup !== undefined && sharesGroup(anyGroup, subject.groups)) ||
    (!subject.anonymous && ids !== undefined && ids.includes(subject.id));
}

/** Whether the two lists have a member in common; a loop, not a closure made per decision. */
function sharesGroup(wanted: readonly string[], held: readonly string[]): boolean {
  for (let i = 0; i < wanted.length; i++) if (held.includes(wanted[i]!)) return true;
  return false;
}

function conditionHolds(condition: AttributeCondition, value: unknown): boolean {
  const present = value !== undefined && value !== null;
  if (condition.exists !== undefined && condition.exists !== present) return false;
  if (condition.equals !== undefined && value !== condition.equals) return false;
  if (condition.in !== undefined && !(present && condition.in.includes(value as string))) return false;
  if (condition.notIn !== undefined && present && condition.notIn.includes(value as string)) return false;
  return true;
}

function compileResources(selector: ResourceSelector | undefined): CompiledRule['resource'] {
  if (!selector) return () => true;
  const service = patternMatcher(selector.service);
  const type = patternMatcher(selector.type);
  const id = patternMatcher(selector.id);
  const ownerIsSubject = selector.owner === '$subject';
  const owner = ownerIsSubject ? null : patternMatcher(selector.owner);
  const attributes = Object.entries(selector.attributes ?? {});
  return (resource, subject) => {
    if (service && !service(resource.service)) return false;
    if (type && !type(resource.type)) return false;
    if (id && !id(resource.id)) return false;
    if (ownerIsSubject && (subject.anonymous || resource.owner === undefined || resource.owner !== subject.id)) return false;
    if (owner && !owner(resource.owner)) return false;
    for (let i = 0; i < attributes.length; i++) {
      const [name, condition] = attributes[i]!;
      if (!conditionHolds(condition, resource.attributes?.[name])) return false;
    }
    return true;
  };
}

function compileRule(rule: RuleConfig, index: number): CompiledRule {
  const label = `rule ${index + 1}${rule.name ? ` (${rule.name})` : ''}`;
  if (rule.effect !== 'permit' && rule.effect !== 'deny') throw new Error(`${label}: effect must be permit or deny`);
  if (!Array.isArray(rule.actions) || rule.actions.length === 0) throw new Error(`${label}: actions must list at least one action or '*'`);
  let subject: CompiledRule['subject'];
  try {
    subject = compileSubjects(rule.subjects);
  } catch (err) {
    throw new Error(`${label}: ${(err as Error).message}`);
  }
  const anyAction = rule.actions.includes('*');
  const actions = new Set(rule.actions);
  return {
    label,
    effect: rule.effect === 'permit' ? 'Permit' : 'Deny',
    reason: `${label} ${rule.effect === 'permit' ? 'permits' : 'denies'}`,
    subject,
    resource: compileResources(rule.resources),
    action: (action) => anyAction || actions.has(action),
    obligations: rule.obligations ?? [],
  };
}

/** Replaces '$subject.*' placeholders in obligation attribute values (deeply). */
export function bindSubject(value: unknown, subject: Subject): unknown {
  if (value === '$subject.id') return subject.id;
  if (value === '$subject.issuer') return subject.issuer;
  if (value === '$subject.groups') return [...subject.groups];
  if (Array.isArray(value)) return value.map((v) => bindSubject(v, subject));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, bindSubject(v, subject)]));
  }
  return value;
}

export function createRulesDecisionPoint(config: RulesDecisionPointConfig): DecisionPoint {
  if (!Array.isArray(config.rules)) throw new Error('rules decision point: `rules` must be a list');
  const rules = config.rules.map(compileRule);
  return {
    name: 'rules',
    // A few compiled tests per rule: quicker than the cache's key for the request.
    cheaperThanCache: true,
    // Synchronous: a compiled table needs no promise (see DecisionPoint.decide).
    decide(request: AuthorizationRequest): Decision {
      const { subject, resource, action } = request;
      for (const rule of rules) {
        if (rule.action(action) && rule.subject(subject) && rule.resource(resource, subject)) {
          return {
            decision: rule.effect,
            obligations: rule.obligations.length ? rule.obligations.map((o) => ({ id: o.id, attributes: bindSubject(o.attributes, subject) as Record<string, unknown> })) : [],
            reason: rule.reason,
          };
        }
      }
      return { decision: 'NotApplicable', obligations: [], reason: 'no rule applies' };
    },
  };
}
