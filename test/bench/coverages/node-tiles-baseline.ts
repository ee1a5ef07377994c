// Starts node-tiles.ts (raw node:http over node:cluster serving a folder's tiles from memory) in
// a child process and hands back its origin and processes, for the WMTS case's second baseline.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('./node-tiles.ts', import.meta.url));

export interface NodeTiles {
  origin: string;
  /** Its paths are /tiles/<file> (as nginx's). */
  tilesPath: string;
  pids(): number[];
  close(): Promise<void>;
}

export async function startNodeTiles(dir: string, processes: number): Promise<NodeTiles> {
  const child = spawn(process.execPath, [...process.execArgv, script, dir, String(processes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line as string),
    once(child, 'exit').then(([code]) => {
      throw new Error(`node-tiles exited (${String(code)}) before it listened`);
    }),
  ]);
  lines.close();
  const { origin, pids } = JSON.parse(first) as { origin: string; pids: number[] };
  return {
    origin,
    tilesPath: '/tiles',
    pids: () => pids,
    async close() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
