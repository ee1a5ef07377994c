/**
 * WCPS against gdal_calc.py on the same data in the same run (see README.md): NDVI over a
 * 4096² two-band uint16 COG clipped to its western half, written as a Float32 GeoTIFF, and the
 * average NDVI of the whole scene. Meridian runs in this process (coverages engine with two
 * workers, WCPS at /wcps); its peak RSS is sampled during each query. GDAL runs as the
 * commands a user would type: gdal_calc.py over a VRT window for NDVI (deflate, predictor 3,
 * zlevel 1, tiled: our GeoTIFF defaults), and numpy over osgeo.gdal for the mean, which
 * gdal_calc.py cannot reduce. gdal_calc.py's own default output is an uncompressed striped
 * GeoTIFF, so NDVI is also timed that way on both sides (WCPS with compression=none, tiled=false).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestServer } from '../helpers/server.js';
import type { BenchReport, BenchSettings } from './types.js';

const PYTHON = '/usr/bin/python3';
const MAKE = fileURLToPath(new URL('./wcps/make_scene.py', import.meta.url));
const builtinDir = fileURLToPath(new URL('../../plugins/', import.meta.url));
/** Rounds, alternating Meridian and GDAL (BENCH_ROUNDS when set). */
const RUNS = Math.max(1, Math.round(Number(process.env.BENCH_ROUNDS) || 3));

