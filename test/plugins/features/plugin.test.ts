/** The plugin in a real server: config validated, the `features` service provided, its migration applied. */
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ANONYMOUS } from '../../../core/auth/index.js';
import type { FeaturesService } from '../../../plugins/features/types.js';
import { startTestServer, type TestServer } from '../../helpers/server.js';
import { admin, collect } from './support.js';

const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));

describe('features plugin', function () {
  let server: TestServer;
  let features: FeaturesService;
  before(async () => {
    server = await startTestServer({ builtinPlugins: false, plugins: { features: { defaultLimit: 2, maxLimit: 3 } } }, { builtinDir });
    const running = server.meridian.plugins.find((p) => p.name === 'features');
    features = running!.instance.provide!.features as FeaturesService;
  });
  after(async () => server?.close());

  it('provides the features service with its configured limits', async () => {
    assert.deepEqual(features.limits, { defaultLimit: 2, maxLimit: 3 });
    await features.createCollection({ id: 'p', geometryType: 'Point', properties: [] }, admin);
    const five = Array.from({ length: 5 }, (_, i) => ({ geometry: { type: 'Point' as const, coordinates: [i, 0] }, properties: {} }));
    await features.transaction([{ op: 'insert', collection: 'p', features: five }], admin);
    assert.equal((await collect((await features.query('p', {}, ANONYMOUS)).features)).length, 2);
    assert.equal((await collect((await features.query('p', { limit: 100 }, ANONYMOUS)).features)).length, 3);
  });

  it('refuses config it does not know, naming the key', async () => {
    await assert.rejects(startTestServer({ builtinPlugins: false, plugins: { features: { maxLimit: 0 } } }, { builtinDir }), /maxLimit/);
    await assert.rejects(startTestServer({ builtinPlugins: false, plugins: { features: { pageSize: 5 } } }, { builtinDir }), /pageSize/);
  });
});
