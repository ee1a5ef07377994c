/**
 * The WFS plugin: OGC Web Feature Service 2.0 (also answering 1.1.0) over the features engine
 * (see README.md). One endpoint takes both bindings (KVP on GET and form POST, XML on POST) and
 * both versions; each request runs the steps below.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import { invalidParameterValue, missingParameterValue, negotiateAcceptVersions, OwsException, requireSupportedVersion, serializeXml, operationPipelines, sendOwsResponse } from '../../core/ows/index.js';
import type { Plugin, PluginContext } from '../../core/plugin.js';
import type { FeaturesService } from '../features/types.js';
import { wfsConfigSchema, type WfsConfig } from './config.js';
import { XML_CONTENT_TYPE, type WfsEnv, type WfsResponse } from './context.js';
import { describeFeatureType } from './describe-feature-type.js';
import { VERSION_STATE, wfsErrorEncoder } from './error-encoder.js';
import { FeatureTypes } from './feature-types.js';
import { getCapabilities } from './get-capabilities.js';
import { getFeature } from './get-feature.js';
import { getFeatureWithLock } from './get-feature-with-lock.js';
import { lockFeature } from './lock-feature.js';
import { lockMigrations } from './locks/migrations.js';
import { LockStore } from './locks/store.js';
import { getPropertyValue } from './get-property-value.js';
import { conformanceClasses, offeredOperations } from './operations.js';
import { readRequest } from './read-request.js';
import type { RequestHead } from './request-head.js';
import { OPERATION_NAMES, type OperationName, type WfsRequest } from './requests.js';
import { describeStoredQueriesXml, listStoredQueriesXml, StoredQueries } from './stored-queries.js';
import { transaction } from './transaction.js';
import { normaliseVersion, PROFILES, WFS_VERSIONS, type WfsVersion } from './versions.js';

interface RequestState {
  head: RequestHead;
  env: WfsEnv;
  operation?: OperationName;
  version?: WfsVersion;
  request?: WfsRequest;
  response?: WfsResponse;
}

type Step = (s: RequestState) => void | Promise<void>;

const setVersion = (s: RequestState, version: WfsVersion) => {
  s.version = version;
  s.env.ctx.state[VERSION_STATE] = version;
};

/** REQUEST (KVP) or the root element (XML) names an operation of WFS. */
const identifyOperation: Step = (s) => {
  const name = s.head.operation?.trim();
  if (name === undefined || name === '') throw missingParameterValue('request');
  if (s.head.binding === 'xml' && s.head.versionOfNamespace === undefined) {
    throw new OwsException('OperationParsingFailed', `'${name}' is not a WFS request: the root element must be in the WFS 2.0 or 1.1.0 namespace`, { locator: name, status: 400 });
  }
  // KVP operation names compare without case, as clients send them (getcapabilities).
  const operation = OPERATION_NAMES.find((o) => (s.head.binding === 'kvp' ? o.toLowerCase() === name.toLowerCase() : o === name));
  if (!operation) throw new OwsException('OperationNotSupported', `Operation '${name}' is not supported`, { locator: name });
  s.operation = operation;
  if (s.head.versionOfNamespace) s.env.ctx.state[VERSION_STATE] = s.head.versionOfNamespace;
};

/** service=WFS (KVP: required; XML: the attribute, when given). */
const requireService: Step = (s) => {
  const service = s.head.service;
  if (service === undefined || service === '') {
    if (s.head.binding === 'kvp') throw missingParameterValue('service');
    return;
  }
  if (service.trim() !== 'WFS') throw invalidParameterValue('service', `service must be WFS; got '${service}'`);
};

/** GetCapabilities: AcceptVersions (or a KVP VERSION, which some clients send) negotiated; none: 2.0.0. */
const negotiateVersion: Step = (s) => {
  const accept = s.head.acceptVersions ?? (s.head.version ? [s.head.version] : undefined);
  const locator = s.head.acceptVersions ? 'AcceptVersions' : 'version';
  if (!accept) {
    setVersion(s, s.head.versionOfNamespace ?? '2.0.0');
    return;
  }
  const normalised = accept.map((v) => normaliseVersion(v));
  // A KVP VERSION is a wish, not a list: an unsupported one gets the highest version, as WMS-style clients expect.
  if (!s.head.acceptVersions && !normalised.some((v) => (WFS_VERSIONS as readonly string[]).includes(v))) {
    setVersion(s, '2.0.0');
    return;
  }
  setVersion(s, negotiateAcceptVersions(normalised, WFS_VERSIONS, locator) as WfsVersion);
};

/**
 * Every other operation: the version (KVP VERSION, XML version attribute) must be supported, and
 * is the version answered. An XML request without one takes its namespace's. The namespace does
 * not override the attribute: GDAL's WFS driver, having negotiated 2.0.0, posts Transactions in
 * the 1.1.0 namespace (with GML 3.1.1) and version="2.0.0", and reads a 2.0 response (elements
 * are read by local name, so either namespace parses).
 */
