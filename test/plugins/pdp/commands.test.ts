/** `meridian pdp run-vectors` and `meridian pdp policy add|list|activate`, run as the CLI. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../helpers/cli.js';
import { groupPolicy } from './support.js';

const VECTORS = '/work/shared/conformance/xacml3';

describe('meridian pdp commands', function () {
  this.timeout(180000);
  let dir: string;
  let config: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'pdp-cli-'));
    config = join(dir, 'meridian.json');
    writeFileSync(config, JSON.stringify({ dataDir: join(dir, 'data'), builtinPlugins: false, database: { client: 'sqlite', filename: join(dir, 'data', 'meridian.db') }, plugins: { pdp: {} }, log: { level: 'warn' } }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('run-vectors on the shared mandatory vectors prints the summary line; exit status says whether any failed', async () => {
    const r = await runCli(['pdp', 'run-vectors', join(VECTORS, 'mandatory'), '--config', config]);
    const summary = r.stdout.trim().split('\n').at(-1)!;
    const m = /^(\d+) passed, (\d+) failed$/.exec(summary);
    assert.ok(m, `no summary line in ${r.stdout.slice(-500)} ${r.stderr.slice(-500)}`);
    const [passed, failed] = [Number(m[1]), Number(m[2])];
    assert.equal(passed + failed, 341);
    assert.equal(r.code, failed > 0 ? 1 : 0);
    // Each failed case is printed before the summary, named by category and id.
    assert.equal(r.stdout.trim().split('\n').length > failed, true);
  });

  it('run-vectors prints each mismatch of a case whose expected response is wrong, and exits 1', async () => {
    const bad = join(dir, 'vectors', 'mandatory', 'WRONG001');
    mkdirSync(bad, { recursive: true });
    const NS = 'urn:oasis:names:tc:xacml:3.0:core:schema:wd-17';
    writeFileSync(join(bad, 'policy.xml'), `<Policy xmlns="${NS}" PolicyId="p" Version="1" RuleCombiningAlgId="urn:oasis:names:tc:xacml:3.0:rule-combining-algorithm:deny-overrides"><Target/><Rule RuleId="r" Effect="Permit"/></Policy>`);
    writeFileSync(join(bad, 'request.xml'), `<Request xmlns="${NS}" ReturnPolicyIdList="false" CombinedDecision="false"><Attributes Category="urn:oasis:names:tc:xacml:3.0:attribute-category:action"/></Request>`);
    writeFileSync(join(bad, 'response.xml'), `<Response xmlns="${NS}"><Result><Decision>Deny</Decision><Status><StatusCode Value="urn:oasis:names:tc:xacml:1.0:status:ok"/></Status></Result></Response>`);
    const r = await runCli(['pdp', 'run-vectors', join(dir, 'vectors'), '--config', config]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /WRONG001/);
    assert.match(r.stdout.trim().split('\n').at(-1)!, /^0 passed, 1 failed$/);
  });

  it('run-vectors on a folder that does not exist exits 1', async () => {
    const r = await runCli(['pdp', 'run-vectors', join(dir, 'nowhere'), '--config', config]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /cannot read/);
  });

  it('policy add, list, activate', async () => {
    const file = join(dir, 'p.xml');
    writeFileSync(file, groupPolicy({ id: 'urn:example:cli', version: '1.2', group: 'g', type: 'layer', resourceId: 'L' }));
    const add = await runCli(['pdp', 'policy', 'add', file, '--config', config]);
    assert.equal(add.code, 0, add.stderr);
    assert.match(add.stdout, /added Policy urn:example:cli version 1\.2 to domain default/);
    const again = await runCli(['pdp', 'policy', 'add', file, '--config', config]);
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
    const activate = await runCli(['pdp', 'policy', 'activate', 'urn:example:cli', '1.2', '--config', config]);
    assert.equal(activate.code, 0, activate.stderr);
    const list = await runCli(['pdp', 'policy', 'list', '--json', '--config', config]);
    assert.equal(list.code, 0, list.stderr);
    assert.deepEqual(JSON.parse(list.stdout).policies, [{ policyId: 'urn:example:cli', kind: 'Policy', versions: ['1.2'], active: '1.2' }]);
    const other = await runCli(['pdp', 'policy', 'list', '--domain', 'tenant9', '--config', config]);
    assert.match(other.stdout, /no policies/);
    const missing = await runCli(['pdp', 'policy', 'activate', 'urn:example:cli', '9', '--config', config]);
    assert.equal(missing.code, 1);
    const invalid = join(dir, 'bad.xml');
    writeFileSync(invalid, '<Policy');
    assert.equal((await runCli(['pdp', 'policy', 'add', invalid, '--config', config])).code, 1);
  });
});
