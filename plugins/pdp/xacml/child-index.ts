/**
 * Skips children (rules or policies) whose Target cannot match, without evaluating them: a
 * child whose Target requires a designator to equal one of some literal strings (see
 * TargetHint) is filed under each literal, and only the children filed under the request's
 * values, plus the children without a hint, are evaluated, in document order. A child that
 * cannot match is NotApplicable, which no combining algorithm counts, so results are the same.
 */
import type { Designator, EvalContext } from './context.js';
import type { Combinable } from './combining.js';
import { Indeterminate } from './indeterminate.js';
import type { TargetHint } from './target.js';

const MIN_CHILDREN = 8;

interface Group {
  designator: Designator;
  byValue: Map<unknown, number[]>;
}

export class ChildIndex {
  private readonly groups: Group[] = [];
  private readonly unhinted: number[] = [];

  private constructor(private readonly children: readonly Combinable[], hints: readonly (TargetHint | undefined)[]) {
    hints.forEach((hint, i) => {
      if (!hint) { this.unhinted.push(i); return; }
      let group = this.groups.find((g) => g.designator.key === hint.designator.key);
      if (!group) { group = { designator: hint.designator, byValue: new Map() }; this.groups.push(group); }
      for (const v of hint.values) {
        const list = group.byValue.get(v);
        if (list) list.push(i); else group.byValue.set(v, [i]);
      }
    });
  }

  /** An index when it is worth having (enough children, some with hints), else undefined. */
  static build(children: readonly Combinable[], hints: readonly (TargetHint | undefined)[]): ChildIndex | undefined {
    if (children.length < MIN_CHILDREN) return undefined;
    const hinted = hints.filter(Boolean).length;
    if (hinted < children.length / 2) return undefined;
    return new ChildIndex(children, hints);
  }

  /** The children that may apply to this request, in document order. */
  candidates(ctx: EvalContext): readonly Combinable[] {
    const picked: number[] = this.unhinted.slice();
    for (const group of this.groups) {
      let bag: unknown[];
      try {
        bag = ctx.designatorBag(group.designator);
      } catch (e) {
        // A value that does not parse: let every child of the group evaluate (and report it).
        if (e instanceof Indeterminate) return this.children;
        throw e;
      }
      for (let i = 0; i < bag.length; i++) {
        const list = group.byValue.get(bag[i]);
        if (list) for (let j = 0; j < list.length; j++) picked.push(list[j]!);
      }
    }
    picked.sort((a, b) => a - b);
    const out: Combinable[] = [];
    let last = -1;
    for (const i of picked) {
      if (i !== last) out.push(this.children[i]!);
      last = i;
    }
    return out;
  }
}
