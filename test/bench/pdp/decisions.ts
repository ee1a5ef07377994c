/**
 * The decision points measured by the pdp benchmark, in this process: the plugin's `xacml`
 * decision point over the generated policy set (its Domains, finders and SQLite store, as the
 * plugin sets them up), the same behind the core decision cache, and `allow-all`.
 */
import pino from 'pino';
import { DecisionCache } from '../../../core/auth/decision-cache.js';
import { createAllowAllDecisionPoint } from '../../../core/auth/decision-points/allow-all.js';
import type { AuthorizationRequest, Decision, DecisionPoint } from '../../../core/auth/types.js';
import { openDatabase } from '../../../core/storage/db/connect.js';
import type { Database } from '../../../core/storage/db/types.js';
import { createXacmlDecisionPoint } from '../../../plugins/pdp/decision-point.js';
import { Domains } from '../../../plugins/pdp/domains.js';
import { pdpMigrations } from '../../../plugins/pdp/migrations.js';
import { AttributeFinderRegistry } from '../../../plugins/pdp/pips/registry.js';
import { OwnerCache } from '../../../plugins/pdp/pips/resource-owner.js';
import { firstValue } from '../../../plugins/pdp/pips/request-values.js';
import { CREDIT_ATTRIBUTE, creditOf, storePolicySet } from './policy-set.js';

export interface BenchDecisionPoints {
  xacml: DecisionPoint;
  cached: { decide(request: AuthorizationRequest): Decision | Promise<Decision>; cache: DecisionCache };
  allowAll: DecisionPoint;
  /** Policies compiled into the domain (stored ones and share policies). */
  policyCount: number;
  close(): Promise<void>;
}

const SUBJECT_ID = 'urn:oasis:names:tc:xacml:1.0:subject:subject-id';
const ACCESS_SUBJECT = 'urn:oasis:names:tc:xacml:1.0:subject-category:access-subject';

export async function benchDecisionPoints(): Promise<BenchDecisionPoints> {
  const logger = pino({ level: 'silent' });
  const db: Database = await openDatabase({ client: 'sqlite', filename: ':memory:' });
  await db.migrate('pdp', pdpMigrations);
  await storePolicySet(db.knex, 'default');
  const finders = new AttributeFinderRegistry();
  const domains = new Domains({ db, logger, finders, builtinFinders: [], owners: new OwnerCache(db.knex, 10000), maxMultipleDecisions: 100, pollIntervalMs: 0, onChange: () => undefined });
  // The dynamic attribute, as an accounting plugin would register it.
  finders.add({
    category: ACCESS_SUBJECT,
    attributeId: CREDIT_ATTRIBUTE,
    async find(_c, _a, dataType, _i, request) {
      const id = firstValue(request, ACCESS_SUBJECT, SUBJECT_ID);
      return id === undefined ? undefined : [{ dataType, value: creditOf(id) }];
    },
  });
  const domain = await domains.get('default');
  const xacml = createXacmlDecisionPoint(domains, 'default');
  const cache = new DecisionCache({ ttlMs: 60_000, max: 10_000 });
  return {
    xacml,
    cached: { decide: (request) => cache.through(request, () => xacml.decide(request)), cache },
    allowAll: createAllowAllDecisionPoint(logger),
    policyCount: domain.storedCount + domain.shareCount,
    async close() {
      domains.close();
      await db.close();
    },
  };
}
