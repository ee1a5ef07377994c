/** The WFS plugin's config (`plugins.wfs`): its JSON Schema with defaults, and the type setup() gets. */
import { providerConfigSchema, type ProviderConfig } from '../../core/ows/index.js';
import type { JSONSchema } from '../../core/plugin.js';

export interface StoredQueryParameterConfig {
  name: string;
  /** XML Schema type of the value, as DescribeStoredQueries lists it ('xs:string', 'xs:double'...). */
  type: string;
  title?: string;
  abstract?: string;
}

/** A stored query defined by the integrator: a FES 2.0 filter on some feature types with `${name}` parameters. */
export interface StoredQueryConfig {
  id: string;
  title?: string;
  abstract?: string;
  /** Feature types (collection ids) the query returns. */
  typeNames: string[];
  parameters: StoredQueryParameterConfig[];
  /**
   * A fes:Filter document; `${name}` (the standard's CreateStoredQuery syntax) is replaced by the
   * parameter's value, XML-escaped. In the config file write `$${name}`: `${...}` there reads an
   * environment variable.
   */
  filter: string;
}

export interface WfsConfig {
  title: string;
  abstract: string;
  keywords: string[];
  provider: ProviderConfig;
  fees: string;
  accessConstraints: string[];
  /** The application schema namespace of every feature type, and the prefix written for it. */
  namespace: { prefix: string; uri: string };
  /** Features a GetFeature returns when it gives no COUNT/maxFeatures (CountDefault). */
  defaultCount: number;
  /** Most features one GetFeature returns; a larger COUNT is served this many. */
  maxCount: number;
  /** CRSs offered besides each feature type's storage CRS (its DefaultCRS). */
  otherCrs: string[];
  /** Whether Transaction is offered (writes are authorized per collection either way). */
  transactions: boolean;
  /** Whether LockFeature and GetFeatureWithLock are offered (with Transaction only). */
  locking: boolean;
  /** Longest lock a client may ask for, in seconds (a longer expiry is cut to it). */
  maxLockExpiry: number;
  /** Most features one LockFeature or GetFeatureWithLock locks. */
  maxLockedFeatures: number;
  storedQueries: StoredQueryConfig[];
}

export const wfsConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    title: { type: 'string', default: 'Meridian features (WFS)', description: 'ServiceIdentification Title.' },
    abstract: { type: 'string', default: 'Vector feature collections of the platform, through OGC WFS 2.0 and 1.1.0.', description: 'ServiceIdentification Abstract.' },
    keywords: { type: 'array', items: { type: 'string' }, default: ['features', 'WFS', 'vector'], description: 'ServiceIdentification Keywords.' },
    provider: providerConfigSchema,
    fees: { type: 'string', default: 'NONE' },
    accessConstraints: { type: 'array', items: { type: 'string' }, default: ['NONE'] },
    namespace: {
      type: 'object',
      additionalProperties: false,
      default: { prefix: 'meridian', uri: 'urn:meridian:features' },
      required: ['prefix', 'uri'],
      description: 'Namespace of the feature types (their QNames and application schema).',
      properties: {
        prefix: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' },
        uri: { type: 'string', minLength: 1 },
      },
    },
    defaultCount: { type: 'integer', minimum: 1, default: 10000, description: 'Features returned when a GetFeature gives no COUNT (CountDefault).' },
    maxCount: { type: 'integer', minimum: 1, default: 1000000, description: 'Most features one GetFeature returns (streamed).' },
    otherCrs: {
      type: 'array',
      items: { type: 'string' },
      default: ['EPSG:4326', 'EPSG:3857', 'OGC:CRS84'],
      description: 'CRSs offered for every feature type besides its storage CRS.',
    },
    transactions: { type: 'boolean', default: true, description: 'Offer the Transaction operation.' },
    locking: { type: 'boolean', default: true, description: 'Offer LockFeature and GetFeatureWithLock (Locking WFS; needs transactions).' },
    maxLockExpiry: { type: 'integer', minimum: 1, default: 86400, description: 'Longest lock expiry a client may ask for, in seconds; longer ones are cut to it.' },
    maxLockedFeatures: { type: 'integer', minimum: 1, default: 10000, description: 'Most features one LockFeature or GetFeatureWithLock locks.' },
    storedQueries: {
      type: 'array',
      default: [],
      description: 'Stored queries besides GetFeatureById: a FES 2.0 filter with ${name} parameters.',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'typeNames', 'filter'],
        properties: {
          id: { type: 'string', minLength: 1 },
          title: { type: 'string' },
          abstract: { type: 'string' },
          typeNames: { type: 'array', items: { type: 'string' }, minItems: 1 },
          parameters: {
            type: 'array',
            default: [],
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['name'],
              properties: {
                name: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' },
                type: { type: 'string', default: 'xs:string' },
                title: { type: 'string' },
                abstract: { type: 'string' },
              },
            },
          },
          filter: { type: 'string', minLength: 1, description: 'A fes:Filter with ${name} parameters (write $${name} in the config file).' },
        },
      },
    },
  },
};
