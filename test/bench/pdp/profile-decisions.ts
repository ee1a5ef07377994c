/**
 * The pdp bench's uncached `xacml` decision point alone, for profiling:
 *   node --cpu-prof --import tsx test/bench/pdp/profile-decisions.ts [seconds]
 * Same policy set and request mix as test/bench/pdp.bench.ts; prints decisions/s and p99.
 */
import { performance } from 'node:perf_hooks';
import { benchDecisionPoints } from './decisions.js';
import { requestMix } from './policy-set.js';

const seconds = Number(process.argv[2] ?? 3);
const points = await benchDecisionPoints();
const requests = requestMix(20_000);
for (let i = 0; i < 20_000; i++) await points.xacml.decide(requests[i]!);
const latencies: number[] = [];
const start = performance.now();
let n = 0;
for (let now = start; now < start + seconds * 1000; n++) {
  const t = performance.now();
  await points.xacml.decide(requests[n % requests.length]!);
  now = performance.now();
  latencies.push(now - t);
}
const elapsed = (performance.now() - start) / 1000;
latencies.sort((a, b) => a - b);
console.log(`${Math.round(n / elapsed).toLocaleString('en-US')} decisions/s, p50 ${(latencies[Math.floor(n * 0.5)]! * 1000).toFixed(1)} µs, p99 ${(latencies[Math.floor(n * 0.99)]! * 1000).toFixed(1)} µs`);
await points.close();
