/** The CSW plugin's config (`plugins.csw`): its JSON Schema with defaults, and the type setup() gets. */
import { serviceMetadataConfigProperties, type ServiceMetadataConfig } from '../../core/ows/index.js';
import type { JSONSchema } from '../../core/plugin.js';

export interface HarvestConfig {
  enabled: boolean;
  /** Whole-request time limit for each fetch of a remote document. */
  timeoutMs: number;
  /** Largest remote document read; larger ones are refused. */
  maxBytes: number;
  /** Most records one Harvest may bring; a larger source is refused, nothing written. */
  maxRecords: number;
  maxRedirects: number;
  /** Let sources resolve to loopback, private, link-local or unique-local addresses (off: a Harvest cannot reach inside the network). */
  allowPrivateNetworks: boolean;
}

export interface CswConfig extends ServiceMetadataConfig {
  /** Records returned when a GetRecords gives no maxRecords (the MaxRecordDefault constraint). */
  maxRecordDefault: number;
  /** Most records one GetRecords returns (larger maxRecords are served this many), within the catalogue's maxLimit. */
  maxRecords: number;
  /** Whether Transaction is offered (writes are authorized per record either way). */
  transactions: boolean;
  harvest: HarvestConfig;
  /**
   * The OpenSearch description document the CSW 3.0 OpenSearch binding points at. Unset: the
   * capabilities registry's OpenSearch service (its capabilities URL), when that plugin runs.
   */
  openSearchDescriptionUrl?: string;
}

export const cswConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...serviceMetadataConfigProperties({
      title: 'Meridian catalogue (CSW)',
      abstract: 'Collections, products, services and applications of the platform catalogue, through OGC CSW 2.0.2 and 3.0.',
      keywords: ['catalogue', 'CSW', 'Earth Observation', 'metadata'],
    }),
    maxRecordDefault: { type: 'integer', minimum: 0, default: 10, description: 'Records a GetRecords returns when it gives no maxRecords (MaxRecordDefault).' },
    maxRecords: { type: 'integer', minimum: 1, default: 500, description: "Most records one GetRecords returns (the catalogue's maxLimit caps it too)." },
    transactions: { type: 'boolean', default: true, description: 'Offer the Transaction operation (writes are authorized per record).' },
    harvest: {
      type: 'object',
      additionalProperties: false,
      default: {},
      description: 'The Harvest operation: synchronous fetches of remote CSW, OpenSearch and ISO documents.',
      properties: {
        enabled: { type: 'boolean', default: true },
        timeoutMs: { type: 'integer', minimum: 100, default: 30000, description: 'Time limit of each remote fetch.' },
        maxBytes: { type: 'integer', minimum: 1024, default: 52428800, description: 'Largest remote document read (bytes).' },
        maxRecords: { type: 'integer', minimum: 1, default: 10000, description: 'Most records one Harvest brings (a larger source is refused, nothing written).' },
        maxRedirects: { type: 'integer', minimum: 0, default: 3 },
        allowPrivateNetworks: {
          type: 'boolean',
          default: false,
          description: 'Allow sources on loopback, private, link-local and unique-local addresses (off, a Harvest cannot reach inside the network).',
        },
      },
    },
    openSearchDescriptionUrl: {
      type: 'string',
      description: "OpenSearch description document of the CSW 3.0 OpenSearch binding; default: the registry's OpenSearch service.",
    },
  },
};
