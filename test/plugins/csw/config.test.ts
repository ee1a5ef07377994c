import assert from 'node:assert/strict';
import { loadConfig } from '../../../core/config/load.js';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { builtinDir } from '../catalogue/support.js';
import { fixtureRecords, get, startCsw, xpath } from './support.js';

const [sqlite] = testDatabaseKinds();

describe('csw config', () => {
  it('fills defaults, nested harvest ones included, and refuses unknown keys with their path', async () => {
    const loaded = await loadConfig({ inline: { builtinPlugins: false, plugins: { catalogue: {}, csw: {} } }, builtinDir });
    const csw = loaded.plugins.find((p) => p.plugin.name === 'csw')!;
    assert.equal((csw.config as { maxRecordDefault: number }).maxRecordDefault, 10);
    assert.deepEqual((csw.config as { harvest: unknown }).harvest, { enabled: true, timeoutMs: 30000, maxBytes: 52428800, maxRecords: 10000, maxRedirects: 3, allowPrivateNetworks: false });
    assert.equal(csw.mountPath, '/csw');
    await assert.rejects(
      loadConfig({ inline: { builtinPlugins: false, plugins: { catalogue: {}, csw: { harvest: { timeout: 5 } } } }, builtinDir }),
      (err: Error) => /plugins\.csw\.harvest/.test(err.message),
    );
  });

  it('serves maxRecordDefault records by default and never more than the catalogue maxLimit', async () => {
    const h = await startCsw(sqlite!, { csw: { maxRecordDefault: 2 }, catalogue: { maxLimit: 3 } });
    try {
      await h.catalogue.upsert(fixtureRecords());
      const page = (params: Record<string, string>) => get(h.url, { service: 'CSW', version: '2.0.2', request: 'GetRecords', typeNames: 'csw:Record', resultType: 'results', ...params });
      assert.deepEqual(xpath((await page({})).body, '//csw:SearchResults/@numberOfRecordsReturned'), ['2']);
      const capped = await page({ maxRecords: '100' });
      assert.equal(capped.status, 200, capped.body);
      assert.deepEqual(xpath(capped.body, '//csw:SearchResults/@numberOfRecordsReturned'), ['3']);
      assert.deepEqual(xpath(capped.body, '//csw:SearchResults/@nextRecord'), ['4']);
      const caps = await get(h.url, { service: 'CSW', request: 'GetCapabilities', version: '2.0.2' });
      assert.deepEqual(xpath(caps.body, "//ows:OperationsMetadata/ows:Constraint[@name='MaxRecordDefault']/ows:Value"), ['2']);
    } finally {
      await h.close();
    }
  });

  it('mounts where config says, and registers that URL', async () => {
    const h = await startCsw(sqlite!, { csw: { path: '/catalogue/csw' } });
    try {
      const res = await get(`${h.server.url}/catalogue/csw`, { service: 'CSW', request: 'GetCapabilities' });
      assert.equal(res.status, 200);
      assert.ok(xpath(res.body, "//*[local-name()='Get']/@*[local-name()='href']").every((href) => href === `${h.server.url}/catalogue/csw?`));
    } finally {
      await h.close();
    }
  });
});
