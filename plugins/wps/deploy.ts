/**
 * WPS-T (OGC 18-036r1) DeployProcess and UndeployProcess, XML encoding, with the application
 * package of OGC 20-089 / the EOEPCA ADES as the execution unit:
 *
 *   <wps:DeployProcess service="WPS" version="2.0.0">
 *     <wps:ProcessOffering jobControlOptions="…" outputTransmission="…" processVersion="…">   (optional;
 *       <wps:Process> ows:Title, ows:Abstract, ows:Keywords, ows:Identifier </wps:Process>       also inside
 *     </wps:ProcessOffering>                                                                   wps:ProcessDescription)
 *     <wps:ExecutionUnit>
 *       <wps:Reference xlink:href="https://…/app.cwl"/>        the CWL by reference, or
 *       <wps:Reference xlink:href="https://…/ows.xml" mimeType="application/atom+xml"/>  an OWS Context, or
 *       <wps:Data mimeType="application/cwl+yaml">…CWL…</wps:Data>                       the CWL inline, or
 *       <atom:feed> … <owc:offering code="…/cwl"><owc:content href|text/> … </atom:feed>  an OWS Context inline
 *     </wps:ExecutionUnit>
 *     <wps:DeploymentProfileName>…</wps:DeploymentProfileName>   (optional)
 *   </wps:DeployProcess>
 *
 * The pieces become the engine's application package JSON (deploy-body.ts), which validates the
 * CWL and derives the inputs and outputs; the offering's title, abstract, keywords, identifier,
 * version and job control options override the CWL's.
 */
import { OwsException, parseXmlElementTree, type KvpParams, type XmlTreeNode } from '../../core/ows/index.js';
import { fetchRemote, RemoteFetchError, responseText, type RemoteFetchLimits } from '../../core/net/remote-fetch.js';
import type { DeployBody } from '../processing/types.js';
import { ATOM_NS, OWC_NS } from './namespaces.js';
import { childrenNamed, descendants, firstChild, hrefOf, isOws, isWps, rawText } from './xml-read.js';

const CONTEXT_TYPES = /^(application\/atom\+xml|application\/xml|text\/xml|application\/vnd\.owc\+xml)/i;

const invalid = (locator: string, message: string) => new OwsException('InvalidParameterValue', message, { locator });

