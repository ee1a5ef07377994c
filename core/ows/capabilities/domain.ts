import { el, type XmlElement } from '../xml/writer.js';
import type { OwsCommonVersion } from './common.js';

export interface RangeInfo {
  min?: string | number;
  max?: string | number;
  spacing?: string | number;
  closure?: 'closed' | 'open' | 'open-closed' | 'closed-open';
}

/**
 * A Parameter or Constraint domain. OWS 1.1/2.0 write exactly one of AllowedValues (values and
 * ranges), AnyValue, NoValues or ValuesReference; OWS 1.0 can only list values.
 */
export interface DomainInfo {
  name: string;
  values?: readonly (string | number)[];
  ranges?: readonly RangeInfo[];
  anyValue?: boolean;
  noValues?: boolean;
  valuesReference?: { reference: string; name: string };
  defaultValue?: string | number;
  meaning?: string;
  dataType?: string;
}

/** A Parameter/Constraint element named `elementName` ('ows:Parameter', 'ows:Constraint'). */
export function domainXml(elementName: string, domain: DomainInfo, version: OwsCommonVersion): XmlElement {
  const values = (domain.values ?? []).map(String);
  if (version === '1.0.0') {
    if (values.length === 0) throw new Error(`OWS 1.0.0 ${elementName} '${domain.name}' needs explicit values`);
    return el(elementName, { name: domain.name }, values.map((v) => el('ows:Value', null, v)));
  }
  return el(
    elementName,
    { name: domain.name },
    possibleValues(domain, values),
    domain.defaultValue !== undefined && el('ows:DefaultValue', null, String(domain.defaultValue)),
    domain.meaning !== undefined && el('ows:Meaning', null, domain.meaning),
    domain.dataType !== undefined && el('ows:DataType', null, domain.dataType),
  );
}

function possibleValues(domain: DomainInfo, values: string[]): XmlElement {
  const ranges = domain.ranges ?? [];
  if (values.length > 0 || ranges.length > 0) {
    return el(
      'ows:AllowedValues',
      null,
      values.map((v) => el('ows:Value', null, v)),
      ranges.map((r) =>
        el(
          'ows:Range',
          { 'ows:rangeClosure': r.closure },
          r.min !== undefined && el('ows:MinimumValue', null, String(r.min)),
          r.max !== undefined && el('ows:MaximumValue', null, String(r.max)),
          r.spacing !== undefined && el('ows:Spacing', null, String(r.spacing)),
        ),
      ),
    );
  }
  if (domain.valuesReference) return el('ows:ValuesReference', { 'ows:reference': domain.valuesReference.reference }, domain.valuesReference.name);
  if (domain.noValues) return el('ows:NoValues');
  return el('ows:AnyValue');
}
