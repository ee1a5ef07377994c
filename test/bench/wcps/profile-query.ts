/**
 * Runs one WCPS query a few times against a scene in this process, for `node --cpu-prof`:
 *   node --import tsx --cpu-prof test/bench/wcps/profile-query.ts SCENE.tif [ndvi|mean] [runs]
 * Prints each run's time and the process's peak RSS. WCPS_BLOCK_CELLS sets the plugin's blockCells.
 */
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../../helpers/server.js';

const [scene, which = 'ndvi', runs = '3'] = process.argv.slice(2);
if (!scene) throw new Error('usage: profile-query.ts SCENE.tif [ndvi|mean] [runs]');
const builtinDir = fileURLToPath(new URL('../../../plugins/', import.meta.url));
const server = await startTestServer(
  { sampleData: false, plugins: { coverages: { workers: 2, refreshSeconds: 0, sampleRasters: false, catalogue: { enabled: false }, coverages: [{ id: 'scene', path: scene }] }, wcps: process.env.WCPS_BLOCK_CELLS ? { blockCells: Number(process.env.WCPS_BLOCK_CELLS) } : {} } },
  { builtinDir },
);
const queries: Record<string, string> = {
  ndvi: 'for $c in (scene) return encode((float)(($c.nir - $c.red) / ($c.nir + $c.red))[E(500000:520480)], "image/tiff")',
  mean: 'for $c in (scene) return avg(($c.nir - $c.red) / ($c.nir + $c.red))',
};
console.log(`RSS after start ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
let peak = 0;
let peakBuffers = 0;
const timer = setInterval(() => {
  const m = process.memoryUsage();
  peak = Math.max(peak, m.rss);
  peakBuffers = Math.max(peakBuffers, m.arrayBuffers);
}, 5);
try {
  for (let i = 0; i < Number(runs); i++) {
    const start = performance.now();
    const cpu = process.cpuUsage();
    const r = await fetch(`${server.url}/wcps`, { method: 'POST', body: queries[which] ?? which, headers: { 'Content-Type': 'text/plain' } });
    const body = Buffer.from(await r.arrayBuffer());
    const used = process.cpuUsage(cpu);
    console.log(`${which} run ${i + 1}: ${r.status} ${body.length} bytes ${(performance.now() - start).toFixed(0)} ms (CPU of all threads ${((used.user + used.system) / 1000).toFixed(0)} ms), peak RSS ${(peak / 2 ** 20).toFixed(0)} MiB, peak main-thread ArrayBuffers ${(peakBuffers / 2 ** 20).toFixed(0)} MiB`);
  }
} finally {
  clearInterval(timer);
  await server.close();
}