/** The process description fields a deployer sets, from wps:ProcessOffering/wps:Process. */
function offeringOverrides(root: XmlTreeNode): Record<string, unknown> {
  const holder = firstChild(root, (c) => isWps(c, 'ProcessDescription')) ?? root;
  const offering = firstChild(holder, (c) => isWps(c, 'ProcessOffering'));
  const process = (offering ? firstChild(offering, (c) => isWps(c, 'Process')) : undefined) ?? firstChild(holder, (c) => isWps(c, 'Process'));
  const out: Record<string, unknown> = {};
  if (process) {
    const text = (local: string) => firstChild(process, (c) => isOws(c, local))?.text || undefined;
    out.id = text('Identifier');
    out.title = text('Title');
    out.description = text('Abstract');
    const keywords = childrenNamed(process, (c) => isOws(c, 'Keywords')).flatMap((k) => childrenNamed(k, (c) => isOws(c, 'Keyword')).map((w) => w.text));
    if (keywords.length) out.keywords = keywords;
  }
  if (offering) {
    const list = (name: string) => offering.attrs[name]?.split(/\s+/).filter(Boolean);
    out.jobControlOptions = list('jobControlOptions');
    out.outputTransmission = list('outputTransmission');
    out.version = offering.attrs.processVersion;
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return out;
}

/** The CWL offering of an OWS Context (Atom): its content by href or inline. */
function cwlOfContext(feed: XmlTreeNode): { href: string } | { value: string } {
  const offerings = descendants(feed, (c) => c.namespace === OWC_NS && c.name === 'offering');
  const cwl = offerings.find((o) => /cwl/i.test(o.attrs.code ?? '')) ?? (offerings.length === 1 ? offerings[0] : undefined);
  if (!cwl) throw invalid('ExecutionUnit', 'The OWS Context has no owc:offering with a CWL code (http://www.opengis.net/eoc/applicationContext/cwl)');
  const content = firstChild(cwl, (c) => c.namespace === OWC_NS && c.name === 'content');
  if (!content) throw invalid('ExecutionUnit', 'The OWS Context CWL offering has no owc:content');
  const href = hrefOf(content);
  if (href) return { href };
  const text = rawText(content);
  if (!text) throw invalid('ExecutionUnit', 'The OWS Context CWL owc:content has neither href nor the CWL inline');
  return { value: text };
}

async function fetchContext(href: string, limits: RemoteFetchLimits): Promise<XmlTreeNode> {
  let text: string;
  try {
    const response = await fetchRemote(href, limits);
    if (response.status !== 200) throw invalid('ExecutionUnit', `${href} answered ${response.status}`);
    text = responseText(response);
  } catch (err) {
    if (err instanceof RemoteFetchError) throw invalid('ExecutionUnit', `Cannot fetch the OWS Context ${href}: ${err.message}`);
    throw err;
  }
  return parseXmlElementTree(text, { code: 'InvalidParameterValue', locator: 'ExecutionUnit' });
}

const isFeed = (n: XmlTreeNode) => n.namespace === ATOM_NS && n.name === 'feed';

/** The execution unit as the engine's `executionUnit`. */
async function executionUnit(root: XmlTreeNode, limits: RemoteFetchLimits): Promise<{ href: string } | { value: string }> {
  const unit = firstChild(root, (c) => isWps(c, 'ExecutionUnit'));
  if (!unit) throw new OwsException('MissingParameterValue', 'DeployProcess needs a wps:ExecutionUnit with the application package', { locator: 'ExecutionUnit' });
  const feed = isFeed(unit) ? unit : descendants(unit, isFeed)[0] ?? descendants(unit, (c) => c.namespace === OWC_NS && c.name === 'OWSContext')[0];
  if (feed) return cwlOfContext(feed);
  const reference = firstChild(unit, (c) => isWps(c, 'Reference') || isOws(c, 'Reference'));
  if (reference) {
    const href = hrefOf(reference);
    if (!href) throw new OwsException('MissingParameterValue', 'wps:ExecutionUnit/wps:Reference needs xlink:href', { locator: 'ExecutionUnit' });
    const type = reference.attrs.mimeType ?? reference.attrs.format ?? '';
    if (CONTEXT_TYPES.test(type)) return cwlOfContext(await fetchContext(href, limits));
    return { href };
  }
  const data = firstChild(unit, (c) => isWps(c, 'Data'));
  const text = rawText(data ?? unit);
  if (!text) throw invalid('ExecutionUnit', 'wps:ExecutionUnit holds no CWL: give wps:Reference, wps:Data or an OWS Context');
  return { value: text };
}

/** Meridian's extension: <wps:Extension><visibility>public</visibility></wps:Extension>. */
function visibilityOf(root: XmlTreeNode): string | undefined {
  const ext = childrenNamed(root, (c) => isWps(c, 'Extension')).flatMap((e) => descendants(e, (c) => c.name === 'visibility'));
  const v = ext[0]?.text;
  if (v !== undefined && v !== 'public' && v !== 'private') throw invalid('visibility', "visibility must be 'public' or 'private'");
  return v;
}

/** The engine's deploy body (an application package JSON) for a wps:DeployProcess. */
export async function deployBodyOf(root: XmlTreeNode, limits: RemoteFetchLimits): Promise<{ body: DeployBody; profile?: string }> {
  const overrides = offeringOverrides(root);
  const unit = await executionUnit(root, limits);
  const profile = firstChild(root, (c) => isWps(c, 'DeploymentProfileName'))?.text || undefined;
  const pkg: Record<string, unknown> = { executionUnit: unit };
  if (Object.keys(overrides).length) pkg.processDescription = overrides;
  const visibility = visibilityOf(root);
  if (visibility) pkg.visibility = visibility;
  if (profile) pkg.deploymentProfileName = profile;
  return { body: { contentType: 'application/ogcapppkg+json', text: JSON.stringify(pkg) }, profile };
}

/** The process id of an UndeployProcess (ows:Identifier or wps:ProcessID; KVP identifier). */
export function undeployIdOfXml(root: XmlTreeNode): string {
  const id = firstChild(root, (c) => isOws(c, 'Identifier') || isWps(c, 'ProcessID') || isWps(c, 'Identifier'))?.text;
  if (!id) throw new OwsException('MissingParameterValue', 'UndeployProcess needs the ows:Identifier of the process', { locator: 'Identifier' });
  return id;
}

export function undeployIdOfKvp(kvp: KvpParams): string {
  const id = kvp.optional('identifier') ?? kvp.optional('processId');
  if (!id) throw new OwsException('MissingParameterValue', "Missing required parameter 'identifier'", { locator: 'identifier' });
  return id;
}
