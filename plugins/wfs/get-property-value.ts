/**
 * GetPropertyValue (WFS 2.0 §10): the values of one property (valueReference) of the features a
 * query selects, each in a wfs:member of a wfs:ValueCollection, as the property element
 * (GeoServer's form, which clients read); a feature without a value gives an empty member, so
 * numberReturned counts the members. Paged and streamed as GetFeature is.
 */
import { textResponse } from '../../core/server/text-response.js';
import { escapeXmlAttr } from '../../core/ows/index.js';
import type { WfsEnv, WfsResponse } from './context.js';
import { propertyValueXml } from './encoders/gml.js';
import { invalidParameterValue } from '../../core/ows/index.js';
import { rootNamespaces } from './get-feature.js';
import { pageLinks } from './links.js';
import { chooseFeatureFormat } from './output-formats.js';
import { GEOMETRY_PROPERTY, planQueries, propertyOf } from './query-plan.js';
import type { GetPropertyValueRequest } from './requests.js';
import { countMatches, openPage } from './results.js';

const attr = (name: string, value: string | number | undefined) => (value === undefined ? '' : ` ${name}="${escapeXmlAttr(String(value))}"`);

export async function getPropertyValue(request: GetPropertyValueRequest, env: WfsEnv): Promise<WfsResponse> {
  const format = chooseFeatureFormat(request.outputFormat, request.version);
  if (format.encoding !== 'gml') throw invalidParameterValue('outputFormat', 'GetPropertyValue writes XML (a wfs:ValueCollection)');
  const plans = await planQueries(request.queries, env, { version: request.version });
  const plan = plans[0];
  if (!plan || plans.length !== 1) throw invalidParameterValue('typeNames', 'GetPropertyValue takes one query on one feature type');
  const property = propertyOf(request.valueReference, plan.collection, 'valueReference');
  if (property === GEOMETRY_PROPERTY) {
    plan.query = { ...plan.query, properties: [], skipGeometry: false };
    plan.includeGeometry = true;
  } else if (property !== 'id') {
    plan.query = { ...plan.query, properties: [property], skipGeometry: true };
    plan.includeGeometry = false;
  }
  const head = `<?xml version="1.0" encoding="UTF-8"?>\n<wfs:ValueCollection${rootNamespaces(env, request.version, plans)}${attr('timeStamp', new Date().toISOString())}`;
  if (request.resultType === 'hits') {
    const matched = await countMatches(plan, env);
    return { contentType: format.contentType, body: `${head}${attr('numberMatched', matched)}${attr('numberReturned', 0)}/>` };
  }
  const count = Math.min(request.count ?? env.config.defaultCount, env.config.maxCount);
  const page = await openPage(plans, request.startIndex, count, env);
  const links = pageLinks(request, { startIndex: request.startIndex, count, numberMatched: page.numberMatched, numberReturned: page.numberReturned }, env.baseUrl, env.types.namespace);
  const prefix = env.types.namespace.prefix;
  async function* chunks(): AsyncGenerator<string> {
    yield `${head}${attr('numberMatched', page.numberMatched)}${attr('numberReturned', page.numberReturned)}${attr('next', links.next)}${attr('previous', links.previous)}>`;
    let written = 0;
    for await (const { feature } of page.features()) {
      if (written++ >= page.numberReturned) break;
      const value = propertyValueXml(feature, plan!, property, prefix);
      yield value === undefined ? '<wfs:member/>' : `<wfs:member>${value}</wfs:member>`;
    }
    yield '</wfs:ValueCollection>';
  }
  return { contentType: format.contentType, body: await textResponse(chunks()) };
}
