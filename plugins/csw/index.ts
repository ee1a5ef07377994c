/**
 * The CSW plugin: OGC Catalogue Service for the Web 2.0.2 and 3.0 over the catalogue engine
 * (see README.md). One endpoint takes both bindings (KVP on GET and form POST, XML on POST) and
 * both versions; each request runs the steps its operation lists below.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  invalidParameterValue,
  missingParameterValue,
  negotiateAcceptVersions,
  OwsException,
  requireSupportedVersion,
  operationPipelines, sendOwsResponse,
} from '../../core/ows/index.js';
import type { Plugin, PluginContext } from '../../core/plugin.js';
import type { CatalogueService } from '../catalogue/types.js';
import { cswConfigSchema, type CswConfig } from './config.js';
import type { CswEnv, CswResponse } from './context.js';
import { describeRecord } from './describe-record.js';
import { cswErrorEncoder, VERSION_STATE } from './error-encoder.js';
import { getCapabilities } from './get-capabilities.js';
import { getDomain } from './get-domain.js';
import { getRecordById } from './get-record-by-id.js';
import { getRecords } from './get-records.js';
import { harvest } from './harvest.js';
import { conformanceClasses30, CSW30_CONFORMANCE_BASE, operationsOf } from './operations.js';
import { createQueryableMap, type QueryableMap } from './queryables.js';
import { readRequest } from './read-request.js';
import type { RequestHead } from './request-head.js';
import { OPERATION_NAMES, type CswRequest, type OperationName } from './requests.js';
import { transaction } from './transaction.js';
import { CSW_VERSIONS, normaliseVersion, type CswVersion } from './versions.js';

/** One request on its way through the steps. */
interface RequestState {
  head: RequestHead;
  env: CswEnv;
  operation?: OperationName;
  version?: CswVersion;
  request?: CswRequest;
  response?: CswResponse;
}

type Step = (s: RequestState) => void | Promise<void>;

/** REQUEST (KVP) or the root element (XML) names an operation of CSW. */
const identifyOperation: Step = (s) => {
  const name = s.head.operation;
  if (name === undefined || name.trim() === '') throw missingParameterValue('request');
  if (s.head.binding === 'xml' && s.head.versionOfNamespace === undefined) {
    throw new OwsException('NoApplicableCode', `'${name}' is not a CSW request: the root element must be in the CSW 2.0.2 or 3.0 namespace`, { locator: name, status: 400 });
  }
  const operation = OPERATION_NAMES.find((o) => o === name.trim());
  if (!operation) throw new OwsException('OperationNotSupported', `Operation '${name}' is not supported; operations are ${OPERATION_NAMES.join(', ')}`, { locator: 'request' });
  s.operation = operation;
  // Exceptions follow the namespace's version from here on, until the version is settled.
  if (s.head.versionOfNamespace) s.env.ctx.state[VERSION_STATE] = s.head.versionOfNamespace;
};

/** service=CSW (KVP: required; XML: the attribute, when given). */
const requireService: Step = (s) => {
  const service = s.head.service;
  if (service === undefined || service === '') {
    if (s.head.binding === 'kvp') throw missingParameterValue('service');
    return;
  }
  if (service.trim() !== 'CSW') throw invalidParameterValue('service', `service must be CSW; got '${service}'`);
};

/**
 * GetCapabilities: AcceptVersions (or a KVP VERSION, which OWSLib sends) negotiated by core/ows;
 * without either, an XML request's namespace, else the highest version (3.0.0).
 */
const negotiateVersion: Step = (s) => {
  const accept = s.head.acceptVersions ?? (s.head.version ? [s.head.version] : undefined);
  const locator = s.head.acceptVersions ? 'AcceptVersions' : 'version';
  s.version = accept
    ? (negotiateAcceptVersions(accept.map(normaliseVersion), CSW_VERSIONS, locator) as CswVersion)
    : (s.head.versionOfNamespace ?? CSW_VERSIONS[CSW_VERSIONS.length - 1]!);
  s.env.ctx.state[VERSION_STATE] = s.version;
};

/**
 * Every other operation: KVP VERSION is required and must be supported; in XML the namespace
 * decides (a `version` attribute must still name a supported version: GDAL's CSW driver writes
 * the version it negotiated into a 2.0.2-namespaced request).
 */
const requireVersion: Step = (s) => {
  const written = s.head.version;
  if (s.head.binding === 'kvp') {
    if (written === undefined || written.trim() === '') throw missingParameterValue('version');
    s.version = requireSupportedVersion(normaliseVersion(written), CSW_VERSIONS, 'version') as CswVersion;
  } else {
    if (written !== undefined) requireSupportedVersion(normaliseVersion(written), CSW_VERSIONS, 'version');
    s.version = s.head.versionOfNamespace!;
  }
  s.env.ctx.state[VERSION_STATE] = s.version;
};

