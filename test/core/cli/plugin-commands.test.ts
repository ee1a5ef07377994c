import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commonOptionsOf, pluginCommandsWanted } from '../../../core/cli/plugin-command-line.js';
import { runCli, startCli } from '../../helpers/cli.js';

const greeter = fileURLToPath(new URL('../../fixtures/plugin-commands/greeter/index.ts', import.meta.url));
const core = new Set(['serve', 'worker', 'config', 'plugins', 'migrate', 'apikey']);

describe('plugin CLI commands', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'meridian-plugin-cmd-'));
  const config = join(dir, 'meridian.yaml');
  writeFileSync(config, `dataDir: ${join(dir, 'data')}\nbuiltinPlugins: false\nlog:\n  level: warn\nplugins:\n  greeter:\n    package: ${greeter}\n    greeting: hi\n`);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('loads plugin commands only when the command line names no core command', () => {
    assert.equal(pluginCommandsWanted(['serve', '--port', '0'], core), 'none');
    assert.equal(pluginCommandsWanted(['--version'], core), 'none');
    assert.equal(pluginCommandsWanted(['catalogue', 'import', 'x'], core), 'run');
    assert.equal(pluginCommandsWanted([], core), 'help');
    assert.equal(pluginCommandsWanted(['--help'], core), 'help');
  });

  it('reads --config and --data-dir ahead of commander in every spelling', () => {
    assert.deepEqual(commonOptionsOf(['x', '--config', 'a.yaml', '-d', 'data'], {}), { config: 'a.yaml', dataDir: 'data' });
    assert.deepEqual(commonOptionsOf(['x', '--config=b.yaml', '--data-dir=d'], {}), { config: 'b.yaml', dataDir: 'd' });
    assert.deepEqual(commonOptionsOf(['x'], { MERIDIAN_CONFIG: 'env.yaml' }), { config: 'env.yaml' });
  });

  it('runs a plugin command with its arguments and options on the platform the config builds, exiting with what it returns', async () => {
    const r = await runCli(['greeter', 'say', 'Ada', '--times', '2', '--shout', '--config', config]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `HI, ADA\nHI, ADA\ndataDir=${join(dir, 'data')} db=sqlite\n`);
    const three = await runCli(['greeter', 'say', 'nobody', '--config', config]);
    assert.equal(three.code, 3);
  });

  it('refuses a bad option value with exit 1, and lists the commands in --help', async () => {
    const bad = await runCli(['greeter', 'say', 'Ada', '--times', 'often', '--config', config]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--times.*must be an integer/);
    const help = await runCli(['--help', '--config', config]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /greeter +greets from the command line/);
    const sub = await runCli(['greeter', 'say', '--help', '--config', config]);
    assert.match(sub.stdout, /Usage: meridian greeter say \[options\] <name>/);
    assert.match(sub.stdout, /-c, --config <file>/);
    assert.match(sub.stdout, /Exit status: 0, or 3/);
  });

  it('an unknown command is still an error, and an invalid config exits 2', async () => {
    const unknown = await runCli(['nothing-here', '--config', config]);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown command 'nothing-here'/);
    const invalid = join(dir, 'invalid.yaml');
    writeFileSync(invalid, 'server:\n  port: -1\n');
    const r = await runCli(['greeter', 'say', 'Ada', '--config', invalid]);
    assert.equal(r.code, 2);
  });

  it('aborts the command\'s signal on SIGINT and exits with its status', async () => {
    const child = startCli(['greeter', 'wait', '--config', config]);
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    while (!out.includes('waiting')) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGINT');
    const [code] = (await once(child, 'exit')) as [number];
    assert.equal(code, 130);
    assert.match(out, /stopped/);
  });
});
