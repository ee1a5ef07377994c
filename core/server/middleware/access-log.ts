import type { Context } from 'koa';

// Printable ASCII without '"' and '\\': such a string is its own JSON text between quotes.
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** `,"key":value` for a present value, '' for an absent one (as pino leaves undefined out). */
function member(key: string, value: unknown): string {
  if (value === undefined) return '';
  return typeof value === 'string' && PLAIN.test(value) ? `,"${key}":"${value}"` : `,"${key}":${JSON.stringify(value)}`;
}

/**
 * The access-log fields of a finished request, as JSON members (each led by a comma) for
 * AccessLogger.write: id, method, path, status, bytes, time, plugin, operation, subject, client
 * address, user agent, and `aborted` when the response did not complete. Built as a string here
 * because it runs once per request; absent values are left out.
 */
export function accessFields(ctx: Context, ms: number): string {
  const subject = ctx.state.subject as { id?: string } | undefined;
  const state = ctx.state as { requestId?: string; plugin?: string; operation?: string };
  return (
    member('reqId', state.requestId) +
    member('method', ctx.req.method) +
    member('path', ctx.request.path) +
    `,"status":${ctx.res.statusCode}` +
    member('bytes', ctx.response.length ?? undefined) +
    `,"ms":${JSON.stringify(ms)}` +
    member('plugin', state.plugin ?? 'core') +
    member('operation', state.operation) +
    member('subject', subject?.id) +
    member('ip', ctx.request.ip) +
    member('ua', ctx.req.headers['user-agent'] || undefined) +
    (ctx.res.writableFinished ? '' : ',"aborted":true')
  );
}
