import assert from 'node:assert/strict';
import { loadConfig } from '../../../core/config/load.js';
import { orderPlugins } from '../../../core/loader/order.js';
import { builtinPluginNames } from '../../../core/loader/discover.js';
import { fixturePluginsDir } from '../../helpers/fixtures.js';

async function order(plugins: Record<string, unknown>) {
  const loaded = await loadConfig({
    builtinDir: fixturePluginsDir,
    env: {},
    inline: { builtinPlugins: false, database: { client: 'sqlite', filename: ':memory:' }, plugins },
  });
  return orderPlugins(
    loaded.plugins.map((p) => p.plugin),
    loaded.disabledProviders,
  ).order.map((p) => p.name);
}

describe('plugin ordering', () => {
  it('finds every plugin folder under the built-in directory', () => {
    assert.deepEqual(builtinPluginNames(fixturePluginsDir), ['cycle-a', 'cycle-b', 'echo', 'needs-echo', 'orphan', 'port-echo']);
  });

  it('sets up a provider before the plugin that requires its service', async () => {
    // 'echo' sorts before 'needs-echo' by name too, so list them so that name order would be wrong.
    const names = await order({ 'needs-echo': {}, echo: {} });
    assert.ok(names.indexOf('echo') < names.indexOf('needs-echo'), names.join(','));
  });

  it('names the plugin and the missing service when no enabled plugin provides it', async () => {
    await assert.rejects(order({ orphan: {} }), /plugin 'orphan' requires service 'nothing-provides-this', which no enabled plugin provides/);
  });

  it('says which disabled plugin would provide a missing service', async () => {
    await assert.rejects(
      order({ 'needs-echo': {}, echo: { enabled: false } }),
      /plugin 'needs-echo' requires service 'echo-service', which no enabled plugin provides \(enable 'echo'\)/,
    );
  });

  it('names the plugins of a requirement cycle', async () => {
    await assert.rejects(order({ 'cycle-a': {}, 'cycle-b': {} }), /cycle: cycle-a -> cycle-b -> cycle-a/);
  });

  it('refuses two plugins providing one service', () => {
    const p = (name: string) => ({ name, version: '1', configSchema: {}, provides: ['x'], setup: async () => ({}) });
    assert.throws(() => orderPlugins([p('one'), p('two')]), /plugins 'one' and 'two' both provide service 'x'/);
  });
});
