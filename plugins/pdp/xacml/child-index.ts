/**
 * Skips children (rules or policies) whose Target cannot match, without evaluating them: a
 * child whose Target requires a designator to equal one of some literal strings (see
 * TargetHint) is filed under each literal, and only the children filed under the request's
 * values, plus the children without a hint, are evaluated, in document order. A child that
 * cannot match is NotApplicable, which no combining algorithm counts (only-one-applicable
 * skips a false Target too), so results are the same.
 *
 * A child's Target may offer several hints (one per AnyOf and designator); each child is filed
 * by the designator that tells the siblings apart best (most distinct values among them), so a
 * set of per-resource policies that all also say `type = collection` is indexed by resource id.
 */
import type { Designator, EvalContext } from './context.js';
import type { Combinable } from './combining.js';
import { Indeterminate } from './indeterminate.js';
import type { TargetHint } from './target.js';

const MIN_CHILDREN = 8;
/** Lists of unhinted plus per-value children are precomputed up to this many unhinted children. */
const MAX_PRECOMPUTED_UNHINTED = 16;

interface Group {
  designator: Designator;
  byValue: Map<unknown, number[]>;
  /** Per value: the children (with the unhinted ones) in document order, when precomputed. */
  lists: Map<unknown, readonly Combinable[]> | undefined;
}

/** For each child, the hint whose designator has the most distinct values among the siblings. */
function chooseHints(hints: readonly (readonly TargetHint[])[]): (TargetHint | undefined)[] {
  const distinct = new Map<string, Set<unknown>>();
  for (const options of hints) {
    for (const h of options) {
      let set = distinct.get(h.designator.key);
      if (!set) distinct.set(h.designator.key, (set = new Set()));
      for (const v of h.values) set.add(v);
    }
  }
  return hints.map((options) => {
    let best: TargetHint | undefined;
    let bestScore = -1;
    for (const h of options) {
      const score = distinct.get(h.designator.key)!.size;
      if (score > bestScore || (score === bestScore && best && h.values.size < best.values.size)) {
        best = h;
        bestScore = score;
      }
    }
    return best;
  });
}

export class ChildIndex {
  private readonly groups: Group[] = [];
  private readonly unhinted: number[] = [];
  private readonly unhintedChildren: readonly Combinable[];

  private constructor(private readonly children: readonly Combinable[], hints: readonly (TargetHint | undefined)[]) {
    hints.forEach((hint, i) => {
      if (!hint) { this.unhinted.push(i); return; }
      let group = this.groups.find((g) => g.designator.key === hint.designator.key);
      if (!group) { group = { designator: hint.designator, byValue: new Map(), lists: undefined }; this.groups.push(group); }
      for (const v of hint.values) {
        const list = group.byValue.get(v);
        if (list) list.push(i); else group.byValue.set(v, [i]);
      }
    });
    this.unhintedChildren = Object.freeze(this.unhinted.map((i) => children[i]!));
    if (this.groups.length === 1 && this.unhinted.length <= MAX_PRECOMPUTED_UNHINTED) {
      const group = this.groups[0]!;
      group.lists = new Map();
      for (const [v, list] of group.byValue) group.lists.set(v, Object.freeze(this.ordered([...this.unhinted, ...list])));
    }
  }

  /**
   * An index when it is worth having (enough children, most with hints), else undefined.
   * `hints[i]` are the ways child i's Target can be indexed (empty: it cannot).
   */
  static build(children: readonly Combinable[], hints: readonly (readonly TargetHint[])[]): ChildIndex | undefined {
    if (children.length < MIN_CHILDREN) return undefined;
    const chosen = chooseHints(hints);
    const hinted = chosen.filter(Boolean).length;
    if (hinted < children.length / 2) return undefined;
    return new ChildIndex(children, chosen);
  }

  private ordered(picked: number[]): Combinable[] {
    picked.sort((a, b) => a - b);
    const out: Combinable[] = [];
    let last = -1;
    for (const i of picked) {
      if (i !== last) out.push(this.children[i]!);
      last = i;
    }
    return out;
  }

  /** The children that may apply to this request, in document order. */
  candidates(ctx: EvalContext): readonly Combinable[] {
    const groups = this.groups;
    if (groups.length === 1 && groups[0]!.lists) {
      // The common case (one indexed designator, a single-valued bag): a precomputed list.
      const group = groups[0]!;
      let bag: unknown[];
      try {
        bag = ctx.designatorBag(group.designator);
      } catch (e) {
        if (e instanceof Indeterminate) return this.children;
        throw e;
      }
      if (bag.length === 0) return this.unhintedChildren;
      if (bag.length === 1) return group.lists!.get(bag[0]) ?? this.unhintedChildren;
    }
    const picked: number[] = this.unhinted.slice();
    for (const group of groups) {
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
    if (picked.length === this.unhinted.length) return this.unhintedChildren;
    return this.ordered(picked);
  }
}
