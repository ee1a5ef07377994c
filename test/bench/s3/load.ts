// A closed-loop load generator for large bodies: `connections` loops, each sending one request
// after the other on its own keep-alive socket for `seconds`, reading every response body to
// its end without keeping it. Reports requests, bytes moved per second and latency percentiles.
import { Agent, request } from 'node:http';

export interface LoadResult {
  requests: number;
  errors: number;
  seconds: number;
  /** Payload bytes per second (response bodies for GET, request bodies for PUT). */
  bytesPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadRequest {
  url: string;
  method: 'GET' | 'PUT';
  headers: Record<string, string>;
  body?: Buffer;
}

function once(agent: Agent, r: LoadRequest): Promise<{ ok: boolean; bytes: number }> {
  return new Promise((resolve) => {
    const req = request(r.url, { method: r.method, headers: r.headers, agent }, (res) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ ok: res.statusCode! < 300, bytes: r.method === 'PUT' ? (r.body?.length ?? 0) : bytes }));
      res.on('error', () => resolve({ ok: false, bytes: 0 }));
    });
    req.on('error', () => resolve({ ok: false, bytes: 0 }));
    req.end(r.body);
  });
}

/** One request on a fresh connection (setup steps: a timed loop may end before its first request). */
export async function send(r: LoadRequest): Promise<boolean> {
  const agent = new Agent({ keepAlive: false });
  try {
    return (await once(agent, r)).ok;
  } finally {
    agent.destroy();
  }
}

const percentile = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

/** Runs `make(loop)` requests from `connections` loops for `seconds`. */
export async function load(make: (loop: number) => LoadRequest, connections: number, seconds: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  let bytes = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async (_, loop) => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      try {
        while (performance.now() < until) {
          const t = performance.now();
          const r = await once(agent, make(loop));
          if (!r.ok) errors++;
          else {
            latencies.push(performance.now() - t);
            bytes += r.bytes;
          }
        }
      } finally {
        agent.destroy();
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, errors, seconds: elapsed, bytesPerSec: bytes / elapsed, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}
