/**
 * Runs a query: parse, bind the for-iterators to coverages the subject may read, compile every
 * combination (type and domain checks), refuse it when a result or the cells it reads pass the
 * limits, then evaluate under the time limit and the client's signal, and encode.
 */
import type { Subject } from '../../core/auth/types.js';
import type { CoveragesService, CoverageDescription, EncodedOutput } from '../coverages/types.js';
import type { Expr, Query } from './ast.js';
import { Compiler, type Binding, type Env } from './compile.js';
import type { WcpsConfig } from './config.js';
import { cellCount } from './domain.js';
import { encodeCoverage, encodeScalar, formatOf, parseOptions, type Format } from './encode.js';
import { WcpsError, wcpsFail, type Position } from './errors.js';
import type { EvalContext, Node, ScalarNode } from './nodes.js';
import { parseQuery } from './parser.js';

export interface QueryEnv {
  coverages: CoveragesService;
  config: WcpsConfig;
}

interface Planned {
  where?: ScalarNode;
  result: Node;
  format?: Format;
  options?: string;
  pos: Position;
}

function* combinations<T>(lists: T[][]): Generator<T[]> {
  if (lists.length === 0) {
    yield [];
    return;
  }
  const [first, ...rest] = lists;
  for (const item of first!) for (const tail of combinations(rest)) yield [item, ...tail];
}

/** Engine errors in WCPS terms. */
function wcpsErrorOf(err: unknown, pos: Position): unknown {
  const code = (err as { coverageCode?: string }).coverageCode;
  const message = (err as Error).message;
  switch (code) {
    case 'NoSuchCoverage':
      return new WcpsError('NoSuchCoverage', message, pos);
    case 'TooLarge':
      return new WcpsError('ResultTooLarge', message, pos);
    case 'InvalidCrs':
      return new WcpsError('InvalidCrs', message, pos);
    case 'InvalidTime':
    case 'MissingTime':
    case 'InvalidGrid':
      return new WcpsError('InvalidSubsetting', message, pos);
    case 'NoSuchBand':
      return new WcpsError('NoSuchField', message, pos);
    default:
      return err;
  }
}

