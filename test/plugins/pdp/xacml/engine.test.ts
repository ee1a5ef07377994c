/** Unit tests of the XACML engine's tricky pieces, on real policies and requests. */
import { strict as assert } from 'node:assert';
import { xmlSchemaRegex, translateXmlSchemaRegex, RegexSyntaxError } from '../../../../plugins/pdp/xacml/regex.js';
import { addDayTime, addYearMonth, formatDayTimeDuration, parseDayTimeDuration, parseTemporal, parseYearMonthDuration } from '../../../../plugins/pdp/xacml/temporal.js';
import { versionMatches } from '../../../../plugins/pdp/xacml/versions.js';
import {
  PolicySyntaxError, XacmlSyntaxError, compilePolicyDocument, createPolicyDecisionPoint, parseJsonRequest, parseXmlRequest,
  responseToJson, responseToXml, syntaxErrorResponse, STATUS_MISSING_ATTRIBUTE, STATUS_PROCESSING_ERROR, STATUS_SYNTAX_ERROR,
  type AttributeFinder, type XacmlRequest,
} from '../../../../plugins/pdp/xacml/index.js';

const NS = 'urn:oasis:names:tc:xacml:3.0:core:schema:wd-17';
const XS = 'http://www.w3.org/2001/XMLSchema#';
const SUBJECT = 'urn:oasis:names:tc:xacml:1.0:subject-category:access-subject';
const RESOURCE = 'urn:oasis:names:tc:xacml:3.0:attribute-category:resource';
const ACTION = 'urn:oasis:names:tc:xacml:3.0:attribute-category:action';
const F = 'urn:oasis:names:tc:xacml:1.0:function:';
const RCA = 'urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:';
const PCA = 'urn:oasis:names:tc:xacml:3.0:policy-combining-algorithm:';

const designator = (category: string, id: string, type = 'string', must = false) =>
  `<AttributeDesignator Category="${category}" AttributeId="${id}" DataType="${XS}${type}" MustBePresent="${must}"/>`;
const value = (v: string, type = 'string') => `<AttributeValue DataType="${XS}${type}">${v}</AttributeValue>`;
const match = (v: string, category: string, id: string, must = false) =>
  `<Match MatchId="${F}string-equal">${value(v)}${designator(category, id, 'string', must)}</Match>`;
const target = (...anyOfs: string[][]) => `<Target>${anyOfs.map((alls) => `<AnyOf>${alls.map((m) => `<AllOf>${m}</AllOf>`).join('')}</AnyOf>`).join('')}</Target>`;

function policy(id: string, alg: string, body: string, version = '1.0'): string {
  return `<Policy xmlns="${NS}" PolicyId="${id}" Version="${version}" RuleCombiningAlgId="${RCA}${alg}">${body}</Policy>`;
}
function policySet(id: string, alg: string, body: string): string {
  return `<PolicySet xmlns="${NS}" PolicySetId="${id}" Version="1.0" PolicyCombiningAlgId="${alg.includes(':') ? alg : PCA + alg}"><Target/>${body}</PolicySet>`;
}
function request(attrs: Record<string, Record<string, string[]>>): XacmlRequest {
  return {
    returnPolicyIdList: false, combinedDecision: false,
    categories: Object.entries(attrs).map(([category, a]) => ({
      category,
      attributes: Object.entries(a).map(([attributeId, values]) => ({ attributeId, includeInResult: false, values: values.map((v) => ({ dataType: `${XS}string`, value: v })) })),
    })),
  };
}
async function decide(xml: string | string[], req: XacmlRequest, finders?: AttributeFinder[]) {
  const [root, ...referenced] = (Array.isArray(xml) ? xml : [xml]).map(compilePolicyDocument);
  const response = await createPolicyDecisionPoint({ roots: [root!], referenced, attributeFinders: finders }).evaluate(req);
  return response.results[0]!;
}

