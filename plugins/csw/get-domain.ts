/**
 * GetDomain (CSW 2.0.2 §10.7, CSW 3.0 §7.2): the values a queryable takes among the records the
 * subject may read (catalogue facets for enumerable properties, with counts in 3.0; ranges for
 * numbers and times), or the values a request parameter accepts (operations.ts).
 */
import { el, invalidParameterValue, type XmlElement } from '../../core/ows/index.js';
import type { CswEnv, CswResponse } from './context.js';
import { CSW_NS } from './namespaces.js';
import { operationParameters } from './operations.js';
import { ANY_TEXT } from './queryables.js';
import type { DomainQuery, GetDomainRequest } from './requests.js';
import { xmlResponse } from './response.js';
import { constraintQuery } from './search-query.js';
import { PROFILES, type CswVersion } from './versions.js';

function parameterDomain(domain: DomainQuery, version: CswVersion, env: CswEnv): XmlElement {
  const [operation, parameter] = domain.name.split('.');
  const params = operationParameters(version, env);
  const op = Object.keys(params).find((o) => o.toLowerCase() === operation?.toLowerCase()) as keyof typeof params | undefined;
  const name = op && parameter ? Object.keys(params[op]).find((p) => p.toLowerCase() === parameter.toLowerCase()) : undefined;
  if (!op || !name) throw invalidParameterValue('ParameterName', `Unknown parameter '${domain.name}'; write Operation.Parameter, e.g. GetRecords.outputSchema`);
  return el(
    'csw:DomainValues',
    // 3.0 requires resultType: a parameter's list is what it may take.
    { type: 'csw:Record', resultType: version === '3.0.0' ? 'possible' : undefined },
    el('csw:ParameterName', null, `${op}.${name}`),
    params[op][name]!.length > 0 && el('csw:ListOfValues', null, params[op][name]!.map((v) => el('csw:Value', null, v))),
  );
}

async function propertyDomain(domain: DomainQuery, version: CswVersion, env: CswEnv): Promise<XmlElement> {
  const locator = version === '3.0.0' ? 'ValueReference' : 'PropertyName';
  const target = env.queryables.resolve(domain.name);
  const description = target !== undefined && target !== ANY_TEXT ? env.queryables.describe(target) : undefined;
  if (!description) throw invalidParameterValue(locator, `'${domain.name}' is not a queryable with a domain`);
  const query = constraintQuery(domain.filter, env, 'Filter');
  const nameElement = el(version === '3.0.0' ? 'csw:ValueReference' : 'csw:PropertyName', null, domain.name);
  const attrs = { type: 'csw:Record', resultType: version === '3.0.0' ? 'available' : undefined };
  if (description.facet) {
    const values = (await env.catalogue.facets(query, env.subject, [target!]))[target!] ?? [];
    const shown = target === 'type' ? values.map((v) => ({ ...v, value: env.queryables.typeName(v.value) })) : values;
    return el(
      'csw:DomainValues',
      attrs,
      nameElement,
      shown.length > 0 && el('csw:ListOfValues', null, shown.map((v) => el('csw:Value', { count: version === '3.0.0' ? v.count : undefined }, v.value))),
    );
  }
  if (description.type === 'number' || description.type === 'timestamp') {
    const range = (await env.catalogue.ranges(query, env.subject, [target!]))[target!];
    if (range && range.min !== null && range.max !== null) {
      return el('csw:DomainValues', attrs, nameElement, el('csw:RangeOfValues', null, el('csw:MinValue', null, String(range.min)), el('csw:MaxValue', null, String(range.max))));
    }
  }
  // Free text (titles, identifiers) has no enumerable domain: the name alone says it is known.
  return el('csw:DomainValues', attrs, nameElement);
}

export async function getDomain(request: GetDomainRequest, env: CswEnv): Promise<CswResponse> {
  const profile = PROFILES[request.version];
  const values: XmlElement[] = [];
  for (const domain of request.domains) {
    values.push(domain.kind === 'parameter' ? parameterDomain(domain, request.version, env) : await propertyDomain(domain, request.version, env));
  }
  const root = el('csw:GetDomainResponse', { 'xmlns:csw': profile.csw, 'xmlns:xsi': CSW_NS.xsi, 'xsi:schemaLocation': profile.discoverySchema }, values);
  return xmlResponse(root);
}
