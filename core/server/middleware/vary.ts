import type { Context } from 'koa';

/**
 * Adds `field` to Vary. The first Vary of a response is set directly; only a second one goes
 * through Koa's ctx.vary, which parses and merges the value already there.
 */
export function varyOn(ctx: Context, field: string): void {
  if (ctx.res.headersSent) return;
  if (ctx.res.getHeader('Vary') === undefined) ctx.res.setHeader('Vary', field);
  else ctx.vary(field);
}
