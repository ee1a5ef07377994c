import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { Plugin } from '../plugin.js';
import { builtinPluginNames, builtinPluginUrl, resolvePackage } from '../loader/discover.js';
import { loadPluginModule } from '../loader/load-module.js';
import { createConfigAjv, nearestName, validateWith } from './ajv-issues.js';
import { applyEnvOverrides } from './env-overrides.js';
import { interpolateEnv } from './interpolate.js';
import { coreConfigSchema, pluginCoreKeysSchema } from './schema.js';
import { sectionDefaults } from './sections.js';
import { ConfigError, type ConfigIssue, type MeridianConfig, type PluginEntryCoreKeys } from './types.js';

export interface LoadOptions {
  /** Config file; none means the embedded defaults. */
  file?: string;
  /** A config object instead of a file (embedding, tests); interpolated and validated the same way. */
  inline?: Record<string, unknown>;
  dataDir?: string;
  port?: number;
  env?: NodeJS.ProcessEnv;
  /** Folder of built-in plugins (tests point it at fixtures). */
  builtinDir?: string;
}

export interface LoadedPlugin {
  plugin: Plugin;
  /** The plugin's own config, validated, defaults filled in. */
  config: Record<string, unknown>;
  core: PluginEntryCoreKeys;
  mountPath: string;
  builtin: boolean;
}

export interface LoadedConfig {
  config: MeridianConfig;
  plugins: LoadedPlugin[];
  /** Plugins present but not enabled, by the services they would provide. */
  disabledProviders: Map<string, string[]>;
  source: string;
  envOverrides: string[];
}

const CORE_KEYS = Object.keys(pluginCoreKeysSchema);

/** Reads, interpolates, overrides, validates the config and loads the enabled plugins' modules. */
export async function loadConfig(options: LoadOptions = {}): Promise<LoadedConfig> {
  const env = options.env ?? process.env;
  const issues: ConfigIssue[] = [];
  const source = options.file ? resolve(options.file) : options.inline ? 'inline config' : 'embedded defaults';
  let raw: Record<string, unknown> = structuredClone(options.inline ?? {});
  if (options.file) raw = readYaml(source, issues);
  raw = interpolateEnv(raw, env, issues) as Record<string, unknown>;

  const schema = coreConfigSchema();
  const envOverrides = applyEnvOverrides(raw, env, schema);
  if (options.dataDir !== undefined) raw.dataDir = options.dataDir;
  if (options.port !== undefined) raw.server = { ...(raw.server as object | undefined), port: options.port };
  const dataDir = resolve(typeof raw.dataDir === 'string' ? raw.dataDir : './data');
  raw.dataDir = dataDir;
  raw.sampleData ??= !options.file && !options.inline;
  const defaults = sectionDefaults(dataDir);
  for (const key of Object.keys(defaults) as Array<keyof typeof defaults>) raw[key] ??= defaults[key];

  const ajv = createConfigAjv();
  issues.push(...validateWith(ajv.compile(schema), raw, ''));
  if (issues.length) throw new ConfigError(issues, source);
  const config = raw as unknown as MeridianConfig;

  const configDir = options.file ? dirname(source) : process.cwd();
  const { plugins, disabledProviders } = await loadPlugins(config, configDir, options.builtinDir, issues);
  checkMounts(plugins, config, issues);
  if (issues.length) throw new ConfigError(issues, source);
  return { config, plugins, disabledProviders, source, envOverrides };
}

function readYaml(file: string, issues: ConfigIssue[]): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError([{ path: '', message: `cannot read ${file}: ${(err as Error).message}` }]);
  }
  const doc = parseDocument(text, { prettyErrors: true });
  for (const e of doc.errors) {
    const line = e.linePos?.[0];
    issues.push({ path: '', message: `YAML ${line ? `line ${line.line} column ${line.col}` : ''}: ${e.message.split('\n')[0]}` });
  }
  if (doc.errors.length) throw new ConfigError(issues, file);
  const value = doc.toJS() as unknown;
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new ConfigError([{ path: '', message: 'must be a mapping of keys to values' }], file);
  }
  return value as Record<string, unknown>;
}