describe('pdp engine: XML Schema regular expressions', () => {
  it('matches unanchored like fn:matches, with ^ and $ as anchors', () => {
    assert.ok(xmlSchemaRegex('J.* Hibbert').test('Dr. Julius Hibbert'));
    assert.ok(!xmlSchemaRegex('^J.* Hibbert$').test('Dr. Julius Hibbert'));
    assert.ok(xmlSchemaRegex('^read|write$').test('write'));
  });
  it('translates \\i \\c, class subtraction, \\p{Is...} and XML Schema \\d', () => {
    assert.ok(xmlSchemaRegex('^\\i\\c*$').test('md:record-1'));
    assert.ok(!xmlSchemaRegex('^\\i\\c*$').test('1record'));
    assert.ok(xmlSchemaRegex('^[a-z-[aeiou]]+$').test('xyz'));
    assert.ok(!xmlSchemaRegex('^[a-z-[aeiou]]+$').test('xaz'));
    assert.ok(xmlSchemaRegex('^\\p{IsBasicLatin}+$').test('abc'));
    assert.ok(!xmlSchemaRegex('^\\p{IsBasicLatin}+$').test('abç'));
    assert.ok(xmlSchemaRegex('^\\d+$').test('١٢٣'), 'XML Schema \\d is every Unicode digit');
    assert.ok(!xmlSchemaRegex('^a.b$').test('a\nb'), '. excludes line ends');
    assert.equal(translateXmlSchemaRegex('a\\-b'), 'a-b');
  });
  it('refuses what XML Schema does not allow', () => {
    assert.throws(() => xmlSchemaRegex('a\\q'), RegexSyntaxError);
    assert.throws(() => xmlSchemaRegex('[abc'), RegexSyntaxError);
    assert.throws(() => xmlSchemaRegex('\\p{IsNoSuchBlock}'), RegexSyntaxError);
  });
});

describe('pdp engine: date, time and duration arithmetic', () => {
  it('reads and writes durations', () => {
    assert.equal(parseDayTimeDuration('P1DT2H30M'), ((24 + 2) * 60 + 30) * 60_000);
    assert.equal(parseDayTimeDuration('-PT1.5S'), -1500);
    assert.equal(formatDayTimeDuration(parseDayTimeDuration('P2DT0H')), 'P2D');
    assert.equal(parseYearMonthDuration('-P1Y2M'), -14);
    assert.throws(() => parseDayTimeDuration('P1Y'));
    assert.throws(() => parseDayTimeDuration('PT'));
    assert.throws(() => parseYearMonthDuration('P'));
  });
  it('adds durations as XML Schema Appendix E says (day pinned to the month end)', () => {
    assert.equal(addYearMonth(parseTemporal('date', '2004-01-31'), 1).toString(), '2004-02-29');
    assert.equal(addYearMonth(parseTemporal('dateTime', '2002-03-31T10:00:00-05:00'), -13).toString(), '2001-02-28T10:00:00-05:00');
    assert.equal(addDayTime(parseTemporal('dateTime', '2002-12-31T23:30:00Z'), parseDayTimeDuration('PT45M')).toString(), '2003-01-01T00:15:00Z');
    assert.equal(addDayTime(parseTemporal('dateTime', '2000-03-01T00:00:00'), -parseDayTimeDuration('P1D')).toString(), '2000-02-29T00:00:00');
  });
  it('orders values across timezones and carries 24:00:00 to the next day', () => {
    assert.equal(parseTemporal('dateTime', '2002-01-01T12:00:00+01:00').instant, parseTemporal('dateTime', '2002-01-01T11:00:00Z').instant);
    assert.equal(parseTemporal('dateTime', '1999-12-31T24:00:00Z').toString(), '2000-01-01T00:00:00Z');
    assert.throws(() => parseTemporal('date', '2001-02-29'));
  });
});