const requireVersion: Step = (s) => {
  const written = s.head.version;
  if (written === undefined || written.trim() === '') {
    if (s.head.binding === 'kvp' || !s.head.versionOfNamespace) throw missingParameterValue('version');
    setVersion(s, s.head.versionOfNamespace);
    return;
  }
  // QGIS's WFS provider posts its Transactions as WFS 1.0.0 (in the namespace 1.1.0 shares) even on a
  // 2.0 connection: read as 1.1.0 (the same elements; GML 2 geometries parse), answered in 1.0.0's form.
  if (s.operation === 'Transaction' && s.head.versionOfNamespace === '1.1.0' && written.trim() === '1.0.0') {
    setVersion(s, '1.1.0');
    return;
  }
  setVersion(s, requireSupportedVersion(normaliseVersion(written), WFS_VERSIONS, 'version') as WfsVersion);
};

const requireOffered: Step = (s) => {
  if (!offeredOperations(s.version!, s.env.config).includes(s.operation!)) {
    throw new OwsException('OperationNotSupported', `${s.operation} is not offered by this WFS ${s.version} service`, { locator: s.operation });
  }
};

const parseOperation: Step = (s) => {
  s.request = s.head.parse(s.operation!, s.operation === 'GetCapabilities' ? undefined : s.version);
};

const runOperation: Step = async (s) => {
  const r = s.request!;
  const env = s.env;
  const profile = PROFILES[s.version!];
  switch (r.operation) {
    case 'GetCapabilities':
      s.response = await getCapabilities(r, s.version!, env);
      return;
    case 'DescribeFeatureType':
      s.response = await describeFeatureType(r, env);
      return;
    case 'GetFeature':
      s.response = await getFeature(r, env);
      return;
    case 'GetPropertyValue':
      s.response = await getPropertyValue(r, env);
      return;
    case 'ListStoredQueries':
      s.response = { contentType: XML_CONTENT_TYPE, body: serializeXml(await listStoredQueriesXml(env, profile.wfsNs, profile.wfsSchema)) };
      return;
    case 'DescribeStoredQueries':
      s.response = { contentType: XML_CONTENT_TYPE, body: serializeXml(await describeStoredQueriesXml(env, r.ids, profile.wfsNs, profile.wfsSchema)) };
      return;
    case 'Transaction':
      s.response = await transaction(r, env);
      return;
    case 'GetFeatureWithLock':
      s.response = await getFeatureWithLock(r, env);
      return;
    case 'LockFeature':
      s.response = await lockFeature(r, env);
      return;
  }
};

const ALL: readonly OperationName[] = OPERATION_NAMES;
const VERSIONED = OPERATION_NAMES.filter((o) => o !== 'GetCapabilities');

/**
 * The steps, in order, and the operations each runs for. Reads are authorized inside the engine
 * (what the subject may not read does not exist); Transaction enforces the writes it plans.
 *
 *                     GetCapabilities  every other operation
 *   requireService           x                 x
 *   negotiateVersion         x
 *   requireVersion                             x
 *   requireOffered           x                 x
 *   parseOperation           x                 x
 *   runOperation             x                 x
 */
const STEPS: ReadonlyArray<readonly [Step, readonly OperationName[]]> = [
  [requireService, ALL],
  [negotiateVersion, ['GetCapabilities']],
  [requireVersion, VERSIONED],
  [requireOffered, ALL],
  [parseOperation, ALL],
  [runOperation, ALL],
];

const PIPELINES = operationPipelines(OPERATION_NAMES, STEPS);

const plugin: Plugin<WfsConfig> = {
  name: 'wfs',
  version: '0.1.0',
  description: 'OGC Web Feature Service 2.0 and 1.1.0 (GetFeature, GetPropertyValue, stored queries, Transaction, LockFeature, GetFeatureWithLock) over the features engine',
  defaultPath: '/wfs',
  requires: ['features'],
  configSchema: wfsConfigSchema,
  migrations: lockMigrations,
  async setup(pctx: PluginContext<WfsConfig>) {
    const features = pctx.service<FeaturesService>('features');
    const config = pctx.config;
    const storedQueries = new StoredQueries(config.storedQueries);
    const locks = new LockStore(pctx.db);
    // Every write of the engine, through any protocol, respects the locks.
    const removeGuard = features.addWriteGuard(locks.guard);
    const router = new Router();
    const handle = async (ctx: Context) => {
      const subject = ctx.state.subject;
      const env: WfsEnv = {
        config,
        features,
        types: new FeatureTypes(features, subject, config.namespace),
        storedQueries,
        locks,
        auth: pctx.auth,
        logger: pctx.logger,
        ctx,
        subject,
        baseUrl: pctx.baseUrl(ctx),
      };
      const state: RequestState = { head: await readRequest(ctx), env };
      identifyOperation(state);
      for (const step of PIPELINES.get(state.operation!)!) await step(state);
      sendOwsResponse(ctx, state.response!);
    };
    router.get('/', handle);
    router.post('/', handle);
    const mount = pctx.mountPath || '/';
    const conformance = conformanceClasses(config);
    return {
      routes: router,
      errorEncoder: wfsErrorEncoder,
      services: [
        {
          type: 'WFS',
          versions: ['2.0.0', '1.1.0'],
          title: config.title,
          description: config.abstract,
          url: mount,
          capabilitiesUrl: `${mount}?service=WFS&request=GetCapabilities`,
          conformsTo: conformance,
        },
      ],
      conformsTo: conformance,
      async close() {
        removeGuard();
      },
    };
  },
};

export default plugin;
