/** Capabilities builders for OWS Common 1.0/1.1/2.0 services (see ./capabilities/). */
export { owsNamespace, owsNamespaceAttrs, type LocalizedString, type LocalizedText, type SectionOptions } from './capabilities/common.js';
export { serviceIdentificationXml, type KeywordGroup, type ServiceIdentificationInfo } from './capabilities/service-identification.js';
export { providerConfigSchema, serviceProviderFromConfig, serviceProviderXml, type ContactInfo, type ProviderConfig, type ServiceProviderInfo } from './capabilities/service-provider.js';
export { serviceMetadataConfigProperties, type ServiceMetadataConfig } from './capabilities/service-metadata-config.js';
export { domainXml, type DomainInfo, type RangeInfo } from './capabilities/domain.js';
export { operationsMetadataXml, type OperationInfo, type OperationsMetadataInfo, type RequestMethod } from './capabilities/operations-metadata.js';
export { checkUpdateSequence, compareUpdateSequences, type CapabilitiesExtent, type UpdateSequenceOptions } from './capabilities/update-sequence.js';
export { OWS_SECTIONS, parseSections } from './capabilities/sections.js';
export { boundingBoxXml, wgs84BoundingBoxXml } from './capabilities/bounding-box.js';