describe('pdp engine: combining algorithms and the extended Indeterminate', () => {
  // A rule whose condition needs a missing attribute: Indeterminate{effect}.
  const broken = (effect: string, id: string) => `<Rule RuleId="${id}" Effect="${effect}"><Condition><Apply FunctionId="${F}string-equal"><Apply FunctionId="${F}string-one-and-only">${designator(SUBJECT, 'missing')}</Apply>${value('x')}</Apply></Condition></Rule>`;
  const plain = (effect: string, id: string) => `<Rule RuleId="${id}" Effect="${effect}"/>`;
  const empty = request({ [SUBJECT]: { 'subject-id': ['alice'] } });

  it('deny-overrides: Indeterminate{D} beside a Permit is Indeterminate (DP), not Permit', async () => {
    const r = await decide(policy('p', 'deny-overrides', `<Target/>${broken('Deny', 'r1')}${plain('Permit', 'r2')}`), empty);
    assert.equal(r.decision, 'Indeterminate');
    assert.equal(r.status?.code, STATUS_PROCESSING_ERROR);
  });
  it('deny-overrides: Indeterminate{P} beside a Permit is Permit', async () => {
    const r = await decide(policy('p', 'deny-overrides', `<Target/>${broken('Permit', 'r1')}${plain('Permit', 'r2')}`), empty);
    assert.equal(r.decision, 'Permit');
  });
  it('permit-overrides: Indeterminate{D} beside a Deny is Deny; Indeterminate{P} beside a Deny is Indeterminate', async () => {
    assert.equal((await decide(policy('p', 'permit-overrides', `<Target/>${broken('Deny', 'r1')}${plain('Deny', 'r2')}`), empty)).decision, 'Deny');
    assert.equal((await decide(policy('p', 'permit-overrides', `<Target/>${broken('Permit', 'r1')}${plain('Deny', 'r2')}`), empty)).decision, 'Indeterminate');
  });
  it('a policy set sees the extended value: deny-overrides over Indeterminate{P} and Permit is Permit', async () => {
    const inner = (body: string, id: string) => policy(id, 'deny-overrides', `<Target/>${body}`).replace(` xmlns="${NS}"`, '');
    const set = policySet('s', 'deny-overrides', inner(broken('Permit', 'a'), 'p1') + inner(plain('Permit', 'b'), 'p2'));
    assert.equal((await decide(set, empty)).decision, 'Permit');
    const set2 = policySet('s', 'deny-overrides', inner(broken('Deny', 'a'), 'p1') + inner(plain('Permit', 'b'), 'p2'));
    assert.equal((await decide(set2, empty)).decision, 'Indeterminate');
  });
  it('deny-unless-permit and permit-unless-deny never answer Indeterminate or NotApplicable', async () => {
    assert.equal((await decide(policy('p', 'deny-unless-permit', `<Target/>${broken('Permit', 'r1')}`), empty)).decision, 'Deny');
    assert.equal((await decide(policy('p', 'permit-unless-deny', `<Target/>${broken('Deny', 'r1')}`), empty)).decision, 'Permit');
  });
  it('a policy with an Indeterminate Target turns Permit into Indeterminate and keeps NotApplicable', async () => {
    const t = target([match('x', SUBJECT, 'missing', true)]);
    assert.equal((await decide(policy('p', 'deny-overrides', `${t}${plain('Permit', 'r')}`), empty)).decision, 'Indeterminate');
    const none = `${t}<Rule RuleId="r" Effect="Permit">${target([match('nobody', SUBJECT, 'subject-id')])}</Rule>`;
    assert.equal((await decide(policy('p', 'deny-overrides', none), empty)).decision, 'NotApplicable');
  });
  it('only-one-applicable: two applicable policies are Indeterminate', async () => {
    const inner = (id: string) => policy(id, 'deny-overrides', `<Target/>${plain('Permit', 'r')}`).replace(` xmlns="${NS}"`, '');
    const set = policySet('s', 'urn:oasis:names:tc:xacml:1.0:policy-combining-algorithm:only-one-applicable', inner('a') + inner('b'));
    assert.equal((await decide(set, empty)).decision, 'Indeterminate');
  });
  it('MustBePresent gives missing-attribute with the detail', async () => {
    const r = await decide(policy('p', 'deny-overrides', `${target([match('x', SUBJECT, 'role', true)])}${plain('Permit', 'r')}`), empty);
    assert.equal(r.status?.code, STATUS_MISSING_ATTRIBUTE);
    assert.equal(r.status?.missingAttributes?.[0]?.attributeId, 'role');
    assert.match(responseToXml({ results: [r] }), /<MissingAttributeDetail Category="[^"]+" AttributeId="role"/);
  });
});

