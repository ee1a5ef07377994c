/**
 * Which ADES runs a step: the endpoint nearest the data the step's workflow inputs name, else the
 * default. Each File/Directory input given by the caller votes for the endpoint its data lives
 * at (see README "Placement"); the endpoint with most votes wins, ties going to the first input's.
 * Inputs produced by earlier steps do not vote: they are passed by reference wherever the step runs.
 */
import type { Subject } from '../../core/auth/types.js';
import type { CatalogueService } from '../catalogue/types.js';
import { dataAsset } from '../processing/stage-in.js';
import type { AdesEndpoint } from './endpoints.js';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface Placement {
  endpoint: AdesEndpoint;
  reason: string;
}

function byHost(url: string, endpoints: AdesEndpoint[]): AdesEndpoint | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  return endpoints.find((e) => e.dataHosts.some((h) => h.toLowerCase() === u.host.toLowerCase() || h.toLowerCase() === u.hostname.toLowerCase()));
}

/** Where one input value's data lives, and why; undefined when the value does not say. */
export async function locate(value: unknown, endpoints: AdesEndpoint[], catalogue: CatalogueService | undefined, subject: Subject): Promise<{ endpoint: AdesEndpoint; why: string } | undefined> {
  const local = endpoints.find((e) => e.kind === 'local');
  const ref = typeof value === 'string' ? value : isObject(value) && typeof value.href === 'string' ? value.href : undefined;
  if (!ref) return undefined;
  if (/^https?:\/\//i.test(ref)) {
    const e = byHost(ref, endpoints);
    return e ? { endpoint: e, why: `${new URL(ref).host} is a data host of '${e.id}'` } : undefined;
  }
  if (ref.startsWith('blob:')) return local ? { endpoint: local, why: `${ref} is in this server's blob store` } : undefined;
  const id = ref.startsWith('catalogue:') ? ref.slice('catalogue:'.length) : ref;
  const product = catalogue ? await catalogue.get(id, subject).catch(() => undefined) : undefined;
  if (!product) return undefined;
  const collection = product.parentIdentifier;
  const serving = collection ? endpoints.find((e) => e.collections.includes(collection)) : undefined;
  if (serving) return { endpoint: serving, why: `product '${id}' is in collection '${collection}', served by '${serving.id}'` };
  const asset = dataAsset(product, undefined);
  if (asset && /^https?:\/\//i.test(asset.href)) {
    const e = byHost(asset.href, endpoints);
    return e ? { endpoint: e, why: `product '${id}': ${new URL(asset.href).host} is a data host of '${e.id}'` } : undefined;
  }
  return local ? { endpoint: local, why: `product '${id}' is in this server's catalogue with its data here` } : undefined;
}

/**
 * `given`: the File/Directory workflow input values the step (or scatter element) reads, with the
 * workflow input each comes from.
 */
export async function placeStep(
  given: Array<{ input: string; value: unknown }>,
  endpoints: AdesEndpoint[],
  fallback: AdesEndpoint,
  catalogue: CatalogueService | undefined,
  subject: Subject,
): Promise<Placement> {
  const votes = new Map<string, { endpoint: AdesEndpoint; count: number; why: string[] }>();
  for (const { input, value } of given) {
    const at = await locate(value, endpoints, catalogue, subject);
    if (!at) continue;
    const entry = votes.get(at.endpoint.id) ?? { endpoint: at.endpoint, count: 0, why: [] };
    entry.count++;
    entry.why.push(`input '${input}': ${at.why}`);
    votes.set(at.endpoint.id, entry);
  }
  let best: { endpoint: AdesEndpoint; count: number; why: string[] } | undefined;
  for (const v of votes.values()) if (!best || v.count > best.count) best = v;
  if (best) return { endpoint: best.endpoint, reason: `nearest the data (${best.why.join('; ')})` };
  return { endpoint: fallback, reason: 'no input says where its data lives: the default ADES' };
}
