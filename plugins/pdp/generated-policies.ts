/**
 * The XACML documents the plugin writes itself: the built-in policies (policies/*.xml), each
 * domain's top PolicySet, its active-policies PolicySet and its share policies. Ids under
 * `urn:meridian:pdp:` are reserved for these; the PAP refuses them in stored policies.
 */
import { readFileSync } from 'node:fs';
import { XACML_ATTRIBUTE, XACML_CATEGORY } from '../../core/auth/decision-points/xacml-json.js';
import type { ResourceKey, Share } from './ownership/store.js';
import { resourceKeyText } from './ownership/store.js';

export const RESERVED_ID_PREFIX = 'urn:meridian:pdp:';
const NS = 'urn:oasis:names:tc:xacml:3.0:core:schema:wd-17';
const STRING = 'http://www.w3.org/2001/XMLSchema#string';
const STRING_EQUAL = 'urn:oasis:names:tc:xacml:1.0:function:string-equal';
export const POLICY_COMBINING = 'urn:oasis:names:tc:xacml:1.0:policy-combining-algorithm:';
export const POLICY_COMBINING_3 = 'urn:oasis:names:tc:xacml:3.0:policy-combining-algorithm:';
export const FIRST_APPLICABLE = `${POLICY_COMBINING}first-applicable`;

export const BUILTIN_IDS = {
  administrators: 'urn:meridian:pdp:policy:pdp-administrators',
  defaultSet: 'urn:meridian:pdp:policy-set:default',
  owners: 'urn:meridian:pdp:policy:owners',
} as const;

const builtinFiles = ['pdp-administrators.xml', 'default.xml', 'admins.xml', 'owners.xml', 'public-read.xml'];

/** The built-in policy documents (policies/*.xml), read once. */
export function builtinPolicyXml(): string[] {
  return builtinFiles.map((f) => readFileSync(new URL(`./policies/${f}`, import.meta.url), 'utf8'));
}

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** A PolicyId that names one resource: its parts percent-encoded, so any id makes a valid URI. */
export function sharePolicyId(key: ResourceKey): string {
  return `${RESERVED_ID_PREFIX}share:${[key.service, key.type, key.id].map(encodeURIComponent).join(':')}`;
}

export function domainTopId(domain: string): string {
  return `${RESERVED_ID_PREFIX}domain:${domain}`;
}

function match(category: string, attributeId: string, value: string): string {
  return (
    `<Match MatchId="${STRING_EQUAL}"><AttributeValue DataType="${STRING}">${escapeXml(value)}</AttributeValue>` +
    `<AttributeDesignator Category="${category}" AttributeId="${attributeId}" DataType="${STRING}" MustBePresent="false"/></Match>`
  );
}

function reference(kind: 'Policy' | 'PolicySet', id: string, version?: string): string {
  const v = version !== undefined ? ` Version="${escapeXml(version)}"` : '';
  return `<${kind}IdReference${v}>${escapeXml(id)}</${kind}IdReference>`;
}

/**
 * One resource's shares as a Policy: its Target is the resource (service, type, id), each share
 * a Permit rule whose Target is the grantee (subject id or role) and the actions granted.
 */
export function sharePolicyXml(key: ResourceKey, shares: Share[]): string {
  const resourceMatches = [
    ...(key.service ? [match(XACML_CATEGORY.resource, XACML_ATTRIBUTE.resourceService, key.service)] : []),
    match(XACML_CATEGORY.resource, XACML_ATTRIBUTE.resourceType, key.type),
    match(XACML_CATEGORY.resource, XACML_ATTRIBUTE.resourceId, key.id),
  ].join('');
  return shareRulesPolicy(sharePolicyId(key), `Shares of ${key.service}/${key.type}/${key.id}`, resourceMatches, shares);
}

/**
 * Containers whose shares extend to what they contain: a resource of `type` whose resource
 * attribute `attribute` names the container (S3 objects carry their bucket).
 */
const CONTAINERS: Record<string, { type: string; attribute: string }> = {
  's3\u0000bucket': { type: 'object', attribute: 'bucket' },
};

/** The policy granting a container's shares on its contents, when the resource is a container. */
export function contentsSharePolicy(key: ResourceKey, shares: Share[]): { id: string; xml: string } | undefined {
  const contents = CONTAINERS[`${key.service}\u0000${key.type}`];
  if (!contents) return undefined;
  const id = `${sharePolicyId(key)}:contents`;
  const resourceMatches = [
    match(XACML_CATEGORY.resource, XACML_ATTRIBUTE.resourceService, key.service),
    match(XACML_CATEGORY.resource, XACML_ATTRIBUTE.resourceType, contents.type),
    match(XACML_CATEGORY.resource, XACML_ATTRIBUTE.resourceAttributePrefix + contents.attribute, key.id),
  ].join('');
  return { id, xml: shareRulesPolicy(id, `Shares of ${key.service}/${key.type}/${key.id}, on its ${contents.type}s`, resourceMatches, shares) };
}

