import { randomBytes } from 'node:crypto';
import { readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Runner ids name the host, the process and the runner instance: `host/pidns:pid:nonce`.
 * They let a runner tell at once that a job's holder died on this machine (its process is gone,
 * or it was an earlier process with our pid), instead of waiting for the lease to expire.
 * The PID namespace is part of the host so containers sharing a hostname never judge each
 * other's pids.
 */
const HOST = `${hostname()}/${pidNamespace()}`;

/** Runners alive in this process (several queues may share one process, as tests do). */
const liveRunners = new Set<string>();

function pidNamespace(): string {
  try {
    return readlinkSync('/proc/self/ns/pid').replace(/[^0-9]/g, '') || 'ns';
  } catch {
    return 'ns';
  }
}

export function newRunnerId(): string {
  const id = `${HOST}:${process.pid}:${randomBytes(4).toString('hex')}`;
  liveRunners.add(id);
  return id;
}

export function retireRunnerId(id: string): void {
  liveRunners.delete(id);
}

/**
 * True when `runnerId` certainly belongs to a runner that no longer runs: on this host, either
 * its process is gone or it is this process but not one of its live runners. False when alive or
 * unknowable (another host): the lease decides then.
 */
export function isRunnerGone(runnerId: string): boolean {
  const match = /^(.*):(\d+):([0-9a-f]+)$/.exec(runnerId);
  if (!match || match[1] !== HOST) return false;
  const pid = Number(match[2]);
  if (pid === process.pid) return !liveRunners.has(runnerId);
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
