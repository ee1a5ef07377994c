/**
 * The part of a request every operation checks first (which operation, service, version), read
 * the same way from both bindings; `parse` reads the rest once the version is settled.
 */
import type { OperationName, WfsRequest } from './requests.js';
import type { WfsVersion } from './versions.js';

export interface RequestHead {
  binding: 'kvp' | 'xml';
  /** REQUEST (KVP) or the root element's local name (XML), as written. */
  operation: string | undefined;
  service: string | undefined;
  version: string | undefined;
  /** GetCapabilities AcceptVersions. */
  acceptVersions: string[] | undefined;
  /** XML: the version the root element's namespace names; undefined for KVP or another namespace. */
  versionOfNamespace?: WfsVersion;
  /** The operation's request; `version` is undefined only for GetCapabilities. */
  parse(operation: OperationName, version: WfsVersion | undefined): WfsRequest;
}
