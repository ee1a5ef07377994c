/**
 * The `xacml` decision point in a running server: WFS requests decided by the PDP's policies
 * (group analysts may read collection X, bob may not), groups from the users table when the
 * credentials carry none, and changes taking effect through the core decision cache.
 */
import { strict as assert } from 'node:assert';
import { createApiKey, createUser } from '../../../core/auth/index.js';
import type { FeaturesService } from '../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { groupPolicy, startPdp, subjects, type PdpHarness } from './support.js';

const points = [
  { properties: { name: 'a' }, geometry: { type: 'Point' as const, coordinates: [7, 46] } },
  { properties: { name: 'b' }, geometry: { type: 'Point' as const, coordinates: [8, 47] } },
];

for (const kind of testDatabaseKinds()) {
  describe(`pdp as the decision point of WFS (${kind.name})`, function () {
    this.timeout(60000);
    let h: PdpHarness;
    let wfs: string;
    const getFeature = (key: string | undefined, typeName: string) =>
      fetch(`${wfs}?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=${typeName}&OUTPUTFORMAT=application/json`, { headers: key ? { 'X-API-Key': key } : {} });

    before(async () => {
      h = await startPdp(kind, {
        plugins: { features: {}, wfs: {} },
        // The core decision cache on, long: policy changes must clear it.
        auth: { decisionPoint: { type: 'xacml' }, decisionCache: { ttlMs: 600000 } },
      });
      wfs = `${h.server.url}/wfs`;
      const features = h.server.meridian.service<FeaturesService>('features');
      for (const id of ['X', 'Z']) {
        await features.createCollection({ id, geometryType: 'Point', properties: [{ name: 'name', type: 'string' }] }, subjects.admin);
        await features.transaction([{ op: 'insert', collection: id, features: points }], subjects.admin);
      }
    });
    after(async () => {
      await h?.close();
    });

    it('the default policy set: a public collection is read by anyone', async () => {
      const r = await getFeature(h.keys.bob, 'X');
      assert.equal(r.status, 200);
      assert.equal(((await r.json()) as { features: unknown[] }).features.length, 2);
    });

    it('a policy "group analysts may read collection X": alice reads it, bob does not, other collections unchanged', async () => {
      await h.pdp.policies.add('default', groupPolicy({ id: 'urn:example:x', version: '1', group: 'analysts', service: 'features', type: 'feature-collection', resourceId: 'X' }));
      await h.pdp.policies.activate('default', 'urn:example:x', '1');
      const alice = await getFeature(h.keys.alice, 'X');
      assert.equal(alice.status, 200);
      assert.equal(((await alice.json()) as { features: unknown[] }).features.length, 2);
      const bob = await getFeature(h.keys.bob, 'X');
      const body = await bob.text();
      assert.ok(bob.status >= 400, `bob got ${bob.status}`);
      assert.doesNotMatch(body, /"features"/);
      const anonymous = await getFeature(undefined, 'X');
      assert.ok(anonymous.status >= 400);
      // What the policy leaves NotApplicable the default set still decides: Z is public.
      assert.equal((await getFeature(h.keys.bob, 'Z')).status, 200);
      // The policy denies everyone outside the group, administrators too.
      assert.ok((await getFeature(h.keys.admin, 'X')).status >= 400);
    });

    it('groups come from the users table when the credentials carry none', async () => {
      const db = h.server.meridian.stores.db;
      await createUser(db, { name: 'dana', password: 'dana-password-1', groups: ['analysts'] });
      const dana = (await createApiKey(db, { user: 'dana' })).key;
      const r = await getFeature(dana, 'X');
      assert.equal(r.status, 200);
      const nobody = (await createApiKey(db, { user: 'erin' })).key;
      assert.ok((await getFeature(nobody, 'X')).status >= 400);
    });

    it('deactivating the policy takes effect at once, through the decision cache', async () => {
      assert.ok((await getFeature(h.keys.bob, 'X')).status >= 400);
      await h.pdp.policies.deactivate('default', 'urn:example:x');
      assert.equal((await getFeature(h.keys.bob, 'X')).status, 200);
    });
  });
}
