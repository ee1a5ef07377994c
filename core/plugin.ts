import type Router from '@koa/router';
import type { Context } from 'koa';
import type { Logger } from 'pino';
import type { AuthHooks } from './auth/types.js';
import type { BlobStore } from './storage/blobs/types.js';
import type { Database, Migration } from './storage/db/types.js';
import type { JobQueue } from './jobs/types.js';
import type { CapabilitiesRegistry, OpenAPIFragment, ServiceEntry } from './registry/types.js';
import type { MeridianError } from './errors.js';
import type { Metrics } from './metrics/types.js';
import type { Progress } from './cli/progress.js';
import type { SecretBox } from './security/secret-box.js';

export type JSONSchema = Record<string, unknown>;

/**
 * What a plugin module exports (as `default` or `plugin`). Static data only, so the loader can
 * validate config, order plugins and run migrations before anything is set up.
 */
export interface Plugin<C = Record<string, unknown>> {
  /** The key in config (`plugins.<name>`), unique. */
  name: string;
  version: string;
  description?: string;
  /** JSON Schema of the plugin's own config keys (core keys such as `path` are added). */
  configSchema: JSONSchema;
  /** Default mount path when config gives none ('/wms'). */
  defaultPath?: string;
  /** Services other plugins may ask for by name ('catalogue', 'coverages'). */
  provides?: string[];
  /** Services it needs; the loader sets it up after their providers. */
  requires?: string[];
  /** Services it uses when present; ordering applies, absence is not an error. */
  optionalRequires?: string[];
  /** Database migrations this plugin owns, applied at start-up and by `meridian migrate`. */
  migrations?: Migration[];
  /**
   * Commands this plugin adds to `meridian` (`meridian catalogue import ...`). Declarations only:
   * `run` should import its implementation, so other commands never load it.
   */
  commands?: PluginCommand[];
  setup(ctx: PluginContext<C>): Promise<PluginInstance>;
}

/** An option of a plugin command, in commander's flag syntax ('--collection <id>', '--json'). */
export interface PluginCommandOption {
  flags: string;
  description: string;
  default?: string | number | boolean;
  /** How the value is read: text (default), or an integer/number refused with exit 1 when it is not one. */
  type?: 'string' | 'integer' | 'number';
}

/**
 * A command a plugin contributes. The core registers it only when the command line names a
 * command the core lacks, adds `--config`/`--data-dir`, and exits with what `run` resolves to.
 */
export interface PluginCommand {
  /** The words after `meridian`: 'catalogue import' (several commands may share the first word). */
  name: string;
  description: string;
  /** Positional arguments in commander syntax: '<source>' (required), '[more...]' (optional, variadic). */
  arguments?: Array<{ name: string; description: string }>;
  options?: PluginCommandOption[];
  /** Shown after the options in --help (exit statuses, examples). */
  help?: string;
  run(invocation: PluginCommandInvocation): Promise<number>;
}

export interface PluginCommandInvocation {
  /** The positional arguments, in order (a variadic one as an array). */
  args: Array<string | string[]>;
  /** The options by commander's camelCase name ('--create-collection' is createCollection). */
  options: Record<string, unknown>;
  /**
   * The platform built from --config/--data-dir as `serve` builds it (same stores, every enabled
   * plugin set up), without listening, running jobs or loading sample data. Closed after `run`.
   * `quiet` logs warnings only (for --json output).
   */
  platform(options?: { quiet?: boolean }): Promise<CommandPlatform>;
  /** A progress bar on stderr when it is a terminal, throttled log lines otherwise. */
  progress(title: string, total?: number): Progress;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Aborted on the first SIGINT or SIGTERM (a second one exits at once). */
  signal: AbortSignal;
}

export interface CommandPlatform {
  logger: Logger;
  dataDir: string;
  db: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  auth: AuthHooks;
  /** Encrypts secrets at rest (AES-256-GCM; key from `secrets.key` or `<dataDir>/secret.key`). */
  secrets: SecretBox;
  /** A service some enabled plugin provides; throws naming it when none does. */
  service<T = unknown>(name: string): T;
}

/** Renders an error in a plugin's standard format (OWS ExceptionReport, problem+json, S3 XML). */
export type ErrorEncoder = (err: MeridianError, ctx: Context) => void;

export interface PluginInstance {
  /** Mounted under the plugin's path (or at the root of its own listener). */
  routes?: Router;
  services?: ServiceEntry[];
  conformsTo?: string[];
  openapi?: OpenAPIFragment;
  /** Implementations of the services named in `provides`. */
  provide?: Record<string, unknown>;
  /** Renders errors thrown under this plugin's routes; default is application/problem+json. */
  errorEncoder?: ErrorEncoder;
  /**
   * 'self': the core does not run the authenticator chain before this plugin's routes
   * (`ctx.state.subject` stays unset; `auth.enforce` authenticates when called). For protocols
   * that define their own credentials on their routes, as OAuth's client_secret_basic on the
   * token endpoint of the OIDC provider. Default 'core'.
   */
  authentication?: 'core' | 'self';
  /**
   * Loads the plugin's sample data. Called once per data store when `sampleData` is on (the
   * embedded default), so a plugin enabled later still brings its samples.
   */
  loadSampleData?(): Promise<void>;
  /** Readiness of what this plugin depends on beyond the core stores. */
  ready?(): Promise<void>;
  close?(): Promise<void>;
}

export interface PluginContext<C = Record<string, unknown>> {
  name: string;
  /** The plugin's validated config, without the core keys (path, listen, enabled, package). */
  config: C;
  /** Where the routes are mounted: '/wms', or '' on a listener of its own. */
  mountPath: string;
  /** Absolute base URL of this plugin for the request (public URL + mount path), no trailing '/'. */
  baseUrl(ctx: Context): string;
  dataDir: string;
  db: Database;
  blobs: BlobStore;
  jobs: JobQueue;
  auth: AuthHooks;
  /** Encrypts secrets at rest (AES-256-GCM; key from `secrets.key` or `<dataDir>/secret.key`). */
  secrets: SecretBox;
  logger: Logger;
  metrics: Metrics;
  registry: CapabilitiesRegistry;
  /** A service named in `requires`/`optionalRequires`; throws for one not declared. */
  service<T = unknown>(name: string): T;
  hasService(name: string): boolean;
}
