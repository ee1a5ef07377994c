/**
 * A filter given as text (KVP FILTER, a stored query's expanded template) parsed into the element
 * tree the FES reader takes. Clients often write `fes:`/`ogc:`/`gml:` prefixes without declaring
 * them in a KVP value, so the text is parsed inside a wrapper declaring the usual bindings (and
 * those of NAMESPACES); declarations in the filter itself win.
 */
import { OwsException, parseXmlElementTree } from '../../core/ows/index.js';
import type { FilterInput } from './requests.js';
import { NS, PROFILES, type WfsVersion } from './versions.js';

export function filterFromText(text: string, version: WfsVersion, scope: Readonly<Record<string, string>>, locator: string): FilterInput {
  const bindings: Record<string, string> = { fes: NS.fes20, ogc: NS.ogc, gml: PROFILES[version].gmlNs, xlink: NS.xlink, ...scope };
  const declarations = Object.entries(bindings)
    .filter(([prefix]) => /^[A-Za-z_][\w.-]*$/.test(prefix) && prefix !== 'xmlns')
    .map(([prefix, uri]) => ` xmlns:${prefix}="${uri.replace(/[<&"]/g, '')}"`)
    .join('');
  const body = text.trim().replace(/^<\?xml[^>]*\?>/, '');
  const wrapper = parseXmlElementTree(`<meridian-wrapper${declarations}>${body}</meridian-wrapper>`, { code: 'InvalidParameterValue', locator });
  const loose = wrapper.content.some((c) => typeof c === 'string' && c.trim() !== '');
  if (wrapper.children.length !== 1 || loose) throw new OwsException('InvalidParameterValue', `${locator} must hold one Filter element`, { locator });
  return { node: wrapper.children[0]!, text: text.trim(), locator };
}
