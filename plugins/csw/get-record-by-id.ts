/**
 * GetRecordById (CSW 2.0.2 §10.9: the records found, in the order asked, inside a
 * GetRecordByIdResponse; CSW 3.0 §7.4: the one record as the document itself, or 404 NotFound).
 * Records the subject may not read are not found.
 */
import { el, invalidParameterValue, OwsException } from '../../core/ows/index.js';
import type { CatalogueRecord } from '../catalogue/types.js';
import type { CswEnv, CswResponse } from './context.js';
import { CSW_NS } from './namespaces.js';
import { checkOutputFormat, encodeRecordTexts, outputSchemas, recordLinks, recordUrl, resolveOutputSchema } from './record-encoding.js';
import type { GetRecordByIdRequest } from './requests.js';
import { recordsSlot, xmlWithRecords, xmlResponse, XML_CONTENT_TYPE } from './response.js';
import { PROFILES } from './versions.js';

export async function getRecordById(request: GetRecordByIdRequest, env: CswEnv): Promise<CswResponse> {
  checkOutputFormat(request.outputFormat);
  const schema = resolveOutputSchema(env.catalogue.formats, request.version, request.outputSchema);
  if (request.ids.length > env.maxRecords) throw invalidParameterValue('Id', `At most ${env.maxRecords} identifiers per request`);
  const found = await env.catalogue.search({ identifiers: request.ids, limit: request.ids.length }, env.subject);
  const byId = new Map(found.records.map((r) => [r.identifier, r]));
  const records = [...new Set(request.ids)].map((id) => byId.get(id)).filter((r): r is CatalogueRecord => r !== undefined);
  const schemas = outputSchemas(env.catalogue.formats, request.version);
  const options = (record: CatalogueRecord) => ({
    elementSet: request.elementSet ?? 'summary',
    selfUrl: recordUrl(env.baseUrl, request.version, record.identifier, schema.uri),
    links: recordLinks(env.baseUrl, request.version, record.identifier, schemas, schema),
  });
  if (request.version === '3.0.0') {
    const record = records[0];
    if (!record) throw new OwsException('NotFound', `No record '${request.ids[0]}'`, { locator: 'id', status: 404 });
    const [text] = encodeRecordTexts([record], schema, options);
    return { status: 200, contentType: XML_CONTENT_TYPE, body: `<?xml version="1.0" encoding="UTF-8"?>${text}` };
  }
  const profile = PROFILES[request.version];
  const attrs = { 'xmlns:csw': profile.csw, 'xmlns:xsi': CSW_NS.xsi, 'xsi:schemaLocation': profile.discoverySchema };
  if (records.length === 0) return xmlResponse(el('csw:GetRecordByIdResponse', attrs));
  return xmlWithRecords(el('csw:GetRecordByIdResponse', attrs, recordsSlot()), encodeRecordTexts(records, schema, options));
}
