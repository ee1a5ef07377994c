/**
 * Harvest (CSW 2.0.2 §10.12, CSW 3.0 §7.7), synchronous: the source is read whole
 * (harvest-sources.ts), each record authorized (`create`, or `update` against the stored owner),
 * and all of them stored in one upsert, conditioned on the versions authorized. A Harvest stores
 * everything or nothing. Asynchronous (ResponseHandler) and periodic (HarvestInterval) harvesting
 * are not offered.
 */
import { el, invalidParameterValue, optionNotSupported } from '../../core/ows/index.js';
import type { CatalogueRecord } from '../catalogue/types.js';
import type { CswEnv, CswResponse } from './context.js';
import { harvestCsw, harvestIso, harvestOpenSearch, HarvestSession } from './harvest-sources.js';
import { CSW_NS } from './namespaces.js';
import { HARVEST_RESOURCE_TYPES } from './operations.js';
import { encodeRecord, resolveOutputSchema } from './record-encoding.js';
import type { HarvestRequest } from './requests.js';
import { xmlResponse } from './response.js';
import { asOwsError } from './transaction.js';
import { PROFILES } from './versions.js';

const RESOURCE_FORMATS = ['application/xml', 'text/xml', 'application/atom+xml', 'application/geo+json', 'application/json', 'application/opensearchdescription+xml'];

export async function harvest(request: HarvestRequest, env: CswEnv): Promise<CswResponse> {
  if (request.responseHandler !== undefined) throw optionNotSupported('ResponseHandler', 'Asynchronous Harvest (ResponseHandler) is not supported; leave it out to harvest synchronously');
  if (request.harvestInterval !== undefined) throw optionNotSupported('HarvestInterval', 'Periodic harvesting (HarvestInterval) is not supported');
  const resourceType = request.resourceType.trim();
  if (!(HARVEST_RESOURCE_TYPES as readonly string[]).includes(resourceType)) {
    throw invalidParameterValue('ResourceType', `ResourceType must be one of ${HARVEST_RESOURCE_TYPES.join(', ')}; got '${resourceType}'`);
  }
  const format = request.resourceFormat?.split(';')[0]!.trim().toLowerCase();
  if (format && !RESOURCE_FORMATS.includes(format)) throw invalidParameterValue('ResourceFormat', `ResourceFormat must be one of ${RESOURCE_FORMATS.join(', ')}; got '${request.resourceFormat}'`);
  // Anonymous subjects may not write: refuse before any remote request is made.
  if (env.subject.anonymous) await env.auth.enforce(env.ctx, { type: 'record', service: 'catalogue' }, 'create');

  const session = new HarvestSession(env, env.subject.anonymous ? undefined : env.subject.id);
  const source = request.source.trim();
  if (resourceType === CSW_NS.csw202) await harvestCsw(session, source, '2.0.2');
  else if (resourceType === CSW_NS.csw30) await harvestCsw(session, source, '3.0.0');
  else if (resourceType === CSW_NS.gmd) await harvestIso(session, source);
  else await harvestOpenSearch(session, source);

  const records = session.records;
  const seen = new Set<string>();
  for (const r of records) {
    if (seen.has(r.identifier)) throw invalidParameterValue('Source', `The source lists record '${r.identifier}' twice`);
    seen.add(r.identifier);
  }
  const stamps = await env.catalogue.stamps(records.map((r) => r.identifier));
  const expect: Record<string, string | null> = {};
  for (const record of records) {
    const stamp = stamps.get(record.identifier);
    if (stamp) {
      await env.auth.enforce(env.ctx, { type: 'record', service: 'catalogue', id: record.identifier, owner: stamp.owner }, 'update');
      // Re-harvesting keeps the stored owner.
      if (stamp.owner !== undefined) record.owner = stamp.owner;
      else delete record.owner;
    } else {
      await env.auth.enforce(env.ctx, { type: 'record', service: 'catalogue', id: record.identifier, owner: record.owner }, 'create');
    }
    expect[record.identifier] = stamp?.version ?? null;
  }
  let stored: CatalogueRecord[] = [];
  try {
    if (records.length > 0) stored = await env.catalogue.upsert(records, { expect });
  } catch (err) {
    throw asOwsError(err, 'Source');
  }

  const profile = PROFILES[request.version];
  const brief = resolveOutputSchema(env.catalogue.formats, request.version, undefined);
  const inserted = stored.filter((r) => !stamps.has(r.identifier));
  const root = el(
    'csw:HarvestResponse',
    { 'xmlns:csw': profile.csw, 'xmlns:xsi': CSW_NS.xsi, 'xsi:schemaLocation': profile.publicationSchema },
    el(
      'csw:TransactionResponse',
      { version: request.version },
      el(
        'csw:TransactionSummary',
        null,
        el('csw:totalInserted', null, inserted.length),
        el('csw:totalUpdated', null, stored.length - inserted.length),
        el('csw:totalDeleted', null, 0),
      ),
      inserted.length > 0 && el('csw:InsertResult', null, inserted.map((r) => encodeRecord(r, brief, { elementSet: 'brief' }))),
    ),
  );
  return xmlResponse(root);
}
