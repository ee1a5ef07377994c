/**
 * A generated platform policy set of 1,000 policies, stored in a pdp database as the PAP stores
 * them: role rules (group g may read and search private collection c), ownership shares (user u
 * may read bucket b, one share policy per bucket), and policies with a condition on a dynamic
 * attribute (execute process p while the subject's remaining credit covers its price). Plus a
 * seeded request mix over them.
 */
import type { Knex } from 'knex';
import type { AuthorizationRequest, Subject } from '../../../core/auth/types.js';
import { authenticatedSubject } from '../../../core/auth/subjects.js';
import { seededRandom } from '../../../core/seeded-random.js';
import { putShare } from '../../../plugins/pdp/ownership/store.js';
import { activate, insertPolicy } from '../../../plugins/pdp/pap/store.js';

export const SIZES = { roles: 700, shares: 250, conditions: 50, groups: 50, users: 500 } as const;
export const CREDIT_ATTRIBUTE = 'urn:meridian:subject:attribute:remaining-credit';

const NS = 'urn:oasis:names:tc:xacml:3.0:core:schema:wd-17';
const S = 'http://www.w3.org/2001/XMLSchema#string';
const I = 'http://www.w3.org/2001/XMLSchema#integer';
const RES = 'urn:oasis:names:tc:xacml:3.0:attribute-category:resource';
const ACT = 'urn:oasis:names:tc:xacml:3.0:attribute-category:action';
const SUB = 'urn:oasis:names:tc:xacml:1.0:subject-category:access-subject';
const match = (category: string, id: string, value: string) =>
  `<Match MatchId="urn:oasis:names:tc:xacml:1.0:function:string-equal"><AttributeValue DataType="${S}">${value}</AttributeValue><AttributeDesignator Category="${category}" AttributeId="${id}" DataType="${S}" MustBePresent="false"/></Match>`;

function rolePolicy(i: number): string {
  return (
    `<Policy xmlns="${NS}" PolicyId="urn:bench:role:${i}" Version="1" RuleCombiningAlgId="urn:oasis:names:tc:xacml:1.0:rule-combining-algorithm:first-applicable">` +
    `<Target><AnyOf><AllOf>${match(RES, 'urn:meridian:resource:type', 'collection')}${match(RES, 'urn:oasis:names:tc:xacml:1.0:resource:resource-id', `c${i}`)}</AllOf></AnyOf>` +
    `<AnyOf><AllOf>${match(ACT, 'urn:oasis:names:tc:xacml:1.0:action:action-id', 'read')}</AllOf><AllOf>${match(ACT, 'urn:oasis:names:tc:xacml:1.0:action:action-id', 'search')}</AllOf></AnyOf></Target>` +
    `<Rule RuleId="members" Effect="Permit"><Target><AnyOf><AllOf>${match(SUB, 'urn:oasis:names:tc:xacml:2.0:subject:role', `g${i % SIZES.groups}`)}</AllOf></AnyOf></Target></Rule>` +
    `</Policy>`
  );
}

export const priceOf = (i: number) => 10 + (i % 7) * 15;

function creditPolicy(i: number): string {
  return (
    `<Policy xmlns="${NS}" PolicyId="urn:bench:credit:${i}" Version="1" RuleCombiningAlgId="urn:oasis:names:tc:xacml:1.0:rule-combining-algorithm:first-applicable">` +
    `<Target><AnyOf><AllOf>${match(RES, 'urn:meridian:resource:type', 'process')}${match(RES, 'urn:oasis:names:tc:xacml:1.0:resource:resource-id', `p${i}`)}${match(ACT, 'urn:oasis:names:tc:xacml:1.0:action:action-id', 'execute')}</AllOf></AnyOf></Target>` +
    `<Rule RuleId="enough-credit" Effect="Permit"><Condition><Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:integer-greater-than-or-equal">` +
    `<Apply FunctionId="urn:oasis:names:tc:xacml:1.0:function:integer-one-and-only"><AttributeDesignator Category="${SUB}" AttributeId="${CREDIT_ATTRIBUTE}" DataType="${I}" MustBePresent="true"/></Apply>` +
    `<AttributeValue DataType="${I}">${priceOf(i)}</AttributeValue></Apply></Condition></Rule>` +
    `<Rule RuleId="otherwise" Effect="Deny"/></Policy>`
  );
}

/** Stores and activates the role and condition policies and grants the shares, in one transaction. */
export async function storePolicySet(knex: Knex, domain: string): Promise<void> {
  await knex.transaction(async (trx) => {
    const now = new Date().toISOString();
    for (let i = 0; i < SIZES.roles; i++) {
      await insertPolicy(trx, { domain, policyId: `urn:bench:role:${i}`, version: '1', kind: 'Policy', xml: rolePolicy(i), createdAt: now });
      await activate(trx, domain, `urn:bench:role:${i}`, '1');
    }
    for (let i = 0; i < SIZES.conditions; i++) {
      await insertPolicy(trx, { domain, policyId: `urn:bench:credit:${i}`, version: '1', kind: 'Policy', xml: creditPolicy(i), createdAt: now });
      await activate(trx, domain, `urn:bench:credit:${i}`, '1');
    }
    for (let i = 0; i < SIZES.shares; i++) {
      await putShare(trx, domain, { resource: { service: 's3', type: 'bucket', id: `b${i}` }, granteeKind: 'user', grantee: `u${(i * 7) % SIZES.users}`, actions: ['read'] });
    }
  });
}

/** The remaining credit the dynamic attribute finder reports for a user (stable per id). */
export function creditOf(userId: string): number {
  let h = 0;
  for (const c of userId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % 120;
}

function userSubject(random: () => number): Subject {
  const n = Math.floor(random() * SIZES.users);
  const groups = Array.from({ length: 1 + Math.floor(random() * 3) }, () => `g${Math.floor(random() * SIZES.groups)}`);
  return authenticatedSubject({ id: `u${n}`, issuer: 'https://login.example', method: 'jwt', groups });
}

/** `count` requests: collection reads and searches, bucket reads, process executions, admin actions. */
export function requestMix(count: number, seed = 42): AuthorizationRequest[] {
  const random = seededRandom(seed);
  const admin = authenticatedSubject({ id: 'root', issuer: 'https://login.example', method: 'jwt', groups: ['admin'] });
  const out: AuthorizationRequest[] = [];
  for (let k = 0; k < count; k++) {
    const r = random();
    const subject = r < 0.9 ? userSubject(random) : admin;
    if (r < 0.6) {
      const i = Math.floor(random() * SIZES.roles);
      out.push({ subject, resource: { service: 'catalogue', type: 'collection', id: `c${i}`, owner: 'someone', attributes: { visibility: 'private' } }, action: random() < 0.7 ? 'read' : 'search', context: {} });
    } else if (r < 0.8) {
      const i = Math.floor(random() * SIZES.shares * 1.2);
      out.push({ subject, resource: { service: 's3', type: 'bucket', id: `b${i}`, attributes: { visibility: 'private' } }, action: 'read', context: {} });
    } else if (r < 0.9) {
      const i = Math.floor(random() * SIZES.conditions);
      out.push({ subject, resource: { service: 'processes', type: 'process', id: `p${i}`, owner: 'someone' }, action: 'execute', context: {} });
    } else {
      out.push({ subject, resource: { service: 'wms', type: 'layer', id: `l${k % 100}`, owner: 'someone' }, action: 'write', context: {} });
    }
  }
  return out;
}
