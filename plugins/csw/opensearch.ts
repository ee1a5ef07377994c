/**
 * The CSW 3.0 OpenSearch binding (OGC 12-176r7 §6.5.6) points at the OpenSearch plugin's
 * description document rather than duplicating it. There is no engine service for OpenSearch, so
 * the document is found in the capabilities registry: the first service whose type starts with
 * "OpenSearch" (its capabilitiesUrl, else its url). `openSearchDescriptionUrl` in config wins.
 * Read per request: the registry is complete only once every plugin is set up.
 */
import type { CswEnv } from './context.js';

export const OPENSEARCH_DESCRIPTION_TYPE = 'application/opensearchdescription+xml';

function absolute(base: string, url: string): string {
  return /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `${base}${url.startsWith('/') ? '' : '/'}${url}`;
}

/** The description document's absolute URL, or undefined when no OpenSearch service runs. */
export function openSearchDescriptionUrl(env: Pick<CswEnv, 'config' | 'registry' | 'serverUrl'>): string | undefined {
  if (env.config.openSearchDescriptionUrl) return absolute(env.serverUrl, env.config.openSearchDescriptionUrl);
  const service = env.registry.services().find((s) => /^opensearch/i.test(s.type));
  if (!service) return undefined;
  const url = service.capabilitiesUrl ?? service.url;
  // A plugin on a listener of its own registers URLs relative to that port.
  if (service.port !== undefined && !/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    const origin = new URL(env.serverUrl);
    return absolute(`${origin.protocol}//${origin.hostname}:${service.port}`, url);
  }
  return absolute(env.serverUrl, url);
}
