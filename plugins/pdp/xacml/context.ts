/**
 * The per-request evaluation context: attribute bags by designator (built lazily, parsed once),
 * Content for AttributeSelector and XPath functions, values supplied by attribute finders,
 * the environment's current date and time, and the PolicyIdentifierList being collected.
 */
import type { Element as XmlElement, Node as XmlNode } from 'libxmljs2';
import { T, canonicalTypeId, dataType, parseAttributeValue, type DataType, type XPathExpressionValue } from './datatypes.js';
import { Indeterminate, NeedsAttribute, missingAttribute, processingError, syntaxError } from './indeterminate.js';
import { temporalFromDate } from './temporal.js';
import type { ReferenceResolver } from './policy-document.js';
import type { AttributeFinder, AttributeValue, PolicyIdentifier, RequestAttribute, RequestCategory, XacmlRequest } from './types.js';

export const ENVIRONMENT = 'urn:oasis:names:tc:xacml:3.0:attribute-category:environment';
const CURRENT: Record<string, 'time' | 'date' | 'dateTime'> = {
  'urn:oasis:names:tc:xacml:1.0:environment:current-time': 'time',
  'urn:oasis:names:tc:xacml:1.0:environment:current-date': 'date',
  'urn:oasis:names:tc:xacml:1.0:environment:current-dateTime': 'dateTime',
};

export interface Designator {
  category: string;
  attributeId: string;
  /** Canonical data type URI. */
  dataType: string;
  type: DataType;
  issuer?: string;
  mustBePresent: boolean;
  /** category, id, type and issuer joined: the bag cache key. */
  key: string;
  /** category and id joined: the request index key. */
  attributeKey: string;
}

export interface Selector {
  category: string;
  path: string;
  contextSelectorId?: string;
  dataType: string;
  type: DataType;
  mustBePresent: boolean;
  namespaces: Record<string, string>;
  key: string;
}

export function attributeKey(category: string, attributeId: string): string {
  return `${category}\u0001${attributeId}`;
}

export class EvalContext {
  private contents: Map<string, XmlElement> | undefined;
  private readonly bags = new Map<string, unknown[]>();
  private now: Date | undefined;
  /** Links Policy(Set)IdReferences for the PDP evaluating (set by the PDP). */
  resolver!: ReferenceResolver;
  /** Set when the request asked for ReturnPolicyIdList. */
  policyIds: { policies: PolicyIdentifier[]; policySets: PolicyIdentifier[] } | null = null;

  /** Values finders supplied, kept across re-evaluations of the same request. */
  readonly found = new Map<string, AttributeValue[]>();

  constructor(
    readonly request: XacmlRequest,
    // Looked through when a designator's bag is first built: a request has a handful of
    // attributes, and a policy set designates only some of them, so no index is built.
    private readonly categories: readonly RequestCategory[],
    private readonly finders: readonly AttributeFinder[],
  ) {
    for (const category of categories) {
      if (category.content) (this.contents ??= new Map()).set(category.category, category.content);
    }
  }

  /**
   * Starts a fresh evaluation pass after a finder supplied a value. Bags already built stay:
   * they do not depend on the value supplied (the bag that needed it was never stored).
   */
  reset(): void {
    if (this.policyIds) this.policyIds = { policies: [], policySets: [] };
  }

  designatorBag(d: Designator): unknown[] {
    let bag = this.bags.get(d.key);
    if (bag === undefined) {
      bag = this.buildBag(d);
      this.bags.set(d.key, bag);
    }
    if (bag.length === 0 && d.mustBePresent) {
      throw missingAttribute({ category: d.category, attributeId: d.attributeId, dataType: d.dataType, issuer: d.issuer });
    }
    return bag;
  }

