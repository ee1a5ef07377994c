/**
 * Locking WFS (09-025r2 §12, §13, §15 lockId/releaseAction; 04-094 §10, §11): LockFeature and
 * GetFeatureWithLock over KVP and XML in 2.0 and 1.1.0, lock conflicts (ALL, SOME), expiry,
 * renewal, Transactions with and without the lockId, releaseAction ALL and SOME, InvalidLockId
 * and LockHasExpired, the right to lock, and writes through OGC API - Features refused while
 * another client holds the lock.
 */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { validateXml } from '../../helpers/xsd.js';
import { addUser, admin, basicAuth, createFilled, exception, get, PLACES, placeInputs, post, run, SCHEMAS, startWfs, validateWithApplicationSchema, xpath, type Credentials, type WfsHarness } from './support.js';

const HEAD20 = 'xmlns:wfs="http://www.opengis.net/wfs/2.0" xmlns:fes="http://www.opengis.net/fes/2.0" xmlns:gml="http://www.opengis.net/gml/3.2" xmlns:m="urn:meridian:features" service="WFS" version="2.0.0"';
const HEAD11 = 'xmlns:wfs="http://www.opengis.net/wfs" xmlns:ogc="http://www.opengis.net/ogc" xmlns:gml="http://www.opengis.net/gml" xmlns:m="urn:meridian:features" service="WFS" version="1.1.0"';

const GDAL_SET_FIELD = fileURLToPath(new URL('./fixtures/gdal_set_field.py', import.meta.url));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

