import type { Context } from 'koa';

/** The access-log line of a finished request: id, method, path, status, bytes, time, subject, plugin. */
export function accessLine(ctx: Context, ms: number): Record<string, unknown> {
  const subject = ctx.state.subject as { id?: string } | undefined;
  return {
    reqId: ctx.state.requestId,
    method: ctx.method,
    path: ctx.path,
    status: ctx.status,
    bytes: ctx.response.length ?? undefined,
    ms,
    plugin: ctx.state.plugin ?? 'core',
    operation: ctx.state.operation,
    subject: subject?.id,
    ip: ctx.ip,
    ua: ctx.get('User-Agent') || undefined,
    aborted: ctx.res.writableFinished ? undefined : true,
  };
}
