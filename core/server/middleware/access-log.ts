import type { Middleware } from 'koa';
import type { Logger } from 'pino';

/** One JSON line per finished request: id, method, path, status, bytes, time, subject, plugin. */
export function accessLog(logger: Logger): Middleware {
  const log = logger.child({ log: 'access' });
  return async (ctx, next) => {
    const start = process.hrtime.bigint();
    let done = false;
    const write = () => {
      if (done) return;
      done = true;
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
      });
    };
    // Streamed bodies finish after the middleware chain; log when the response ends.
    ctx.res.once('finish', write);
    ctx.res.once('close', write);
    await next();
  };
}