async function loadPlugins(config: MeridianConfig, configDir: string, builtinDir: string | undefined, issues: ConfigIssue[]) {
  const builtins = builtinPluginNames(builtinDir);
  const ajv = createConfigAjv();
  const plugins: LoadedPlugin[] = [];
  const disabledProviders = new Map<string, string[]>();
  const names = new Set([...(config.builtinPlugins ? builtins : []), ...Object.keys(config.plugins)]);
  for (const name of [...names].sort()) {
    const entry = (config.plugins[name] ?? {}) as Record<string, unknown>;
    const at = `plugins.${name}`;
    const coreIssues = validateWith(ajv.compile({ type: 'object', properties: pluginCoreKeysSchema }), pick(entry, CORE_KEYS), at);
    issues.push(...coreIssues);
    const builtin = builtins.includes(name);
    const pkg = entry.package as string | undefined;
    if (!builtin && !pkg) {
      const near = nearestName(name, builtins);
      issues.push({ path: at, message: `unknown plugin${near ? `; did you mean '${near}'?` : ''} (built-in: ${builtins.join(', ') || 'none'}; others need 'package')` });
      continue;
    }
    let plugin: Plugin;
    try {
      const url = pkg ? resolvePackage(pkg, configDir) : builtinPluginUrl(name, builtinDir)!;
      plugin = await loadPluginModule(url, name);
    } catch (err) {
      issues.push({ path: pkg ? `${at}.package` : at, message: (err as Error).message });
      continue;
    }
    const enabled = entry.enabled ?? true;
    if (!enabled) {
      for (const s of plugin.provides ?? []) disabledProviders.set(s, [...(disabledProviders.get(s) ?? []), name]);
      continue;
    }
    const own = omit(entry, CORE_KEYS);
    const schema = { additionalProperties: false, ...plugin.configSchema };
    let validate;
    try {
      validate = ajv.compile(schema);
    } catch (err) {
      issues.push({ path: at, message: `plugin '${name}' has an invalid configSchema: ${(err as Error).message}` });
      continue;
    }
    issues.push(...validateWith(validate, own, at));
    const core = pick(entry, CORE_KEYS) as PluginEntryCoreKeys;
    const mountPath = core.listen !== undefined ? '' : normalisePath(core.path ?? plugin.defaultPath ?? `/${name}`);
    plugins.push({ plugin, config: own, core, mountPath, builtin });
  }
  return { plugins, disabledProviders };
}

function checkMounts(plugins: LoadedPlugin[], config: MeridianConfig, issues: ConfigIssue[]): void {
  const reserved = ['/services', '/conformance', '/openapi.json', '/health', '/ready', '/metrics'];
  const paths = new Map<string, string>();
  const ports = new Map<number, string>([[config.server.port, 'server.port']]);
  for (const p of plugins) {
    const at = `plugins.${p.plugin.name}`;
    if (p.core.listen !== undefined) {
      const other = ports.get(p.core.listen);
      if (other && p.core.listen !== 0) issues.push({ path: `${at}.listen`, message: `port ${p.core.listen} is already used by ${other}` });
      ports.set(p.core.listen, `${at}.listen`);
      continue;
    }
    if (p.mountPath === '') {
      issues.push({ path: `${at}.path`, message: "'/' would hide the core endpoints; give the plugin a listener of its own ('listen: PORT') to serve the root of a host" });
    }
    if (reserved.includes(p.mountPath)) issues.push({ path: `${at}.path`, message: `'${p.mountPath}' is reserved by the core` });
    const other = paths.get(p.mountPath);
    if (other) issues.push({ path: `${at}.path`, message: `'${p.mountPath}' is already the path of plugin '${other}'` });
    paths.set(p.mountPath, p.plugin.name);
  }
}

function normalisePath(path: string): string {
  return path === '/' ? '' : path.replace(/\/+$/, '');
}

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => keys.includes(k)));
}

function omit(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => !keys.includes(k)));
}
