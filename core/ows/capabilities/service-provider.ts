import { el, type XmlElement } from '../xml/writer.js';
import { sectionAttrs, texts, type OwsCommonVersion, type SectionOptions } from './common.js';

export interface ContactInfo {
  phone?: { voice?: readonly string[]; facsimile?: readonly string[] };
  address?: {
    deliveryPoint?: readonly string[];
    city?: string;
    administrativeArea?: string;
    postalCode?: string;
    country?: string;
    electronicMailAddress?: readonly string[];
  };
  onlineResource?: string;
  hoursOfService?: string;
  contactInstructions?: string;
}

export interface ServiceProviderInfo {
  providerName: string;
  providerSite?: string;
  serviceContact?: {
    individualName?: string;
    positionName?: string;
    contactInfo?: ContactInfo;
    /** ISO 19115 CI_RoleCode, e.g. 'pointOfContact'. */
    role?: string;
  };
}

function optional(name: string, value: string | undefined): XmlElement | undefined {
  return value === undefined ? undefined : el(name, null, value);
}

function contactInfoXml(info: ContactInfo): XmlElement {
  const { phone, address } = info;
  return el(
    'ows:ContactInfo',
    null,
    phone && el('ows:Phone', null, texts('ows:Voice', phone.voice), texts('ows:Facsimile', phone.facsimile)),
    address &&
      el(
        'ows:Address',
        null,
        texts('ows:DeliveryPoint', address.deliveryPoint),
        optional('ows:City', address.city),
        optional('ows:AdministrativeArea', address.administrativeArea),
        optional('ows:PostalCode', address.postalCode),
        optional('ows:Country', address.country),
        texts('ows:ElectronicMailAddress', address.electronicMailAddress),
      ),
    info.onlineResource !== undefined && el('ows:OnlineResource', { 'xlink:href': info.onlineResource }),
    optional('ows:HoursOfService', info.hoursOfService),
    optional('ows:ContactInstructions', info.contactInstructions),
  );
}

/** ows:ServiceProvider; ServiceContact is required by the schemas, so an empty one is written when none is given. */
export function serviceProviderXml(info: ServiceProviderInfo, version: OwsCommonVersion, options: SectionOptions = {}): XmlElement {
  const contact = info.serviceContact ?? {};
  return el(
    'ows:ServiceProvider',
    sectionAttrs(version, options),
    el('ows:ProviderName', null, info.providerName),
    info.providerSite !== undefined && el('ows:ProviderSite', { 'xlink:href': info.providerSite }),
    el(
      'ows:ServiceContact',
      null,
      optional('ows:IndividualName', contact.individualName),
      optional('ows:PositionName', contact.positionName),
      contact.contactInfo && contactInfoXml(contact.contactInfo),
      contact.role !== undefined && el('ows:Role', null, contact.role),
    ),
  );
}

/** How services are configured with their ServiceProvider (`plugins.<name>.provider`). */
export interface ProviderConfig {
  name: string;
  site?: string;
  individualName?: string;
  positionName?: string;
  email?: string;
  phone?: string;
  city?: string;
  country?: string;
}

/** The JSON Schema of ProviderConfig, for a plugin's configSchema. */
export const providerConfigSchema = {
  type: 'object',
  additionalProperties: false,
  default: { name: 'Meridian' },
  required: ['name'],
  description: 'ServiceProvider: who runs the service.',
  properties: {
    name: { type: 'string' },
    site: { type: 'string', description: 'ProviderSite URL.' },
    individualName: { type: 'string' },
    positionName: { type: 'string' },
    email: { type: 'string' },
    phone: { type: 'string' },
    city: { type: 'string' },
    country: { type: 'string' },
  },
} as const;

/** ServiceProviderInfo from config; `role` (CI_RoleCode) where the OWS version has one. */
export function serviceProviderFromConfig(p: ProviderConfig, role?: string): ServiceProviderInfo {
  const address = p.email || p.city || p.country ? { city: p.city, country: p.country, electronicMailAddress: p.email ? [p.email] : undefined } : undefined;
  return {
    providerName: p.name,
    providerSite: p.site,
    serviceContact: {
      individualName: p.individualName,
      positionName: p.positionName,
      contactInfo: address || p.phone ? { phone: p.phone ? { voice: [p.phone] } : undefined, address } : undefined,
      role,
    },
  };
}
