import assert from 'node:assert/strict';
import { IncomingMessage, ServerResponse } from 'node:http';
import { Socket } from 'node:net';
import Koa, { type Context } from 'koa';
import { createMetrics } from '../../../core/metrics/metrics.js';

function finished(method: string, status: number, state: Record<string, unknown>): Context {
  const req = new IncomingMessage(new Socket());
  req.method = method;
  req.url = '/';
  const ctx = new Koa().createContext(req, new ServerResponse(req));
  ctx.res.statusCode = status;
  Object.assign(ctx.state, state);
  return ctx;
}

const countOf = (text: string, labels: string) => Number(text.split('\n').find((l) => l.startsWith(`meridian_http_request_duration_seconds_count{${labels}}`))?.split(' ')[1]);

describe('core/metrics request histogram', () => {
  it('counts requests per plugin, operation, method and status, and counts again after a reset', async () => {
    const metrics = createMetrics();
    metrics.record(finished('GET', 200, { plugin: 'wms', operation: 'GetMap' }), 0.01);
    metrics.record(finished('GET', 200, { plugin: 'wms', operation: 'GetMap' }), 0.02);
    metrics.record(finished('POST', 404, {}), 0.001);
    let text = await metrics.registry.metrics();
    assert.equal(countOf(text, 'plugin="wms",operation="GetMap",method="GET",status="200"'), 2);
    assert.equal(countOf(text, 'plugin="core",operation="unmatched",method="POST",status="404"'), 1);
    assert.match(text, /meridian_http_request_duration_seconds_sum\{plugin="wms",operation="GetMap",method="GET",status="200"\} 0\.03/);
    metrics.registry.resetMetrics();
    metrics.record(finished('GET', 200, { plugin: 'wms', operation: 'GetMap' }), 0.5);
    text = await metrics.registry.metrics();
    assert.equal(countOf(text, 'plugin="wms",operation="GetMap",method="GET",status="200"'), 1);
    assert.ok(Number.isNaN(countOf(text, 'plugin="core",operation="unmatched",method="POST",status="404"')));
  });
});