/** Runs a query given as text (parsed here) or as the tree of the XML syntax (xml-syntax.ts). */
export async function runQuery(input: string | Query, subject: Subject, env: QueryEnv, clientSignal?: AbortSignal): Promise<EncodedOutput> {
  const { config, coverages } = env;
  let query: Query;
  if (typeof input === 'string') {
    if (input.trim() === '') wcpsFail('WcpsSyntaxError', 'the query is empty');
    if (input.length > config.maxQueryLength) wcpsFail('ResultTooLarge', `the query is ${input.length} characters long; at most ${config.maxQueryLength} are taken`);
    query = parseQuery(input);
  } else query = input;

  const timeout = AbortSignal.timeout(config.timeoutSeconds * 1000);
  const signal = clientSignal ? AbortSignal.any([clientSignal, timeout]) : timeout;
  const ctx: EvalContext = { coverages, subject, signal, blockCells: config.blockCells, maxIntermediateCells: config.maxIntermediateCells, reads: new Map(), whole: new Map() };
  const compiler = new Compiler({ coverages, evalContext: ctx, maxIterations: config.maxIterations });

  try {
    // Coverages of the for clauses, once each: unknown ones and ones the subject may not read are the same answer.
    const described = new Map<string, CoverageDescription>();
    const lists: Array<Array<{ variable: string; description: CoverageDescription }>> = [];
    const seen = new Set<string>();
    for (const it of query.iterators) {
      if (seen.has(it.variable)) wcpsFail('TypeMismatch', `$${it.variable} is bound twice`, it.pos);
      seen.add(it.variable);
      const list = [];
      for (const c of it.coverages) {
        let d = described.get(c.name);
        if (!d) {
          d = await coverages.get(c.name, subject);
          if (!d) wcpsFail('NoSuchCoverage', `there is no coverage '${c.name}'`, c.pos);
          described.set(c.name, d);
        }
        list.push({ variable: it.variable, description: d });
      }
      lists.push(list);
    }

    let result = query.result;
    let format: Format | undefined;
    let options: string | undefined;
    if (result.k === 'encode') {
      format = formatOf(result.format, result.pos);
      parseOptions(result.options, result.pos);
      options = result.options;
      result = result.operand;
    }

    const plans: Planned[] = [];
    for (const combination of combinations(lists)) {
      const scope = new Map<string, Binding>(combination.map((b) => [b.variable, { kind: 'coverage', description: b.description }]));
      for (const l of query.lets) scope.set(l.variable, { kind: 'node', node: await compiler.compile(l.expr, scope as Env) });
      let where: ScalarNode | undefined;
      if (query.where) {
        const w = await compiler.compile(query.where, scope);
        if (w.kind !== 'scalar' || w.type !== 'boolean') wcpsFail('TypeMismatch', `the where clause must be a single boolean, not a ${w.kind === 'scalar' ? w.type : 'coverage'}`, query.where.pos);
        where = w;
      }
      const node = await compiler.compile(result, scope);
      if (node.kind === 'coverage' && !format) wcpsFail('TypeMismatch', 'a coverage result must be encoded: return encode(..., "image/tiff") or another format', query.result.pos);
      plans.push({ where, result: node, format, options, pos: query.result.pos });
    }

    // Limits, for every combination, before any cell is computed.
    for (const p of plans) {
      const cost = p.result.cost + (p.where?.cost ?? 0);
      if (cost > config.maxIntermediateCells) wcpsFail('ResultTooLarge', `the query would read or hold ${cost} cells; at most ${config.maxIntermediateCells} are allowed`, p.pos);
      if (p.result.kind === 'coverage') {
        const cells = cellCount(p.result.domain) * p.result.bands.length;
        if (cells > config.maxResultCells) wcpsFail('ResultTooLarge', `the result would have ${cells} cells; at most ${config.maxResultCells} are returned`, p.pos);
      }
    }

    const outputs: Array<{ output: EncodedOutput; scalar?: string }> = [];
    for (const p of plans) {
      if (p.where && Number(await p.where.value(ctx)) === 0) continue;
      const opts = parseOptions(p.options, p.pos);
      if (p.result.kind === 'coverage') outputs.push({ output: await encodeCoverage(ctx, p.result, p.format!, opts, p.pos) });
      else {
        const value = await p.result.value(ctx);
        const output = encodeScalar(value, p.result.type, p.format, p.pos);
        outputs.push({ output, scalar: output.body.toString('utf8') });
      }
    }
    return combine(outputs);
  } catch (err) {
    if (timeout.aborted) throw new WcpsError('QueryTimeout', `the query ran longer than ${config.timeoutSeconds} s and was stopped`);
    throw wcpsErrorOf(err, query.result.pos);
  }
}

/** One result as it is; several scalars as a JSON array; several encoded results as multipart/related. */
function combine(outputs: Array<{ output: EncodedOutput; scalar?: string }>): EncodedOutput {
  if (outputs.length === 0) return { body: Buffer.from('[]'), contentType: 'application/json' };
  if (outputs.length === 1) return outputs[0]!.output;
  if (outputs.every((o) => o.scalar !== undefined)) {
    const values = outputs.map((o) => (/^-?\d/.test(o.scalar!) || o.scalar === 'true' || o.scalar === 'false' ? JSON.parse(o.scalar!) : o.scalar));
    return { body: Buffer.from(JSON.stringify(values)), contentType: 'application/json' };
  }
  const boundary = `wcps-${Math.random().toString(36).slice(2)}`;
  const parts: Buffer[] = [];
  outputs.forEach((o, i) => {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Type: ${o.output.contentType}\r\nContent-ID: <result${i + 1}>\r\n\r\n`), o.output.body, Buffer.from('\r\n'));
  });
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/related; boundary="${boundary}"` };
}

export type { Expr };
