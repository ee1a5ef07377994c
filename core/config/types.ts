import type { AuthConfig } from '../auth/config.js';
import type { JobsConfig } from '../jobs/config.js';
import type { BlobStoreConfig } from '../storage/blobs/index.js';
import type { DatabaseConfig } from '../storage/db/connect.js';
import type { SecretsConfig } from '../security/secret-box.js';

export interface ServerConfig {
  port: number;
  /** HTTP server processes sharing the listeners; 0: one per CPU. */
  processes: number;
  host: string;
  /** Absolute public URL used in every URL the server writes; derived per request when absent. */
  publicUrl?: string;
  /** Trust Forwarded / X-Forwarded-* headers from a reverse proxy. */
  trustProxy: boolean;
  cors: { enabled: boolean; origins: string[]; credentials: boolean; maxAgeSec: number };
  compression: boolean;
  /** Default request body limit in bytes; plugins may set their own. */
  bodyLimit: number;
  /** How long shutdown waits for in-flight requests before closing their sockets. */
  shutdownTimeoutMs: number;
  requestTimeoutMs: number;
}

export interface LogConfig {
  level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** One JSON line per request. */
  access: boolean;
}

/** Core keys every plugin entry accepts besides its own config. */
export interface PluginEntryCoreKeys {
  enabled?: boolean;
  /** Mount path, e.g. '/wms'. */
  path?: string;
  /** A port of its own: the plugin answers at the root of that listener. */
  listen?: number;
  /** npm package name or path of a plugin not built in. */
  package?: string;
  bodyLimit?: number;
}

export type PluginEntry = PluginEntryCoreKeys & Record<string, unknown>;

export interface MeridianConfig {
  dataDir: string;
  /** Load each plugin's sample data once per data store. */
  sampleData: boolean;
  server: ServerConfig;
  log: LogConfig;
  database: DatabaseConfig;
  blobs: BlobStoreConfig;
  jobs: Partial<JobsConfig>;
  auth: AuthConfig;
  secrets?: SecretsConfig;
  /** Whether every built-in plugin is enabled unless its entry says `enabled: false`. */
  builtinPlugins: boolean;
  plugins: Record<string, PluginEntry>;
}

/** One problem found in a config: its path (`plugins.wms.layers[2].source`) and what was expected. */
export interface ConfigIssue {
  path: string;
  message: string;
}

export class ConfigError extends Error {
  readonly issues: ConfigIssue[];
  constructor(issues: ConfigIssue[], source?: string) {
    super(
      `Invalid configuration${source ? ` in ${source}` : ''}:\n` +
        issues.map((i) => `  ${i.path || '(root)'}: ${i.message}`).join('\n'),
    );
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
