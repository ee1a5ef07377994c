import assert from 'node:assert/strict';
import { Histogram, Registry } from 'prom-client';
import { FastHistogram } from '../../../core/metrics/request-histogram.js';
import { seededRandom } from '../../../core/seeded-random.js';

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The same observations into prom-client's Histogram and a FastHistogram, each in its own registry. */
function observeBoth(count: number) {
  const reference = new Registry();
  const fast = new Registry();
  const histogram = new Histogram({ name: 'req_seconds', help: 'with "quotes" and \\ backslash', labelNames: ['plugin', 'operation', 'method', 'status'], buckets: BUCKETS, registers: [reference] });
  const mine = new FastHistogram('req_seconds', 'with "quotes" and \\ backslash', BUCKETS, fast);
  const random = seededRandom(42);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  for (let i = 0; i < count; i++) {
    const labels = { plugin: pick(['wms', 'core', 'a"b', 'back\\slash']), operation: pick(['GetMap', 'unmatched', 'line\nbreak']), method: pick(['GET', 'POST']), status: pick(['200', '404', '500']) };
    // Spread over every bucket, exact bounds and +Inf included.
    const value = random() < 0.1 ? pick(BUCKETS) : random() ** 4 * 40;
    histogram.observe(labels, value);
    const key = `${labels.plugin}\u0000${labels.operation}\u0000${labels.method}\u0000${labels.status}`;
    mine.observe(mine.find(key) ?? mine.add(key, labels), value);
  }
  return { reference, fast };
}

describe('core/metrics/request-histogram: FastHistogram', () => {
  it('exports exactly what prom-client’s Histogram exports for the same observations, as text and as JSON', async () => {
    const { reference, fast } = observeBoth(20_000);
    const text = await fast.metrics();
    assert.equal(text, await reference.metrics());
    assert.match(text, /req_seconds_bucket\{le="\+Inf",plugin="wms"/);
    // As serialised (prom-client leaves an undefined exemplar key on _sum and _count).
    const json = async (r: Registry) => JSON.parse(JSON.stringify(await r.getMetricsAsJSON())) as unknown;
    assert.deepEqual(await json(fast), await json(reference));
  });

  it('exports nothing but its help and type before the first observation, and after a reset', async () => {
    const { reference, fast } = observeBoth(100);
    reference.resetMetrics();
    fast.resetMetrics();
    assert.equal(await fast.metrics(), await reference.metrics());
    assert.equal(await fast.metrics(), '# HELP req_seconds with "quotes" and \\\\ backslash\n# TYPE req_seconds histogram\n');
  });

  it('refuses a second metric of the same name in its registry, as prom-client does', () => {
    const registry = new Registry();
    new FastHistogram('dup_seconds', 'h', BUCKETS, registry);
    assert.throws(() => new Histogram({ name: 'dup_seconds', help: 'h', registers: [registry] }), /already been registered/);
  });
});