function shareRulesPolicy(policyId: string, description: string, resourceMatches: string, shares: Share[]): string {
  const rules = shares.map((share, i) => {
    const grantee =
      share.granteeKind === 'user'
        ? match(XACML_CATEGORY.accessSubject, XACML_ATTRIBUTE.subjectId, share.grantee)
        : match(XACML_CATEGORY.accessSubject, XACML_ATTRIBUTE.role, share.grantee);
    const actions = share.actions.includes('*')
      ? ''
      : `<AnyOf>${share.actions.map((a) => `<AllOf>${match(XACML_CATEGORY.action, XACML_ATTRIBUTE.actionId, a)}</AllOf>`).join('')}</AnyOf>`;
    return `<Rule RuleId="share-${i + 1}" Effect="Permit"><Description>${escapeXml(`${share.granteeKind} ${share.grantee}: ${share.actions.join(', ')}`)}</Description><Target><AnyOf><AllOf>${grantee}</AllOf></AnyOf>${actions}</Target></Rule>`;
  });
  return (
    `<Policy xmlns="${NS}" PolicyId="${escapeXml(policyId)}" Version="1" RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:permit-overrides">` +
    `<Description>${escapeXml(description)}</Description>` +
    `<Target><AnyOf><AllOf>${resourceMatches}</AllOf></AnyOf></Target>${rules.join('')}</Policy>`
  );
}

/** Shares grouped by resource (in the order first granted). */
export function sharesByResource(shares: Share[]): Map<string, { key: ResourceKey; shares: Share[] }> {
  const byKey = new Map<string, { key: ResourceKey; shares: Share[] }>();
  for (const share of shares) {
    const k = resourceKeyText(share.resource);
    const entry = byKey.get(k) ?? { key: share.resource, shares: [] };
    entry.shares.push(share);
    byKey.set(k, entry);
  }
  return byKey;
}

export interface TopSetParts {
  domain: string;
  /** Policy revision of the domain, as the generated documents' Version. */
  version: string;
  /** The domain's active policies in order; empty: the default policy set decides. */
  active: Array<{ kind: 'Policy' | 'PolicySet'; policyId: string; version: string }>;
  combiningAlgorithm: string;
  /** Whether the default policy set decides what the active policies leave NotApplicable. */
  includeDefaults: boolean;
  /** Ids of the share policies (one per shared resource). */
  sharePolicyIds: string[];
}

/** The active policies as one PolicySet (its combining algorithm chosen by the domain). */
export function activeSetXml(parts: TopSetParts): string {
  const id = `${domainTopId(parts.domain)}:active`;
  return (
    `<PolicySet xmlns="${NS}" PolicySetId="${escapeXml(id)}" Version="${parts.version}" PolicyCombiningAlgId="${escapeXml(parts.combiningAlgorithm)}"><Target/>` +
    parts.active.map((a) => reference(a.kind, a.policyId, a.version)).join('') +
    `</PolicySet>`
  );
}

/** The shares PolicySet: the share policies' Targets are disjoint, so at most one applies. */
export function sharesSetXml(parts: TopSetParts): string {
  return (
    `<PolicySet xmlns="${NS}" PolicySetId="${escapeXml(`${domainTopId(parts.domain)}:shares`)}" Version="${parts.version}" PolicyCombiningAlgId="${POLICY_COMBINING}permit-overrides"><Target/>` +
    parts.sharePolicyIds.map((id) => reference('Policy', id)).join('') +
    `</PolicySet>`
  );
}

/**
 * The domain's root, first applicable: the PDP's own administrators; the domain's active
 * policies; the default policy set (unless the domain turned it off); the owners policy; the
 * resources' shares. A domain policy that denies is therefore not overridden by the defaults,
 * ownership or a share; one that is NotApplicable lets them decide.
 */
export function topSetXml(parts: TopSetParts): string {
  const domainPolicies =
    (parts.active.length ? reference('PolicySet', `${domainTopId(parts.domain)}:active`, parts.version) : '') +
    (parts.includeDefaults ? reference('PolicySet', BUILTIN_IDS.defaultSet) : '');
  const shares = parts.sharePolicyIds.length ? reference('PolicySet', `${domainTopId(parts.domain)}:shares`, parts.version) : '';
  return (
    `<PolicySet xmlns="${NS}" PolicySetId="${escapeXml(domainTopId(parts.domain))}" Version="${parts.version}" PolicyCombiningAlgId="${FIRST_APPLICABLE}"><Target/>` +
    reference('Policy', BUILTIN_IDS.administrators) +
    domainPolicies +
    reference('Policy', BUILTIN_IDS.owners) +
    shares +
    `</PolicySet>`
  );
}
