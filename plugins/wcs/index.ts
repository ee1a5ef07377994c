/**
 * The WCS plugin: OGC Web Coverage Service 2.0.1 with the Earth Observation Application Profile,
 * and WCS 1.1.1 and 1.0.0 for the clients that speak only those (QGIS's WCS provider), over the
 * coverages engine (see README.md). One endpoint takes both bindings (KVP on GET and form POST,
 * XML on POST, which is WCS 2.0's); each request runs the steps below in order, the version
 * deciding which family (wcs1/v100, wcs1/v111, or the 2.0 files here) answers.
 */
import Router from '@koa/router';
import type { Context } from 'koa';
import {
  invalidParameterValue,
  lookupCrs,
  missingParameterValue,
  OwsException,
  owsErrorEncoder,
  sendOwsResponse,
} from '../../core/ows/index.js';
import type { ErrorEncoder, Plugin, PluginContext } from '../../core/plugin.js';
import type { CoveragesService } from '../coverages/types.js';
import { wcsConfigSchema, type WcsConfig } from './config.js';
import { WCS_PROFILES } from './conformance.js';
import type { WcsEnv, WcsResponse } from './context.js';
import { describeCoverage } from './describe-coverage.js';
import { describeEOCoverageSet } from './describe-eo-coverage-set.js';
import { getCapabilities } from './get-capabilities.js';
import { getCoverage } from './get-coverage.js';
import { clientSignal, isProcessCoverages, isWcps10Request, processCoverages, PROCESSING_PROFILES, requireWcps10Service } from './process-coverages.js';
import type { WcpsService } from '../wcps/types.js';
import { readRequest } from './read-request.js';
import { OPERATION_NAMES, type OperationName, type RequestHead } from './requests.js';
import { runWcs10, wcs10ErrorEncoder } from './wcs1/v100/index.js';
import { runWcs11, wcs11ErrorEncoder } from './wcs1/v111/index.js';
import { ADVERTISED_VERSIONS, familyOf, negotiateCapabilitiesVersion, requireOperationVersion, WCS_VERSIONS, type WcsVersion } from './versions.js';

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

/** The XML binding is WCS 2.0's (the 1.x XML encodings are not served); KVP reaches every version. */
function candidateVersions(head: RequestHead): readonly WcsVersion[] {
  return head.binding === 'xml' ? WCS_VERSIONS.filter((v) => familyOf(v) === '2.0') : WCS_VERSIONS;
}

/** GetCapabilities negotiates (versions.ts); every other operation names a served version. */
function versionOf(head: RequestHead, operation: OperationName | 'other'): WcsVersion {
  if (operation === 'GetCapabilities') return negotiateCapabilitiesVersion(head, candidateVersions(head));
  return requireOperationVersion(head, head.binding, candidateVersions(head));
}

/** The version a request will be answered in, as far as it can be told before checking it: errors go out in that version's format. */
function versionHint(head: RequestHead): WcsVersion | undefined {
  try {
    return versionOf(head, head.operation?.trim().toLowerCase() === 'getcapabilities' ? 'GetCapabilities' : 'other');
  } catch {
    return undefined;
  }
}

async function run(head: RequestHead, operation: OperationName, env: WcsEnv): Promise<WcsResponse> {
  const family = familyOf(env.version);
  // KVP only reaches 1.x (candidateVersions).
  if (family === '1.0') return runWcs10(operation, head.kvp!, env);
  if (family === '1.1') return runWcs11(operation, head.kvp!, env);
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

const ows20ErrorEncoder = owsErrorEncoder({ version: '2.0.0' });

/** Errors in the format of the version the request is answered in (WCS 2.0 when that is not known). */
function errorEncoderOf(version: WcsVersion | undefined): ErrorEncoder {
  const family = version === undefined ? '2.0' : familyOf(version);
  return family === '1.0' ? wcs10ErrorEncoder : family === '1.1' ? wcs11ErrorEncoder : ows20ErrorEncoder;
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
  description: 'OGC Web Coverage Service 2.0.1 with the Earth Observation Application Profile (EO-WCS 1.0), and WCS 1.1.1 and 1.0.0, over the coverages engine',
  defaultPath: '/wcs',
  requires: ['coverages'],
  optionalRequires: ['wcps'],
  configSchema: wcsConfigSchema,
  async setup(pctx: PluginContext<WcsConfig>) {
    const coverages = pctx.service<CoveragesService>('coverages');
    const config = pctx.config;
    const offeredCrs = offeredCrsOf(config);
    const wcps = pctx.hasService('wcps') ? pctx.service<WcpsService>('wcps') : undefined;
    const profiles = wcps ? [...WCS_PROFILES, ...PROCESSING_PROFILES] : [...WCS_PROFILES];
    const router = new Router();
    const handle = async (ctx: Context) => {
      const head = await readRequest(ctx);
      ctx.state.wcsVersion = versionHint(head);
      if (wcps && isProcessCoverages(head)) {
        let version: WcsVersion = '2.0.1';
        if (isWcps10Request(head)) requireWcps10Service(head);
        else {
          requireService(head);
          version = requireOperationVersion(head, head.binding, WCS_VERSIONS.filter((v) => familyOf(v) === '2.0'));
        }
        ctx.state.wcsVersion = version;
        const env: WcsEnv = { config, coverages, logger: pctx.logger, ctx, subject: ctx.state.subject, baseUrl: pctx.baseUrl(ctx), version, offeredCrs, wcps };
        sendOwsResponse(ctx, await processCoverages(head, env, wcps, clientSignal(ctx)));
        return;
      }
      const operation = identifyOperation(head);
      requireService(head);
      const version = versionOf(head, operation);
      ctx.state.wcsVersion = version;
      const env: WcsEnv = { config, coverages, logger: pctx.logger, ctx, subject: ctx.state.subject, baseUrl: pctx.baseUrl(ctx), version, offeredCrs, wcps };
      sendOwsResponse(ctx, await run(head, operation, env));
    };
    router.get('/', handle);
    router.post('/', handle);
    const mount = pctx.mountPath || '/';
    return {
      routes: router,
      errorEncoder: (err, ctx) => errorEncoderOf(ctx.state.wcsVersion as WcsVersion | undefined)(err, ctx),
      services: [
        {
          type: 'WCS',
          versions: [...ADVERTISED_VERSIONS],
          title: config.title,
          description: config.abstract,
          url: mount,
          capabilitiesUrl: `${mount}?service=WCS&request=GetCapabilities`,
          conformsTo: profiles,
        },
      ],
      conformsTo: profiles,
    };
  },
};

export default plugin;
