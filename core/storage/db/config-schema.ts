import type { JSONSchema } from '../../plugin.js';

const sqliteProperties: Record<string, JSONSchema> = {
  client: { const: 'sqlite', description: "'sqlite': an embedded SQLite file (the default)." },
  filename: { type: 'string', minLength: 1, description: "Path of the SQLite file (WAL mode), or ':memory:' for tests." },
};

const postgresProperties: Record<string, JSONSchema> = {
  client: { const: 'postgres', description: "'postgres': PostgreSQL, with PostGIS used when installed in the database." },
  url: {
    type: 'string',
    pattern: '^postgres(ql)?://',
    description: 'Connection URL, postgres://user:password@host:5432/database (use ${VAR} for the password).',
  },
  schema: {
    type: 'string',
    pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
    description: "Schema for Meridian's tables, created when missing; 'public' when absent.",
  },
  settings: {
    type: 'object',
    description:
      'Settings every connection starts with (SET name = value), replacing the default { random_page_cost: 1.1 }; {} keeps the server settings.',
    propertyNames: { pattern: '^[a-z_][a-z0-9_.]*$' },
    additionalProperties: { anyOf: [{ type: 'string', pattern: '^[A-Za-z0-9_.:+-]+$' }, { type: 'number' }, { type: 'boolean' }] },
  },
  pool: {
    type: 'object',
    additionalProperties: false,
    description: 'Connection pool size.',
    properties: {
      min: { type: 'integer', minimum: 0, description: 'Connections kept open (default 0).' },
      max: { type: 'integer', minimum: 1, description: 'Most connections at once (default 10).' },
    },
  },
};

/** JSON Schema of the `database` config section (see blobs/config-schema.ts for its shape). */
export const databaseConfigSchema: JSONSchema = {
  type: 'object',
  description: "Database: 'sqlite' (embedded file) or 'postgres' (PostgreSQL, PostGIS when present).",
  required: ['client'],
  additionalProperties: false,
  properties: {
    ...sqliteProperties,
    ...postgresProperties,
    client: { enum: ['sqlite', 'postgres'], description: "Database kind: 'sqlite' or 'postgres'." },
  },
  allOf: [
    {
      if: { required: ['client'], properties: { client: { const: 'sqlite' } } },
      then: { type: 'object', additionalProperties: false, required: ['client', 'filename'], properties: sqliteProperties },
    },
    {
      if: { required: ['client'], properties: { client: { const: 'postgres' } } },
      then: { type: 'object', additionalProperties: false, required: ['client', 'url'], properties: postgresProperties },
    },
  ],
};
