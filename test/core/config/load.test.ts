import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type LoadOptions } from '../../../core/config/load.js';
import { ConfigError, type ConfigIssue } from '../../../core/config/types.js';
import { fixturePluginsDir } from '../../helpers/fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'meridian-config-'));
let n = 0;
function file(yaml: string): string {
  const f = join(dir, `c${n++}.yaml`);
  writeFileSync(f, yaml);
  return f;
}

async function issuesOf(options: LoadOptions): Promise<ConfigIssue[]> {
  try {
    await loadConfig({ builtinDir: fixturePluginsDir, env: {}, ...options });
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.issues;
  }
  assert.fail('config was accepted');
}

const base = 'builtinPlugins: false\ndatabase: { client: sqlite, filename: ":memory:" }\n';

describe('config loading', () => {
  it('names the path and the expected type of a wrong value inside a plugin list', async () => {
    const issues = await issuesOf({
      file: file(`${base}plugins:\n  echo:\n    items:\n      - source: a\n      - source: b\n      - source: 3\n`),
    });
    assert.deepEqual(issues, [{ path: 'plugins.echo.items[2].source', message: 'must be a string' }]);
  });

  it('rejects an unknown key with the nearest valid name', async () => {
    const issues = await issuesOf({ file: file(`${base}server:\n  prot: 8080\n`) });
    assert.deepEqual(issues, [{ path: 'server.prot', message: "unknown key; did you mean 'port'?" }]);
  });

  it("rejects an unknown key in a plugin's own config", async () => {
    const issues = await issuesOf({ file: file(`${base}plugins:\n  echo:\n    greting: hi\n`) });
    assert.deepEqual(issues, [{ path: 'plugins.echo.greting', message: "unknown key; did you mean 'greeting'?" }]);
  });

  it('reports every error at once, not only the first', async () => {
    const issues = await issuesOf({
      file: file(`${base}server:\n  port: high\n  trustProxy: maybe\nlog:\n  level: loud\nplugins:\n  ecko: {}\n`),
    });
    const paths = issues.map((i) => i.path).sort();
    assert.deepEqual(paths, ['log.level', 'server.port', 'server.trustProxy']);
    assert.match(issues.find((i) => i.path === 'log.level')!.message, /must be one of: "fatal"/);
  });

  it('names an unknown plugin with the nearest built-in one', async () => {
    const issues = await issuesOf({ file: file(`${base}plugins:\n  ecko: {}\n`) });
    assert.equal(issues.length, 1);
    assert.equal(issues[0]!.path, 'plugins.ecko');
    assert.match(issues[0]!.message, /unknown plugin; did you mean 'echo'\?/);
  });

  it('reports a YAML syntax error with its line', async () => {
    const issues = await issuesOf({ file: file('server:\n  port: [1, 2\nlog: {}\n') });
    assert.equal(issues.length, 1);
    assert.match(issues[0]!.message, /^YAML line \d+/);
  });

  it('interpolates ${VAR} with the scalar type of the value, and ${VAR:-default}', async () => {
    const loaded = await loadConfig({
      builtinDir: fixturePluginsDir,
      file: file(`${base}server:\n  port: \${PORT}\n  publicUrl: "https://\${HOST:-example.org}/eo"\nplugins:\n  echo:\n    greeting: "\${GREETING}!"\n`),
      env: { PORT: '9123', GREETING: 'salut' },
    });
    assert.equal(loaded.config.server.port, 9123);
    assert.equal(loaded.config.server.publicUrl, 'https://example.org/eo');
    assert.equal(loaded.plugins.find((p) => p.plugin.name === 'echo')!.config.greeting, 'salut!');
  });

  it('reports an unset variable at the path that uses it', async () => {
    const issues = await issuesOf({ file: file(`builtinPlugins: false\ndatabase:\n  client: postgres\n  url: \${DB_URL}\n`) });
    assert.ok(issues.some((i) => i.path === 'database.url' && i.message === 'environment variable DB_URL is not set'), JSON.stringify(issues));
  });

  it('lets MERIDIAN_<PATH> environment variables override any key', async () => {
    const loaded = await loadConfig({
      builtinDir: fixturePluginsDir,
      file: file(`${base}server:\n  port: 8080\nplugins:\n  echo:\n    greeting: hi\n  needs-echo: {}\n`),
      env: {
        MERIDIAN_SERVER__PORT: '9090',
        MERIDIAN_SERVER__PUBLIC_URL: 'https://eo.example.org',
        MERIDIAN_PLUGINS__ECHO__GREETING: 'hej',
        MERIDIAN_PLUGINS__NEEDS_ECHO__ENABLED: 'false',
        MERIDIAN_TEST_PG: 'postgres://ignored',
      },
    });
    assert.equal(loaded.config.server.port, 9090);
    assert.equal(loaded.config.server.publicUrl, 'https://eo.example.org');
    assert.equal(loaded.plugins.find((p) => p.plugin.name === 'echo')!.config.greeting, 'hej');
    assert.equal(loaded.plugins.some((p) => p.plugin.name === 'needs-echo'), false);
    assert.deepEqual(loaded.envOverrides.sort(), ['plugins.echo.greeting', 'plugins.needs-echo.enabled', 'server.port', 'server.publicUrl']);
  });

  it('fills the embedded defaults: SQLite and blobs under the data dir, sample data on', async () => {
    const loaded = await loadConfig({ builtinDir: fixturePluginsDir, env: {}, dataDir: join(dir, 'data') });
    assert.deepEqual(loaded.config.database, { client: 'sqlite', filename: join(dir, 'data', 'meridian.db') });
    assert.equal(loaded.config.blobs.type, 'fs');
    assert.equal(loaded.config.sampleData, true);
    assert.equal(loaded.config.server.port, 8080);
  });

  it('loads a plugin from a package path relative to the config file', async () => {
    const loaded = await loadConfig({
      env: {},
      builtinDir: join(dir, 'none'),
      file: file(`${base}plugins:\n  echo:\n    package: ${join(fixturePluginsDir, 'echo', 'index.ts')}\n`),
    });
    assert.deepEqual(loaded.plugins.map((p) => [p.plugin.name, p.builtin, p.mountPath]), [['echo', false, '/echo']]);
  });

  it('refuses a package whose plugin declares another name', async () => {
    const issues = await issuesOf({
      builtinDir: join(dir, 'none'),
      file: file(`${base}plugins:\n  other:\n    package: ${join(fixturePluginsDir, 'echo', 'index.ts')}\n`),
    });
    assert.equal(issues[0]!.path, 'plugins.other.package');
    assert.match(issues[0]!.message, /declares name 'echo', but config names it 'other'/);
  });

  it('refuses two plugins on one path and a path the core reserves', async () => {
    const issues = await issuesOf({ file: file(`${base}plugins:\n  echo:\n    path: /x\n  needs-echo:\n    path: /x\n  port-echo:\n    path: /health\n  orphan:\n    path: /\n`) });
    assert.deepEqual(
      issues.map((i) => i.path).sort(),
      ['plugins.needs-echo.path', 'plugins.orphan.path', 'plugins.port-echo.path'],
    );
    assert.match(issues.find((i) => i.path === 'plugins.orphan.path')!.message, /listen: PORT/);
  });
});