describe('pdp engine: policy loading', () => {
  it('refuses unknown functions, wrong argument types and unknown algorithms, saying where', () => {
    assert.throws(() => compilePolicyDocument(policy('p', 'deny-overrides', `<Target/><Rule RuleId="r" Effect="Permit"><Condition><Apply FunctionId="${F}no-such">${value('a')}</Apply></Condition></Rule>`)),
      (e: Error) => e instanceof PolicySyntaxError && /unknown function .*no-such.*Rule\[r\]/.test(e.message));
    assert.throws(() => compilePolicyDocument(policy('p', 'deny-overrides', `<Target/><Rule RuleId="r" Effect="Permit"><Condition><Apply FunctionId="${F}integer-equal">${value('1', 'integer')}${value('a')}</Apply></Condition></Rule>`)),
      /argument 2 of .*integer-equal must be integer, not string/);
    assert.throws(() => compilePolicyDocument(policy('p', 'no-such-alg', '<Target/>')), /unknown RuleCombiningAlgId/);
    assert.throws(() => compilePolicyDocument('<Policy/>'), PolicySyntaxError);
  });
  it('resolves references to the latest matching version and detects cycles', async () => {
    const ref = (pattern: string) => policySet('root', 'urn:oasis:names:tc:xacml:1.0:policy-combining-algorithm:first-applicable', `<PolicyIdReference Version="${pattern}">target</PolicyIdReference>`);
    const v1 = policy('target', 'deny-overrides', `<Target/><Rule RuleId="r" Effect="Deny"/>`, '1.0');
    const v2 = policy('target', 'deny-overrides', `<Target/><Rule RuleId="r" Effect="Permit"/>`, '1.2');
    const v3 = policy('target', 'deny-overrides', `<Target/><Rule RuleId="r" Effect="Deny"/>`, '2.0');
    const empty = request({ [SUBJECT]: { a: ['b'] } });
    assert.equal((await decide([ref('1.+'), v1, v2, v3], empty)).decision, 'Permit');
    assert.equal((await decide([ref('1.0'), v1, v2, v3], empty)).decision, 'Deny');
    assert.equal((await decide([ref('3.*'), v1, v2, v3], empty)).decision, 'Indeterminate');
    assert.ok(versionMatches('1.2.3', '1.*.3') && !versionMatches('1.2', '1.*.3'));
    const a = policySet('a', 'deny-overrides', '<PolicySetIdReference>b</PolicySetIdReference>');
    const b = policySet('b', 'deny-overrides', '<PolicySetIdReference>a</PolicySetIdReference>');
    const r = await decide([a, b], empty);
    assert.equal(r.decision, 'Indeterminate');
    assert.match(r.status?.message ?? '', /circular/);
  });
});

describe('pdp engine: request parsing', () => {
  it('JSON Profile: category shorthands, inferred and shorthand data types, single values', async () => {
    const req = parseJsonRequest({ Request: {
      AccessSubject: { Attribute: [{ AttributeId: 'subject-id', Value: 'alice' }, { AttributeId: 'age', Value: 42 }, { AttributeId: 'score', Value: [1, 2.5] }] },
      Resource: [{ Attribute: { AttributeId: 'resource-id', Value: 'doc', DataType: 'anyURI' } }],
      Category: [{ CategoryId: 'Action', Attribute: [{ AttributeId: 'action-id', Value: 'read', IncludeInResult: true }] }],
    } });
    const subject = req.categories.find((c) => c.category === SUBJECT)!;
    assert.deepEqual(subject.attributes.map((a) => a.values[0]!.dataType), [`${XS}string`, `${XS}integer`, `${XS}double`]);
    assert.equal(req.categories.find((c) => c.category === RESOURCE)!.attributes[0]!.values[0]!.dataType, `${XS}anyURI`);
    assert.equal(req.categories.find((c) => c.category === ACTION)!.attributes[0]!.includeInResult, true);
    const p = policy('p', 'deny-overrides', `${target([`<Match MatchId="${F}integer-equal">${value('42', 'integer')}${designator(SUBJECT, 'age', 'integer')}</Match>`])}<Rule RuleId="r" Effect="Permit"/>`);
    const r = await decide(p, req);
    assert.equal(r.decision, 'Permit');
    const json = responseToJson({ results: [r] }) as { Response: { Decision: string; Category: { CategoryId: string }[] }[] };
    assert.equal(json.Response[0]!.Decision, 'Permit');
    assert.equal(json.Response[0]!.Category[0]!.CategoryId, ACTION);
  });
  it('malformed JSON and XML, unknown types and bad values are syntax errors', () => {
    assert.throws(() => parseJsonRequest('{"Request": '), XacmlSyntaxError);
    assert.throws(() => parseJsonRequest({ Request: { AccessSubject: { Attribute: [{ AttributeId: 'a', Value: 1, DataType: `${XS}in` }] } } }), /unknown DataType/);
    assert.throws(() => parseJsonRequest({ Request: { AccessSubject: { Attribute: [{ AttributeId: 'a', Value: 'x', DataType: 'integer' }] } } }), /invalid integer/);
    assert.throws(() => parseXmlRequest('<Request xmlns="' + NS + '"><Attributes'), XacmlSyntaxError);
    assert.throws(() => parseXmlRequest('<Request xmlns="urn:other"/>'), /XACML 3.0 Request/);
    const r = syntaxErrorResponse('bad').results[0]!;
    assert.equal(r.decision, 'Indeterminate');
    assert.equal(r.status?.code, STATUS_SYNTAX_ERROR);
  });
  it('refuses a DOCTYPE, so external entities (XXE) are never read', () => {
    const xxe = `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><Request xmlns="${NS}"><Attributes Category="${SUBJECT}"><Attribute AttributeId="a" IncludeInResult="false"><AttributeValue DataType="${XS}string">&x;</AttributeValue></Attribute></Attributes></Request>`;
    assert.throws(() => parseXmlRequest(xxe), (e: Error) => e instanceof XacmlSyntaxError && /DOCTYPE/.test(e.message));
  });
});