function run(command: string, args: string[]): Promise<{ ms: number; stdout: string; peakKb: number; cpuMs: number }> {
  return new Promise((resolve, reject) => {
    const start = performance.now();
    // /usr/bin/time -f gives the child's peak RSS in KiB and its user and system CPU seconds on the last line of stderr.
    const child = spawn('/usr/bin/time', ['-f', '%M %U %S', command, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${command} failed: ${stderr}`));
      const lines = stderr.trim().split('\n');
      const [peakKb, user, system] = lines[lines.length - 1]!.trim().split(/\s+/).map(Number);
      resolve({ ms: performance.now() - start, stdout, peakKb: peakKb!, cpuMs: (user! + system!) * 1000 });
    });
  });
}

/**
 * Wall time, CPU time of this process (the server's threads and this client, all threads) and
 * RSS before (idle) and at its peak. The RSS is sampled with memoryUsage.rss(), which only reads
 * the RSS: memoryUsage() walks the heap spaces, a cost every 5 ms on the server's own thread.
 */
async function timed(fn: () => Promise<void>): Promise<{ ms: number; cpuMs: number; idleMb: number; peakMb: number; addedMb: number }> {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 5);
  const cpu = process.cpuUsage();
  const start = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  const ms = performance.now() - start;
  const used = process.cpuUsage(cpu);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ms, cpuMs: (used.user + used.system) / 1000, idleMb: before / 2 ** 20, peakMb: peak / 2 ** 20, addedMb: (peak - before) / 2 ** 20 };
}

const best = (xs: number[]) => Math.min(...xs);

/** CPU time (best of the rounds) of each side and their ratio: steadier than wall time on a busy machine. */
function cpuColumns(meridian: number[], gdal: number[]): Record<string, string> {
  return { 'meridian CPU': `${best(meridian).toFixed(0)} ms`, 'gdal CPU': `${best(gdal).toFixed(0)} ms`, 'CPU ratio': (best(meridian) / best(gdal)).toFixed(2) };
}

export async function run_(settings: BenchSettings): Promise<BenchReport> {
  const dir = mkdtempSync(path.join(tmpdir(), 'meridian-wcps-bench-'));
  const scene = path.join(dir, 'scene.tif');
  settings.log('writing the 4096² scene');
  await run(PYTHON, [MAKE, scene]);
  const server = await startTestServer(
    { sampleData: false, plugins: { coverages: { workers: 2, refreshSeconds: 0, sampleRasters: false, catalogue: { enabled: false }, coverages: [{ id: 'scene', path: scene }] }, wcps: {} } },
    { builtinDir },
  );
  const url = `${server.url}/wcps`;
  const ndvi = 'for $c in (scene) return encode((float)(($c.nir - $c.red) / ($c.nir + $c.red))[E(500000:520480)], "image/tiff")';
  const ndviRaw = 'for $c in (scene) return encode((float)(($c.nir - $c.red) / ($c.nir + $c.red))[E(500000:520480)], "image/tiff", "compression=none;tiled=false")';
  const mean = 'for $c in (scene) return avg(($c.nir - $c.red) / ($c.nir + $c.red))';
  const query = async (q: string) => {
    const r = await fetch(url, { method: 'POST', body: q, headers: { 'Content-Type': 'text/plain' } });
    const body = Buffer.from(await r.arrayBuffer());
    if (r.status !== 200) throw new Error(`WCPS answered ${r.status}: ${body.toString().slice(0, 500)}`);
    return body;
  };
  const cpu = { meridianRaw: [] as number[], gdalRaw: [] as number[], meridianNdvi: [] as number[], gdalNdvi: [] as number[], meridianMean: [] as number[], gdalMean: [] as number[] };
  const idle = [] as number[];
  const out = { meridianRaw: [] as number[], gdalRaw: [] as number[], rssRaw: [] as number[], gdalRssRaw: [] as number[], meridianNdvi: [] as number[], meridianMean: [] as number[], gdalNdvi: [] as number[], gdalMean: [] as number[], rssNdvi: [] as number[], rssMean: [] as number[], addedRaw: [] as number[], addedNdvi: [] as number[], addedMean: [] as number[], gdalRssNdvi: [] as number[], gdalRssMean: [] as number[] };
  let sizes = { meridian: 0, gdal: 0 };
  let means = { meridian: NaN, gdal: NaN };
  const window = path.join(dir, 'west.vrt');
  await run('gdal_translate', ['-q', '-of', 'VRT', '-srcwin', '0', '0', '2048', '4096', scene, window]);
  const meanScript = `import numpy as np\nfrom osgeo import gdal\nds = gdal.Open('${scene}')\nr = ds.GetRasterBand(1).ReadAsArray().astype(np.float64)\nn = ds.GetRasterBand(2).ReadAsArray().astype(np.float64)\nprint(repr(((n - r) / (n + r)).mean()))\n`;
  const meanFile = path.join(dir, 'mean.py');
  writeFileSync(meanFile, meanScript);
  try {
    // Not measured: the first query loads the workers' modules (a one-off of the server, not of a query).
    await query('for $c in (scene) return encode((float)($c.nir - $c.red)[E(500000:501000), N(4699000:4700000)], "image/tiff")');
    for (let i = 0; i < RUNS; i++) {
      settings.log(`round ${i + 1} of ${RUNS}`);
      let body = Buffer.alloc(0);
      const a = await timed(async () => {
        body = await query(ndvi);
      });
      out.meridianNdvi.push(a.ms);
      cpu.meridianNdvi.push(a.cpuMs);
      idle.push(a.idleMb);
      out.rssNdvi.push(a.peakMb);
      out.addedNdvi.push(a.addedMb);
      const tif = path.join(dir, 'meridian.tif');
      writeFileSync(tif, body);
      sizes.meridian = body.length;
      let text = '';
      const b = await timed(async () => {
        text = (await query(mean)).toString();
      });
      means.meridian = Number(text);
      out.meridianMean.push(b.ms);
      cpu.meridianMean.push(b.cpuMs);
      out.rssMean.push(b.peakMb);
      out.addedMean.push(b.addedMb);
      const raw = await timed(async () => {
        writeFileSync(path.join(dir, 'meridian-raw.tif'), await query(ndviRaw));
      });
      out.meridianRaw.push(raw.ms);
      cpu.meridianRaw.push(raw.cpuMs);
      out.rssRaw.push(raw.peakMb);
      out.addedRaw.push(raw.addedMb);
      const gRaw = await run('gdal_calc.py', ['--quiet', '--overwrite', '-A', window, '--A_band=1', '-B', window, '--B_band=2', '--type=Float32', '--outfile', path.join(dir, 'gdal-raw.tif'), '--calc=(B.astype(numpy.float64)-A)/(B.astype(numpy.float64)+A)']);
      out.gdalRaw.push(gRaw.ms);
      cpu.gdalRaw.push(gRaw.cpuMs);
      out.gdalRssRaw.push(gRaw.peakKb / 1024);
      const gdalTif = path.join(dir, 'gdal.tif');
      const g = await run('gdal_calc.py', ['--quiet', '--overwrite', '-A', window, '--A_band=1', '-B', window, '--B_band=2', '--type=Float32', '--outfile', gdalTif, '--calc=(B.astype(numpy.float64)-A)/(B.astype(numpy.float64)+A)', '--co', 'COMPRESS=DEFLATE', '--co', 'PREDICTOR=3', '--co', 'ZLEVEL=1', '--co', 'TILED=YES']);
      out.gdalNdvi.push(g.ms);
      cpu.gdalNdvi.push(g.cpuMs);
      out.gdalRssNdvi.push(g.peakKb / 1024);
      sizes.gdal = statSync(gdalTif).size;
      const m = await run(PYTHON, [meanFile]);
      means.gdal = Number(m.stdout.trim());
      out.gdalMean.push(m.ms);
      cpu.gdalMean.push(m.cpuMs);
      out.gdalRssMean.push(m.peakKb / 1024);
    }
    // Same pixels as gdal_calc.py's: read both back.
    const check = await run(PYTHON, ['-c', `import numpy as np\nfrom osgeo import gdal\na = gdal.Open('${path.join(dir, 'meridian.tif')}'); b = gdal.Open('${path.join(dir, 'gdal.tif')}')\nx = a.ReadAsArray(); y = b.ReadAsArray()\nprint(x.shape == y.shape and a.GetGeoTransform() == b.GetGeoTransform(), float(np.abs(x - y).max()))`]);
    const [sameGrid, maxDiff] = check.stdout.trim().split(' ');
    const checkRaw = await run(PYTHON, ['-c', `import numpy as np\nfrom osgeo import gdal\na = gdal.Open('${path.join(dir, 'meridian-raw.tif')}'); b = gdal.Open('${path.join(dir, 'gdal-raw.tif')}')\nprint(a.GetRasterBand(1).GetMetadataItem('COMPRESSION', 'IMAGE_STRUCTURE'), b.GetRasterBand(1).GetMetadataItem('COMPRESSION', 'IMAGE_STRUCTURE'), float(np.abs(a.ReadAsArray() - b.ReadAsArray()).max()))`]);
    const [rawCompression, gdalRawCompression, rawDiff] = checkRaw.stdout.trim().split(' ');
    const table = [
      { case: 'NDVI west half -> uncompressed Float32 GeoTIFF strips (gdal_calc.py default)', meridian: `${best(out.meridianRaw).toFixed(0)} ms`, gdal: `${best(out.gdalRaw).toFixed(0)} ms (gdal_calc.py)`, ratio: (best(out.meridianRaw) / best(out.gdalRaw)).toFixed(2), ...cpuColumns(cpu.meridianRaw, cpu.gdalRaw), 'meridian peak RSS': `${Math.max(...out.rssRaw).toFixed(0)} MiB`, 'meridian RSS added': `${Math.max(...out.addedRaw).toFixed(0)} MiB`, 'gdal peak RSS': `${Math.max(...out.gdalRssRaw).toFixed(0)} MiB` },
      { case: 'NDVI west half -> Float32 GeoTIFF (2048x4096)', meridian: `${best(out.meridianNdvi).toFixed(0)} ms`, gdal: `${best(out.gdalNdvi).toFixed(0)} ms (gdal_calc.py)`, ratio: (best(out.meridianNdvi) / best(out.gdalNdvi)).toFixed(2), ...cpuColumns(cpu.meridianNdvi, cpu.gdalNdvi), 'meridian peak RSS': `${Math.max(...out.rssNdvi).toFixed(0)} MiB`, 'meridian RSS added': `${Math.max(...out.addedNdvi).toFixed(0)} MiB`, 'gdal peak RSS': `${Math.max(...out.gdalRssNdvi).toFixed(0)} MiB` },
      { case: 'avg NDVI whole scene (4096x4096)', meridian: `${best(out.meridianMean).toFixed(0)} ms`, gdal: `${best(out.gdalMean).toFixed(0)} ms (numpy+osgeo.gdal)`, ratio: (best(out.meridianMean) / best(out.gdalMean)).toFixed(2), ...cpuColumns(cpu.meridianMean, cpu.gdalMean), 'meridian peak RSS': `${Math.max(...out.rssMean).toFixed(0)} MiB`, 'meridian RSS added': `${Math.max(...out.addedMean).toFixed(0)} MiB`, 'gdal peak RSS': `${Math.max(...out.gdalRssMean).toFixed(0)} MiB` },
    ];
    const ratio = Math.max(best(out.meridianRaw) / best(out.gdalRaw), best(out.meridianNdvi) / best(out.gdalNdvi), best(out.meridianMean) / best(out.gdalMean));
    return {
      name: 'wcps',
      table,
      summary: `WCPS is ${ratio <= 1 ? 'no slower than' : `${ratio.toFixed(2)}x slower than`} GDAL at worst (best of ${RUNS}); same grid as gdal_calc.py: ${sameGrid}, largest cell difference ${maxDiff} (deflate), ${rawDiff} (uncompressed; compression ${rawCompression ?? 'none'} vs ${gdalRawCompression ?? 'none'}); gdal_calc.py writes uncompressed strips unless given creation options, so the deflate case passes it ours (DEFLATE, PREDICTOR=3, ZLEVEL=1, TILED=YES); means ${means.meridian} vs ${means.gdal}; file sizes ${sizes.meridian} vs ${sizes.gdal} bytes. Meridian's RSS is the whole server process (and this client) over all rounds so far (idle before the NDVI queries: ${Math.min(...idle).toFixed(0)}-${Math.max(...idle).toFixed(0)} MiB); 'RSS added' is the most a query raised it above where it started. CPU is user + system time of all threads: Meridian's server and this client (one process), GDAL's child (load average at the end ${loadavg().map((l) => l.toFixed(1)).join(' ')}).`,
      metTarget: ratio <= 1,
      data: { ...out, cpu, idleRss: idle, sizes, means, sameGrid, maxDiff, rawDiff },
    };
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export { run_ as run };