/** The operation exists in this version and config (DescribeRecord left CSW in 3.0; Transaction, Harvest may be off). */
const requireOffered: Step = (s) => {
  if (!operationsOf(s.version!, s.env).includes(s.operation!)) {
    throw new OwsException('OperationNotSupported', `${s.operation} is not offered by this CSW ${s.version} service`, { locator: s.operation });
  }
};

const parseOperation: Step = (s) => {
  s.request = s.head.parse(s.operation!, s.operation === 'GetCapabilities' ? undefined : s.version);
};

const runOperation: Step = async (s) => {
  const r = s.request!;
  const env = s.env;
  switch (r.operation) {
    case 'GetCapabilities':
      s.response = getCapabilities(r, s.version!, env);
      return;
    case 'DescribeRecord':
      s.response = describeRecord(r, env);
      return;
    case 'GetRecords':
      s.response = await getRecords(r, env);
      return;
    case 'GetRecordById':
      s.response = await getRecordById(r, env);
      return;
    case 'GetDomain':
      s.response = await getDomain(r, env);
      return;
    case 'Transaction':
      s.response = await transaction(r, env);
      return;
    case 'Harvest':
      s.response = await harvest(r, env);
      return;
  }
};

const ALL: readonly OperationName[] = OPERATION_NAMES;
const VERSIONED = OPERATION_NAMES.filter((o) => o !== 'GetCapabilities');

/**
 * The steps, in order, and the operations each runs for (read down a column for one operation).
 * Before them the binding is read (read-request.ts) and identifyOperation picks the column.
 * Authorization happens inside the operations that write (per record, against its stored owner)
 * and inside the engine for reads (per search).
 *
 *                       GetCapabilities  DescribeRecord  GetRecords  GetRecordById  GetDomain  Transaction  Harvest
 *   requireService             x                x             x            x            x           x          x
 *   negotiateVersion           x
 *   requireVersion                              x             x            x            x           x          x
 *   requireOffered             x                x             x            x            x           x          x
 *   parseOperation             x                x             x            x            x           x          x
 *   runOperation               x                x             x            x            x           x          x
 */
const STEPS: ReadonlyArray<readonly [Step, readonly OperationName[]]> = [
  [requireService, ALL],
  [negotiateVersion, ['GetCapabilities']],
  [requireVersion, VERSIONED],
  [requireOffered, ALL],
  [parseOperation, ALL],
  [runOperation, ALL],
];

/** Each operation's steps, computed once. */
const PIPELINES = operationPipelines(OPERATION_NAMES, STEPS);

function serverUrlOf(ctx: Context): string {
  return ctx.state.baseUrl as string;
}

const plugin: Plugin<CswConfig> = {
  name: 'csw',
  version: '0.1.0',
  description: 'OGC Catalogue Service for the Web 2.0.2 and 3.0 (discovery, Transaction, Harvest) over the catalogue engine',
  defaultPath: '/csw',
  requires: ['catalogue'],
  configSchema: cswConfigSchema,
  async setup(pctx: PluginContext<CswConfig>) {
    const catalogue = pctx.service<CatalogueService>('catalogue');
    const config = pctx.config;
    // The engine's queryables are fixed at start-up; the CSW names over them with them.
    const queryables: QueryableMap = createQueryableMap(catalogue.queryables(), catalogue.formats);
    // A page the engine refuses would be a 400 on a parameter the client never sent.
    const maxRecords = Math.min(config.maxRecords, catalogue.limits.maxLimit);
    const router = new Router();
    const handle = async (ctx: Context) => {
      const env: CswEnv = {
        config,
        catalogue,
        queryables,
        auth: pctx.auth,
        registry: pctx.registry,
        logger: pctx.logger,
        ctx,
        subject: ctx.state.subject,
        baseUrl: pctx.baseUrl(ctx),
        serverUrl: serverUrlOf(ctx),
        maxRecords,
      };
      const state: RequestState = { head: await readRequest(ctx, env.baseUrl), env };
      identifyOperation(state);
      for (const step of PIPELINES.get(state.operation!)!) await step(state);
      sendOwsResponse(ctx, state.response!);
    };
    router.get('/', handle);
    router.post('/', handle);
    const mount = pctx.mountPath || '/';
    // The OpenSearch plugin may be set up after this one, so its class is claimed only when configured.
    const conformance = conformanceClasses30(config, config.openSearchDescriptionUrl !== undefined)
      .filter(([, holds]) => holds)
      .map(([name]) => `${CSW30_CONFORMANCE_BASE}${name}`);
    return {
      routes: router,
      errorEncoder: cswErrorEncoder,
      services: [
        {
          type: 'CSW',
          versions: [...CSW_VERSIONS],
          title: config.title,
          description: config.abstract,
          url: mount,
          capabilitiesUrl: `${mount}?service=CSW&request=GetCapabilities`,
        },
      ],
      conformsTo: conformance,
    };
  },
};

export default plugin;
