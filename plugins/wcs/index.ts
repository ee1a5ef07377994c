/**
 * The WCS plugin: OGC Web Coverage Service 2.0.1 with the Earth Observation Application Profile
 * over the coverages engine (see README.md). One endpoint takes both bindings (KVP on GET and
 * form POST, XML on POST); each request runs the steps below in order.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  invalidParameterValue,
  lookupCrs,
  missingParameterValue,
  negotiateAcceptVersions,
  OwsException,
  owsErrorEncoder,
  requireSupportedVersion,
} from '../../core/ows/index.js';
import type { Plugin, PluginContext } from '../../core/plugin.js';
import type { CoveragesService } from '../coverages/types.js';
import { wcsConfigSchema, type WcsConfig } from './config.js';
import { WCS_PROFILES } from './conformance.js';
import type { WcsEnv, WcsResponse } from './context.js';
import { describeCoverage } from './describe-coverage.js';
import { describeEOCoverageSet } from './describe-eo-coverage-set.js';
import { getCapabilities } from './get-capabilities.js';
import { getCoverage } from './get-coverage.js';
import { readRequest } from './read-request.js';
import { OPERATION_NAMES, WCS_VERSIONS, type OperationName, type RequestHead, type WcsVersion } from './requests.js';

/** REQUEST (KVP) or the root element (XML) names a WCS operation. */
function identifyOperation(head: RequestHead): OperationName {
  const name = head.operation?.trim();
  if (name === undefined || name === '') throw missingParameterValue('request');
  if (head.binding === 'xml' && !head.knownNamespace) {
    throw new OwsException('InvalidEncodingSyntax', `'${name}' is not a WCS request: the root element must be in the WCS 2.0 or EO-WCS 1.0 namespace`, { locator: name, status: 400 });
  }
  const operation = OPERATION_NAMES.find((o) => o.toLowerCase() === name.toLowerCase());
  if (!operation) throw new OwsException('OperationNotSupported', `Operation '${name}' is not supported; operations are ${OPERATION_NAMES.join(', ')}`, { locator: name });
  return operation;
}

/** service=WCS (KVP: required; XML: the attribute, when given). */
function requireService(head: RequestHead): void {
  const service = head.service?.trim();
  if (service === undefined || service === '') {
    if (head.binding === 'kvp') throw missingParameterValue('service');
    return;
  }
  if (service.toUpperCase() !== 'WCS') throw invalidParameterValue('service', `service must be WCS; got '${service}'`);
}

/**
 * GetCapabilities negotiates AcceptVersions (or a KVP VERSION, which GDAL and OWSLib send) by
 * OWS Common 2.0 §7.3.2; every other operation must name a supported version (the XML
 * binding's required attribute; 2.0.1 when a client leaves it out).
 */
function versionOf(head: RequestHead, operation: OperationName): WcsVersion {
  if (operation === 'GetCapabilities') {
    const accept = head.acceptVersions ?? (head.version?.trim() ? [head.version] : undefined);
    return negotiateAcceptVersions(accept, WCS_VERSIONS, head.acceptVersions ? 'acceptVersions' : 'version') as WcsVersion;
  }
  const written = head.version?.trim();
  if (written === undefined || written === '') {
    if (head.binding === 'kvp') throw missingParameterValue('version');
    return '2.0.1';
  }
  return requireSupportedVersion(written, WCS_VERSIONS, 'version') as WcsVersion;
}

async function run(head: RequestHead, operation: OperationName, env: WcsEnv): Promise<WcsResponse> {
  const request = head.parse(operation);
  switch (request.operation) {
    case 'GetCapabilities':
      return getCapabilities(request, env);
    case 'DescribeCoverage':
      return describeCoverage(request, env);
    case 'GetCoverage':
      return getCoverage(request, env);
    case 'DescribeEOCoverageSet':
      return describeEOCoverageSet(request, env);
  }
}

function send(ctx: Context, response: WcsResponse): void {
  ctx.status = response.status ?? 200;
  for (const [name, value] of Object.entries(response.headers ?? {})) ctx.set(name, value);
  ctx.set('Content-Type', response.contentType);
  ctx.body = response.body;
}

/** Short ids of the configured CRSs; an unknown one stops start-up with its path. */
function offeredCrsOf(config: WcsConfig): Set<string> {
  return new Set(
    config.crs.map((id, i) => {
      const ref = lookupCrs(id);
      if (!ref) throw new Error(`plugins.wcs.crs[${i}]: '${id}' is not a CRS the registry knows`);
      return ref.crs.id;
    }),
  );
}

const plugin: Plugin<WcsConfig> = {
  name: 'wcs',
  version: '0.1.0',
  description: 'OGC Web Coverage Service 2.0.1 with the Earth Observation Application Profile (EO-WCS 1.0) over the coverages engine',
  defaultPath: '/wcs',
  requires: ['coverages'],
  configSchema: wcsConfigSchema,
  async setup(pctx: PluginContext<WcsConfig>) {
    const coverages = pctx.service<CoveragesService>('coverages');
    const config = pctx.config;
    const offeredCrs = offeredCrsOf(config);
    const router = new Router();
    const handle = async (ctx: Context) => {
      const head = await readRequest(ctx);
      const operation = identifyOperation(head);
      requireService(head);
      const version = versionOf(head, operation);
      const env: WcsEnv = { config, coverages, logger: pctx.logger, ctx, subject: ctx.state.subject, baseUrl: pctx.baseUrl(ctx), version, offeredCrs };
      send(ctx, await run(head, operation, env));
    };
    router.get('/', handle);
    router.post('/', handle);
    const mount = pctx.mountPath || '/';
    return {
      routes: router,
      errorEncoder: owsErrorEncoder({ version: '2.0.0' }),
      services: [
        {
          type: 'WCS',
          versions: [...WCS_VERSIONS].reverse(),
          title: config.title,
          description: config.abstract,
          url: mount,
          capabilitiesUrl: `${mount}?service=WCS&request=GetCapabilities`,
          conformsTo: [...WCS_PROFILES],
        },
      ],
      conformsTo: [...WCS_PROFILES],
    };
  },
};

export default plugin;
