// The export: a whole layer in one GetFeature as GeoJSON, fetched by curl (its body counted on
// the way, feature by feature, and dropped), while the serving processes' resident memory is
// sampled from /proc every 100 ms. Reported: time, bytes, features, RSS before and at its peak.
import { spawn } from 'node:child_process';
import { rssBytes } from '../coverages/proc-stats.js';

export interface ExportRun {
  seconds: number;
  bytes: number;
  features: number;
  status: number;
  rssBeforeMB: number;
  rssPeakMB: number;
  /** Peak over before: the memory the export itself took. */
  rssGrowthMB: number;
}

const MB = 1024 * 1024;
const MARKER = Buffer.from('"Feature"');

export async function exportRun(url: string, pids: () => number[]): Promise<ExportRun> {
  const before = rssBytes(pids());
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, rssBytes(pids()))), 100);
  const started = performance.now();
  try {
    const curl = spawn('curl', ['-sS', '--no-buffer', '-o', '-', '-w', '%{stderr}%{http_code}', url], { stdio: ['ignore', 'pipe', 'pipe'] });
    let features = 0;
    let bytes = 0;
    let tail: Buffer = Buffer.alloc(0);
    let stderr = '';
    curl.stdout.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      // Counted across chunk boundaries: the last bytes of one chunk are searched with the next.
      const text: Buffer = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      for (let at = text.indexOf(MARKER); at !== -1; at = text.indexOf(MARKER, at + MARKER.length)) features++;
      tail = text.subarray(Math.max(0, text.length - MARKER.length + 1));
    });
    curl.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const code = await new Promise<number | null>((resolve, reject) => {
      curl.once('error', reject);
      curl.once('close', resolve);
    });
    const seconds = (performance.now() - started) / 1000;
    peak = Math.max(peak, rssBytes(pids()));
    const status = Number(stderr.trim().split('\n').pop());
    if (code !== 0) throw new Error(`curl exited ${code} on ${url}: ${stderr}`);
    return { seconds, bytes, features, status, rssBeforeMB: before / MB, rssPeakMB: peak / MB, rssGrowthMB: (peak - before) / MB };
  } finally {
    clearInterval(timer);
  }
}
