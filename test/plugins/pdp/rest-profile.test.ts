/** The REST Profile under /pdp: home resource, decisions in XACML XML and JSON, bad and oversized requests. */
import { strict as assert } from 'node:assert';
import { parseXmlDocument, selectNodes } from '../../../core/ows/index.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { jsonRequest, startPdp, XACML_NS, type PdpHarness } from './support.js';

const PDP_RELATION = 'http://docs.oasis-open.org/ns/xacml/relation/pdp';

function xmlRequest(subjectId: string, groups: string[], resource: Record<string, string>, action: string): string {
  const S = 'http://www.w3.org/2001/XMLSchema#string';
  const a = (id: string, v: string) => `<Attribute AttributeId="${id}" IncludeInResult="false"><AttributeValue DataType="${S}">${v}</AttributeValue></Attribute>`;
  return `<?xml version="1.0"?>
<Request xmlns="${XACML_NS}" ReturnPolicyIdList="false" CombinedDecision="false">
  <Attributes Category="urn:oasis:names:tc:xacml:1.0:subject-category:access-subject">${a('urn:oasis:names:tc:xacml:1.0:subject:subject-id', subjectId)}${groups.map((g) => a('urn:oasis:names:tc:xacml:2.0:subject:role', g)).join('')}</Attributes>
  <Attributes Category="urn:oasis:names:tc:xacml:3.0:attribute-category:resource">${Object.entries(resource).map(([k, v]) => a(k, v)).join('')}</Attributes>
  <Attributes Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action">${a('urn:oasis:names:tc:xacml:1.0:action:action-id', action)}</Attributes>
</Request>`;
}

const xmlDecision = (text: string) => {
  const doc = parseXmlDocument(text);
  const ns = { x: XACML_NS };
  return {
    decision: selectNodes(doc, '//x:Result/x:Decision', ns).map((n) => (n as unknown as { text(): string }).text()),
    status: selectNodes(doc, '//x:Result/x:Status/x:StatusCode/@Value', ns).map((n) => (n as unknown as { value(): string }).value()),
  };
};

