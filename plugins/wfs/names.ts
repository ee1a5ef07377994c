/**
 * QNames in requests (typeNames, PropertyName, ValueReference, sort keys) and the namespaces a
 * request binds: XML declarations, or the KVP NAMESPACES (2.0, `xmlns(p,uri)`) / NAMESPACE (1.1.0,
 * `xmlns(p=uri)`) parameter. Feature types all live in the configured namespace; a name whose
 * prefix is bound elsewhere names nothing here, an unbound prefix is matched by local name (clients
 * often leave the declaration out).
 */
import { invalidParameterValue } from '../../core/ows/index.js';
import type { WrittenName } from './requests.js';

export type NamespaceScope = Readonly<Record<string, string>>;

/** `xmlns(p,uri)` / `xmlns(p=uri)` items, comma-separated; `xmlns(uri)` binds the default namespace. */
export function parseNamespacesParameter(value: string | undefined, locator = 'NAMESPACES'): Record<string, string> {
  const scope: Record<string, string> = {};
  if (value === undefined || value.trim() === '') return scope;
  const item = /xmlns\(\s*(?:([A-Za-z_][\w.-]*)\s*[=,]\s*)?([^)\s,=]+)\s*\)/g;
  for (const match of value.matchAll(item)) scope[match[1] ?? ''] = match[2]!;
  const rest = value.replace(item, '').replace(/[\s,]/g, '');
  if (rest !== '') throw invalidParameterValue(locator, `${locator} must be a list of xmlns(prefix,URI); cannot read '${value}'`);
  return scope;
}

/** A name as written, its prefix looked up in `scope` (the XML default namespace never applies to QNames in text). */
export function writtenName(text: string, scope: NamespaceScope): WrittenName {
  const t = text.trim();
  const colon = t.indexOf(':');
  if (colon === -1) return { written: t, prefix: '', local: t, namespace: scope[''] };
  const prefix = t.slice(0, colon);
  return { written: t, prefix, local: t.slice(colon + 1), namespace: scope[prefix] };
}

/** Whether a written type name can name a feature type of the namespace `uri`. */
export function inNamespace(name: WrittenName, uri: string): boolean {
  return name.namespace === undefined || name.namespace === uri;
}

/**
 * A property path as the engine names it: prefixes dropped from every step, a leading step that
 * names the feature type dropped (`meridian:roads/meridian:name` → `name`), `./` and XPath
 * positions (`name[1]`) ignored, and steps joined with dots.
 */
export function propertyPath(text: string, typeName?: string): string {
  let steps = text
    .trim()
    .replace(/^\.?\//, '')
    .split(/[/.]/)
    .map((s) => s.replace(/\[\d+\]$/, ''))
    .map((s) => (s.includes(':') ? s.slice(s.indexOf(':') + 1) : s))
    .filter((s) => s !== '');
  if (typeName !== undefined && steps.length > 1 && steps[0] === typeName) steps = steps.slice(1);
  return steps.join('.');
}
