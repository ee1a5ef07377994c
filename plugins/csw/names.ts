/**
 * Prefixed names in requests (typeNames, ElementName, PropertyName, sort keys) resolve through
 * the namespaces the request binds: XML declarations, or the KVP NAMESPACE parameter. Known
 * namespaces are then written with their canonical prefix (namespaces.ts), so the rest of the
 * plugin compares plain strings like `dc:title` whatever prefix the client chose.
 */
import { invalidParameterValue } from '../../core/ows/index.js';
import { CANONICAL_PREFIX, CSW_NS } from './namespaces.js';
import type { QualifiedName } from './requests.js';

/** Prefix → namespace, as a request declares them. */
export type NamespaceScope = Readonly<Record<string, string>>;

/** What a name's prefix means when the request does not declare it: the conventional bindings. */
const CONVENTIONAL: NamespaceScope = {
  csw: CSW_NS.csw202,
  csw30: CSW_NS.csw30,
  dc: CSW_NS.dc,
  dct: CSW_NS.dct,
  ows: CSW_NS.ows10,
  gmd: CSW_NS.gmd,
  apiso: CSW_NS.apiso,
};

/**
 * KVP NAMESPACE: `xmlns(csw=http://...),xmlns(dc=http://...)` (CSW 2.0.2) or
 * `xmlns(csw,http://...)` (OWS 2.0 style); `xmlns(http://...)` binds the default namespace.
 */
export function parseNamespaceParameter(value: string | undefined, locator = 'NAMESPACE'): Record<string, string> {
  const scope: Record<string, string> = {};
  if (value === undefined || value.trim() === '') return scope;
  const item = /xmlns\(\s*(?:([A-Za-z_][\w.-]*)\s*[=,]\s*)?([^)\s,=]+)\s*\)/g;
  for (const match of value.matchAll(item)) scope[match[1] ?? ''] = match[2]!;
  const rest = value.replace(item, '').replace(/[\s,]/g, '');
  if (rest !== '') throw invalidParameterValue(locator, `NAMESPACE must be a list of xmlns(prefix=URI); cannot read '${value}'`);
  return scope;
}

/**
 * Resolves a QName: its prefix through `scope`, then the conventional bindings; an unprefixed
 * name takes `defaultNamespace`. An unknown prefix is an InvalidParameterValue at `locator`.
 */
export function qualify(written: string, scope: NamespaceScope, defaultNamespace: string, locator: string): QualifiedName {
  const text = written.trim();
  const colon = text.indexOf(':');
  if (colon === -1) return { namespace: scope[''] ?? defaultNamespace, local: text, written: text };
  const prefix = text.slice(0, colon);
  const namespace = scope[prefix] ?? CONVENTIONAL[prefix];
  if (namespace === undefined) throw invalidParameterValue(locator, `Prefix '${prefix}' of '${text}' is not bound to a namespace (declare it, or use NAMESPACE in KVP)`);
  return { namespace, local: text.slice(colon + 1), written: text };
}

/**
 * A property name with its prefix rewritten to the canonical one (`d:title` → `dc:title`,
 * `csw30:AnyText` → `csw:AnyText`). Names without a prefix, or whose prefix is unknown, are kept
 * as written (the queryable mapping then accepts or refuses them).
 */
export function canonicalName(written: string, scope: NamespaceScope = {}): string {
  const text = written.trim().replace(/^\.?\//, '');
  const colon = text.indexOf(':');
  if (colon === -1) return text;
  const prefix = text.slice(0, colon);
  const namespace = scope[prefix] ?? CONVENTIONAL[prefix];
  const canonical = namespace !== undefined ? CANONICAL_PREFIX[namespace] : undefined;
  return canonical === undefined ? text : `${canonical}:${text.slice(colon + 1)}`;
}

/** True when the name is `{namespace}local`. */
export function isName(name: QualifiedName, namespace: string, local: string): boolean {
  return name.namespace === namespace && name.local === local;
}
