/** The WPS plugin's config (`plugins.wps`): its JSON Schema with defaults, and the type setup() gets. */
import { serviceMetadataConfigProperties, type ServiceMetadataConfig } from '../../core/ows/index.js';
import type { RemoteFetchLimits } from '../../core/net/remote-fetch.js';
import type { JSONSchema } from '../../core/plugin.js';

export interface WpsConfig extends ServiceMetadataConfig {
  /** DeployProcess and UndeployProcess (WPS-T), each authorized by the policy like the ADES's. */
  transactions: boolean;
  /** How long a synchronous Execute waits before answering with the job's StatusInfo instead. */
  syncTimeoutMs: number;
  /** Largest staged-out file embedded in a document response (transmission="value", base64). */
  maxInlineBytes: number;
  /** Largest request body (Execute with inline data, DeployProcess with inline CWL). */
  maxRequestBytes: number;
  /** Limits for fetching an OWS Context given by reference in a DeployProcess. */
  contextFetch: RemoteFetchLimits;
}

export const wpsConfigSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    ...serviceMetadataConfigProperties({
      title: 'Meridian processing (WPS)',
      abstract:
        'OGC Web Processing Service 2.0 with the transactional extension (DeployProcess, UndeployProcess of CWL application packages), over the same processes and jobs as the OGC API - Processes ADES.',
      keywords: ['WPS', 'WPS 2.0', 'WPS-T', 'processing', 'CWL', 'application package', 'Earth Observation'],
    }),
    transactions: { type: 'boolean', default: true, description: 'Serve DeployProcess and UndeployProcess (OGC 18-036r1).' },
    syncTimeoutMs: { type: 'integer', minimum: 100, default: 60000, description: 'How long mode="sync" waits; a job not done by then is answered with its StatusInfo (poll GetStatus).' },
    maxInlineBytes: { type: 'integer', minimum: 0, default: 10485760, description: 'Largest output file embedded (base64) in a document response; larger ones are answered by reference.' },
    maxRequestBytes: { type: 'integer', minimum: 1024, default: 104857600, description: 'Largest POST body.' },
    contextFetch: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        timeoutMs: { type: 'integer', minimum: 100, default: 30000 },
        maxBytes: { type: 'integer', minimum: 1, default: 2097152 },
        maxRedirects: { type: 'integer', minimum: 0, default: 3 },
        allowPrivateNetworks: { type: 'boolean', default: false, description: 'Let an OWS Context href reach loopback and private addresses (tests, internal deployments).' },
      },
    },
  },
};
