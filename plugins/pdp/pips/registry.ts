/** Attribute finders other plugins add through the `pdp` service (remaining credit, accepted T&Cs...). */
import type { AttributeFinder } from '../xacml/index.js';

export class AttributeFinderRegistry {
  private readonly finders: AttributeFinder[] = [];
  private readonly listeners: Array<() => void> = [];

  add(finder: AttributeFinder): void {
    if (typeof finder?.find !== 'function') throw new Error('pdp.registerAttributeFinder: a finder needs a find(category, attributeId, dataType, issuer, request) function');
    this.finders.push(finder);
    for (const listener of this.listeners) listener();
  }

  list(): AttributeFinder[] {
    return [...this.finders];
  }

  /** Called after each registration (the PDPs are rebuilt with the new list). */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }
}
