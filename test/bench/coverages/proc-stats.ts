// CPU time and resident memory of processes read from /proc, so that every server of this
// benchmark (Meridian and its worker threads, nginx's master and workers, the mapserv FastCGI
// processes) is accounted the same way, whatever it is written in.
import { readdirSync, readFileSync } from 'node:fs';

/** Linux clock ticks per second (USER_HZ): 100 on every architecture Node runs on. */
const TICKS_PER_SEC = 100;

function statFields(pid: number): string[] | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) is in parentheses and may hold spaces: split after its last ')'.
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** User + system CPU time of the processes (all their threads), in µs; a process gone counts 0. */
export function cpuMicros(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    const f = statFields(pid);
    // After the name: state is f[0], so utime (field 14) is f[11] and stime (field 15) f[12].
    if (f) ticks += Number(f[11]) + Number(f[12]);
  }
  return (ticks * 1e6) / TICKS_PER_SEC;
}

/** Resident set size of the processes, in bytes (VmRSS); a process gone counts 0. */
export function rssBytes(pids: number[]): number {
  let kib = 0;
  for (const pid of pids) {
    try {
      const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kib += Number(m[1]);
    } catch {
      // gone
    }
  }
  return kib * 1024;
}

/** Whether the process still runs (not a zombie). */
export function alive(pid: number): boolean {
  const f = statFields(pid);
  return f !== undefined && f[0] !== 'Z';
}

/** The processes whose parent is `ppid` (nginx's workers under its master). */
export function childPids(ppid: number): number[] {
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const f = statFields(Number(entry));
    // ppid is field 4: f[1].
    if (f && Number(f[1]) === ppid) out.push(Number(entry));
  }
  return out;
}
