import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { runCli, startCli, waitForLog } from '../../helpers/cli.js';
import { fixturePluginsDir } from '../../helpers/fixtures.js';

describe('meridian CLI', function () {
  this.timeout(60000);
  const dir = mkdtempSync(join(tmpdir(), 'meridian-cli-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('config check prints every error with its path and exits 2', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'server:\n  prot: 80\n  compression: sometimes\nlog:\n  level: loud\n');
    const r = await runCli(['config', 'check', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /server\.prot: unknown key; did you mean 'port'\?/);
    assert.match(r.stderr, /server\.compression: must be a boolean/);
    assert.match(r.stderr, /log\.level: must be one of/);
  });

  it('config check accepts a valid file and exits 0', async () => {
    const file = join(dir, 'good.yaml');
    writeFileSync(file, `dataDir: ${dir}/good\nserver:\n  port: 8181\n`);
    const r = await runCli(['config', 'check', file]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /valid/);
  });

  it('serve refuses an invalid config with exit 2 without starting', async () => {
    const file = join(dir, 'bad-serve.yaml');
    writeFileSync(file, 'server:\n  port: -1\n');
    const r = await runCli(['serve', '--config', file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /server\.port: must be >= 0/);
    assert.doesNotMatch(r.stdout, /listening/);
  });

  it('serve starts on embedded defaults, writes admin credentials once with mode 0600, and stops on SIGTERM or SIGINT', async () => {
    const dataDir = join(dir, 'serve');
    const creds = join(dataDir, 'admin-credentials.json');
    const startOnce = async (signal: NodeJS.Signals) => {
      const child = startCli(['serve', '--data-dir', dataDir, '--port', '0']);
      const named = waitForLog(child, 'created user admin; its password and API key are in the admin credentials file (mode 0600)').catch(() => undefined);
      try {
        const listening = await waitForLog(child, 'Meridian is listening');
        const port = (listening.ports as Record<string, number>).main;
        assert.equal((await fetch(`http://127.0.0.1:${port}/health`)).status, 200);
        assert.equal((await fetch(`http://127.0.0.1:${port}/ready`)).status, 200);
      } finally {
        child.kill(signal);
      }
      const [code] = (await once(child, 'exit')) as [number];
      assert.equal(code, 0, `exit status after ${signal}`);
      return (await named) as { file?: string } | undefined;
    };
    const first = await startOnce('SIGTERM');
    assert.equal(first?.file, creds, 'the log names the credentials file');
    assert.equal(statSync(creds).mode & 0o777, 0o600);
    const written = readFileSync(creds, 'utf8');
    const { user, password, apiKey, apiKeyId } = JSON.parse(written) as { user: string; password: string; apiKey: string; apiKeyId: string };
    assert.equal(user, 'admin');
    assert.ok(password.length >= 16 && apiKey.length >= 32);
    const listed = await runCli(['apikey', 'list', '--json', '--data-dir', dataDir]);
    assert.ok(listed.stdout.includes(apiKeyId));
    assert.ok(existsSync(join(dataDir, 'meridian.db')));
    // A second start finds the admin and leaves the file alone; SIGINT stops it as SIGTERM does.
    await startOnce('SIGINT');
    assert.equal(readFileSync(creds, 'utf8'), written);
  });

  it('apikey create prints {"id","key"} as JSON; the key is listed without its secret and can be revoked', async () => {
    const dataDir = join(dir, 'keys');
    const created = await runCli(['apikey', 'create', '--user', 'carol', '--group', 'editors', '--group', 'admin', '--json', '--data-dir', dataDir]);
    assert.equal(created.code, 0, created.stderr);
    const { id, key } = JSON.parse(created.stdout) as { id: string; key: string };
    assert.ok(id && key && key.length >= 32);
    const listed = await runCli(['apikey', 'list', '--json', '--data-dir', dataDir]);
    assert.equal(listed.code, 0, listed.stderr);
    assert.ok(listed.stdout.includes(id));
    assert.ok(!listed.stdout.includes(key), 'the secret is never listed');
    const revoked = await runCli(['apikey', 'revoke', id, '--data-dir', dataDir]);
    assert.equal(revoked.code, 0, revoked.stderr);
    const again = await runCli(['apikey', 'revoke', id, '--data-dir', dataDir]);
    assert.equal(again.code, 1);
  });

  it('migrate applies pending migrations once', async () => {
    const dataDir = join(dir, 'migrate');
    const first = await runCli(['migrate', '--data-dir', dataDir]);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /^[1-9]\d* migration\(s\) applied \(sqlite\)/);
    const second = await runCli(['migrate', '--data-dir', dataDir]);
    assert.match(second.stdout, /^0 migration\(s\) applied/);
  });

  it('plugins lists each enabled plugin with version, path, services and conformance classes', async () => {
    const file = join(dir, 'plugins.yaml');
    writeFileSync(
      file,
      `dataDir: ${join(dir, 'plugins')}\nbuiltinPlugins: false\nplugins:\n  echo:\n    package: ${join(fixturePluginsDir, 'echo', 'index.ts')}\n    path: /say\n`,
    );
    const r = await runCli(['plugins', '--json', '--config', file]);
    assert.equal(r.code, 0, r.stderr);
    const body = JSON.parse(r.stdout) as { plugins: Array<Record<string, unknown>> };
    const echo = body.plugins.find((p) => p.name === 'echo')!;
    assert.equal(echo.version, '1.2.3');
    assert.equal(echo.enabled, true);
    assert.equal(echo.builtin, false);
    assert.equal(echo.path, '/say');
    assert.deepEqual(echo.provides, ['echo-service']);
    assert.deepEqual(echo.services, [{ type: 'ECHO', versions: ['1.0'], url: '/say' }]);
    assert.deepEqual(echo.conformsTo, ['http://example.org/conf/echo/core']);
    const text = await runCli(['plugins', '--config', file]);
    assert.match(text.stdout, /^echo 1\.2\.3 {2}enabled at \/say \(package\)$/m);
  });

  it('has --help on every command', async () => {
    for (const args of [['--help'], ['serve', '--help'], ['worker', '--help'], ['config', 'check', '--help'], ['plugins', '--help'], ['migrate', '--help'], ['apikey', 'create', '--help']]) {
      const r = await runCli(args);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stdout, /Usage: meridian/);
    }
  });
});
