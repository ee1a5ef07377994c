/**
 * GetRecords (CSW 2.0.2 §10.8, CSW 3.0 §7.3): the constraint, sort and page become one catalogue
 * search (which applies the reader's access filter), and the page is written in the output
 * schema, one record at a time. resultType=hits asks for the count only; validate (2.0.2) checks
 * the whole request, constraint included, and echoes it.
 */
import { el, invalidParameterValue, optionNotSupported, raw, serializeXmlTreeNode } from '../../core/ows/index.js';
import type { CatalogueQuery } from '../catalogue/types.js';
import type { CswEnv, CswResponse } from './context.js';
import { CSW_NS } from './namespaces.js';
import { checkElementNames, checkOutputFormat, encodeRecordTexts, outputSchemas, recordLinks, recordUrl, resolveOutputSchema } from './record-encoding.js';
import type { GetRecordsRequest, RequestOrigin } from './requests.js';
import { recordsSlot, xmlWithRecords, xmlResponse } from './response.js';
import { checkTypeNames, constraintQuery, engineSort } from './search-query.js';
import { PROFILES } from './versions.js';

/** The echo of resultType=validate: the request document, or the URL of a KVP request. */
function echoed(origin: RequestOrigin) {
  return origin.binding === 'xml' ? raw(serializeXmlTreeNode(origin.root)) : el('ows:Get', { 'xmlns:ows': CSW_NS.ows10, 'xmlns:xlink': CSW_NS.xlink, 'xlink:href': origin.url });
}

/** The CSW 3.0 KVP OpenSearch parameters as engine query parameters. */
function openSearchQuery(request: GetRecordsRequest): CatalogueQuery {
  const os = request.openSearch;
  if (!os) return {};
  const query: CatalogueQuery = {};
  if (os.q !== undefined) query.q = os.q;
  if (os.bbox !== undefined) query.bbox = os.bbox;
  if (os.start !== undefined) query.start = os.start;
  if (os.end !== undefined) query.end = os.end;
  if (os.ids !== undefined) query.identifiers = os.ids;
  return query;
}

export async function getRecords(request: GetRecordsRequest, env: CswEnv): Promise<CswResponse> {
  const profile = PROFILES[request.version];
  checkOutputFormat(request.outputFormat);
  checkTypeNames(request.typeNames);
  const schema = resolveOutputSchema(env.catalogue.formats, request.version, request.outputSchema);
  checkElementNames(schema, request.elementNames);
  if (request.responseHandler !== undefined) throw optionNotSupported('ResponseHandler', 'Asynchronous GetRecords (ResponseHandler) is not supported; leave it out for a synchronous answer');
  const resultType = request.resultType ?? profile.defaultResultType;
  if (resultType === 'validate' && request.version === '3.0.0') throw invalidParameterValue('resultType', 'CSW 3.0 has no resultType=validate');
  // Distributed search: this catalogue is not a member of a federation, so it answers alone (hopCount spent).

  const query: CatalogueQuery = {
    ...openSearchQuery(request),
    ...constraintQuery(request.constraint, env),
    sortBy: engineSort(request.sortBy, env),
  };
  if (resultType === 'validate') {
    const root = el(
      'csw:Acknowledgement',
      { 'xmlns:csw': profile.csw, 'xmlns:xsi': CSW_NS.xsi, 'xsi:schemaLocation': profile.discoverySchema, timeStamp: new Date().toISOString() },
      el('csw:EchoedRequest', null, echoed(request.origin)),
      request.requestId !== undefined && el('csw:RequestId', null, request.requestId),
    );
    return xmlResponse(root);
  }

  const limit = resultType === 'hits' ? 0 : Math.min(request.maxRecords ?? env.config.maxRecordDefault, env.maxRecords);
  const result = await env.catalogue.search({ ...query, limit, offset: request.startPosition - 1 }, env.subject);
  const returned = result.records.length;
  const next = request.startPosition + returned;
  const nextRecord = returned > 0 && next <= result.numberMatched ? next : resultType === 'hits' && request.startPosition <= result.numberMatched ? request.startPosition : 0;
  const elementSet = request.elementNames ? undefined : (request.elementSet ?? 'summary');
  const schemas = outputSchemas(env.catalogue.formats, request.version);

  const envelope = el(
    'csw:GetRecordsResponse',
    { 'xmlns:csw': profile.csw, 'xmlns:xsi': CSW_NS.xsi, 'xsi:schemaLocation': profile.discoverySchema, version: request.version },
    request.requestId !== undefined && el('csw:RequestId', null, request.requestId),
    el('csw:SearchStatus', { timestamp: new Date().toISOString() }),
    el(
      'csw:SearchResults',
      {
        numberOfRecordsMatched: result.numberMatched,
        numberOfRecordsReturned: returned,
        nextRecord,
        elementSet,
        recordSchema: schema.uri,
        // 3.0: whether the page holds everything that matched.
        status: request.version === '3.0.0' ? (returned === 0 ? 'none' : returned === result.numberMatched ? 'complete' : 'subset') : undefined,
      },
      recordsSlot(),
    ),
  );
  const texts = encodeRecordTexts(result.records, schema, (record) => ({
    elementSet: elementSet ?? 'full',
    elementNames: request.elementNames,
    selfUrl: recordUrl(env.baseUrl, request.version, record.identifier, schema.uri),
    links: recordLinks(env.baseUrl, request.version, record.identifier, schemas, schema),
  }));
  return xmlWithRecords(envelope, texts);
}
