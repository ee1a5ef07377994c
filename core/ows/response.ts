/** Writing an OGC service's answer, and the per-operation step pipelines the OWS plugins share. */
import type { Context } from 'koa';
import type { Readable } from 'node:stream';

/** What an OWS operation answers: the document (or image) with its media type. */
export interface OwsResponse {
  status?: number;
  contentType: string;
  body: string | Buffer | Readable;
  headers?: Record<string, string>;
}

export function sendOwsResponse(ctx: Context, response: OwsResponse): void {
  ctx.status = response.status ?? 200;
  for (const [name, value] of Object.entries(response.headers ?? {})) ctx.set(name, value);
  // Set as given (not through ctx.type), so a charset the operation chose is kept exactly.
  ctx.set('Content-Type', response.contentType);
  ctx.body = response.body;
}

/**
 * Each operation's steps, in order, from a table of steps and the operations each runs for;
 * computed once at start-up, not per request.
 */
export function operationPipelines<Op extends string, Step>(operations: readonly Op[], steps: ReadonlyArray<readonly [Step, readonly Op[]]>): Map<Op, Step[]> {
  return new Map(operations.map((op) => [op, steps.filter(([, ops]) => ops.includes(op)).map(([step]) => step)]));
}
