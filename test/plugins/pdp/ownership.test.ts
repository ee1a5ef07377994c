/**
 * Ownership and sharing: the core's resource lifecycle records owners (the owner may do anything,
 * others nothing with a private resource); owners share through /pdp/resources/.../shares with
 * users or groups and revoke; a share takes effect in the protocols (WFS here) at once.
 */
import { strict as assert } from 'node:assert';
import type { Resource, Subject } from '../../../core/auth/types.js';
import type { FeaturesService } from '../../../plugins/features/types.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { startPdp, subjects, type PdpHarness } from './support.js';

const BUCKET: Resource = { service: 's3', type: 'bucket', id: 'alice-data', attributes: { visibility: 'private' } };

for (const kind of testDatabaseKinds()) {
  describe(`pdp ownership and sharing (${kind.name})`, function () {
    this.timeout(60000);
    let h: PdpHarness;
    const authorize = (subject: Subject, resource: Resource, action: string) => h.server.meridian.stores.auth.authorize(subject, resource, action);

    before(async () => {
      h = await startPdp(kind, { plugins: { features: {}, wfs: {} }, auth: { decisionPoint: { type: 'xacml' }, decisionCache: { ttlMs: 600000 } } });
    });
    after(async () => {
      await h?.close();
    });

    it('before creation nobody but admins may touch the private bucket', async () => {
      assert.equal((await authorize(subjects.alice, BUCKET, 'write')).decision, 'NotApplicable');
      assert.equal((await authorize(subjects.admin, BUCKET, 'write')).decision, 'Permit');
    });

    it('resourceCreated makes the creator its owner: the owner is permitted without naming the owner, others denied', async () => {
      await h.server.meridian.stores.auth.resourceCreated(subjects.alice, BUCKET);
      // The request does not carry the owner: the ownership attribute finder supplies it.
      assert.equal((await authorize(subjects.alice, BUCKET, 'write')).decision, 'Permit');
      assert.equal((await authorize(subjects.alice, BUCKET, 'delete')).decision, 'Permit');
      assert.equal((await authorize(subjects.bob, BUCKET, 'read')).decision, 'NotApplicable');
      const info = await h.request('GET', '/resources/s3/bucket/alice-data', { as: 'alice' });
      assert.equal(info.status, 200);
      assert.equal(info.json.owner, 'alice');
      assert.deepEqual(info.json.shares, []);
    });

    it('only the owner (or an admin) manages the shares', async () => {
      assert.equal((await h.request('GET', '/resources/s3/bucket/alice-data/shares', { as: 'bob' })).status, 403);
      assert.equal((await h.request('POST', '/resources/s3/bucket/alice-data/shares', { as: 'bob', type: 'application/json', body: JSON.stringify({ user: 'bob' }) })).status, 403);
      assert.equal((await h.request('GET', '/resources/s3/bucket/alice-data/shares')).status, 401);
      assert.equal((await h.request('GET', '/resources/s3/bucket/alice-data/shares', { as: 'admin' })).status, 200);
    });

    it('a share with a user permits what it grants, nothing more; revoking denies again', async () => {
      const share = await h.request('POST', '/resources/s3/bucket/alice-data/shares', { as: 'alice', type: 'application/json', body: JSON.stringify({ user: 'bob', actions: ['read'] }) });
      assert.equal(share.status, 201, share.text);
      assert.deepEqual(share.json.shares.map((s: any) => [s.user, s.actions]), [['bob', ['read']]]);
      assert.equal((await authorize(subjects.bob, BUCKET, 'read')).decision, 'Permit');
      assert.equal((await authorize(subjects.bob, BUCKET, 'write')).decision, 'NotApplicable');
      assert.equal((await authorize(subjects.carol, BUCKET, 'read')).decision, 'NotApplicable');
      assert.equal((await h.request('DELETE', '/resources/s3/bucket/alice-data/shares/user/bob', { as: 'alice' })).status, 204);
      assert.equal((await authorize(subjects.bob, BUCKET, 'read')).decision, 'NotApplicable');
      assert.equal((await h.request('DELETE', '/resources/s3/bucket/alice-data/shares/user/bob', { as: 'alice' })).status, 404);
    });

    it('a share with a group, for any action', async () => {
      const share = await h.request('POST', '/resources/s3/bucket/alice-data/shares', { as: 'alice', type: 'application/json', body: JSON.stringify({ group: 'reviewers', actions: ['*'] }) });
      assert.equal(share.status, 201);
      assert.equal((await authorize(subjects.carol, BUCKET, 'write')).decision, 'Permit');
      assert.equal((await authorize(subjects.bob, BUCKET, 'write')).decision, 'NotApplicable');
    });

    it('refuses bad share bodies with 400', async () => {
      for (const body of ['{}', '{"user": "a", "group": "b"}', '{"user": ""}', '{"user": "x", "actions": []}', '{"user": "x", "actions": ["a b"]}', 'nope']) {
        assert.equal((await h.request('POST', '/resources/s3/bucket/alice-data/shares', { as: 'alice', type: 'application/json', body })).status, 400, body);
      }
    });

    it('resourceDeleted forgets the owner and the shares', async () => {
      await h.server.meridian.stores.auth.resourceDeleted(BUCKET);
      assert.equal((await authorize(subjects.alice, BUCKET, 'write')).decision, 'NotApplicable');
      assert.equal((await authorize(subjects.carol, BUCKET, 'write')).decision, 'NotApplicable');
    });

    it('a share takes effect through WFS: bob reads alice\'s private collection once shared, not after revoking', async () => {
      const features = h.server.meridian.service<FeaturesService>('features');
      await features.createCollection({ id: 'alice_points', geometryType: 'Point', properties: [{ name: 'n', type: 'string' }], visibility: 'private', owner: 'alice' }, subjects.alice);
      // What the features engine tells the platform when it creates a collection (the ownership
      // store knows owners only from the lifecycle hook; the share API asks it who may share).
      await h.server.meridian.stores.auth.resourceCreated(subjects.alice, { service: 'features', type: 'feature-collection', id: 'alice_points' });
      await features.transaction([{ op: 'insert', collection: 'alice_points', features: [{ properties: { n: 'one' }, geometry: { type: 'Point', coordinates: [1, 2] } }] }], subjects.alice);
      const getFeature = (who: 'alice' | 'bob') =>
        fetch(`${h.server.url}/wfs?SERVICE=WFS&VERSION=2.0.0&REQUEST=GetFeature&TYPENAMES=alice_points&OUTPUTFORMAT=application/json`, { headers: { 'X-API-Key': h.keys[who] } });
      assert.equal((await getFeature('alice')).status, 200);
      assert.ok((await getFeature('bob')).status >= 400);
      const share = await h.request('POST', '/resources/features/feature-collection/alice_points/shares', { as: 'alice', type: 'application/json', body: JSON.stringify({ user: 'bob' }) });
      assert.equal(share.status, 201, share.text);
      const shared = await getFeature('bob');
      assert.equal(shared.status, 200);
      assert.equal(((await shared.json()) as { features: unknown[] }).features.length, 1);
      await h.request('DELETE', '/resources/features/feature-collection/alice_points/shares/user/bob', { as: 'alice' });
      assert.ok((await getFeature('bob')).status >= 400);
    });
  });
}
