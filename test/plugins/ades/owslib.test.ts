/**
 * OWSLib (Debian python3-owslib 0.27) as an independent OGC API - Processes client: it lists and
 * describes the processes. That version has no execute method, so the script executes with
 * OWSLib's own HTTP helper (owslib.util.http_post), follows the job through the Processes
 * client's requests, and reads the results document.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { testDatabaseKinds } from '../../helpers/databases.js';
import { makeCog, PYTHON, startAdes, type AdesHarness } from './support.js';

const SCRIPT = `
import json, sys, time
from owslib.ogcapi.processes import Processes
from owslib.util import http_post
base, key = sys.argv[1], sys.argv[2]
headers = {'X-API-Key': key}
api = Processes(base, headers=headers)
ids = sorted(p['id'] for p in api.processes()['processes'])
ndvi = api.process('ndvi')
body = json.dumps({'inputs': {'image': {'href': 'blob:workspaces/alice/scene.tif'}}})
r = http_post(base + '/processes/ndvi/execution', request=body, headers={**headers, 'Content-Type': 'application/json', 'Prefer': 'respond-async'})
job = r.json()
for _ in range(600):
    status = api._request('jobs/' + job['jobID'])
    if status['status'] not in ('accepted', 'running'):
        break
    time.sleep(0.1)
results = api._request('jobs/' + job['jobID'] + '/results')
print(json.dumps({'ids': ids, 'ndviInputs': sorted(ndvi['inputs']), 'executeStatus': r.status_code, 'location': r.headers.get('Location'), 'status': status['status'], 'results': results}))
`;

for (const kind of testDatabaseKinds().slice(0, 1)) {
  describe(`ades with OWSLib (${kind.name})`, function () {
    this.timeout(120_000);
    let h: AdesHarness;
    before(async () => {
      h = await startAdes(kind, { catalogue: false });
      await h.server.meridian.stores.blobs.put('workspaces/alice/scene.tif', readFileSync(makeCog()));
    });
    after(async () => h?.close());

    it('lists, describes and executes through OWSLib', async () => {
      // Asynchronous: the server answering the script runs in this process.
      const r = await promisify(execFile)(PYTHON, ['-c', SCRIPT, h.base, h.keys.alice], { encoding: 'utf8', timeout: 100_000 });
      const out = JSON.parse(r.stdout);
      assert.deepEqual(out.ids, ['clip', 'ndvi', 'reproject']);
      assert.deepEqual(out.ndviInputs, ['image', 'nir', 'red']);
      assert.equal(out.executeStatus, 201);
      assert.match(out.location, /\/ades\/jobs\/[0-9a-f-]{36}$/);
      assert.equal(out.status, 'successful');
      assert.match(out.results.ndvi.href, /\/files\/ndvi\/ndvi\.tif$/);
      assert.match(out.results.ndvi.type, /^image\/tiff/);
    });
  });
}