describe('pdp engine: attribute finders and indexing', () => {
  it('asks a finder for a missing attribute, asynchronously, once per request', async () => {
    let calls = 0;
    const credit: AttributeFinder = {
      category: SUBJECT, attributeId: 'credit',
      async find(_c, _id, dataType) { calls++; await new Promise((r) => setTimeout(r, 1)); return [{ dataType, value: 12 }]; },
    };
    const cond = `<Condition><Apply FunctionId="${F}integer-greater-than"><Apply FunctionId="${F}integer-one-and-only">${designator(SUBJECT, 'credit', 'integer')}</Apply>${value('10', 'integer')}</Apply></Condition>`;
    const p = policy('p', 'deny-unless-permit', `<Target/><Rule RuleId="r" Effect="Permit">${cond}</Rule><Rule RuleId="r2" Effect="Permit">${cond}</Rule>`);
    assert.equal((await decide(p, request({ [SUBJECT]: { 'subject-id': ['alice'] } }), [credit])).decision, 'Permit');
    assert.equal(calls, 1);
    assert.equal((await decide(p, request({ [SUBJECT]: { 'subject-id': ['alice'] } }))).decision, 'Deny', 'without the finder the credit is unknown');
  });
  it('the target index gives the same decisions as evaluating every policy', async () => {
    const inner = (i: number) => `<Policy PolicyId="p${i}" Version="1.0" RuleCombiningAlgId="urn:oasis:names:tc:xacml:1.0:rule-combining-algorithm:first-applicable">${target([match(`res${i % 10}`, RESOURCE, 'resource-id')], [match(i % 3 ? 'read' : 'write', ACTION, 'action-id')])}<Rule RuleId="r" Effect="${i % 2 ? 'Permit' : 'Deny'}"/></Policy>`;
    const body = Array.from({ length: 40 }, (_, i) => inner(i)).join('');
    const indexed = policySet('s', 'urn:oasis:names:tc:xacml:1.0:policy-combining-algorithm:first-applicable', body);
    const results: string[] = [];
    for (let i = 0; i < 10; i++) {
      for (const action of ['read', 'write', 'delete']) {
        const req = request({ [RESOURCE]: { 'resource-id': [`res${i}`] }, [ACTION]: { 'action-id': [action] } });
        results.push((await decide(indexed, req)).decision);
      }
    }
    // Reference: policy i applies when resource matches i%10 and action matches; first-applicable picks the lowest i.
    const expected: string[] = [];
    for (let r = 0; r < 10; r++) {
      for (const action of ['read', 'write', 'delete']) {
        const i = Array.from({ length: 40 }, (_, k) => k).find((k) => k % 10 === r && (k % 3 ? 'read' : 'write') === action);
        expected.push(i === undefined ? 'NotApplicable' : i % 2 ? 'Permit' : 'Deny');
      }
    }
    assert.deepEqual(results, expected);
  });
  it('indexes policies reached through references, by the designator that tells them apart, for every combining algorithm', async () => {
    // Policy i: Target [x-i = yes (from a finder)] [type = doc AND id = res(i%10)]; Permit when i is odd.
    // Evaluated children ask the finder for x-i, so the finder's log shows which were evaluated.
    const inner = (i: number) => policy(`p${i}`, 'deny-overrides', `${target([match('yes', SUBJECT, `x-${i}`)], [match('doc', RESOURCE, 'type') + match(`res${i % 10}`, RESOURCE, 'resource-id')])}<Rule RuleId="r" Effect="${i % 2 ? 'Permit' : 'Deny'}"/>`);
    const refs = Array.from({ length: 40 }, (_, i) => `<PolicyIdReference>p${i}</PolicyIdReference>`).join('');
    for (const [alg, expect] of [
      ['urn:oasis:names:tc:xacml:1.0:policy-combining-algorithm:first-applicable', (ids: number[]) => (ids.length ? (ids[0]! % 2 ? 'Permit' : 'Deny') : 'NotApplicable')],
      [`${PCA}deny-overrides`, (ids: number[]) => (ids.some((i) => i % 2 === 0) ? 'Deny' : ids.length ? 'Permit' : 'NotApplicable')],
      [`${PCA}permit-overrides`, (ids: number[]) => (ids.some((i) => i % 2 === 1) ? 'Permit' : ids.length ? 'Deny' : 'NotApplicable')],
      ['urn:oasis:names:tc:xacml:1.0:policy-combining-algorithm:only-one-applicable', (ids: number[]) => (ids.length > 1 ? 'Indeterminate' : ids.length ? (ids[0]! % 2 ? 'Permit' : 'Deny') : 'NotApplicable')],
    ] as const) {
      const asked: string[] = [];
      const finder: AttributeFinder = { category: SUBJECT, async find(_c, attributeId, dataType) { asked.push(attributeId); return [{ dataType, value: Number(attributeId.slice(2)) % 4 === 3 ? 'no' : 'yes' }]; } };
      const pdp = createPolicyDecisionPoint({
        roots: [compilePolicyDocument(policySet('s', alg, refs))],
        referenced: Array.from({ length: 40 }, (_, i) => compilePolicyDocument(inner(i))),
        attributeFinders: [finder],
      });
      for (let r = 0; r < 10; r++) {
        asked.length = 0;
        const req = request({ [RESOURCE]: { type: ['doc'], 'resource-id': [`res${r}`] } });
        const got = (await pdp.evaluate(req)).results[0]!.decision;
        const applicable = Array.from({ length: 40 }, (_, k) => k).filter((k) => k % 10 === r && k % 4 !== 3);
        assert.equal(got, expect(applicable), `${alg} res${r}`);
        // Only policies for res<r> were looked at (first-applicable stops at the first applicable one).
        for (const a of asked) assert.equal(Number(a.slice(2)) % 10, r, `${alg} res${r} evaluated ${a}`);
      }
    }
  });
  it('expands repeated categories into several decisions (Multiple Decision Profile)', async () => {
    const p = policy('p', 'deny-overrides', `${target([match('doc1', RESOURCE, 'resource-id')])}<Rule RuleId="r" Effect="Permit"/>`);
    const req = request({ [SUBJECT]: { 'subject-id': ['alice'] } });
    req.categories.push(
      { category: RESOURCE, attributes: [{ attributeId: 'resource-id', includeInResult: true, values: [{ dataType: `${XS}string`, value: 'doc1' }] }] },
      { category: RESOURCE, attributes: [{ attributeId: 'resource-id', includeInResult: true, values: [{ dataType: `${XS}string`, value: 'doc2' }] }] },
    );
    const response = await createPolicyDecisionPoint({ roots: [compilePolicyDocument(p)] }).evaluate(req);
    assert.deepEqual(response.results.map((r) => [r.decision, r.attributes[0]!.attributes[0]!.values[0]!.value]), [['Permit', 'doc1'], ['NotApplicable', 'doc2']]);
  });
});
