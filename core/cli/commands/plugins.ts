import type { Command } from 'commander';
import { builtinPluginNames } from '../../loader/discover.js';
import { assemble } from '../../server/assemble.js';
import { cliLogger, loadOrExit, withCommonOptions, type CommonOptions } from '../common.js';

interface PluginReport {
  name: string;
  version: string;
  enabled: boolean;
  builtin: boolean;
  path?: string;
  provides: string[];
  requires: string[];
  services: Array<{ type: string; versions: string[]; url: string }>;
  conformsTo: string[];
}

export function pluginsCommand(program: Command): void {
  withCommonOptions(program.command('plugins'))
    .description('list available and enabled plugins with versions, services and conformance classes')
    .option('--json', 'print JSON')
    .action(async (options: CommonOptions & { json?: boolean }) => {
      const loaded = await loadOrExit(options);
      const logger = cliLogger(loaded, true);
      // Services and conformance classes are what set-up registers, so the plugins are set up (no listener).
      const meridian = await assemble(loaded, logger, 'cli');
      try {
        const services = meridian.registry.services();
        const report: PluginReport[] = loaded.plugins.map((p) => ({
          name: p.plugin.name,
          version: p.plugin.version,
          enabled: true,
          builtin: p.builtin,
          path: p.core.listen !== undefined ? `:${p.core.listen}/` : p.mountPath || '/',
          provides: p.plugin.provides ?? [],
          requires: p.plugin.requires ?? [],
          services: services.filter((s) => s.plugin === p.plugin.name).map((s) => ({ type: s.type, versions: s.versions, url: s.url })),
          conformsTo: meridian.plugins.find((r) => r.name === p.plugin.name)?.instance.conformsTo ?? [],
        }));
        const enabled = new Set(report.map((r) => r.name));
        for (const name of builtinPluginNames()) {
          if (!enabled.has(name)) report.push({ name, version: '', enabled: false, builtin: true, provides: [], requires: [], services: [], conformsTo: [] });
        }
        report.sort((a, b) => a.name.localeCompare(b.name));
        if (options.json) {
          process.stdout.write(`${JSON.stringify({ plugins: report }, null, 2)}\n`);
          return;
        }
        for (const r of report) {
          process.stdout.write(`${r.name}${r.version ? ` ${r.version}` : ''}  ${r.enabled ? `enabled at ${r.path}` : 'disabled'}${r.builtin ? '' : ' (package)'}\n`);
          if (r.provides.length) process.stdout.write(`  provides: ${r.provides.join(', ')}\n`);
          if (r.requires.length) process.stdout.write(`  requires: ${r.requires.join(', ')}\n`);
          for (const s of r.services) process.stdout.write(`  service: ${s.type} ${s.versions.join(', ')} at ${s.url}\n`);
          for (const c of r.conformsTo) process.stdout.write(`  conforms to: ${c}\n`);
        }
      } finally {
        await meridian.close();
      }
    });
}