for (const kind of testDatabaseKinds()) {
  describe(`wfs locking (${kind.name})`, function () {
    this.timeout(90_000);
    let h: WfsHarness;
    let root: Credentials;
    let carol: Credentials;
    let alice: Credentials;
    let bob: Credentials;
    let collections = 0;
    before(async () => {
      h = await startWfs(kind, { plugins: { 'ogcapi-features': {} } });
      root = await addUser(h, 'root', ['admin']);
      carol = await addUser(h, 'carol', ['admin']);
      alice = await addUser(h, 'alice');
      bob = await addUser(h, 'bob');
    });
    after(async () => h?.close());

    /** A new collection of the six places (ids `<id>.1` .. `<id>.6`, Bern .. Sion), so no test sees another's locks. */
    const fresh = async (owner?: string): Promise<string> => {
      const id = `lk${++collections}`;
      await createFilled(h.features, { ...PLACES, id, ...(owner ? { owner } : {}) }, placeInputs());
      return id;
    };
    const kvp = (params: Record<string, string>, who: Credentials | null = root) => get(h.url, { service: 'WFS', version: '2.0.0', ...params }, who ? basicAuth(who) : {});
    const xml = (body: string, who: Credentials | null = root) => post(h.url, body, who ? basicAuth(who) : {});
    const population = async (collection: string, id: string) => {
      const result = await h.features.query(collection, { ids: [id] }, admin);
      for await (const f of result.features) return f.properties.population;
      return undefined;
    };
    const setPopulation = (collection: string, id: string, value: number, attrs = '') =>
      `<wfs:Transaction ${HEAD20} ${attrs}><wfs:Update typeName="m:${collection}"><wfs:Property><wfs:ValueReference>population</wfs:ValueReference><wfs:Value>${value}</wfs:Value></wfs:Property><fes:Filter><fes:ResourceId rid="${id}"/></fes:Filter></wfs:Update></wfs:Transaction>`;
    const lockIdOf = (body: string) => xpath(body, '/wfs:LockFeatureResponse/@lockId')[0]!;
    const locked = (body: string) => xpath(body, '//wfs:FeaturesLocked/fes:ResourceId/@rid');
    const notLocked = (body: string) => xpath(body, '//wfs:FeaturesNotLocked/fes:ResourceId/@rid');

    it('LockFeature (2.0 KVP) locks what RESOURCEID selects and answers a valid LockFeatureResponse with an unguessable lockId', async () => {
      const c = await fresh();
      const res = await kvp({ request: 'LockFeature', resourceid: `${c}.1,${c}.2` });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.wfs20), []);
      const lockId = lockIdOf(res.body);
      assert.match(lockId, /^[A-Za-z0-9_-]{24}$/);
      assert.deepEqual(locked(res.body).sort(), [`${c}.1`, `${c}.2`]);
      assert.deepEqual(notLocked(res.body), []);
      const other = await kvp({ request: 'LockFeature', resourceid: `${c}.3` });
      assert.notEqual(lockIdOf(other.body), lockId);
      // The lock is in the database, with its owner and an expiry 300 s (the default) on.
      const row = await h.server.meridian.stores.db.knex('wfs_locks').where({ lock_id: lockId }).first();
      assert.equal(Number(row.expires) - Number(row.created), 300_000);
      assert.match(String(row.owner), / root$/);
    });

    it('lockAction ALL refuses with CannotLockAllFeatures and locks nothing; SOME locks the free ones and lists the others', async () => {
      const c = await fresh();
      const first = await kvp({ request: 'LockFeature', typenames: `meridian:${c}`, filter: `<fes:Filter xmlns:fes="http://www.opengis.net/fes/2.0"><fes:PropertyIsEqualTo><fes:ValueReference>name</fes:ValueReference><fes:Literal>Bern</fes:Literal></fes:PropertyIsEqualTo></fes:Filter>` });
      assert.deepEqual(locked(first.body), [`${c}.1`]);
      const all = await kvp({ request: 'LockFeature', typenames: `meridian:${c}`, lockaction: 'ALL' }, carol);
      assert.equal(all.status, 400, all.body);
      assert.deepEqual(validateXml(all.body, SCHEMAS.ows11Exception), []);
      assert.equal(exception(all.body).code, 'CannotLockAllFeatures');
      // Nothing of the failed ALL stayed locked: carol can lock the five free ones alone.
      const some = await kvp({ request: 'LockFeature', typenames: `meridian:${c}`, lockaction: 'SOME' }, carol);
      assert.equal(some.status, 200, some.body);
      assert.deepEqual(validateXml(some.body, SCHEMAS.wfs20), []);
      assert.deepEqual(locked(some.body).sort(), [2, 3, 4, 5, 6].map((n) => `${c}.${n}`));
      assert.deepEqual(notLocked(some.body), [`${c}.1`]);
      // Everything is now locked: another SOME gets a lock holding nothing.
      const none = await kvp({ request: 'LockFeature', typenames: `meridian:${c}`, lockaction: 'SOME' }, root);
      assert.equal(locked(none.body).length, 0);
      assert.equal(notLocked(none.body).length, 6);
    });

    it('LockFeature (2.0 XML) takes Query with a Filter, BBOX through KVP, and the GetFeatureById stored query', async () => {
      const c = await fresh();
      const res = await xml(
        `<wfs:LockFeature ${HEAD20} expiry="60" lockAction="ALL" handle="mine"><wfs:Query typeNames="m:${c}"><fes:Filter><fes:PropertyIsGreaterThan><fes:ValueReference>m:population</fes:ValueReference><fes:Literal>200000</fes:Literal></fes:PropertyIsGreaterThan></fes:Filter></wfs:Query></wfs:LockFeature>`,
      );
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.wfs20), []);
      assert.deepEqual(locked(res.body).sort(), [`${c}.2`, `${c}.3`]);
      const row = await h.server.meridian.stores.db.knex('wfs_locks').where({ lock_id: lockIdOf(res.body) }).first();
      assert.equal(Number(row.expires) - Number(row.created), 60_000);
      // Bern's box (lon/lat with CRS:84 axis order).
      const bbox = await kvp({ request: 'LockFeature', typenames: `meridian:${c}`, bbox: '7.4,46.9,7.5,47.0,urn:ogc:def:crs:OGC:1.3:CRS84' });
      assert.deepEqual(locked(bbox.body), [`${c}.1`]);
      const stored = await xml(`<wfs:LockFeature ${HEAD20}><wfs:StoredQuery id="urn:ogc:def:query:OGC-WFS::GetFeatureById"><wfs:Parameter name="ID">${c}.6</wfs:Parameter></wfs:StoredQuery></wfs:LockFeature>`);
      assert.deepEqual(locked(stored.body), [`${c}.6`]);
      // The same feature again: locked by the first XML lock, so ALL fails with the request's handle as locator.
      const again = await xml(`<wfs:LockFeature ${HEAD20} handle="again"><wfs:Query typeNames="m:${c}"><fes:Filter><fes:ResourceId rid="${c}.2"/></fes:Filter></wfs:Query></wfs:LockFeature>`, carol);
      assert.deepEqual([again.status, exception(again.body).code, exception(again.body).locator], [400, 'CannotLockAllFeatures', 'again']);
    });

    it('a Transaction on another client\'s locked feature fails whole; with the lockId it succeeds and releaseAction ALL frees the lock', async () => {
      const c = await fresh();
      const lockId = lockIdOf((await kvp({ request: 'LockFeature', resourceid: `${c}.1,${c}.2` })).body);
      // carol (an admin, allowed to write) changes an unlocked and a locked feature in one Transaction: neither is written.
      const both = `<wfs:Transaction ${HEAD20}><wfs:Update typeName="m:${c}"><wfs:Property><wfs:ValueReference>population</wfs:ValueReference><wfs:Value>1</wfs:Value></wfs:Property><fes:Filter><fes:ResourceId rid="${c}.3"/></fes:Filter></wfs:Update><wfs:Delete typeName="m:${c}"><fes:Filter><fes:ResourceId rid="${c}.2"/></fes:Filter></wfs:Delete></wfs:Transaction>`;
      const refused = await xml(both, carol);
      assert.equal(refused.status, 409, refused.body);
      assert.deepEqual(validateXml(refused.body, SCHEMAS.ows11Exception), []);
      assert.deepEqual([exception(refused.body).code, exception(refused.body).locator], ['OperationProcessingFailed', `${c}.2`]);
      assert.equal(await population(c, `${c}.3`), 203000);
      assert.equal(await population(c, `${c}.2`), 421000);
      // root without its lockId is refused too: the lock binds the write, not the person.
      assert.equal((await xml(setPopulation(c, `${c}.1`, 5))).status, 409);
      // Inserts and unlocked features are not held up.
      assert.equal((await xml(setPopulation(c, `${c}.4`, 7), carol)).status, 200);
      const ok = await xml(setPopulation(c, `${c}.1`, 135000, `lockId="${lockId}"`));
      assert.equal(ok.status, 200, ok.body);
      assert.deepEqual(validateXml(ok.body, SCHEMAS.wfs20), []);
      assert.equal(await population(c, `${c}.1`), 135000);
      // releaseAction ALL (the default): the whole lock is gone, so the untouched feature is free and the id is unknown.
      assert.equal((await xml(setPopulation(c, `${c}.2`, 9), carol)).status, 200);
      const reused = await xml(setPopulation(c, `${c}.1`, 1, `lockId="${lockId}"`));
      assert.deepEqual([reused.status, exception(reused.body).code, exception(reused.body).locator], [400, 'InvalidLockId', 'lockId']);
    });

    it('releaseAction SOME releases the touched features only and restarts the expiry of the rest', async () => {
      const c = await fresh();
      const lockId = lockIdOf((await kvp({ request: 'LockFeature', resourceid: `${c}.1,${c}.2,${c}.3`, expiry: '30' })).body);
      const before = await h.server.meridian.stores.db.knex('wfs_locks').where({ lock_id: lockId }).first();
      await sleep(50);
      const res = await xml(setPopulation(c, `${c}.1`, 11, `lockId="${lockId}" releaseAction="SOME"`));
      assert.equal(res.status, 200, res.body);
      const after = await h.server.meridian.stores.db.knex('wfs_locks').where({ lock_id: lockId }).first();
      assert.ok(Number(after.expires) > Number(before.expires), 'expiry restarted');
      assert.equal(Number(after.duration), 30_000);
      // The touched feature is free for others; the untouched ones are still locked.
      assert.equal((await xml(setPopulation(c, `${c}.1`, 12), carol)).status, 200);
      assert.equal((await xml(setPopulation(c, `${c}.2`, 12), carol)).status, 409);
      // The lock id still works for the rest.
      const second = await xml(setPopulation(c, `${c}.2`, 13, `lockId="${lockId}" releaseAction="SOME"`));
      assert.equal(second.status, 200, second.body);
      assert.equal(await population(c, `${c}.2`), 13);
      // A lockId on a Transaction that writes nothing locked: ALL releases the whole lock.
      const insertOnly = await xml(
        `<wfs:Transaction ${HEAD20} lockId="${lockId}"><wfs:Insert><m:${c} gml:id="n"><m:name>Thun</m:name><m:geometry><gml:Point gml:id="p" srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>46.75 7.62</gml:pos></gml:Point></m:geometry></m:${c}></wfs:Insert></wfs:Transaction>`,
      );
      assert.equal(insertOnly.status, 200, insertOnly.body);
      assert.equal((await xml(setPopulation(c, `${c}.3`, 14), carol)).status, 200);
    });

    it('InvalidLockId for an id never issued or another client\'s; LockHasExpired once the expiry passed, and the features are free again', async () => {
      const c = await fresh();
      const unknown = await xml(setPopulation(c, `${c}.1`, 1, 'lockId="not-a-lock"'));
      assert.deepEqual([unknown.status, exception(unknown.body).code, exception(unknown.body).locator], [400, 'InvalidLockId', 'lockId']);
      assert.deepEqual(validateXml(unknown.body, SCHEMAS.ows11Exception), []);
      const lockId = lockIdOf((await kvp({ request: 'LockFeature', resourceid: `${c}.1`, expiry: '1' })).body);
      // carol may write the collection, but the lock is root's.
      const stolen = await xml(setPopulation(c, `${c}.1`, 1, `lockId="${lockId}"`), carol);
      assert.deepEqual([stolen.status, exception(stolen.body).code], [400, 'InvalidLockId']);
      assert.equal((await xml(setPopulation(c, `${c}.1`, 2), carol)).status, 409);
      await sleep(1300);
      const expired = await xml(setPopulation(c, `${c}.1`, 3, `lockId="${lockId}"`));
      assert.deepEqual([expired.status, exception(expired.body).code, exception(expired.body).locator], [403, 'LockHasExpired', 'lockId']);
      assert.deepEqual(validateXml(expired.body, SCHEMAS.ows11Exception), []);
      assert.equal(await population(c, `${c}.1`), 134000);
      // An expired lock holds nothing: carol writes and locks the feature.
      assert.equal((await xml(setPopulation(c, `${c}.1`, 4), carol)).status, 200);
      const relock = await kvp({ request: 'LockFeature', resourceid: `${c}.1` }, carol);
      assert.deepEqual(locked(relock.body), [`${c}.1`]);
      // Renewing an expired lock is LockHasExpired too.
      const renew = await kvp({ request: 'LockFeature', lockid: lockId });
      assert.deepEqual([renew.status, exception(renew.body).code], [403, 'LockHasExpired']);
    });

    it('LockFeature with LOCKID alone renews the lock (KVP and XML), listing its features; with a query as well it is refused', async () => {
      const c = await fresh();
      const lockId = lockIdOf((await kvp({ request: 'LockFeature', resourceid: `${c}.1,${c}.2`, expiry: '1' })).body);
      const renewed = await kvp({ request: 'LockFeature', lockid: lockId, expiry: '4' });
      assert.equal(renewed.status, 200, renewed.body);
      assert.deepEqual(validateXml(renewed.body, SCHEMAS.wfs20), []);
      assert.equal(lockIdOf(renewed.body), lockId);
      assert.deepEqual(locked(renewed.body), [`${c}.1`, `${c}.2`]);
      await sleep(1300);
      // Past the first expiry, still locked.
      assert.equal((await xml(setPopulation(c, `${c}.1`, 1), carol)).status, 409);
      const byXml = await xml(`<wfs:LockFeature ${HEAD20} lockId="${lockId}" expiry="2"/>`);
      assert.equal(byXml.status, 200, byXml.body);
      assert.equal(Number((await h.server.meridian.stores.db.knex('wfs_locks').where({ lock_id: lockId }).first()).duration), 2000);
      const both = await kvp({ request: 'LockFeature', lockid: lockId, typenames: `meridian:${c}` });
      assert.deepEqual([both.status, exception(both.body).code, exception(both.body).locator], [400, 'InvalidParameterValue', 'LOCKID']);
      const bothXml = await xml(`<wfs:LockFeature ${HEAD20} lockId="${lockId}"><wfs:Query typeNames="m:${c}"/></wfs:LockFeature>`);
      assert.deepEqual([bothXml.status, exception(bothXml.body).code], [400, 'InvalidParameterValue']);
      const notMine = await kvp({ request: 'LockFeature', lockid: lockId }, carol);
      assert.deepEqual([notMine.status, exception(notMine.body).code], [400, 'InvalidLockId']);
    });

    it('GetFeatureWithLock (2.0 KVP and XML) returns the features it locked with the lockId on a schema-valid collection; hits is refused', async () => {
      const c = await fresh();
      const schema = (await kvp({ request: 'DescribeFeatureType', typenames: `meridian:${c}` })).body;
      const res = await kvp({ request: 'GetFeatureWithLock', typenames: `meridian:${c}`, count: '2', sortby: 'name', expiry: '60' });
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateWithApplicationSchema(res.body, schema, '2.0.0'), []);
      const lockId = xpath(res.body, '/wfs:FeatureCollection/@lockId')[0]!;
      assert.match(lockId, /^[A-Za-z0-9_-]{24}$/);
      assert.deepEqual(xpath(res.body, `//meridian:${c}/meridian:name`), ['Basel', 'Bern']);
      assert.deepEqual(xpath(res.body, '/wfs:FeatureCollection/@numberMatched'), ['6']);
      assert.deepEqual(xpath(res.body, '/wfs:FeatureCollection/@numberReturned'), ['2']);
      // Basel (.4) and Bern (.1) are locked, the others are not.
      assert.equal((await xml(setPopulation(c, `${c}.4`, 1), carol)).status, 409);
      assert.equal((await xml(setPopulation(c, `${c}.2`, 1), carol)).status, 200);
      // ALL on features partly locked: CannotLockAllFeatures. SOME: only those it could lock are returned.
      const all = await kvp({ request: 'GetFeatureWithLock', typenames: `meridian:${c}` }, carol);
      assert.deepEqual([all.status, exception(all.body).code], [400, 'CannotLockAllFeatures']);
      const some = await xml(`<wfs:GetFeatureWithLock ${HEAD20} lockAction="SOME" expiry="60"><wfs:Query typeNames="m:${c}"><fes:SortBy><fes:SortProperty><fes:ValueReference>name</fes:ValueReference></fes:SortProperty></fes:SortBy></wfs:Query></wfs:GetFeatureWithLock>`, carol);
      assert.equal(some.status, 200, some.body);
      assert.deepEqual(validateWithApplicationSchema(some.body, schema, '2.0.0'), []);
      assert.deepEqual(xpath(some.body, `//meridian:${c}/meridian:name`), ['Geneva', 'Lausanne', 'Sion', 'Zurich']);
      assert.ok(xpath(some.body, '/wfs:FeatureCollection/@lockId')[0]);
      const hits = await kvp({ request: 'GetFeatureWithLock', typenames: `meridian:${c}`, resulttype: 'hits' });
      assert.deepEqual([hits.status, exception(hits.body).code, exception(hits.body).locator], [400, 'InvalidParameterValue', 'resultType']);
      // GeoJSON carries the lock as a member.
      const d = await fresh();
      const json = await kvp({ request: 'GetFeatureWithLock', typenames: `meridian:${d}`, outputformat: 'application/json', count: '1' });
      const doc = JSON.parse(json.body);
      assert.equal(typeof doc.lockId, 'string');
      assert.equal(doc.features.length, 1);
      assert.equal((await xml(setPopulation(d, doc.features[0].id, 1, `lockId="${doc.lockId}"`))).status, 200);
    });

    it('1.1.0: LockFeature (KVP, XML wfs:Lock) with expiry in minutes, ogc:FeatureId, GetFeatureWithLock and Transaction with wfs:LockId', async () => {
      const c = await fresh();
      const res = await get(h.url, { service: 'WFS', version: '1.1.0', request: 'LockFeature', typename: `meridian:${c}`, featureid: `${c}.1`, expiry: '2' }, basicAuth(root));
      assert.equal(res.status, 200, res.body);
      assert.deepEqual(validateXml(res.body, SCHEMAS.wfs11), []);
      const lockId = xpath(res.body, '/wfs11:LockFeatureResponse/wfs11:LockId')[0]!;
      assert.deepEqual(xpath(res.body, '//wfs11:FeaturesLocked/ogc:FeatureId/@fid'), [`${c}.1`]);
      const row = await h.server.meridian.stores.db.knex('wfs_locks').where({ lock_id: lockId }).first();
      assert.equal(Number(row.expires) - Number(row.created), 120_000);
      const byXml = await xml(
        `<wfs:LockFeature ${HEAD11} lockAction="SOME"><wfs:Lock typeName="m:${c}"><ogc:Filter><ogc:PropertyIsLessThan><ogc:PropertyName>population</ogc:PropertyName><ogc:Literal>150000</ogc:Literal></ogc:PropertyIsLessThan></ogc:Filter></wfs:Lock></wfs:LockFeature>`,
        carol,
      );
      assert.equal(byXml.status, 200, byXml.body);
      assert.deepEqual(validateXml(byXml.body, SCHEMAS.wfs11), []);
      assert.deepEqual(xpath(byXml.body, '//wfs11:FeaturesLocked/ogc:FeatureId/@fid').sort(), [`${c}.5`, `${c}.6`]);
      assert.deepEqual(xpath(byXml.body, '//wfs11:FeaturesNotLocked/ogc:FeatureId/@fid'), [`${c}.1`]);
      const row2 = await h.server.meridian.stores.db.knex('wfs_locks').where({ lock_id: xpath(byXml.body, '//wfs11:LockId')[0] }).first();
      assert.equal(Number(row2.expires) - Number(row2.created), 300_000);
      const update11 = (id: string, value: number, lock = '', attrs = '') =>
        `<wfs:Transaction ${HEAD11} ${attrs}>${lock}<wfs:Update typeName="m:${c}"><wfs:Property><wfs:Name>population</wfs:Name><wfs:Value>${value}</wfs:Value></wfs:Property><ogc:Filter><ogc:FeatureId fid="${id}"/></ogc:Filter></wfs:Update></wfs:Transaction>`;
      const refused = await xml(update11(`${c}.1`, 1), carol);
      assert.equal(refused.status, 409, refused.body);
      assert.deepEqual(validateXml(refused.body, SCHEMAS.ows10Exception), []);
      const ok = await xml(update11(`${c}.1`, 2, `<wfs:LockId>${lockId}</wfs:LockId>`, 'releaseAction="SOME"'));
      assert.equal(ok.status, 200, ok.body);
      assert.deepEqual(validateXml(ok.body, SCHEMAS.wfs11), []);
      assert.equal(await population(c, `${c}.1`), 2);
      const bad = await xml(update11(`${c}.1`, 3, '<wfs:LockId>nope</wfs:LockId>'));
      assert.deepEqual([bad.status, exception(bad.body).code, exception(bad.body).version], [400, 'InvalidLockId', '1.1.0']);
      // GetFeatureWithLock 1.1.0: gml:featureMember collection with lockId (valid against the 1.1.0 schemas).
      const schema11 = (await get(h.url, { service: 'WFS', version: '1.1.0', request: 'DescribeFeatureType', typename: `meridian:${c}` })).body;
      const gfwl = await xml(`<wfs:GetFeatureWithLock ${HEAD11} expiry="1"><wfs:Query typeName="m:${c}"><ogc:Filter><ogc:FeatureId fid="${c}.2"/></ogc:Filter></wfs:Query></wfs:GetFeatureWithLock>`);
      assert.equal(gfwl.status, 200, gfwl.body);
      assert.deepEqual(validateWithApplicationSchema(gfwl.body, schema11, '1.1.0'), []);
      const lock11 = xpath(gfwl.body, '/wfs11:FeatureCollection/@lockId')[0]!;
      assert.ok(lock11);
      assert.deepEqual(xpath(gfwl.body, `//meridian:${c}/meridian:name`), ['Zurich']);
      const kvp11 = await get(h.url, { service: 'WFS', version: '1.1.0', request: 'GetFeatureWithLock', typename: `meridian:${c}`, featureid: `${c}.2` }, basicAuth(carol));
      assert.deepEqual([kvp11.status, exception(kvp11.body).code], [400, 'CannotLockAllFeatures']);
      const row3 = await h.server.meridian.stores.db.knex('wfs_locks').where({ lock_id: lock11 }).first();
      assert.equal(Number(row3.expires) - Number(row3.created), 60_000);
    });

    it('locking needs the right to update: 401 with a challenge for anonymous clients, 403 for others; a lock never widens what its holder may write', async () => {
      const c = await fresh();
      const anonymous = await kvp({ request: 'LockFeature', resourceid: `${c}.1` }, null);
      assert.equal(anonymous.status, 401, anonymous.body);
      assert.ok(anonymous.headers.get('www-authenticate'));
      const bobs = await kvp({ request: 'GetFeatureWithLock', typenames: `meridian:${c}` }, bob);
      assert.equal(bobs.status, 403, bobs.body);
      assert.deepEqual(validateXml(bobs.body, SCHEMAS.ows11Exception), []);
      // alice owns her collection: she locks it, bob can neither lock nor (with her lock id) write it.
      const mine = await fresh('alice');
      const lockId = lockIdOf((await kvp({ request: 'LockFeature', typenames: `meridian:${mine}` }, alice)).body);
      assert.equal((await kvp({ request: 'LockFeature', resourceid: `${mine}.1` }, bob)).status, 403);
      const bobWrites = await xml(setPopulation(mine, `${mine}.1`, 1, `lockId="${lockId}"`), bob);
      assert.equal(bobWrites.status, 400, bobWrites.body);
      assert.equal(await population(mine, `${mine}.1`), 134000);
      assert.equal((await xml(setPopulation(mine, `${mine}.1`, 1, `lockId="${lockId}"`), alice)).status, 200);
    });

    it('a write through OGC API - Features to a feature locked through WFS is refused (409) until the lock is released', async () => {
      const c = await fresh();
      const lockId = lockIdOf((await kvp({ request: 'LockFeature', resourceid: `${c}.1` })).body);
      const api = (method: string, path: string, body?: unknown, who: Credentials = carol) =>
        fetch(`${h.server.url}/ogcapi/collections/${c}/items/${path}`, {
          method,
          headers: { ...basicAuth(who), ...(body ? { 'Content-Type': method === 'PATCH' ? 'application/merge-patch+json' : 'application/geo+json' } : {}) },
          body: body ? JSON.stringify(body) : undefined,
        });
      const patch = await api('PATCH', `${c}.1`, { properties: { population: 1 } });
      assert.equal(patch.status, 409, await patch.text());
      const put = await api('PUT', `${c}.1`, { type: 'Feature', geometry: { type: 'Point', coordinates: [7, 46] }, properties: { name: 'X' } });
      assert.equal(put.status, 409);
      const del = await api('DELETE', `${c}.1`);
      assert.equal(del.status, 409);
      // Even the lock's holder cannot write through an interface that carries no lockId.
      assert.equal((await api('PATCH', `${c}.1`, { properties: { population: 1 } }, root)).status, 409);
      assert.equal(await population(c, `${c}.1`), 134000);
      // Unlocked features are written as usual.
      assert.equal((await api('PATCH', `${c}.2`, { properties: { population: 2 } })).status, 204);
      // Released by a WFS Transaction (releaseAction ALL), the feature is writable again.
      assert.equal((await xml(setPopulation(c, `${c}.1`, 135000, `lockId="${lockId}"`))).status, 200);
      assert.equal((await api('PATCH', `${c}.1`, { properties: { population: 3 } })).status, 204);
      assert.equal(await population(c, `${c}.1`), 3);
    });

    it("GDAL's WFS driver (WFS-T, no lockId) cannot change a locked feature, can change the others (its OGR date forms read)", async () => {
      const c = await fresh();
      const lockId = lockIdOf((await kvp({ request: 'LockFeature', resourceid: `${c}.2` })).body);
      const gdal = async (name: string, value: number) => {
        const res = await run('/usr/bin/python3', [GDAL_SET_FIELD, h.url, `meridian:${c}`, `${carol.user}:${carol.password}`, name, 'population', String(value)]);
        assert.equal(res.code, 0, res.stderr);
        const out = JSON.parse(res.stdout) as { ok: boolean; error: string | null };
        return { ok: out.ok, error: out.error };
      };
      const refused = await gdal('Zurich', 1);
      assert.equal(refused.ok, false);
      // GDAL shows the status of the refusal (409), not the exception text.
      assert.match(refused.error!, /409/);
      assert.equal(await population(c, `${c}.2`), 421000);
      assert.deepEqual(await gdal('Geneva', 2), { ok: true, error: null });
      assert.equal(await population(c, `${c}.3`), 2);
      await xml(setPopulation(c, `${c}.2`, 421000, `lockId="${lockId}"`));
      assert.deepEqual(await gdal('Zurich', 3), { ok: true, error: null });
      assert.equal(await population(c, `${c}.2`), 3);
    });

    it('advertises locking: ImplementsLockingWFS, both operations with their parameters in 2.0 and 1.1.0, the Lock operation of 1.1.0 types, the conformance class', async () => {
      await fresh();
      const caps = (await kvp({ request: 'GetCapabilities' })).body;
      assert.deepEqual(validateXml(caps, SCHEMAS.wfs20), []);
      assert.deepEqual(xpath(caps, "//ows:Constraint[@name='ImplementsLockingWFS']/ows:DefaultValue"), ['TRUE']);
      assert.deepEqual(xpath(caps, "//ows:Operation[@name='LockFeature']/ows:Parameter[@name='lockAction']//ows:Value"), ['ALL', 'SOME']);
      assert.deepEqual(xpath(caps, "//ows:Operation[@name='GetFeatureWithLock']/ows:Parameter[@name='resultType']//ows:Value"), ['results']);
      assert.equal(xpath(caps, "//ows:Operation[@name='GetFeatureWithLock']//ows:Get/@xlink:href").length, 1);
      const caps11 = (await get(h.url, { service: 'WFS', version: '1.1.0', request: 'GetCapabilities' })).body;
      assert.deepEqual(validateXml(caps11, SCHEMAS.wfs11), []);
      const ops11 = xpath(caps11, '//ows10:Operation/@name');
      assert.ok(ops11.includes('LockFeature') && ops11.includes('GetFeatureWithLock'), ops11.join());
      assert.ok(xpath(caps11, '//wfs11:FeatureType[1]/wfs11:Operations/wfs11:Operation').includes('Lock'));
      const conformance = await (await fetch(`${h.server.url}/conformance`, { headers: { Accept: 'application/json' } })).json();
      assert.ok(JSON.stringify(conformance).includes('http://www.opengis.net/spec/wfs/2.0/conf/locking-wfs'));
    });
  });
}

describe('wfs locking switched off', function () {
  this.timeout(60_000);
  it('LockFeature is OperationNotSupported and ImplementsLockingWFS FALSE when locking is false', async () => {
    const kind = testDatabaseKinds()[0]!;
    const h = await startWfs(kind, { wfs: { locking: false } });
    try {
      const res = await get(h.url, { service: 'WFS', version: '2.0.0', request: 'LockFeature', typenames: 'meridian:x' });
      assert.deepEqual([res.status, exception(res.body).code], [501, 'OperationNotSupported']);
      const caps = (await get(h.url, { service: 'WFS', request: 'GetCapabilities' })).body;
      assert.deepEqual(xpath(caps, "//ows:Constraint[@name='ImplementsLockingWFS']/ows:DefaultValue"), ['FALSE']);
    } finally {
      await h.close();
    }
  });
});
