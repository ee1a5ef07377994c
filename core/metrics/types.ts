import type { Registry } from 'prom-client';

/** The Prometheus registry behind /metrics; plugins add their own collectors to it. */
export interface Metrics {
  readonly registry: Registry;
  /** Records one operation of a plugin (the request metrics label it), e.g. ('wms', 'GetMap'). */
  setOperation(ctx: import('koa').Context, operation: string): void;
}
