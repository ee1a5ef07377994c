/**
 * Micro-benchmark of the XACML engine alone (no HTTP, no cache): uncached decisions per second,
 * single-threaded, on a generated 1,000-policy set shaped like the platform's (role rules per
 * collection, ownership policies, a few conditions on a dynamic attribute supplied by a finder).
 * Run: node --import tsx test/bench/pdp-engine-micro.ts [seconds]
 */
import { compilePolicyDocument, createPolicyDecisionPoint, type AttributeFinder, type XacmlRequest } from '../../plugins/pdp/xacml/index.js';

const NS = 'urn:oasis:names:tc:xacml:3.0:core:schema:wd-17';
const XS = 'http://www.w3.org/2001/XMLSchema#';
const F = 'urn:oasis:names:tc:xacml:1.0:function:';
const SUBJECT = 'urn:oasis:names:tc:xacml:1.0:subject-category:access-subject';
const RESOURCE = 'urn:oasis:names:tc:xacml:3.0:attribute-category:resource';
const ACTION = 'urn:oasis:names:tc:xacml:3.0:attribute-category:action';
const RID = 'urn:oasis:names:tc:xacml:1.0:resource:resource-id';
const AID = 'urn:oasis:names:tc:xacml:1.0:action:action-id';
const SID = 'urn:oasis:names:tc:xacml:1.0:subject:subject-id';

const eq = (v: string, cat: string, id: string) => `<Match MatchId="${F}string-equal"><AttributeValue DataType="${XS}string">${v}</AttributeValue><AttributeDesignator Category="${cat}" AttributeId="${id}" DataType="${XS}string" MustBePresent="false"/></Match>`;
const POLICIES = 1000;
const COLLECTIONS = 700;

function policyXml(i: number): string {
  const rca = 'urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides';
  if (i < COLLECTIONS) {
    // Role rules: group g-(i%50) may read and search collection i; admins may write.
    const c = `collection-${i}`;
    return `<Policy PolicyId="coll-${i}" Version="1.0" RuleCombiningAlgId="${rca}"><Target><AnyOf><AllOf>${eq(c, RESOURCE, RID)}</AllOf></AnyOf></Target>
      <Rule RuleId="read" Effect="Permit"><Target><AnyOf><AllOf>${eq('read', ACTION, AID)}</AllOf><AllOf>${eq('search', ACTION, AID)}</AllOf></AnyOf><AnyOf><AllOf>${eq(`g-${i % 50}`, SUBJECT, 'group')}</AllOf></AnyOf></Target></Rule>
      <Rule RuleId="write" Effect="Permit"><Target><AnyOf><AllOf>${eq('write', ACTION, AID)}</AllOf></AnyOf><AnyOf><AllOf>${eq('admin', SUBJECT, 'role')}</AllOf></AnyOf></Target></Rule></Policy>`;
  }
  if (i < POLICIES - 20) {
    // Ownership: the owner may do anything with their bucket.
    const n = i - COLLECTIONS;
    return `<Policy PolicyId="owner-${n}" Version="1.0" RuleCombiningAlgId="${rca}"><Target><AnyOf><AllOf>${eq(`bucket-${n}`, RESOURCE, RID)}</AllOf></AnyOf></Target>
      <Rule RuleId="owner" Effect="Permit"><Target><AnyOf><AllOf>${eq(`user-${n}`, SUBJECT, SID)}</AllOf></AnyOf></Target></Rule></Policy>`;
  }
  // Processes needing remaining credit (dynamic attribute) > 0.
  const n = i - (POLICIES - 20);
  return `<Policy PolicyId="proc-${n}" Version="1.0" RuleCombiningAlgId="${rca}"><Target><AnyOf><AllOf>${eq(`process-${n}`, RESOURCE, RID)}</AllOf></AnyOf></Target>
    <Rule RuleId="credit" Effect="Permit"><Target><AnyOf><AllOf>${eq('execute', ACTION, AID)}</AllOf></AnyOf></Target><Condition><Apply FunctionId="${F}integer-greater-than"><Apply FunctionId="${F}integer-one-and-only"><AttributeDesignator Category="${SUBJECT}" AttributeId="credit" DataType="${XS}integer" MustBePresent="false"/></Apply><AttributeValue DataType="${XS}integer">0</AttributeValue></Apply></Condition></Rule>
    <Rule RuleId="deny" Effect="Deny"/></Policy>`;
}

const set = `<PolicySet xmlns="${NS}" PolicySetId="platform" Version="1.0" PolicyCombiningAlgId="urn:oasis:names:tc:xacml:3.0:policy-combining-algorithm:deny-overrides"><Target/>${Array.from({ length: POLICIES }, (_, i) => policyXml(i)).join('')}</PolicySet>`;
const credit: AttributeFinder = { category: SUBJECT, attributeId: 'credit', async find(_c, _a, dataType) { return [{ dataType, value: 5 }]; } };
const pdp = createPolicyDecisionPoint({ roots: [compilePolicyDocument(set)], attributeFinders: [credit] });

const s = (v: string) => ({ dataType: `${XS}string`, value: v });
function request(k: number): XacmlRequest {
  const kind = k % 10;
  const resource = kind < 7 ? `collection-${k % COLLECTIONS}` : kind < 9 ? `bucket-${k % 280}` : `process-${k % 20}`;
  const action = kind < 7 ? ['read', 'search', 'write'][k % 3]! : kind < 9 ? 'delete' : 'execute';
  return {
    returnPolicyIdList: false, combinedDecision: false,
    categories: [
      { category: SUBJECT, attributes: [
        { attributeId: SID, includeInResult: false, values: [s(`user-${k % 300}`)] },
        { attributeId: 'group', includeInResult: false, values: [s(`g-${k % 50}`), s(`g-${(k + 7) % 50}`)] },
        { attributeId: 'role', includeInResult: false, values: [s(k % 5 ? 'user' : 'admin')] },
      ] },
      { category: RESOURCE, attributes: [{ attributeId: RID, includeInResult: false, values: [s(resource)] }] },
      { category: ACTION, attributes: [{ attributeId: AID, includeInResult: false, values: [s(action)] }] },
    ],
  };
}

const requests = Array.from({ length: 4096 }, (_, k) => request(k * 7919));
const seconds = Number(process.argv[2] ?? 3);
const decisions: Record<string, number> = {};
for (let i = 0; i < 20_000; i++) await pdp.evaluate(requests[i % requests.length]!); // warm-up
const latencies: number[] = [];
let n = 0;
const start = process.hrtime.bigint();
const end = start + BigInt(Math.round(seconds * 1e9));
for (let now = start; now < end; n++) {
  const t0 = process.hrtime.bigint();
  const r = await pdp.evaluate(requests[n % requests.length]!);
  now = process.hrtime.bigint();
  if (n % 16 === 0) latencies.push(Number(now - t0));
  const d = r.results[0]!.decision;
  decisions[d] = (decisions[d] ?? 0) + 1;
}
const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
latencies.sort((a, b) => a - b);
console.log(`policies=${POLICIES} decisions=${n} elapsed=${elapsed.toFixed(2)}s rate=${Math.round(n / elapsed)}/s p99=${(latencies[Math.floor(latencies.length * 0.99)]! / 1000).toFixed(1)}µs`, decisions);
