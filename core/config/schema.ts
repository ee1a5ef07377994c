import type { JSONSchema } from '../plugin.js';
import { sectionSchemas } from './sections.js';
import { secretsConfigSchema } from '../security/secret-box.js';

/** Keys every `plugins.<name>` entry accepts, whatever the plugin. */
export const pluginCoreKeysSchema: Record<string, JSONSchema> = {
  enabled: { type: 'boolean', description: 'Start this plugin (default true for built-in plugins).' },
  path: {
    type: 'string',
    pattern: '^(/[A-Za-z0-9._~-]+)+$|^/$',
    description: "Mount path of the plugin's routes, e.g. '/wms'.",
  },
  listen: {
    type: 'integer',
    minimum: 0,
    maximum: 65535,
    description: 'Serve this plugin at the root of a listener of its own on this port (S3 needs the root of a host); 0 picks a free port.',
  },
  package: {
    type: 'string',
    minLength: 1,
    description: 'npm package name, or a path relative to the config file, of a plugin that is not built in.',
  },
  bodyLimit: { type: 'integer', minimum: 0, description: 'Request body limit in bytes for this plugin.' },
};

const serverSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'HTTP listener and request handling.',
  properties: {
    port: { type: 'integer', minimum: 0, maximum: 65535, default: 8080, description: 'Port of the main listener (0 picks a free port).' },
    processes: {
      type: 'integer',
      minimum: 0,
      default: 1,
      description: 'HTTP server processes sharing the listeners (node:cluster); 0 is one per CPU. Above 1, a primary process runs migrations, sample data and jobs, and restarts a process that dies.',
    },
    host: { type: 'string', default: '0.0.0.0', description: 'Address the main listener binds.' },
    publicUrl: {
      type: 'string',
      pattern: '^https?://[^\\s/]+(/[^\\s]*)?$',
      description: 'Public base URL written into capabilities documents and links; derived from each request when absent.',
    },
    trustProxy: {
      type: 'boolean',
      default: false,
      description: 'Trust Forwarded / X-Forwarded-Proto, -Host and -Prefix headers (only behind a proxy that sets them).',
    },
    cors: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'Cross-origin resource sharing for browser clients.',
      properties: {
        enabled: { type: 'boolean', default: true, description: 'Answer CORS requests.' },
        origins: { type: 'array', items: { type: 'string' }, default: ['*'], description: "Allowed origins; '*' allows any." },
        credentials: { type: 'boolean', default: false, description: 'Allow credentials (cookies, Authorization) cross-origin.' },
        maxAgeSec: { type: 'integer', minimum: 0, default: 600, description: 'How long browsers may cache a preflight answer.' },
      },
    },
    compression: { type: 'boolean', default: true, description: 'Compress responses (gzip, br) when the client accepts it.' },
    bodyLimit: { type: 'integer', minimum: 0, default: 10485760, description: 'Default request body limit in bytes.' },
    shutdownTimeoutMs: {
      type: 'integer',
      minimum: 0,
      default: 10000,
      description: 'On SIGTERM/SIGINT, how long in-flight requests may take before their connections are closed.',
    },
    requestTimeoutMs: { type: 'integer', minimum: 0, default: 300000, description: 'Node request timeout (0 disables).' },
  },
};

const logSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'Structured JSON logs (pino) on standard output.',
  properties: {
    level: {
      enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'],
      default: 'info',
      description: 'Lowest level written.',
    },
    access: { type: 'boolean', default: true, description: 'Write one access-log line per request.' },
  },
};

/** The whole config file's schema; `plugins` entries are checked against each plugin's own schema. */
export function coreConfigSchema(): JSONSchema {
  return {
    type: 'object',
    additionalProperties: false,
    properties: {
      dataDir: { type: 'string', minLength: 1, description: 'Folder for the embedded stores (SQLite file, blobs, credentials).' },
      sampleData: { type: 'boolean', description: "Load each plugin's sample data once per data store." },
      builtinPlugins: {
        type: 'boolean',
        default: true,
        description: "Enable every built-in plugin unless its entry says 'enabled: false'; when false only listed plugins start.",
      },
      server: { ...serverSchema, default: {} },
      log: { ...logSchema, default: {} },
      database: sectionSchemas.database,
      blobs: sectionSchemas.blobs,
      jobs: sectionSchemas.jobs,
      auth: sectionSchemas.auth,
      secrets: secretsConfigSchema,
      plugins: {
        type: 'object',
        default: {},
        description: 'Plugin entries by name: core keys (enabled, path, listen, package, bodyLimit) plus the plugin\'s own config.',
        additionalProperties: { type: 'object' },
      },
    },
  };
}