for (const kind of testDatabaseKinds()) {
  describe(`pdp REST profile (${kind.name})`, function () {
    this.timeout(30000);
    let h: PdpHarness;
    before(async () => {
      h = await startPdp(kind, { pdp: { maxRequestBytes: 4096 } });
    });
    after(async () => {
      await h?.close();
    });

    it('GET /pdp: the home resource in XML links the PDP with the REST profile relation', async () => {
      const r = await h.request('GET', '', { headers: { Accept: 'application/xml' } });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type')!, /^application\/xml/);
      const doc = parseXmlDocument(r.text);
      const links = selectNodes(doc, `//h:resource[@rel="${PDP_RELATION}"]/atom:link/@href`, { h: 'http://ietf.org/ns/home-documents', atom: 'http://www.w3.org/2005/Atom' });
      assert.equal(links.length, 1);
      assert.equal((links[0] as unknown as { value(): string }).value(), `${h.base}/decision`);
    });

    it('GET /pdp: JSON for Accept: application/json', async () => {
      const r = await h.request('GET', '', { headers: { Accept: 'application/json' } });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, { resources: { [PDP_RELATION]: { href: `${h.base}/decision` } } });
    });

    it('decides a XACML XML request (admin Permit, others NotApplicable for what is private)', async () => {
      const resource = { 'urn:oasis:names:tc:xacml:1.0:resource:resource-id': 'x', 'urn:meridian:resource:type': 'layer', 'urn:meridian:resource:attribute:visibility': 'private' };
      const permit = await h.request('POST', '/decision', { as: 'admin', type: 'application/xacml+xml', body: xmlRequest('root', ['admin'], resource, 'delete') });
      assert.equal(permit.status, 200);
      assert.match(permit.headers.get('content-type')!, /^application\/xacml\+xml/);
      assert.deepEqual(xmlDecision(permit.text).decision, ['Permit']);
      const other = await h.request('POST', '/decision', { as: 'admin', type: 'application/xacml+xml', body: xmlRequest('bob', [], resource, 'read') });
      assert.deepEqual(xmlDecision(other.text).decision, ['NotApplicable']);
    });

    it('decides a JSON Profile request; a public read carries the filter obligation', async () => {
      const r = await h.request('POST', '/decision', { as: 'admin', body: jsonRequest({ id: 'bob' }, { type: 'collection', 'urn:oasis:names:tc:xacml:1.0:resource:resource-id': 'c1' }, 'read') });
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type')!, /^application\/xacml\+json/);
      const result = Array.isArray(r.json.Response) ? r.json.Response[0] : r.json.Response;
      assert.equal(result.Decision, 'Permit');
      const obligations = Array.isArray(result.Obligations) ? result.Obligations : [result.Obligations];
      assert.equal(obligations[0].Id, 'filter');
      const filter = obligations[0].AttributeAssignment.find((a: { AttributeId: string }) => a.AttributeId === 'filter');
      assert.match(String(filter.Value), /"\$subject\.id"/);
      const denied = await h.request('POST', '/decision', { as: 'admin', body: jsonRequest({ id: 'bob' }, { type: 'collection', 'urn:meridian:resource:attribute:visibility': 'private' }, 'read') });
      const deniedResult = Array.isArray(denied.json.Response) ? denied.json.Response[0] : denied.json.Response;
      assert.equal(deniedResult.Decision, 'NotApplicable');
    });

    it('answers in the encoding Accept asks for', async () => {
      const r = await h.request('POST', '/decision', { as: 'admin', body: jsonRequest({ id: 'root', groups: ['admin'] }, { type: 'x' }, 'write'), headers: { Accept: 'application/xacml+xml' } });
      assert.equal(r.status, 200);
      assert.deepEqual(xmlDecision(r.text).decision, ['Permit']);
    });

    it('malformed XML: 400, Indeterminate with status syntax-error, never a 500', async () => {
      for (const body of ['<Request xmlns="' + XACML_NS + '"><Attributes', '<?xml version="1.0"?><NotARequest/>', '<!DOCTYPE r [<!ENTITY e SYSTEM "file:///etc/passwd">]><Request xmlns="' + XACML_NS + '">&e;</Request>']) {
        const r = await h.request('POST', '/decision', { as: 'admin', type: 'application/xacml+xml', body });
        assert.equal(r.status, 400, body);
        const d = xmlDecision(r.text);
        assert.deepEqual(d.decision, ['Indeterminate']);
        assert.deepEqual(d.status, ['urn:oasis:names:tc:xacml:1.0:status:syntax-error']);
        assert.doesNotMatch(r.text, /root:x:0/);
      }
    });

    it('malformed JSON: 400, Indeterminate with status syntax-error', async () => {
      for (const body of ['{"Request": ', '[1,2]', '{"Request": {"AccessSubject": {"Attribute": [{"Value": "no id"}]}}}']) {
        const r = await h.request('POST', '/decision', { as: 'admin', body });
        assert.equal(r.status, 400, body);
        const result = Array.isArray(r.json.Response) ? r.json.Response[0] : r.json.Response;
        assert.match(result.Decision, /^Indeterminate/);
        assert.equal(result.Status.StatusCode.Value, 'urn:oasis:names:tc:xacml:1.0:status:syntax-error');
      }
    });

    it('an oversized body is refused with 413 before it is parsed', async () => {
      const big = jsonRequest({ id: 'x'.repeat(5000) }, { type: 'layer' }, 'read');
      const r = await h.request('POST', '/decision', { as: 'admin', body: big });
      assert.equal(r.status, 413);
      const result = Array.isArray(r.json.Response) ? r.json.Response[0] : r.json.Response;
      assert.match(result.Decision, /^Indeterminate/);
    });

    it('another media type is 415; a request without credentials 401; a user not allowed 403', async () => {
      assert.equal((await h.request('POST', '/decision', { as: 'admin', type: 'text/plain', body: 'hello' })).status, 415);
      const anonymous = await h.request('POST', '/decision', { body: jsonRequest({ id: 'x' }, { type: 'layer' }, 'read') });
      assert.equal(anonymous.status, 401);
      assert.ok(anonymous.headers.get('www-authenticate'));
      assert.equal((await h.request('POST', '/decision', { as: 'bob', body: jsonRequest({ id: 'x' }, { type: 'layer' }, 'read') })).status, 403);
    });
  });
}
