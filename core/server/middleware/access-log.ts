import type { Middleware } from 'koa';
import type { Logger } from 'pino';

/** One JSON line per finished request: id, method, path, status, bytes, time, subject, plugin. */
export function accessLog(log: Logger): Middleware {
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    // 'close' follows the end of every response, streamed or not, completed or aborted.
    ctx.res.once('close', () => {
      const subject = ctx.state.subject as { id?: string } | undefined;
      log.info({
        reqId: ctx.state.requestId,
        method: ctx.method,
        path: ctx.path,
        status: ctx.status,
        bytes: ctx.response.length ?? undefined,
        ms: Number(process.hrtime.bigint() - start) / 1e6,
        plugin: ctx.state.plugin ?? 'core',
        operation: ctx.state.operation,
        subject: subject?.id,
        ip: ctx.ip,
        ua: ctx.get('User-Agent') || undefined,
        aborted: ctx.res.writableFinished ? undefined : true,
      });
    });
    await next();
  };
}
