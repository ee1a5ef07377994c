/** Policy administration under /pdp/domains/{domain}: add, list, versions, activate, delete; admin-only; reaching other processes. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { groupPolicy, jsonRequest, startPdp, subjects, type PdpHarness } from './support.js';

const X_POLICY = 'urn:example:policy:collection-x';

const decisionOf = (json: any): string => (Array.isArray(json.Response) ? json.Response[0] : json.Response).Decision;

for (const kind of testDatabaseKinds()) {
  describe(`pdp policy administration (${kind.name})`, function () {
    this.timeout(30000);
    let h: PdpHarness;
    before(async () => {
      h = await startPdp(kind);
    });
    after(async () => {
      await h?.close();
    });

    const readX = async (who: { id: string; groups?: string[] }) =>
      decisionOf((await h.request('POST', '/decision', { as: 'admin', body: jsonRequest(who, { type: 'collection', 'urn:oasis:names:tc:xacml:1.0:resource:resource-id': 'X' }, 'read') })).json);

    it('adds a policy (id and version from the document), lists it, shows its versions and the document', async () => {
      const add = await h.request('POST', '/domains/default/policies', { as: 'admin', type: 'application/xacml+xml', body: groupPolicy({ id: X_POLICY, version: '1.0', group: 'analysts', type: 'collection', resourceId: 'X' }) });
      assert.equal(add.status, 201, add.text);
      assert.equal(add.json.policyId, X_POLICY);
      assert.equal(add.json.version, '1.0');
      assert.equal(add.headers.get('location'), `${h.base}/domains/default/policies/${encodeURIComponent(X_POLICY)}/1.0`);
      await h.request('POST', '/domains/default/policies', { as: 'admin', type: 'application/xacml+xml', body: groupPolicy({ id: X_POLICY, version: '1.1', group: 'reviewers', type: 'collection', resourceId: 'X' }) });
      const list = await h.request('GET', '/domains/default/policies', { as: 'admin' });
      assert.equal(list.status, 200);
      assert.deepEqual(list.json.policies.map((p: any) => [p.policyId, p.kind, p.versions, p.active]), [[X_POLICY, 'Policy', ['1.0', '1.1'], undefined]]);
      const versions = await h.request('GET', `/domains/default/policies/${encodeURIComponent(X_POLICY)}`, { as: 'admin' });
      assert.deepEqual(versions.json.versions.map((v: any) => v.version), ['1.0', '1.1']);
      const doc = await h.request('GET', `/domains/default/policies/${encodeURIComponent(X_POLICY)}/1.1`, { as: 'admin' });
      assert.equal(doc.status, 200);
      assert.match(doc.text, /reviewers/);
    });

    it('refuses an invalid policy with 400 and the compile error, a version that exists with 409, reserved ids with 400', async () => {
      const bad = await h.request('POST', '/domains/default/policies', {
        as: 'admin',
        type: 'application/xacml+xml',
        body: `<Policy xmlns="urn:oasis:names:tc:xacml:3.0:core:schema:wd-17" PolicyId="urn:example:bad" Version="1" RuleCombiningAlgId="urn:example:no-such-algorithm"><Target/></Policy>`,
      });
      assert.equal(bad.status, 400);
      assert.match(bad.json.detail, /no-such-algorithm/);
      const notXml = await h.request('POST', '/domains/default/policies', { as: 'admin', type: 'application/xml', body: '<Policy' });
      assert.equal(notXml.status, 400);
      const again = await h.request('POST', '/domains/default/policies', { as: 'admin', type: 'application/xacml+xml', body: groupPolicy({ id: X_POLICY, version: '1.0', group: 'x', type: 'collection', resourceId: 'X' }) });
      assert.equal(again.status, 409);
      const reserved = await h.request('POST', '/domains/default/policies', { as: 'admin', type: 'application/xacml+xml', body: groupPolicy({ id: 'urn:meridian:pdp:policy:admins', version: '9', group: 'x', type: 'collection', resourceId: 'X' }) });
      assert.equal(reserved.status, 400);
    });

    it('activating a version changes decisions at once; another version replaces it; deactivating restores the default set', async () => {
      // Default set: X is public (no visibility), so anyone reads it.
      assert.equal(await readX({ id: 'bob' }), 'Permit');
      const activate = await h.request('POST', `/domains/default/policies/${encodeURIComponent(X_POLICY)}/1.0/activate`, { as: 'admin' });
      assert.equal(activate.status, 200, activate.text);
      assert.deepEqual(activate.json.policies, [{ policyId: X_POLICY, version: '1.0' }]);
      assert.equal(await readX({ id: 'alice', groups: ['analysts'] }), 'Permit');
      assert.equal(await readX({ id: 'bob' }), 'Deny');
      assert.equal(await readX({ id: 'carol', groups: ['reviewers'] }), 'Deny');
      await h.request('POST', `/domains/default/policies/${encodeURIComponent(X_POLICY)}/latest/activate`, { as: 'admin' });
      assert.equal(await readX({ id: 'carol', groups: ['reviewers'] }), 'Permit');
      assert.equal(await readX({ id: 'alice', groups: ['analysts'] }), 'Deny');
      const root = await h.request('GET', '/domains/default/root', { as: 'admin' });
      assert.deepEqual(root.json.policies, [{ policyId: X_POLICY, version: '1.1' }]);
      assert.equal((await h.request('DELETE', `/domains/default/policies/${encodeURIComponent(X_POLICY)}/active`, { as: 'admin' })).status, 204);
      assert.equal(await readX({ id: 'bob' }), 'Permit');
    });

    it('PUT root sets the active list and the combining algorithm; unknown versions are 404', async () => {
      const put = await h.request('PUT', '/domains/default/root', { as: 'admin', type: 'application/json', body: JSON.stringify({ policies: [{ policyId: X_POLICY, version: '1.0' }], combiningAlgorithm: 'deny-overrides' }) });
      assert.equal(put.status, 200, put.text);
      assert.equal(put.json.combiningAlgorithm, 'urn:oasis:names:tc:xacml:3.0:policy-combining-algorithm:deny-overrides');
      assert.equal(await readX({ id: 'bob' }), 'Deny');
      const missing = await h.request('PUT', '/domains/default/root', { as: 'admin', type: 'application/json', body: JSON.stringify({ policies: [{ policyId: X_POLICY, version: '7' }] }) });
      assert.equal(missing.status, 404);
      assert.equal((await h.request('PUT', '/domains/default/root', { as: 'admin', type: 'application/json', body: '{"policies": 3}' })).status, 400);
    });

    it('deletes a version (an active one stops deciding) and a whole policy', async () => {
      assert.equal((await h.request('DELETE', `/domains/default/policies/${encodeURIComponent(X_POLICY)}/1.0`, { as: 'admin' })).status, 204);
      assert.equal(await readX({ id: 'bob' }), 'Permit');
      assert.equal((await h.request('GET', `/domains/default/policies/${encodeURIComponent(X_POLICY)}/1.0`, { as: 'admin' })).status, 404);
      assert.equal((await h.request('DELETE', `/domains/default/policies/${encodeURIComponent(X_POLICY)}`, { as: 'admin' })).status, 204);
      assert.equal((await h.request('GET', `/domains/default/policies/${encodeURIComponent(X_POLICY)}`, { as: 'admin' })).status, 404);
      assert.equal((await h.request('DELETE', `/domains/default/policies/${encodeURIComponent(X_POLICY)}`, { as: 'admin' })).status, 404);
    });

    it('only administrators of the domain: admin anywhere, admin:<domain> there only, others 403, anonymous 401', async () => {
      assert.equal((await h.request('GET', '/domains/default/policies', { as: 'bob' })).status, 403);
      assert.equal((await h.request('POST', '/domains/default/policies', { as: 'alice', type: 'application/xml', body: groupPolicy({ id: 'urn:example:p', version: '1', group: 'g', type: 't', resourceId: 'i' }) })).status, 403);
      assert.equal((await h.request('GET', '/domains/default/policies')).status, 401);
      assert.equal((await h.request('GET', '/domains/default/policies', { as: 'tenantAdmin' })).status, 403);
      const tenant = await h.request('POST', '/domains/tenant1/policies', { as: 'tenantAdmin', type: 'application/xml', body: groupPolicy({ id: 'urn:example:tenant-policy', version: '1', group: 'g', type: 't', resourceId: 'i' }) });
      assert.equal(tenant.status, 201, tenant.text);
      assert.equal((await h.request('GET', '/domains/tenant1/policies', { as: 'tenantAdmin' })).json.policies.length, 1);
      assert.equal((await h.request('GET', '/domains/tenant2/policies', { as: 'tenantAdmin' })).status, 403);
      // The tenant's policies are its own: the default domain does not have them.
      assert.equal((await h.request('GET', '/domains/default/policies', { as: 'admin' })).json.policies.length, 0);
      void subjects;
    });

    it('the same through the service (meridian pdp policy uses it)', async () => {
      const stored = await h.pdp.policies.add('default', groupPolicy({ id: 'urn:example:svc', version: '2', group: 'analysts', type: 'layer', resourceId: 'L' }));
      assert.equal(stored.version, '2');
      await h.pdp.policies.activate('default', 'urn:example:svc', '2');
      const d = await h.pdp.decide({ subject: subjects.bob, resource: { type: 'layer', id: 'L' }, action: 'read', context: {} });
      assert.equal(d.decision, 'Deny');
      const a = await h.pdp.decide({ subject: subjects.alice, resource: { type: 'layer', id: 'L' }, action: 'read', context: {} });
      assert.equal(a.decision, 'Permit');
      await h.pdp.policies.remove('default', 'urn:example:svc');
    });
  });

  describe(`pdp policy changes reach other processes (${kind.name})`, function () {
    this.timeout(30000);
    let dir: string;
    let dispose = async () => {};
    let database: Record<string, unknown>;
    let one: PdpHarness;
    let two: PdpHarness;
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'pdp-shared-'));
      if (kind.name === 'sqlite') {
        database = { client: 'sqlite', filename: join(dir, 'shared.db') };
      } else {
        const test = await kind.open();
        await test.db.close();
        database = test.config as unknown as Record<string, unknown>;
        dispose = test.dispose;
      }
      one = await startPdp(kind, { database, pdp: { pollIntervalMs: 100 } });
      two = await startPdp(kind, { database, pdp: { pollIntervalMs: 100 } });
    });
    after(async () => {
      await one?.close();
      await two?.close();
      await dispose();
      rmSync(dir, { recursive: true, force: true });
    });

    it('a policy activated on one server decides on the other within a poll', async () => {
      const before = await two.pdp.decide({ subject: subjects.bob, resource: { type: 'collection', id: 'Y' }, action: 'read', context: {} });
      assert.equal(before.decision, 'Permit');
      await one.pdp.policies.add('default', groupPolicy({ id: 'urn:example:y', version: '1', group: 'analysts', type: 'collection', resourceId: 'Y' }));
      await one.pdp.policies.activate('default', 'urn:example:y', '1');
      let decision: string = before.decision;
      for (let i = 0; i < 50 && decision !== 'Deny'; i++) {
        await new Promise((r) => setTimeout(r, 50));
        decision = (await two.pdp.decide({ subject: subjects.bob, resource: { type: 'collection', id: 'Y' }, action: 'read', context: {} })).decision;
      }
      assert.equal(decision, 'Deny');
    });
  });
}
