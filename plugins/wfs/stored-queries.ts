/**
 * Stored queries (WFS 2.0 §7.9.3): the mandatory GetFeatureById, and those the config defines as
 * a FES 2.0 filter template over some feature types, `${name}` standing for a parameter (its
 * value XML-escaped, or inserted as markup when the parameter's type is not an xs: simple type,
 * as a gml:Polygon argument is). A call expands into ad hoc queries that run like any other.
 */
import { el, escapeXmlText, invalidParameterValue, missingParameterValue, type XmlElement } from '../../core/ows/index.js';
import type { StoredQueryConfig } from './config.js';
import type { WfsEnv } from './context.js';
import { filterFromText } from './filter-text.js';
import { writtenName } from './names.js';
import type { AdHocQuery, StoredQueryCall } from './requests.js';
import type { WfsVersion } from './versions.js';

export const GET_FEATURE_BY_ID = 'urn:ogc:def:query:OGC-WFS::GetFeatureById';
export const QUERY_LANGUAGE = 'urn:ogc:def:queryLanguage:OGC-WFS::WFS_QueryExpression';

/** GetFeatureById's id, or the short name some clients send. */
export function isGetFeatureById(id: string): boolean {
  return id === GET_FEATURE_BY_ID || id === 'GetFeatureById';
}

interface Definition {
  id: string;
  title: string;
  abstract?: string;
  parameters: Array<{ name: string; type: string; title?: string; abstract?: string }>;
  /** Type names returned (local names); undefined: every feature type. */
  typeNames?: string[];
}

export class StoredQueries {
  private readonly configured: Map<string, StoredQueryConfig>;

  constructor(configured: readonly StoredQueryConfig[]) {
    this.configured = new Map(configured.map((q) => [q.id, { ...q, parameters: q.parameters ?? [] }]));
  }

  definitions(): Definition[] {
    return [
      {
        id: GET_FEATURE_BY_ID,
        title: 'Get feature by identifier',
        abstract: 'Returns the feature whose gml:id is ID, on its own (not in a collection).',
        parameters: [{ name: 'ID', type: 'xs:string', title: 'The feature identifier (collection.id)' }],
      },
      ...[...this.configured.values()].map((q) => ({
        id: q.id,
        title: q.title ?? q.id,
        abstract: q.abstract,
        parameters: q.parameters.map((p) => ({ ...p, type: p.type ?? 'xs:string' })),
        typeNames: q.typeNames,
      })),
    ];
  }

  has(id: string): boolean {
    return isGetFeatureById(id) || this.configured.has(id);
  }

  /** The ad hoc queries a call stands for. */
  async expand(call: StoredQueryCall, env: WfsEnv, version: WfsVersion): Promise<AdHocQuery[]> {
    const value = (name: string): string | undefined => {
      if (!call.caseInsensitive) return call.parameters[name];
      const key = Object.keys(call.parameters).find((k) => k.toLowerCase() === name.toLowerCase());
      return key === undefined ? undefined : call.parameters[key];
    };
    if (isGetFeatureById(call.id)) {
      const id = value('ID');
      if (id === undefined || id.trim() === '') throw missingParameterValue('ID', 'GetFeatureById needs the ID parameter');
      return [{ kind: 'adhoc', handle: call.handle, typeNames: [], resourceIds: [id.trim()], srsName: call.srsName }];
    }
    const definition = this.configured.get(call.id);
    if (!definition) throw invalidParameterValue('STOREDQUERY_ID', `Unknown stored query '${call.id}'`);
    const parameterTypes = new Map(definition.parameters.map((p) => [p.name, p.type ?? 'xs:string']));
    const text = definition.filter.replace(/\$\{([A-Za-z_][\w.-]*)\}/g, (_, name: string) => {
      const v = value(name);
      if (v === undefined) throw missingParameterValue(name, `Stored query '${call.id}' needs the parameter ${name}`);
      const markup = !(parameterTypes.get(name) ?? 'xs:string').startsWith('xs:') && v.trim().startsWith('<');
      return markup ? v : escapeXmlText(v);
    });
    const filter = filterFromText(text, version, {}, call.handle ?? call.id);
    return definition.typeNames.map((t) => ({ kind: 'adhoc', handle: call.handle, typeNames: [writtenName(t, {})], filter, srsName: call.srsName }));
  }
}

/** wfs:ListStoredQueriesResponse. */
export async function listStoredQueriesXml(env: WfsEnv, wfsNs: string, schemaLocation: string): Promise<XmlElement> {
  const all = (await env.types.all()).map((c) => env.types.qname(c));
  return el(
    'wfs:ListStoredQueriesResponse',
    { 'xmlns:wfs': wfsNs, [`xmlns:${env.types.namespace.prefix}`]: env.types.namespace.uri, 'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance', 'xsi:schemaLocation': schemaLocation },
    env.storedQueries.definitions().map((d) =>
      el('wfs:StoredQuery', { id: d.id }, el('wfs:Title', null, d.title), (d.typeNames ? d.typeNames.map((t) => `${env.types.namespace.prefix}:${t}`) : all).map((t) => el('wfs:ReturnFeatureType', null, t))),
    ),
  );
}

/** wfs:DescribeStoredQueriesResponse for the ids asked (all when none); an unknown id is an InvalidParameterValue. */
export async function describeStoredQueriesXml(env: WfsEnv, ids: readonly string[], wfsNs: string, schemaLocation: string): Promise<XmlElement> {
  const definitions = env.storedQueries.definitions();
  const chosen = ids.length === 0 ? definitions : ids.map((id) => definitions.find((d) => d.id === id || (isGetFeatureById(id) && d.id === GET_FEATURE_BY_ID)) ?? unknownStoredQuery(id));
  const all = (await env.types.all()).map((c) => env.types.qname(c));
  return el(
    'wfs:DescribeStoredQueriesResponse',
    {
      'xmlns:wfs': wfsNs,
      'xmlns:xs': 'http://www.w3.org/2001/XMLSchema',
      [`xmlns:${env.types.namespace.prefix}`]: env.types.namespace.uri,
      'xmlns:xsi': 'http://www.w3.org/2001/XMLSchema-instance',
      'xsi:schemaLocation': schemaLocation,
    },
    chosen.map((d) =>
      el(
        'wfs:StoredQueryDescription',
        { id: d.id },
        el('wfs:Title', null, d.title),
        d.abstract !== undefined && el('wfs:Abstract', null, d.abstract),
        d.parameters.map((p) => el('wfs:Parameter', { name: p.name, type: p.type }, p.title !== undefined && el('wfs:Title', null, p.title), p.abstract !== undefined && el('wfs:Abstract', null, p.abstract))),
        el('wfs:QueryExpressionText', {
          returnFeatureTypes: (d.typeNames ? d.typeNames.map((t) => `${env.types.namespace.prefix}:${t}`) : all).join(' '),
          language: QUERY_LANGUAGE,
          isPrivate: 'true',
        }),
      ),
    ),
  );
}

function unknownStoredQuery(id: string): never {
  throw invalidParameterValue('STOREDQUERY_ID', `Unknown stored query '${id}'`);
}
