// Where a thread's time went, from a V8 .cpuprofile (node --cpu-prof), optionally only over one
// run's window (`window` in the benchmark's JSON, µs of the monotonic clock the profile uses):
//   node --import tsx test/bench/coverages/profile-summary.ts PROFILE [FROM_US-TO_US] [TOP]
// Prints the functions with the most self time and the most inclusive time (own frames plus
// callees, each function counted once per sample however deep it recurses).
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const [file, windowArg, topArg] = process.argv.slice(2);
if (!file) {
  process.stderr.write('usage: profile-summary.ts PROFILE [FROM_US-TO_US] [TOP]\n');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
const top = Number(topArg ?? 30);
const [from, to] = windowArg ? windowArg.split('-').map(Number) : [-Infinity, Infinity];

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const label = (n: ProfileNode) => {
  const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*?\/(core|plugins|node_modules|test)\//, '$1/');
  return `${n.callFrame.functionName || '(anonymous)'} ${url}${url ? `:${n.callFrame.lineNumber + 1}` : ''}`;
};

const self = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let t = profile.startTime;
for (let i = 0; i < profile.samples.length; i++) {
  const dt = profile.timeDeltas[i] ?? 0;
  t += dt;
  if (t < from! || t > to!) continue;
  total += dt;
  const leaf = byId.get(profile.samples[i]!)!;
  self.set(label(leaf), (self.get(label(leaf)) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) {
    const name = label(byId.get(id)!);
    if (seen.has(name)) continue;
    seen.add(name);
    inclusive.set(name, (inclusive.get(name) ?? 0) + dt);
  }
}

const print = (title: string, m: Map<string, number>) => {
  process.stdout.write(`\n${title} (of ${(total / 1000).toFixed(0)} ms)\n`);
  for (const [name, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) process.stdout.write(`${((100 * us) / total).toFixed(1).padStart(6)}%  ${name}\n`);
};
print('self time', self);
print('inclusive time', inclusive);