  private buildBag(d: Designator): unknown[] {
    const bag: unknown[] = [];
    const categories = this.categories;
    for (let c = 0; c < categories.length; c++) {
      const category = categories[c]!;
      if (category.category !== d.category) continue;
      const attributes = category.attributes;
      for (let a = 0; a < attributes.length; a++) {
        const attribute = attributes[a]!;
        if (attribute.attributeId !== d.attributeId) continue;
        if (d.issuer !== undefined && attribute.issuer !== d.issuer) continue;
        for (const v of attribute.values) {
          if (v.dataType !== d.dataType && canonicalTypeId(v.dataType) !== d.dataType) continue;
          bag.push(parseValue(d.type, v));
        }
      }
    }
    if (bag.length > 0) return bag;
    if (d.category === ENVIRONMENT && CURRENT[d.attributeId] && d.dataType === T[CURRENT[d.attributeId]!]) {
      this.now ??= new Date();
      bag.push(temporalFromDate(CURRENT[d.attributeId]!, this.now));
      return bag;
    }
    if (this.finders.length > 0) {
      const supplied = this.found.get(d.key);
      if (supplied) {
        for (const v of supplied) bag.push(parseValue(d.type, v));
        return bag;
      }
      // Finders that know the value without waiting (a cache hit) answer here; the first that
      // would have to wait sends the evaluation back to the PDP, which awaits it and evaluates again.
      for (const f of this.finders) {
        if ((f.category !== undefined && f.category !== d.category) || (f.attributeId !== undefined && f.attributeId !== d.attributeId)) continue;
        const now = f.findNow?.(d.category, d.attributeId, d.dataType, d.issuer, this.request);
        if (now === undefined) throw new NeedsAttribute(d.key, d.category, d.attributeId, d.dataType, d.issuer);
        if (now.length === 0) continue;
        for (const v of now) if (v.dataType === d.dataType) bag.push(parseValue(d.type, v));
        return bag;
      }
    }
    return bag;
  }

  /** The nodes an XPath expression selects in its category's Content (empty without Content). */
  xpathNodes(x: XPathExpressionValue, context?: XmlElement): XmlNode[] {
    const root = context ?? this.contents?.get(x.category);
    if (!root) return [];
    let nodes: unknown;
    try {
      nodes = root.find(x.path, x.namespaces);
    } catch (err) {
      throw processingError(`XPath '${x.path}' failed: ${(err as Error).message}`);
    }
    if (!Array.isArray(nodes)) throw processingError(`XPath '${x.path}' does not select nodes`);
    return nodes as XmlNode[];
  }

  selectorBag(s: Selector): unknown[] {
    let bag = this.bags.get(s.key);
    if (bag === undefined) {
      bag = this.buildSelectorBag(s);
      this.bags.set(s.key, bag);
    }
    if (bag.length === 0 && s.mustBePresent) {
      throw missingAttribute({ category: s.category, attributeId: s.path, dataType: s.dataType });
    }
    return bag;
  }

  private buildSelectorBag(s: Selector): unknown[] {
    let root = this.contents?.get(s.category);
    if (!root) return [];
    if (s.contextSelectorId) {
      const type = dataType(T.xpathExpression)!;
      const d: Designator = {
        category: s.category, attributeId: s.contextSelectorId, dataType: T.xpathExpression, type, mustBePresent: true,
        key: `${s.category}\u0001${s.contextSelectorId}\u0001${T.xpathExpression}\u0001`, attributeKey: attributeKey(s.category, s.contextSelectorId),
      };
      const contexts = this.designatorBag(d);
      if (contexts.length !== 1) throw processingError(`ContextSelectorId ${s.contextSelectorId} must have exactly one value`);
      const nodes = this.xpathNodes(contexts[0] as XPathExpressionValue, root);
      if (nodes.length !== 1 || nodes[0]!.type() !== 'element') throw processingError(`ContextSelectorId ${s.contextSelectorId} must select exactly one element`);
      root = nodes[0] as XmlElement;
    }
    let nodes: unknown;
    try {
      nodes = root.find(s.path, s.namespaces);
    } catch (err) {
      throw processingError(`AttributeSelector path '${s.path}' failed: ${(err as Error).message}`);
    }
    if (!Array.isArray(nodes)) throw processingError(`AttributeSelector path '${s.path}' does not select nodes`);
    const bag: unknown[] = [];
    for (const node of nodes as XmlNode[]) {
      const text = node.type() === 'attribute' ? (node as unknown as { value(): string }).value() : (node as unknown as { text(): string }).text();
      try {
        bag.push(s.type.parse(text));
      } catch (err) {
        throw syntaxError(`AttributeSelector ${s.path}: ${(err as Error).message}`);
      }
    }
    return bag;
  }
}

function parseValue(type: DataType, v: AttributeValue): unknown {
  try {
    return parseAttributeValue(type, v.value, v.xpathCategory, v.namespaces);
  } catch (err) {
    throw syntaxError((err as Error).message);
  }
}

export { Indeterminate };
