/** Reading attribute values out of an engine request (for attribute finders). */
import type { XacmlRequest } from '../xacml/index.js';

/** The first value of an attribute of a category, as text; undefined when absent. */
export function firstValue(request: XacmlRequest, category: string, attributeId: string): string | undefined {
  for (const c of request.categories) {
    if (c.category !== category) continue;
    for (const a of c.attributes) {
      if (a.attributeId === attributeId && a.values.length > 0) return String(a.values[0]!.value);
    }
  }
  return undefined;
}
