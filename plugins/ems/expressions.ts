/**
 * CWL parameter references in the EMS's own expressions (a step input's `valueFrom`, a step's
 * `when`): `$(inputs.x)`, `$(inputs.x.basename)`, `$(self[0])`, `$(inputs['a b'].length)`, …, as
 * CWL v1.2 defines them (section "Parameter References"), without JavaScript. A string that is one
 * reference is its value; references inside a longer string are interpolated (strings as they
 * are, other values as JSON). `\$(` and `\${` are literal. JavaScript (`${…}` bodies, or `$(…)`
 * that is not a reference, which InlineJavascriptRequirement would make JavaScript) is refused at
 * deploy: the EMS does not run code from packages in the server (the tools' own expressions are
 * evaluated by cwltool on the ADES that runs them).
 */

export type Segment = string | number;
type Part = { text: string } | { ref: { root: string; path: Segment[] } };

export class ExpressionError extends Error {}

const ROOTS = new Set(['inputs', 'self', 'runtime']);

/** One `(...)` reference body at `s[i]` (after `$(`): its path and where it ends, or undefined when it is not a parameter reference. */
function readReference(s: string, i: number): { root: string; path: Segment[]; end: number } | undefined {
  const symbol = /^[A-Za-z0-9_]+/;
  const m = symbol.exec(s.slice(i));
  if (!m) return undefined;
  const root = m[0];
  const path: Segment[] = [];
  let j = i + root.length;
  for (;;) {
    const rest = s.slice(j);
    let n: RegExpExecArray | null;
    if (rest.startsWith(')')) return ROOTS.has(root) ? { root, path, end: j + 1 } : undefined;
    if ((n = /^\.([A-Za-z0-9_]+)/.exec(rest))) path.push(n[1]!);
    else if ((n = /^\['((?:[^'\\]|\\.)*)'\]/.exec(rest))) path.push(n[1]!.replace(/\\(.)/g, '$1'));
    else if ((n = /^\["((?:[^"\\]|\\.)*)"\]/.exec(rest))) path.push(n[1]!.replace(/\\(.)/g, '$1'));
    else if ((n = /^\[([0-9]+)\]/.exec(rest))) path.push(Number(n[1]));
    else return undefined;
    j += n[0].length;
  }
}

/** The parts of an expression string; throws ExpressionError for JavaScript. */
export function parseExpression(s: string): Part[] {
  const parts: Part[] = [];
  let text = '';
  for (let i = 0; i < s.length; ) {
    if (s[i] === '\\' && s[i + 1] === '$' && (s[i + 2] === '(' || s[i + 2] === '{')) {
      text += s.slice(i + 1, i + 3);
      i += 3;
    } else if (s[i] === '$' && s[i + 1] === '{') {
      throw new ExpressionError(`'${s}' is a JavaScript expression (\${…}); the EMS evaluates CWL parameter references only ($(inputs.x), $(self.basename), …)`);
    } else if (s[i] === '$' && s[i + 1] === '(') {
      const r = readReference(s, i + 2);
      if (!r) throw new ExpressionError(`'${s}' holds a JavaScript expression, not a CWL parameter reference; the EMS evaluates parameter references only ($(inputs.x), $(inputs.x.basename), $(self[0]), …)`);
      if (text) parts.push({ text });
      text = '';
      parts.push({ ref: { root: r.root, path: r.path } });
      i = r.end;
    } else text += s[i++];
  }
  if (text) parts.push({ text });
  return parts;
}

/** Whether a string holds an expression at all (else it is a literal value). */
export function hasExpression(s: string): boolean {
  return /(^|[^\\])\$[({]/.test(s);
}

export interface ExpressionContext {
  inputs: Record<string, unknown>;
  self?: unknown;
  runtime?: Record<string, unknown>;
}

function lookup(root: string, path: Segment[], ctx: ExpressionContext, expr: string): unknown {
  let v: unknown = root === 'inputs' ? ctx.inputs : root === 'self' ? ctx.self : (ctx.runtime ?? {});
  let at = root;
  for (const seg of path) {
    if (v === null || v === undefined) throw new ExpressionError(`${expr}: ${at} is null, it has no '${seg}'`);
    if (Array.isArray(v)) {
      if (seg === 'length') v = v.length;
      else if (typeof seg === 'number' || /^[0-9]+$/.test(seg)) v = v[Number(seg)];
      else throw new ExpressionError(`${expr}: ${at} is an array, it has no '${seg}'`);
    } else if (typeof v === 'object') v = (v as Record<string, unknown>)[String(seg)];
    else if (typeof v === 'string' && seg === 'length') v = v.length;
    else throw new ExpressionError(`${expr}: ${at} is a ${typeof v}, it has no '${seg}'`);
    at += typeof seg === 'number' ? `[${seg}]` : `.${seg}`;
  }
  // A reference to something absent is null, as in cwltool.
  return v === undefined ? null : v;
}

/** The value of an expression string (a literal string when it holds none). */
export function evaluate(s: string, ctx: ExpressionContext): unknown {
  const parts = parseExpression(s);
  const only = parts.length === 1 ? parts[0]! : parts.length === 2 && 'ref' in parts[0]! && 'text' in parts[1]! && parts[1].text.trim() === '' ? parts[0]! : undefined;
  if (only && 'ref' in only) return lookup(only.ref.root, only.ref.path, ctx, s);
  return parts.map((p) => ('text' in p ? p.text : stringOf(lookup(p.ref.root, p.ref.path, ctx, s)))).join('');
}

function stringOf(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}
