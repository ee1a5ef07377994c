/**
 * The config keys of an OWS service's ServiceIdentification and ServiceProvider (title, abstract,
 * keywords, provider, fees, access constraints), the same in every OWS plugin's config.
 */
import { providerConfigSchema, type ProviderConfig } from './service-provider.js';

/** What `plugins.<name>` of an OWS service gives its capabilities' ServiceIdentification and ServiceProvider. */
export interface ServiceMetadataConfig {
  title: string;
  abstract: string;
  keywords: string[];
  provider: ProviderConfig;
  fees: string;
  accessConstraints: string[];
}

/**
 * The JSON Schema properties of ServiceMetadataConfig with the service's own defaults, for the
 * `properties` of a plugin's configSchema (`...serviceMetadataConfigProperties({ ... })`).
 */
export function serviceMetadataConfigProperties(defaults: { title: string; abstract: string; keywords: string[] }) {
  return {
    title: { type: 'string', default: defaults.title, description: 'ServiceIdentification Title.' },
    abstract: { type: 'string', default: defaults.abstract, description: 'ServiceIdentification Abstract.' },
    keywords: { type: 'array', items: { type: 'string' }, default: defaults.keywords, description: 'ServiceIdentification Keywords.' },
    provider: providerConfigSchema,
    fees: { type: 'string', default: 'NONE', description: 'ServiceIdentification Fees.' },
    accessConstraints: { type: 'array', items: { type: 'string' }, default: ['NONE'], description: 'ServiceIdentification AccessConstraints.' },
  };
}
