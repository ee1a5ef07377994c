/**
 * The part of a request every operation checks first (which operation, service, version), read
 * the same way from both bindings; `parse` reads the rest once the version is settled.
 */
import type { CswRequest, OperationName } from './requests.js';
import type { CswVersion } from './versions.js';

export interface RequestHead {
  binding: 'kvp' | 'xml';
  /** REQUEST (KVP) or the root element's local name (XML), as written. */
  operation: string | undefined;
  service: string | undefined;
  version: string | undefined;
  /** GetCapabilities AcceptVersions. */
  acceptVersions: string[] | undefined;
  /** XML: the version the root element's namespace names (2.0.2 or 3.0.0); undefined for KVP or another namespace. */
  versionOfNamespace?: CswVersion;
  /** The operation's request; `version` is undefined only for GetCapabilities. */
  parse(operation: OperationName, version: CswVersion | undefined): CswRequest;
}
